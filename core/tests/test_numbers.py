"""Numbers as officials read them: the money kernel (core.money), the filters every page uses
({% load numbers %}) and what the pages show."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.template import Context, Template

from core import money
from portal.testing.world import World


@pytest.mark.parametrize(
    ("fen", "yuan", "yuan_text", "wan", "auto"),
    [
        (0, "0.00", "0.00元", "0.00万元", "0.00元"),
        (5, "0.05", "0.05元", "0.00万元", "0.05元"),
        (70_000_000, "700,000.00", "700,000.00元", "70.00万元", "70.00万元"),
        (123_456_789, "1,234,567.89", "1,234,567.89元", "123.4568万元", "123.4568万元"),
        (1_000_000_000, "10,000,000.00", "10,000,000.00元", "1,000.00万元", "1,000.00万元"),
        (-50_000, "-500.00", "-500.00元", "-0.05万元", "-500.00元"),
        (12_345_678_900_000, "123,456,789,000.00", "123,456,789,000.00元", "12,345,678.90万元", "1,234.5679亿元"),
    ],
)
def test_money_in_yuan_wan_and_yi(fen: int, yuan: str, yuan_text: str, wan: str, auto: str) -> None:
    assert money.yuan(fen) == yuan
    assert money.yuan_text(fen) == yuan_text
    assert money.wan(fen) == wan
    assert money.money_auto(fen) == auto


def test_money_in_and_out_is_exact_and_never_a_float() -> None:
    assert money.to_fen("1,234.56") == 123_456 and money.to_fen(Decimal("0.1")) == 10 and money.to_fen(3) == 300
    for bad in ("1.234", "abc", "NaN", "Infinity"):
        with pytest.raises(ValueError):
            money.to_fen(bad)
    with pytest.raises(TypeError):
        money.to_fen(0.1)
    with pytest.raises(TypeError):
        money.decimal_text(322.8)
    assert money.fen_to_yuan(123_456) == Decimal("1234.56")
    # One unit for a row of figures shown side by side.
    assert money.common_unit(800_00, 52_000_00) == money.WAN
    assert money.common_unit(800_00, 5_00) == money.YUAN
    assert money.common_unit(None, 2 * money.FEN_PER_YI) == money.YI
    assert money.in_unit(5_000_000, money.WAN, signed=True) == "+5.00万元"
    assert money.legal_amount(1_000_000_000) == "1000万元" and money.legal_amount(20_050) == "200.50元"


def test_figures_group_from_five_digits_money_from_four() -> None:
    """GB/T 15835-2011 leaves four-digit numbers whole (1800, 2025); ledgers group money (7,000.00)."""
    assert money.decimal_text(Decimal("171682.850000"), 2) == "171,682.85"
    assert money.decimal_text(Decimal("1800"), 2) == "1800.00"
    assert money.decimal_text("282123.520000000", 2, group_from=money.MONEY_GROUP_FROM) == "282,123.52"
    assert money.decimal_text(Decimal("1200.5"), 2, group_from=money.MONEY_GROUP_FROM) == "1,200.50"
    assert money.decimal_text(Decimal("2.675"), 2) == "2.68"  # half up, not to even
    assert (money.count(57_600), money.count(5_760), money.count("2025")) == ("57,600", "5760", "2025")
    assert money.percent(Decimal("0.605")) == "60.5%" and money.percent(Decimal("1")) == "100%"
    assert money.ppm_percent(43_500) == "4.35%" and money.ppm_percent(300_000) == "30%"


def render(source: str, **context: object) -> str:
    return Template("{% load numbers %}" + source).render(Context(context))


def test_the_filters() -> None:
    assert (
        render("{{ v|yuan }} {{ v|yuan_text }} {{ v|wan }}", v=123_456_789)
        == "1,234,567.89 1,234,567.89元 123.4568万元"
    )
    shown = render("{{ v|area }} {{ n|count }} {{ r|amount }}", v=Decimal("171682.85"), n=57_600, r=Decimal("1200.5"))
    assert shown == "171,682.85 57,600 1,200.50"
    assert render("{{ r|amount }}", r=Decimal("282123.520000000")) == "282,123.52"
    assert render("{{ r|wan_yuan }}", r=Decimal("282123.52")) == "282,123.52万元"
    assert render("{{ v|yuan }}|{{ v|area }}|{{ v|count }}", v=None) == "—|—|—"
    row = "{% common_unit a b as unit %}{{ a|money:unit }} {{ b|money:unit }} {{ d|signed_money:unit }}"
    assert render(row, a=40_000_000, b=45_000_000, d=5_000_000) == "40.00万元 45.00万元 +5.00万元"
    assert render('{{ v|money_number:"wan" }}', v=1_000_000_000) == "1,000.00"


@pytest.mark.django_db
def test_pages_show_areas_counts_and_revenue_with_separators(world: World, login) -> None:
    base = world.bases["rongchang"]
    base.area_m2 = Decimal("171682.85")
    base.save()
    ent = world.enterprises["rc1"]
    ent.annual_revenue, ent.employees = Decimal("282123.52"), 57_600
    ent.save()
    client = login("ministry")
    detail = client.get(f"/bases/{base.pk}/").content.decode()
    assert "171,682.85 ㎡" in detail and "171682.85" not in detail
    bases = client.get("/bases/").content.decode()
    assert '<td class="num">171,682.85</td>' in bases
    enterprises = client.get("/enterprises/").content.decode()
    assert '<td class="num money">282,123.52</td>' in enterprises and '<td class="num">57,600</td>' in enterprises
    page = client.get(f"/enterprises/{ent.pk}/").content.decode()
    assert "282,123.52" in page and "57,600" in page and "2025年" in page
    # Exports keep the numbers as numbers.
    body = b"".join(client.get("/enterprises/", {"export": "csv"}).streaming_content).decode("utf-8-sig")
    assert "282123.52" in body and "57600" in body
