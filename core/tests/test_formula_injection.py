"""Finding 2 of the security review: a text someone typed never comes back as a formula.

A roster name such as `=cmd|' /C calc'!A0` or `=HYPERLINK("http://…","点击查看")` is exported as a
string cell with Excel's quote prefix (.xlsx: shown as typed, text even when edited) and with a
leading ' (.csv), by every writer of core: list exports (direct and as a background job), the error
workbooks of imports, tables written with `WorkbookWriter`. Numbers stay typed numbers, a negative
one too.
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.test import override_settings

from core import exports, tabular
from core.models import Job
from core.tabular.writing import defuse_csv, formula_like
from portal.testing.world import World
from registry.models import Enterprise

HOSTILE = [
    "=cmd|' /C calc'!A0",
    '=HYPERLINK("http://example.invalid/?q=1","点击查看")',
    "+1+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    '＝HYPERLINK("http://example.invalid")',
    "＋1＋1",
    "－1＋1",
    "＠SUM(1)",
    " =1+1",
]
HARMLESS = ["荣昌夏布有限公司", "A-1 号楼", "1+1", "-12", "-1,200.50", "+3.5", "—", ""]


def test_what_a_spreadsheet_would_evaluate() -> None:
    assert all(formula_like(text) for text in HOSTILE)
    assert not any(formula_like(text) for text in HARMLESS)
    assert defuse_csv("=1+1") == "'=1+1" and defuse_csv("-12") == "-12" and defuse_csv("荣昌") == "荣昌"


def workbook_row(content: bytes, row: int = 2) -> list[openpyxl.cell.Cell]:
    sheet = openpyxl.load_workbook(io.BytesIO(content)).worksheets[0]
    return list(next(iter(sheet.iter_rows(min_row=row, max_row=row))))


def assert_text_cell(cell: openpyxl.cell.Cell, text: str) -> None:
    assert cell.data_type == "s", (text, cell.data_type)  # a string, never 'f' (formula)
    assert cell.value.replace("_x000D_", "\r") == text  # shown as typed (XML escapes a carriage return)
    assert cell.quotePrefix  # Excel's ' : stays text when the cell is edited


@pytest.mark.parametrize("name", HOSTILE)
def test_a_list_export_writes_no_formula_and_numbers_stay_numbers(name: str) -> None:
    headers = ["企业名称", "年营业收入（万元）", "从业人数", "差额（元）"]
    row = [name, Decimal("-1200.50"), -3, "-1,200.50"]
    out = io.BytesIO()
    exports.write_xlsx(out, headers, [row], sheet="企业")
    cells = workbook_row(out.getvalue())
    assert_text_cell(cells[0], name)
    assert (cells[1].data_type, cells[1].value) == ("n", -1200.5)  # a negative number is a number
    assert (cells[2].data_type, cells[2].value) == ("n", -3)
    assert cells[3].value == "-1,200.50" and not cells[3].quotePrefix  # a signed number as text: no formula

    body = b"".join(line.encode() for line in exports.csv_lines(headers, [row]))
    [_header, written] = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert written[0] == "'" + name  # OWASP: a leading single quote
    assert written[1:] == ["-1200.50", "-3", "-1,200.50"]  # numbers untouched


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
@pytest.mark.parametrize("job_rows", [10_000, 0], ids=["direct", "export_job"])
def test_an_imported_name_comes_back_inert_from_the_enterprise_list(
    world: World, login, tmp_path: Path, fmt: str, job_rows: int
) -> None:
    """The reviewer's case end to end: the names are stored, then the ministry exports the list,
    as a file at once and as a background job (core.exportjobs)."""
    names = {HOSTILE[0]: world.enterprises["rc1"], HOSTILE[1]: world.enterprises["rc2"]}
    for name, enterprise in names.items():
        Enterprise.objects.filter(pk=enterprise.pk).update(name=name, name_normalized=name)
    client = login("ministry")
    settings = {"ECBASE_EXPORT_JOB_ROWS": job_rows, "MEDIA_ROOT": str(tmp_path), "ECBASE_TASKS_EAGER": True}
    with override_settings(**settings):
        response = client.get("/enterprises/", {"export": fmt})
        if job_rows == 0:
            job = Job.objects.get(kind="export")
            assert job.status == Job.Status.SUCCEEDED
            response = client.get(f"/exports/{job.pk}/file/")
    body = b"".join(response.streaming_content)
    if fmt == "xlsx":
        sheet = openpyxl.load_workbook(io.BytesIO(body)).worksheets[0]
        cells = {c.value: c for row in sheet.iter_rows(min_row=2) for c in row}
        assert not [c for row in sheet.iter_rows() for c in row if c.data_type == "f"]
        for name in names:
            assert_text_cell(cells[name], name)
    else:
        texts = {value for row in csv.reader(io.StringIO(body.decode("utf-8-sig"))) for value in row}
        for name in names:
            assert "'" + name in texts and name not in texts


def test_the_error_workbook_of_an_import_writes_no_formula(tmp_path: Path) -> None:
    """Rejected rows go back to their author, then to whoever opens the file: each cell as text."""
    headers = ["企业名称", "从业人数", "备注"]
    rows: list[list[Any]] = [[HOSTILE[0], -3, HOSTILE[1]], [HOSTILE[2], "十个", "@SUM(1)"]]
    errors = [
        tabular.cell_error(2, "从业人数", -3, "negative"),
        tabular.cell_error(3, "从业人数", "十个", "not_number"),
        tabular.cell_error(3, "企业名称", HOSTILE[2], "too_long", max=5),
    ]
    target = tmp_path / "errors.xlsx"
    tabular.error_workbook(target, sheet="入驻企业", headers=headers, rows=rows, errors=errors)
    book = openpyxl.load_workbook(target)
    formulas = [c.coordinate for ws in book.worksheets for row in ws.iter_rows() for c in row if c.data_type == "f"]
    assert formulas == []
    first, second = (workbook_row(target.read_bytes(), r) for r in (2, 3))
    assert_text_cell(first[0], HOSTILE[0])
    assert_text_cell(first[2], HOSTILE[1])
    assert (first[1].data_type, first[1].value) == ("n", -3)  # the bad number, still a number
    assert_text_cell(second[0], HOSTILE[2])  # a bad cell (red fill) keeps the quote prefix
    assert second[0].fill.fgColor.rgb.endswith("FFC7CE")
    listing = book[tabular.ERROR_SHEET]
    values = {c.value: c for row in listing.iter_rows(min_row=2) for c in row}
    assert values[HOSTILE[2]].quotePrefix  # 错误清单's value column too


def test_a_table_of_the_writer_writes_typed_text() -> None:
    out = io.BytesIO()
    writer = tabular.WorkbookWriter(out)
    ws = writer.table("结果", ["名称", "金额"])
    writer.write_value(ws, 1, 0, HOSTILE[1])
    writer.write_value(ws, 1, 1, -5)
    writer.close()
    cells = workbook_row(out.getvalue())
    assert_text_cell(cells[0], HOSTILE[1])
    assert (cells[1].data_type, cells[1].value) == ("n", -5)
