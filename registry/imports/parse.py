"""Reading an uploaded table: the first sheet of an .xlsx (calamine) or a CSV, as raw rows.

The hostile-file checks of core.uploads run before this module opens anything.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from python_calamine import CalamineWorkbook

from core import uploads
from registry.imports.columns import COLUMNS, Col, header_key, issue

MAX_ROWS = 200_000


@dataclass
class Table:
    headers: list[str]
    rows: list[list[Any]]  # data rows only; rows[i] is Excel row i + 2
    columns: dict[str, int] = field(default_factory=dict)  # column key -> index in a row
    errors: list[dict[str, Any]] = field(default_factory=list)  # file-level problems


def read_rows(path: str | Path, fmt: str) -> list[list[Any]]:
    if fmt == uploads.XLSX:
        workbook = CalamineWorkbook.from_path(str(path))
        sheet = workbook.get_sheet_by_index(0)
        rows: list[list[Any]] = sheet.to_python(skip_empty_area=False)
        return rows
    text = uploads.decode_csv(Path(path).read_bytes())
    return [list(r) for r in csv.reader(io.StringIO(text, newline=""))]


def read_table(path: str | Path, fmt: str, kind: str) -> Table:
    raw = read_rows(path, fmt)
    columns: tuple[Col, ...] = COLUMNS[kind]
    headers = [str(h).strip() if h is not None else "" for h in (raw[0] if raw else [])]
    table = Table(headers=headers, rows=[])
    wanted = {header_key(c.header): c for c in columns}
    for index, header in enumerate(headers):
        col = wanted.get(header_key(header))
        if col is not None and col.key not in table.columns:
            table.columns[col.key] = index
    for col in columns:
        if col.required and col.key not in table.columns and col.key != "base":
            table.errors.append(issue(1, col.header, "", "missing_column"))
    width = len(headers)
    data = raw[1:]
    if len(data) > MAX_ROWS:
        table.errors.append(issue(0, "", "", "too_many_rows", max=MAX_ROWS))
        return table
    # Pad short rows (CSV) and drop trailing blank rows; blank rows inside stay as rows to skip.
    while data and all(v is None or v == "" for v in data[-1]):
        data.pop()
    for row in data:
        if len(row) < width:
            row.extend([""] * (width - len(row)))
    table.rows = data
    if not data and not table.errors:
        table.errors.append(issue(0, "", "", "no_rows"))
    return table
