"""Streaming .xlsx and .csv responses for list exports."""

from __future__ import annotations

import csv
import datetime
import decimal
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from typing import Any
from urllib.parse import quote

import xlsxwriter
from django.http import FileResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.utils import timezone

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _plain(value: Any) -> Any:
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, decimal.Decimal):
        return value  # written as a number; Decimal keeps exact digits up to Excel's own limit
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M:%S") if timezone.is_aware(value) else value
    if value is None:
        return ""
    return value


def _filename(basename: str, ext: str) -> str:
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    return f"{basename}-{stamp}.{ext}"


def _disposition(name: str) -> str:
    return f"attachment; filename*=UTF-8''{quote(name)}"


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_stream(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield "\ufeff"  # Excel opens UTF-8 CSV correctly only with a BOM
    yield writer.writerow(headers)
    for row in rows:
        yield writer.writerow([_plain(v) for v in row])


def write_xlsx(target: Any, headers: Sequence[str], rows: Iterable[Sequence[Any]], sheet: str = "Sheet1") -> None:
    wb = xlsxwriter.Workbook(target, {"constant_memory": True, "in_memory": False})
    ws = wb.add_worksheet(sheet[:31])
    bold = wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    date_fmt = wb.add_format({"num_format": "yyyy-mm-dd"})
    for c, h in enumerate(headers):
        ws.write(0, c, h, bold)
        ws.set_column(c, c, max(10, min(40, len(h) * 2 + 2)))
    r = 0
    for r, row in enumerate(rows, start=1):
        for c, v in enumerate(row):
            v = _plain(v)
            if isinstance(v, datetime.date) and not isinstance(v, datetime.datetime):
                ws.write_datetime(r, c, v, date_fmt)  # a date: Excel dates have no time zone
            elif isinstance(v, decimal.Decimal):
                ws.write_number(r, c, float(v))
            else:
                ws.write(r, c, v)
    ws.freeze_panes(1, 0)
    ws.autofilter(0, 0, max(r, 1), max(len(headers) - 1, 0))
    wb.close()


def respond(fmt: str, basename: str, headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> HttpResponseBase:
    if fmt == "csv":
        response = StreamingHttpResponse(csv_stream(headers, rows), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = _disposition(_filename(basename, "csv"))
        return response
    # constant_memory keeps one row in memory; the file is spooled to disk, then streamed.
    tmp = tempfile.TemporaryFile()  # noqa: SIM115  (FileResponse closes it after sending)
    write_xlsx(tmp, headers, rows)
    tmp.seek(0)
    return FileResponse(tmp, as_attachment=True, filename=_filename(basename, "xlsx"), content_type=XLSX_TYPE)
