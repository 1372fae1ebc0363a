"""{% load numbers %}: every number a page shows, through core.money (docs/architecture.md, "Presentation").

Money (integer fen):
    {{ fen|yuan }} → 12,345.67     {{ fen|yuan_text }} → 12,345.67元     {{ fen|signed_yuan }} → +1,000.00
    {{ fen|wan }} → 1,000.00万元   {{ fen|yi }} → 1.2000亿元    {{ fen|money_auto }} → 元/万元/亿元 by size
    {% common_unit a b c as unit %} then {{ a|money:unit }} {{ b|money:unit }}: one unit for a row of tiles
Other exact numbers (Decimal, int or their text, never a float):
    {{ revenue_wan|amount }} → 282,123.52 (the unit is in the header or the sentence)
    {{ target|figure }} → 1800.00 / 35,000.00 (fixed decimals)
    {{ fen|money_number:"wan" }} → 1,000.00 (the unit in the column header)
    {{ revenue_wan|wan_yuan }} → 282,123.52万元   {{ area_m2|area }} → 171,682.85   {{ n|count }} → 57,600
    (figures group thousands from five digits on, GB/T 15835-2011: 1800.00, 5760; money from four)
    {{ ratio|percent }} → 60.5%                   {{ ppm|ppm_percent }} → 4.35%
An empty value (None or "") gives "—" for the number filters, so a table cell is never blank by accident.
"""

from __future__ import annotations

from typing import Any

from django import template

from core import money

register = template.Library()

DASH = "—"


def _or_dash(value: Any, text: str) -> str:
    return DASH if value is None or value == "" else text


@register.filter
def yuan(fen: int | None) -> str:
    return _or_dash(fen, money.yuan(fen))


@register.filter
def yuan_text(fen: int | None) -> str:
    return _or_dash(fen, money.yuan_text(fen))


@register.filter
def signed_yuan(fen: int | None) -> str:
    return _or_dash(fen, money.signed_yuan(fen))


@register.filter
def wan(fen: int | None) -> str:
    return _or_dash(fen, money.wan(fen))


@register.filter
def yi(fen: int | None) -> str:
    return _or_dash(fen, money.yi(fen))


@register.filter
def money_auto(fen: int | None) -> str:
    return _or_dash(fen, money.money_auto(fen))


@register.filter(name="money")
def money_in(fen: int | None, unit: str = money.YUAN) -> str:
    return _or_dash(fen, money.in_unit(fen, unit or money.YUAN))


@register.filter
def money_number(fen: int | None, unit: str = money.YUAN) -> str:
    """The number alone in a unit named by the column header ("资金（万元）")."""
    return _or_dash(fen, money.in_unit(fen, unit or money.YUAN, with_unit=False))


@register.filter
def signed_money(fen: int | None, unit: str = money.YUAN) -> str:
    return _or_dash(fen, money.in_unit(fen, unit or money.YUAN, signed=True))


@register.simple_tag
def common_unit(*fens: int | None) -> str:
    return money.common_unit(*fens)


@register.filter
def magnitude(value: Any) -> Any:
    """The size of an amount (an overspend shown as "超出 500.00 元")."""
    return None if value is None or value == "" else abs(value)


@register.filter
def amount(value: Any, places: int = 2) -> str:
    """Money already in a unit (revenue in 万元): grouped like money, 1,200.50."""
    return _or_dash(value, money.decimal_text(value, int(places), group_from=money.MONEY_GROUP_FROM))


@register.filter
def figure(value: Any, places: int = 2) -> str:
    """A measured figure with fixed decimals (a target, an area): 1800.00, 35,000.00."""
    return _or_dash(value, money.decimal_text(value, int(places)))


@register.filter
def wan_yuan(value: Any) -> str:
    """An amount already in 万元 (a Decimal, as the registry stores revenue): 282,123.52万元."""
    text = money.decimal_text(value, 2, group_from=money.MONEY_GROUP_FROM)
    return _or_dash(value, f"{text}{money.UNIT_WORDS[money.WAN]}")


@register.filter
def area(value: Any) -> str:
    return _or_dash(value, money.decimal_text(value, 2))


@register.filter
def count(value: Any) -> str:
    return _or_dash(value, money.count(value))


@register.filter
def percent(value: Any, places: int = 2) -> str:
    return _or_dash(value, money.percent(value, int(places)))


@register.filter
def ppm_percent(ppm: int | None) -> str:
    return _or_dash(ppm, money.ppm_percent(ppm))
