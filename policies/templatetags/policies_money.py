"""{% load policies_money %}: {{ amount_fen|yuan }} → 12,345.67; {{ amount_fen|wan }} → 1.2346万元."""

from __future__ import annotations

from django import template

from policies import money

register = template.Library()


@register.filter
def yuan(fen: int | None) -> str:
    return money.yuan(fen)


@register.filter
def wan(fen: int | None) -> str:
    return money.wan(fen)
