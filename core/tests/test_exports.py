"""core.exports: a CSV cell is the text a page shows; a workbook cell a typed value shown the same
way (Decimals exact, never a float's tail); file and sheet names in Chinese."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal
from urllib.parse import quote

import openpyxl
import pytest
from django.utils import timezone, translation
from django.utils.formats import localize
from django.utils.timezone import template_localtime  # type: ignore[attr-defined]  # missing from the stubs
from django.utils.translation import gettext_lazy

from core import exports, money

VALUES = [
    0,
    7,
    -12,
    57600,
    2**60,
    Decimal("1200.50"),
    Decimal("-0.01"),
    Decimal("0E-2"),
    Decimal("282123.520000000"),
    Decimal("4E+4"),
    Decimal("12345678901234567.89"),
    datetime.date(2026, 3, 1),
    datetime.datetime(2026, 3, 1, 23, 30, 5, tzinfo=datetime.UTC),
    gettext_lazy("是"),
    "荣昌<夏布>",
]


@pytest.mark.parametrize("value", VALUES)
def test_a_csv_cell_is_what_a_page_shows(value: object) -> None:
    with translation.override("zh-hans"), timezone.override("Asia/Shanghai"):
        assert exports.shown(value) == str(localize(template_localtime(value)))
    assert exports.shown(None) == ""


def test_workbook_cells_are_typed_and_exact() -> None:
    out = io.BytesIO()
    row = [
        Decimal("1200.50"), Decimal("282123.520000000"), Decimal("12345678901234567.89"), 57600, 2015,
        datetime.date(2026, 3, 1), datetime.datetime(2026, 3, 1, 15, 30, tzinfo=datetime.UTC), True, None,
        gettext_lazy("示范基地"), money.fen_to_yuan(4_000_000),
    ]  # fmt: skip
    with timezone.override("Asia/Shanghai"):
        exports.write_xlsx(out, [f"c{i}" for i in range(len(row))], [row], sheet="示范基地",
                           grouped=[True, True, True, True, False])  # fmt: skip
    ws = openpyxl.load_workbook(io.BytesIO(out.getvalue()))["示范基地"]
    cells = next(iter(ws.iter_rows(min_row=2)))
    assert (cells[0].value, cells[0].number_format) == (1200.5, "#,##0.00")
    assert (cells[1].value, cells[1].number_format) == (282123.52, "#,##0.000000000")
    assert cells[2].value == "12345678901234567.89"  # 19 digits: exact text, not a rounded float
    assert (cells[3].value, cells[3].number_format) == (57600, "#,##0")
    assert (cells[4].value, cells[4].number_format) == (2015, "General")  # a year: no separator
    assert cells[5].value.timetuple()[:6] == (2026, 3, 1, 0, 0, 0) and cells[5].number_format == "yyyy-mm-dd"
    assert cells[6].value.timetuple()[:5] == (2026, 3, 1, 23, 30)  # local time (UTC+8)
    assert cells[6].number_format == "yyyy-mm-dd hh:mm:ss"
    assert [c.value for c in cells[7:10]] == ["是", None, "示范基地"]
    assert (cells[10].value, cells[10].number_format) == (40000, "0.00")


def test_names_in_chinese() -> None:
    moment = datetime.datetime(2026, 12, 1, 7, 30, tzinfo=datetime.UTC)
    with timezone.override("Asia/Shanghai"):
        assert exports.filename("示范基地", "xlsx", moment) == "示范基地-20261201-1530.xlsx"
    # Excel refuses []:*?/\ in a sheet name (the full-width colon is another character).
    assert exports.sheet_name("国家电子商务示范基地/城市：名单[2026]?*:") == "国家电子商务示范基地城市：名单2026"
    assert exports.sheet_name("") == "数据" and len(exports.sheet_name("很" * 40)) == 31
    header = exports.disposition("示范基地-20261201-1530.xlsx")
    assert header == (
        f"attachment; filename=\"20261201-1530.xlsx\"; filename*=UTF-8''{quote('示范基地-20261201-1530.xlsx')}"
    )
