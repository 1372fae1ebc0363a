"""{% load policies_whatif %} (the page of 政策模拟): {{ delta_fen|signed_yuan }} → +1,000.00 / -500.00;
{{ fen|abs_fen }} the size of an amount."""

from __future__ import annotations

from django import template

from policies import simulation

register = template.Library()


@register.filter
def signed_yuan(fen: int | None) -> str:
    return "" if fen is None else simulation.signed_yuan(int(fen))


@register.filter
def abs_fen(fen: int | None) -> int | None:
    return None if fen is None else abs(int(fen))
