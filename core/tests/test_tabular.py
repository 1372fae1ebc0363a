"""The tabular kernel: cells read into typed values, one set of yes/no words, errors naming row,
column and rule, files opened, templates and error workbooks written."""

from __future__ import annotations

import csv
import datetime
import io
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from core import tabular
from core.tabular import CellProblem

D = datetime.date


def excel_datetime(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime.datetime:
    """A date-time cell as calamine gives it: naive, as Excel stores it (a cell has no time zone)."""
    return datetime.datetime(year, month, day, hour, minute)  # noqa: DTZ001  (the naive value is what is read)


def problem(read: Any, value: Any, **kwargs: Any) -> str:
    with pytest.raises(CellProblem) as caught:
        read(value, **kwargs)
    return caught.value.code


# ---- yes and no ---------------------------------------------------------------------------------


@pytest.mark.parametrize("word", sorted(tabular.YES_WORDS))
def test_every_yes_word_reads_yes_in_any_case(word: str) -> None:
    assert tabular.read_bool(word) is True
    assert tabular.read_bool(f" {word.lower()} ") is True


@pytest.mark.parametrize("word", sorted(tabular.NO_WORDS))
def test_every_no_word_reads_no_in_any_case(word: str) -> None:
    assert tabular.read_bool(word) is False
    assert tabular.read_bool(word.capitalize()) is False


def test_the_words_of_both_former_readers_are_all_there() -> None:
    # The roster import took √/Y/1/是的, the facts workbook 是/TRUE: both take all of them now.
    for word in ("是", "是的", "√", "Y", "YES", "TRUE", "1", "有"):
        assert tabular.read_bool(word) is True
    for word in ("否", "×", "N", "NO", "FALSE", "0", "无"):
        assert tabular.read_bool(word) is False
    assert not tabular.YES_WORDS & tabular.NO_WORDS


def test_full_width_forms_excel_booleans_and_numbers() -> None:
    assert tabular.read_bool("ＹＥＳ") is True and tabular.read_bool("ｙ") is True and tabular.read_bool("１") is True
    assert tabular.read_bool("ＦＡＬＳＥ") is False and tabular.read_bool("０") is False
    assert tabular.read_bool(True) is True and tabular.read_bool(False) is False
    assert tabular.read_bool(1) is True and tabular.read_bool(1.0) is True and tabular.read_bool(0) is False
    for bad in ("也许", "2", 2, "是否", "OK"):
        assert problem(tabular.read_bool, bad) == "bad_bool"


def test_the_yes_no_rule_lists_the_words() -> None:
    error = tabular.cell_error(4, "是否电商企业", "也许", "bad_bool")
    assert error.message.startswith("第 4 行「是否电商企业」：应填写“是”或“否”")
    assert "√/×" in error.message and "TRUE/FALSE" in error.message


# ---- numbers ------------------------------------------------------------------------------------


def test_numbers_are_exact_from_floats_text_and_full_width() -> None:
    assert tabular.read_number(1234.56) == Decimal("1234.56")  # never 1234.5599…
    assert tabular.read_number("1,234.5") == Decimal("1234.5")
    assert tabular.read_number("１，２３４") == Decimal(1234)
    assert tabular.read_number(" 7 ") == 7
    for bad in (True, "很多", "12元", float("nan"), "inf", ""):
        assert problem(tabular.read_number, bad) == "not_number"


def test_integers() -> None:
    assert tabular.read_integer(12.0) == 12 and tabular.read_integer("1e3") == 1000
    assert problem(tabular.read_integer, 2.5) == "not_integer"
    assert problem(tabular.read_integer, "-1") == "negative"
    assert problem(tabular.read_integer, 0, low=1) == "too_small"
    assert problem(tabular.read_integer, -3, low=1) == "negative"
    assert problem(tabular.read_integer, 11, high=10) == "too_large"
    assert tabular.read_integer(10, high=10) == 10  # the bounds are included


def test_decimals_come_back_with_their_scale() -> None:
    assert str(tabular.read_decimal(5)) == "5.00"
    assert str(tabular.read_decimal("120.5")) == "120.50"
    assert str(tabular.read_decimal("0.1234", places=4)) == "0.1234"
    assert problem(tabular.read_decimal, "12.345") == "decimals"
    assert problem(tabular.read_decimal, -5) == "negative"
    assert problem(tabular.read_decimal, 101, high=100) == "too_large"
    error = tabular.cell_error(2, "面积", "12.345", "decimals", places=2)
    assert error.message == "第 2 行「面积」：最多保留 2 位小数"


@given(st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False, allow_infinity=False))
def test_a_decimal_typed_as_text_or_stored_as_a_float_reads_back_the_same(value: Decimal) -> None:
    assert tabular.read_decimal(str(value)) == value
    assert tabular.read_decimal(float(value)) == value  # Excel stores the number as a float


# ---- dates --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [D(2025, 1, 31), excel_datetime(2025, 1, 31), "2025-01-31", "2025/1/31", "2025.1.31", "2025年1月31日",
     " 2025 年 1 月 31 日 ", "２０２５－０１－３１", "20250131", "2025-01-31 00:00:00"],
)  # fmt: skip
def test_the_ways_a_date_is_written(value: Any) -> None:
    assert tabular.read_date(value) == D(2025, 1, 31)


def test_a_date_that_does_not_exist_is_told_apart_from_text_that_is_no_date() -> None:
    assert problem(tabular.read_date, "2025-02-30") == "no_such_date"
    assert problem(tabular.read_date, "去年") == "bad_date"
    assert problem(tabular.read_date, 45000) == "bad_date"
    with pytest.raises(CellProblem) as caught:
        tabular.read_date("2025/2/30")
    message = tabular.cell_error(3, "入驻日期", "2025/2/30", caught.value.code, **caught.value.params).message
    assert message == "第 3 行「入驻日期」：不是有效日期（2025 年 2 月没有 30 日）"


def test_a_time_of_day_and_a_future_date_are_refused() -> None:
    assert problem(tabular.read_date, excel_datetime(2025, 1, 31, 10, 30)) == "date_with_time"
    assert problem(tabular.read_date, "2025-01-31 10:30") == "date_with_time"
    assert problem(tabular.read_date, "2025-02-01", today=D(2025, 1, 31)) == "future_date"
    assert tabular.read_date("2025-01-31", today=D(2025, 1, 31)) == D(2025, 1, 31)


def test_years() -> None:
    assert tabular.read_year("2024", low=1949, high=2030) == 2024
    for bad in ("1900", "明年", 2024.5):
        assert problem(tabular.read_year, bad, low=1949, high=2030) == "bad_year"


# ---- text and lists -----------------------------------------------------------------------------


def test_text_of_any_cell() -> None:
    assert tabular.cell_text(None) == "" and tabular.cell_text(" a ") == "a"
    assert tabular.cell_text(500153.0) == "500153" and tabular.cell_text(2.5) == "2.5"
    assert tabular.cell_text(excel_datetime(2025, 1, 31)) == "2025-01-31"
    assert tabular.cell_text(True) == "TRUE"
    assert problem(tabular.read_text, "长" * 5, max_length=4) == "too_long"


def test_choices_by_label_or_key() -> None:
    kinds = tabular.Choices([("rent", "场租"), ("broadband", "宽带费")], show_keys=True)
    assert kinds("场租") == "rent" and kinds(" 宽带 费 ") == "broadband" and kinds("RENT") == "rent"
    with pytest.raises(CellProblem) as caught:
        kinds("水费")
    assert caught.value.params == {"choices": "场租（rent）、宽带费（broadband）"}
    assert tabular.Choices([("other", "其他（说明）")])("其他(说明)") == "other"  # full-width brackets


# ---- errors -------------------------------------------------------------------------------------


def test_errors_name_row_column_and_rule() -> None:
    error = tabular.cell_error(12, "从业人数", "十个", "not_number")
    assert (error.row, error.column, error.value, error.code) == (12, "从业人数", "十个", "not_number")
    assert error.message == "第 12 行「从业人数」：应为数字，不能含文字或单位"
    assert error.as_dict()["message"] == error.message
    header = tabular.cell_error(1, "入驻日期", "", "missing_column")
    assert header.message == "「入驻日期」：缺少必需的列"
    assert tabular.cell_error(0, "", "", "no_rows").message == "文件中没有数据行"


def test_errors_of_a_workbook_name_the_sheet_and_may_show_the_value() -> None:
    error = tabular.cell_error(2, "年度", 1980, "bad_year", sheet="projects", show_value=True, low=1990, high=2100)
    assert error.message == "工作表“projects”第 2 行“年度”列：年份应在 1990 至 2100 之间（所填：1980）"
    words = {"bad_year": "年度应在 %(low)s 至 %(high)s 之间"}
    reworded = tabular.cell_error(2, "年度", 1980, "bad_year", sheet="projects", rules=words, low=1990, high=2100)
    assert reworded.message == "工作表“projects”第 2 行“年度”列：年度应在 1990 至 2100 之间"
    assert tabular.cell_error(0, "", "", "no_rows", sheet="Sheet9").message == "工作表“Sheet9”：文件中没有数据行"


def test_every_rule_has_words() -> None:
    params = {"low": 1, "high": 2, "places": 2, "max": 3, "today": "2025-01-01", "choices": "甲", "detail": "x"}
    for code in tabular.RULES:
        text = tabular.rule_text(code, None, **params, year=2025, month=2, day=30)
        assert text and "%(" not in text and not text.isascii()


# ---- files --------------------------------------------------------------------------------------


def _xlsx(tmp_path: Path, rows: list[list[Any]], name: str = "a.xlsx") -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "名录"
    for row in rows:
        ws.append(row)
    wb.create_sheet("空表")
    path = tmp_path / name
    wb.save(path)
    return path


def test_rows_of_an_xlsx_and_of_a_csv_in_either_encoding(tmp_path: Path) -> None:
    path = _xlsx(tmp_path, [["名称", "日期", "人数"], ["甲", D(2025, 1, 31), 12], [None, None, None], ["乙", "x", 3.5]])
    rows = tabular.read_rows(path, tabular.XLSX)
    assert rows[1][0] == "甲" and rows[1][1] == D(2025, 1, 31) and rows[1][2] == 12
    book = tabular.Workbook(path)
    assert book.names == ["名录", "空表"] and book.is_empty("空表") and not book.is_empty("名录")
    for encoding in ("utf-8-sig", "gb18030"):
        buffer = io.StringIO()
        csv.writer(buffer).writerows([["名称", "人数"], ["甲", "12"], ["乙"], [], ["", ""]])
        csv_path = tmp_path / f"{encoding}.csv"
        csv_path.write_bytes(buffer.getvalue().encode(encoding))
        raw = tabular.read_rows(csv_path, tabular.CSV)
        assert raw[1] == ["甲", "12"]
        assert tabular.data_rows(raw, 2) == [["甲", "12"], ["乙", ""]]  # padded, trailing blanks dropped


def test_a_file_that_is_no_workbook_is_refused_in_words(tmp_path: Path) -> None:
    path = tmp_path / "bad.xlsx"
    path.write_bytes(b"not a workbook")
    with pytest.raises(tabular.TableError) as caught:
        tabular.Workbook(path)
    [error] = caught.value.errors
    assert error.code == "not_a_workbook" and error.message.startswith("无法读取工作簿，文件可能已损坏")
    assert not re.search(r"[A-Za-z]{4,} [a-z]{3,}", error.message)  # the reader's English stays in the log


def test_headers_match_after_nfkc_and_without_blanks() -> None:
    headers = ["年营业收入(万元)", "企业 名称", "备注", None, "企业名称"]
    found, unknown = tabular.match_headers(headers, {"年营业收入（万元）": "revenue", "企业名称": "name"})
    assert found == {"revenue": 0, "name": 1} and unknown == [(2, "备注")]


# ---- writing ------------------------------------------------------------------------------------


def test_a_template_has_coloured_headers_help_widths_and_lists(tmp_path: Path) -> None:
    path = tmp_path / "t.xlsx"
    out = tabular.WorkbookWriter(path)
    long = [f"第{i}个很长的基地名称电子商务产业园" for i in range(30)]
    out.template(
        "入驻企业",
        [
            tabular.TemplateColumn("统一社会信用代码", required=True, help="18 位", text=True),
            tabular.TemplateColumn("是否电商企业", choices=tabular.writing.YES_NO),
            tabular.TemplateColumn("所在基地", required=True, choices=long),
        ],
        rows=100,
    )
    out.notes("填写说明", ["1. 说明"], ("列名", "必填"), [("统一社会信用代码", "是")], (30, 8), footer=["末行"])
    out.close()
    wb = openpyxl.load_workbook(path)
    ws = wb["入驻企业"]
    assert [c.value for c in ws[1]] == ["统一社会信用代码", "是否电商企业", "所在基地"]
    assert ws["A1"].fill.fgColor.rgb.endswith("FCE4D6") and ws["B1"].fill.fgColor.rgb.endswith("DDEBF7")
    assert ws["A1"].comment.text == "18 位"
    assert ws.column_dimensions["A"].width >= tabular.display_width("统一社会信用代码") == 16
    lists = {str(dv.sqref).split(":")[0]: dv.formula1 for dv in ws.data_validations.dataValidation}
    assert lists["B2"] == '"是,否"'
    assert lists["C2"] == "'选项'!$A$2:$A$31"  # too long for Excel's inline list
    assert wb["选项"].sheet_state == "hidden" and wb["选项"]["A31"].value == long[-1]
    notes = [r for r in wb["填写说明"].iter_rows(values_only=True) if any(r)]
    assert notes[-1][0] == "末行" and ("统一社会信用代码", "是") in notes


def test_the_error_workbook_marks_bad_cells_and_lists_every_error(tmp_path: Path) -> None:
    headers = ["企业名称", "从业人数", "入驻日期"]
    rows: list[list[Any]] = [["甲", 10, D(2025, 1, 1)], ["乙", "十个", "2999-01-01"], ["丙", 3, D(2025, 1, 1)]]
    errors: list[tabular.CellError | dict[str, Any]] = [
        tabular.cell_error(3, "从业人数", "十个", "not_number"),
        tabular.cell_error(3, "入驻日期", "2999-01-01", "future_date", today="2025-06-01"),
        tabular.cell_error(1, "联系电话", "", "missing_column").as_dict(),
    ]
    path = tmp_path / "errors.xlsx"
    tabular.error_workbook(path, sheet="入驻企业", headers=headers, rows=rows, errors=errors)
    wb = openpyxl.load_workbook(path)
    ws = wb["入驻企业"]
    assert [c.value for c in ws[1]] == [*headers, "原行号"]
    assert ws.max_row == 2 and [c.value for c in ws[2]] == ["乙", "十个", "2999-01-01", 3]
    assert ws["B2"].fill.fgColor.rgb.endswith("FFC7CE") and "应为数字" in ws["B2"].comment.text
    assert ws["A2"].comment is None
    listing = list(wb["错误清单"].iter_rows(values_only=True))
    assert listing[0] == ("行号", "列", "值", "错误说明") and len(listing) == 4
    assert listing[3][:2] == (1, "联系电话")
