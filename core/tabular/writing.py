"""Writing workbooks people fill in or read back (XlsxWriter): templates, notes sheets, tables and
error workbooks, all in one house style.

- Headers: bold with a border; orange (#FCE4D6) for a required column, blue (#DDEBF7) otherwise
  (and for the headers of a report); the header's comment carries its help text; row 1 frozen.
- Widths: from the header's display width (a Chinese character counts two), at least 12.
- Lists: a column with choices gets Excel list validation on its data rows; a list longer than
  Excel's 255 characters goes on a hidden sheet 选项. Yes/no columns offer 是/否 (any of the words
  of core.tabular.cells.YES_WORDS / NO_WORDS is read back).
- Error workbook: the rejected rows in the file's own columns plus 原行号 at the end (so it can be
  corrected and uploaded again), each bad cell filled red with its messages as a comment, and a
  sheet 错误清单 listing row, column, value and message of every error.
- Formulas never: a text someone else typed (a name, a cell of a rejected row) is written as a
  string, and one a spreadsheet would take for a formula (`formula_like`: = + - @, tab, carriage
  return, full-width ＝＋－＠) carries Excel's quote prefix, so it shows as typed and stays text
  when edited (OWASP, CSV injection). `defuse_csv` does the same for a CSV cell: a leading '.

Lists of records for people to read (exports of list pages) are `core.exports`' job.
"""

from __future__ import annotations

import datetime
import decimal
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import xlsxwriter
from django.utils.translation import gettext as _
from xlsxwriter.utility import xl_col_to_name
from xlsxwriter.worksheet import Worksheet

from core.tabular.cells import NO, YES, header_key
from core.tabular.errors import CellError

REQUIRED_FILL = "#FCE4D6"
OPTIONAL_FILL = "#DDEBF7"
BAD_FILL = "#FFC7CE"
TEMPLATE_ROWS = 20_000  # data rows the validation lists cover
MAX_COMMENTS = 20_000  # Excel slows to a crawl with more cell comments
OPTIONS_SHEET = "选项"
ERROR_SHEET = "错误清单"
ORIGINAL_ROW = "原行号"
YES_NO = (YES, NO)
_INLINE_LIST = 250  # Excel caps an inline list at 255 characters


# What makes a spreadsheet read a cell as a formula (OWASP, CSV injection), full-width forms too:
# Excel and WPS on Chinese systems take ＝ as =.
FORMULA_TRIGGERS = frozenset("=+-@\t\r＝＋－＠")
_PLAIN_NUMBER = re.compile(r"[+-]?(?=[\d.])[\d,]*(?:\.\d+)?")  # -12, -1,200.50: a number, no formula


def formula_like(text: str) -> bool:
    """Whether a spreadsheet would evaluate this text: it starts (after blanks) with a trigger and
    is not a plain signed number (a negative amount written as text stays a number)."""
    stripped = text.lstrip(" \u3000")
    if not stripped or stripped[0] not in FORMULA_TRIGGERS:
        return False
    return _PLAIN_NUMBER.fullmatch(stripped) is None


def defuse_csv(text: str) -> str:
    """A CSV cell's text that no spreadsheet evaluates: a formula-like text gets a leading ' (OWASP)."""
    return "'" + text if formula_like(text) else text


def display_width(text: str) -> int:
    """Columns a text takes in a spreadsheet: wide (Chinese) characters count two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in str(text))


def column_width(header: str, minimum: int = 12) -> int:
    return max(minimum, display_width(header) + 2)


@dataclass(frozen=True)
class TemplateColumn:
    """A column of a template: its header, whether it is required, its help (the header's
    comment), its list of choices, whether its cells are text (codes keep their leading zeros) or
    carry a number format."""

    header: str
    required: bool = False
    help: str = ""
    choices: Sequence[str] = ()
    text: bool = False
    num_format: str = ""


def plain_cell(value: Any) -> Any:
    """A raw cell as it goes back into a workbook: dates as ISO text, times and durations as text."""
    if isinstance(value, datetime.datetime):
        return value.isoformat(" ") if value.time() != datetime.time() else value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, (datetime.time, datetime.timedelta)):
        return str(value)
    return value


class WorkbookWriter:
    """One workbook being written. `target`: a path or a binary file object; `constant_memory` for
    large reports written row by row."""

    def __init__(self, target: str | Path | IO[bytes], *, constant_memory: bool = False) -> None:
        options: dict[str, Any] = {"constant_memory": True} if constant_memory else {}
        if not isinstance(target, (str, Path)):
            options["in_memory"] = True
        # strings_to_formulas off: even a bare write() of a text never makes a formula.
        options["strings_to_formulas"] = False
        self.book = xlsxwriter.Workbook(str(target) if isinstance(target, Path) else target, options)
        self._properties: dict[int, dict[str, Any]] = {}
        self._quoted: dict[int | None, Any] = {}
        border = {"bold": True, "border": 1}
        self.required = self.add_format({**border, "bg_color": REQUIRED_FILL})
        self.header = self.add_format({**border, "bg_color": OPTIONAL_FILL})
        self.bad = self.add_format(
            {"bg_color": BAD_FILL, "font_color": "#9C0006", "border": 1, "border_color": "#C00000"}
        )
        self.bold = self.add_format({"bold": True})
        self.wrap = self.add_format({"text_wrap": True, "valign": "top"})
        self.text = self.add_format({"num_format": "@"})
        self._formats: dict[str, Any] = {}
        self._options: Worksheet | None = None
        self._option_col = 0

    def add_format(self, properties: dict[str, Any]) -> Any:
        """A format of this workbook, remembered so that its quote-prefixed twin can be made."""
        fmt = self.book.add_format(properties)
        self._properties[id(fmt)] = properties
        return fmt

    def quoted(self, fmt: Any = None) -> Any:
        """`fmt` with Excel's quote prefix: the cell is text, shown as written, even when edited."""
        key = None if fmt is None else id(fmt)
        if key not in self._quoted:
            base = {} if key is None else self._properties[key]
            self._quoted[key] = self.add_format({**base, "quote_prefix": True})
        return self._quoted[key]

    def write_text(self, ws: Worksheet, row: int, col: int, text: str, fmt: Any = None) -> None:
        """A text someone typed, as a string cell; formula-like text quote-prefixed (never a formula)."""
        ws.write_string(row, col, text, self.quoted(fmt) if formula_like(text) else fmt)

    def write_value(self, ws: Worksheet, row: int, col: int, value: Any, fmt: Any = None) -> None:
        """A cell as a file held it: numbers as numbers, booleans as booleans, text as safe text."""
        if value is None or value == "":
            if fmt is not None:
                ws.write_blank(row, col, None, fmt)
        elif isinstance(value, bool):
            ws.write_boolean(row, col, value, fmt)
        elif isinstance(value, (int, float, decimal.Decimal)):
            ws.write_number(row, col, value, fmt)
        else:
            self.write_text(ws, row, col, str(value), fmt)

    def number_format(self, num_format: str, *, bold: bool = False) -> Any:
        key = f"{num_format}|{bold}"
        if key not in self._formats:
            self._formats[key] = self.add_format({"num_format": num_format, "bold": bold})
        return self._formats[key]

    # ---- sheets ---------------------------------------------------------------------------------

    def table(self, name: str, headers: Sequence[str], widths: Sequence[int] | None = None) -> Worksheet:
        """A sheet with a header row (blue), its widths (given, or from the headers), row 1 frozen."""
        ws = self.book.add_worksheet(name)
        for c, header in enumerate(headers):
            self.write_text(ws, 0, c, header, self.header)  # an error workbook repeats the file's headers
            ws.set_column(c, c, widths[c] if widths else column_width(header))
        ws.freeze_panes(1, 0)
        return ws

    def template(
        self,
        name: str,
        columns: Sequence[TemplateColumn],
        *,
        rows: int = TEMPLATE_ROWS,
        strict_lists: bool = True,
        comment_scale: tuple[float, float] = (1, 1),
    ) -> Worksheet:
        """A sheet to fill in: headers orange (required) or blue, help as comments, cell formats,
        list validation on `rows` data rows (`strict_lists` refuses other values; otherwise Excel
        only warns, for columns that also take codes)."""
        ws = self.book.add_worksheet(name)
        for c, col in enumerate(columns):
            ws.write_string(0, c, col.header, self.required if col.required else self.header)
            fmt = self.text if col.text else self.number_format(col.num_format) if col.num_format else None
            ws.set_column(c, c, column_width(col.header), fmt)
            if col.help:
                ws.write_comment(0, c, col.help, {"x_scale": comment_scale[0], "y_scale": comment_scale[1]})
            if col.choices:
                self.list_validation(ws, c, col.header, list(col.choices), rows=rows, strict=strict_lists)
        ws.freeze_panes(1, 0)
        return ws

    def list_validation(
        self, ws: Worksheet, col: int, header: str, values: list[str], *, rows: int, strict: bool = True
    ) -> None:
        source: Any = values
        if sum(len(v) + 1 for v in values) >= _INLINE_LIST:
            options = self._options_sheet()
            letter = xl_col_to_name(self._option_col)
            options.write_string(0, self._option_col, header)
            for r, value in enumerate(values, start=1):
                options.write_string(r, self._option_col, value)
            source = f"='{OPTIONS_SHEET}'!${letter}$2:${letter}${len(values) + 1}"
            self._option_col += 1
        rule: dict[str, Any] = {"validate": "list", "source": source, "ignore_blank": True}
        if strict:
            rule.update(error_title=_("输入有误"), error_message=_("请从下拉列表中选择。"))
        else:
            rule.update(
                error_type="warning", error_title=_("请核对"), error_message=_("请从下拉列表中选择，或填写代码。")
            )
        ws.data_validation(1, col, rows, col, rule)

    def _options_sheet(self) -> Worksheet:
        if self._options is None:
            self._options = self.book.add_worksheet(OPTIONS_SHEET)
            self._options.hide()
        return self._options

    def notes(
        self,
        name: str,
        lines: Iterable[str],
        headers: Sequence[str],
        rows: Iterable[Sequence[str]],
        widths: Sequence[int],
        *,
        wrap_last: bool = False,
        footer: Iterable[str] = (),
    ) -> Worksheet:
        """An instructions sheet: lines of text, a blank line, a table (bold headers) of one row per
        column of the template, and after another blank line the `footer` lines."""
        ws = self.book.add_worksheet(name)
        for c, width in enumerate(widths):
            ws.set_column(c, c, width)
        r = -1
        for r, line in enumerate(lines):
            ws.write_string(r, 0, line)
        start = r + 2
        for c, title in enumerate(headers):
            ws.write_string(start, c, title, self.bold)
        r = start
        for r, row in enumerate(rows, start=start + 1):
            for c, text in enumerate(row):
                last = c == len(row) - 1
                ws.write_string(r, c, str(text), self.wrap if wrap_last and last else None)
        after = r + 2
        for k, line in enumerate(footer):
            ws.write_string(after + k, 0, line)
        return ws

    def close(self) -> None:
        self.book.close()


def error_workbook(
    target: str | Path | IO[bytes],
    *,
    sheet: str,
    headers: Sequence[str],
    rows: Sequence[Sequence[Any]],
    errors: Sequence[CellError | dict[str, Any]],
) -> None:
    """The rows that have errors (Excel row r is rows[r - 2]), each bad cell filled red with its
    message(s) as a comment, 原行号 after the file's columns; and the sheet 错误清单 of every
    error. Errors of the file as a whole (row < 2) are listed only."""
    found = [e.as_dict() if isinstance(e, CellError) else e for e in errors]
    out = WorkbookWriter(target)
    ws = out.table(sheet, [*headers, ORIGINAL_ROW])
    index = {header_key(h): i for i, h in enumerate(headers)}
    by_cell: dict[tuple[int, int | None], list[str]] = defaultdict(list)
    for e in found:
        if e["row"] >= 2:
            by_cell[(e["row"], index.get(header_key(e["column"])))].append(e["message"])
    comments = 0
    for out_r, row_no in enumerate(sorted({row for row, _c in by_cell}), start=1):
        raw = rows[row_no - 2] if 0 <= row_no - 2 < len(rows) else []
        for c in range(len(headers)):
            value = plain_cell(raw[c]) if c < len(raw) else ""
            messages = by_cell.get((row_no, c))
            if messages:
                out.write_value(ws, out_r, c, value, out.bad)
                if comments < MAX_COMMENTS:
                    ws.write_comment(out_r, c, "\n".join(messages), {"x_scale": 2, "y_scale": 1.5})
                    comments += 1
            else:
                out.write_value(ws, out_r, c, value)
        ws.write_number(out_r, len(headers), row_no)

    listing = out.table(ERROR_SHEET, [_("行号"), _("列"), _("值"), _("错误说明")], widths=(8, 24, 24, 80))
    for r, e in enumerate(found, start=1):
        out.write_value(listing, r, 0, e["row"] if e["row"] else "")
        out.write_text(listing, r, 1, str(e["column"]))
        out.write_text(listing, r, 2, str(e["value"]))
        out.write_text(listing, r, 3, str(e["message"]))
    out.close()
