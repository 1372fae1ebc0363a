"""List exports as .xlsx and .csv: the cells a list page shows, written so that a file opened in
Excel shows the same words and numbers.

A CSV cell holds the text the page shows (`shown()`: localized, local time). A workbook cell
holds a typed value that Excel displays the same way (`cell()`): model instances and lazy strings
become their text, booleans 是/否, aware datetimes local time, None an empty cell, numbers stay
numbers. A Decimal never becomes a float with a tail: it is a number with a number format of its
own decimal places (Excel keeps 15 significant digits exactly; a longer one is written as exact
text).

No cell is ever a formula: a text that a spreadsheet would evaluate (`core.tabular.writing.
formula_like`: = + - @, tab, carriage return, full-width ＝＋－＠ — a name imported as
`=HYPERLINK(…)`) is a string cell with Excel's quote prefix in a workbook, and starts with a ' in a
CSV (OWASP, CSV injection). Numbers are typed cells, so a negative number stays a number.

File and sheet names are the list's Chinese title (`示范基地-20261201-1530.xlsx`, sheet `示范基地`),
sent with an RFC 5987 `filename*` (and an ASCII fallback for old clients).
"""

from __future__ import annotations

import csv
import datetime
import decimal
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import IO, Any
from urllib.parse import quote

import xlsxwriter
from django.conf import settings
from django.db import models
from django.http import FileResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.utils import timezone
from django.utils.encoding import force_str
from django.utils.formats import localize
from django.utils.functional import Promise
from django.utils.timezone import template_localtime  # type: ignore[attr-defined]  # used by the template engine, missing from the stubs

from core.tabular.writing import defuse_csv, formula_like

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv; charset=utf-8"
FORMATS = ("xlsx", "csv")
EXCEL_DIGITS = 15  # significant digits a workbook number keeps exactly
EXCEL_MAX_INT = 2**53

Progress = Callable[[int], None]


def cell(value: Any) -> Any:
    """A value as a file cell: str, int, Decimal, float, date or naive local datetime ("" for
    None). What a list page shows, never a repr."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, (int, float, decimal.Decimal, str)):
        return value
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.replace(tzinfo=None)
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, (Promise, models.Model)):
        return force_str(value)
    return str(value)


def decimal_places(value: decimal.Decimal) -> int:
    exponent = value.as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def exact_in_excel(value: decimal.Decimal) -> bool:
    return value.is_finite() and len(value.as_tuple().digits) <= EXCEL_DIGITS


def shown(value: Any) -> str:
    """A value as a list page shows it (local time, localized, as a template renders it), the
    text a CSV cell holds; "" for None."""
    if value is None:
        return ""
    kind = type(value)
    if kind is str:
        return value
    if (kind is int or kind is decimal.Decimal) and not settings.USE_THOUSAND_SEPARATOR:
        # What localize() gives here (no grouping, "." for decimals: ecbase.formats), 20 times faster.
        return str(value) if kind is int else format(value, "f")
    return str(localize(template_localtime(value)))


def csv_cell(value: Any) -> str:
    """A CSV cell: what the page shows; a text a spreadsheet would evaluate gets a leading '.
    Numbers (and dates) are never touched: -1200.50 stays a number."""
    text = shown(value)
    if isinstance(value, (int, float, decimal.Decimal, datetime.date)):
        return text
    return defuse_csv(text)


_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_FILE_FORBIDDEN = re.compile(r'[\\/:*?"<>|\x00-\x1f]')


def sheet_name(title: str) -> str:
    """Excel's rules for a sheet name: at most 31 characters, none of []:*?/\\, not blank."""
    name = _SHEET_FORBIDDEN.sub("", str(title)).strip().strip("'")[:31]
    return name or "数据"


def filename(title: str, ext: str, moment: datetime.datetime | None = None) -> str:
    stamp = timezone.localtime(moment).strftime("%Y%m%d-%H%M")
    stem = _FILE_FORBIDDEN.sub("", str(title)).strip() or "导出"
    return f"{stem}-{stamp}.{ext}"


def disposition(name: str) -> str:
    """Content-Disposition of a download: RFC 6266 with the RFC 5987 `filename*` that carries the
    Chinese name, and an ASCII `filename` for clients that know only that."""
    ascii_name = re.sub(r"[^A-Za-z0-9._-]", "", name).lstrip(".-")
    stem, _dot, ext = ascii_name.rpartition(".")
    fallback = ascii_name if stem and ext else f"export.{name.rpartition('.')[2]}"
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name)}"


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_lines(headers: Sequence[str], rows: Iterable[Sequence[Any]], progress: Progress | None = None) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield "\ufeff"  # Excel opens UTF-8 CSV correctly only with a BOM
    yield writer.writerow([defuse_csv(str(h)) for h in headers])
    n = 0
    for n, row in enumerate(rows, start=1):
        yield writer.writerow([csv_cell(v) for v in row])
        if progress is not None and n % 1000 == 0:
            progress(n)
    if progress is not None:
        progress(n)


def write_csv(
    target: IO[bytes], headers: Sequence[str], rows: Iterable[Sequence[Any]], progress: Progress | None = None
) -> None:
    for line in csv_lines(headers, rows, progress):
        target.write(line.encode("utf-8"))


class _Formats:
    """xlsxwriter formats made once per workbook, by kind and decimal places."""

    def __init__(self, wb: Any) -> None:
        self.wb = wb
        self.cache: dict[str, Any] = {}

    def get(self, num_format: str) -> Any:
        fmt = self.cache.get(num_format)
        if fmt is None:
            fmt = self.cache[num_format] = self.wb.add_format({"num_format": num_format})
        return fmt

    def number(self, places: int, grouped: bool) -> Any:
        head = "#,##0" if grouped else "0"
        return self.get(head + ("." + "0" * places if places else ""))


def write_xlsx(
    target: Any,
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    sheet: str = "数据",
    grouped: Sequence[bool] = (),
    progress: Progress | None = None,
) -> None:
    """One sheet: a bold header row (frozen, with filters), then the rows. `grouped[i]` asks for
    thousands separators in column i (quantities; not years or codes)."""
    wb = xlsxwriter.Workbook(
        target,
        {"constant_memory": True, "in_memory": False, "strings_to_numbers": False, "strings_to_formulas": False},
    )
    ws = wb.add_worksheet(sheet_name(sheet))
    bold = wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    quoted = wb.add_format({"quote_prefix": True})  # text, shown as written, even when edited
    formats = _Formats(wb)
    date_fmt = formats.get("yyyy-mm-dd")
    datetime_fmt = formats.get("yyyy-mm-dd hh:mm:ss")  # the pages' DATETIME_FORMAT
    widths = [max(10, min(40, len(str(h)) * 2 + 2)) for h in headers]
    for c, h in enumerate(headers):
        ws.write_string(0, c, str(h), bold)
    r = 0
    for r, row in enumerate(rows, start=1):
        for c, raw in enumerate(row):
            v = cell(raw)
            group = c < len(grouped) and grouped[c]
            if isinstance(v, str):
                if v:
                    ws.write_string(r, c, v, quoted if formula_like(v) else None)
                    if r <= 200 and c < len(widths):
                        widths[c] = max(widths[c], min(60, sum(2 if ord(ch) > 0x2E7F else 1 for ch in v) + 2))
            elif isinstance(v, decimal.Decimal):
                if exact_in_excel(v):
                    ws.write_number(r, c, float(v), formats.number(decimal_places(v), group))
                else:
                    ws.write_string(r, c, format(v, "f"))
            elif isinstance(v, int):
                if abs(v) < EXCEL_MAX_INT:
                    ws.write_number(r, c, v, formats.number(0, group) if group else None)
                else:
                    ws.write_string(r, c, str(v))
            elif isinstance(v, float):
                ws.write_number(r, c, v)
            elif isinstance(v, datetime.datetime):
                ws.write_datetime(r, c, v, datetime_fmt)
            elif isinstance(v, datetime.date):
                ws.write_datetime(r, c, v, date_fmt)  # a date: Excel dates have no time zone
        if progress is not None and r % 1000 == 0:
            progress(r)
    if progress is not None:
        progress(r)
    for c, width in enumerate(widths):
        ws.set_column(c, c, width)
    ws.freeze_panes(1, 0)
    ws.autofilter(0, 0, max(r, 1), max(len(headers) - 1, 0))
    wb.close()


def write(
    fmt: str,
    target: IO[bytes],
    title: str,
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    grouped: Sequence[bool] = (),
    progress: Progress | None = None,
) -> None:
    if fmt == "csv":
        write_csv(target, headers, rows, progress)
    else:
        write_xlsx(target, headers, rows, sheet=title, grouped=grouped, progress=progress)


def respond(
    fmt: str, title: str, headers: Sequence[str], rows: Iterable[Sequence[Any]], grouped: Sequence[bool] = ()
) -> HttpResponseBase:
    """A download of one list: CSV streamed as it is written; a workbook spooled to a temporary
    file (constant_memory keeps one row in memory), then streamed."""
    name = filename(title, fmt)
    response: HttpResponseBase
    if fmt == "csv":
        response = StreamingHttpResponse(csv_lines(headers, rows), content_type=CSV_TYPE)
    else:
        tmp = tempfile.TemporaryFile()  # noqa: SIM115  (FileResponse closes it after sending)
        write_xlsx(tmp, headers, rows, sheet=title, grouped=grouped)
        tmp.seek(0)
        response = FileResponse(tmp, content_type=XLSX_TYPE)
    response["Content-Disposition"] = disposition(name)
    return response


def file_response(fileobj: IO[bytes], name: str) -> FileResponse:
    """A stored export (a background job's file) under its Chinese name."""
    content_type = CSV_TYPE if name.endswith(".csv") else XLSX_TYPE
    response = FileResponse(fileobj, content_type=content_type)
    response["Content-Disposition"] = disposition(name)
    return response


_GROUPED = re.compile(r"-?\d{1,3}(,\d{3})+(\.\d+)?")


def plain_number(text: str) -> str:
    """A number a column formatted for the page (1,200.50) as a CSV carries it (1200.50): a
    spreadsheet reads a quoted grouped number as text."""
    return text.replace(",", "") if _GROUPED.fullmatch(text) else text
