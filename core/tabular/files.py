"""Opening a file: the raw rows of an .xlsx (python-calamine) or a CSV.

The hostile-file checks of `core.uploads` run before anything here opens an upload. Raw rows are
lists of what calamine gives (str, int, float, bool, date, datetime, None) or, for a CSV, of str;
`core.tabular.cells` reads them. Row i of a sheet is Excel row i + 1.
"""

from __future__ import annotations

import csv
import io
import logging
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from python_calamine import CalamineWorkbook

from core import uploads
from core.tabular.cells import header_key, is_blank
from core.tabular.errors import TableError, cell_error

log = logging.getLogger(__name__)

XLSX = uploads.XLSX
CSV = uploads.CSV


class Workbook:
    """An .xlsx opened for reading its sheets by name; a file calamine cannot read raises
    TableError (not_a_workbook)."""

    def __init__(self, path: str | Path) -> None:
        try:
            self._book = CalamineWorkbook.from_path(str(path))
        except Exception as exc:  # calamine raises its own error types for every unreadable file
            log.info("unreadable workbook %s: %s", path, exc)
            raise TableError([cell_error(0, "", "", "not_a_workbook")]) from None
        self.names: list[str] = list(self._book.sheet_names)

    def rows(self, name: str | int = 0) -> list[list[Any]]:
        """Every row of a sheet (by name or position), blank rows inside kept, so that row i is
        Excel row i + 1."""
        try:
            sheet = self._book.get_sheet_by_index(name) if isinstance(name, int) else self._book.get_sheet_by_name(name)
            rows: list[list[Any]] = sheet.to_python(skip_empty_area=False)
        except Exception as exc:  # a sheet calamine cannot read: the file's fault, said in words
            log.info("unreadable sheet %s: %s", name, exc)
            raise TableError([cell_error(0, "", "", "not_a_workbook")]) from None
        return rows

    def is_empty(self, name: str) -> bool:
        return all(is_blank(v) for row in self.rows(name) for v in row)


def read_rows(path: str | Path, fmt: str) -> list[list[Any]]:
    """The rows of the first sheet of an .xlsx, or of a CSV (UTF-8 with or without BOM, or GB18030)."""
    if fmt == XLSX:
        return Workbook(path).rows(0)
    text = uploads.decode_csv(Path(path).read_bytes())
    return [list(r) for r in csv.reader(io.StringIO(text, newline=""))]


def data_rows(raw: list[list[Any]], width: int) -> list[list[Any]]:
    """The rows under the header: trailing blank rows dropped (blank rows inside stay, to be
    skipped, so that rows[i] is Excel row i + 2), short rows (CSV) padded to `width`."""
    data = raw[1:]
    while data and all(is_blank(v) for v in data[-1]):
        data.pop()
    for row in data:
        if len(row) < width:
            row.extend([""] * (width - len(row)))
    return data


def match_headers(headers: list[Any], wanted: Mapping[str, str]) -> tuple[dict[str, int], list[tuple[int, str]]]:
    """Columns found by header: `wanted` maps a header → its column key; headers match after NFKC
    and without blanks (header_key). Returns (column key → index of its first occurrence,
    [(index, header as written)] of the headers that are not wanted, blanks left out)."""
    keys = {header_key(header): key for header, key in wanted.items()}
    found: dict[str, int] = {}
    unknown: list[tuple[int, str]] = []
    for index, header in enumerate(headers):
        if is_blank(header):
            continue
        key = keys.get(header_key(header))
        if key is None:
            unknown.append((index, str(header).strip()))
        elif key not in found:
            found[key] = index
    return found, unknown
