"""Reading an uploaded table: the first sheet of an .xlsx or a CSV (core.tabular), its headers
matched to the template's columns.

The hostile-file checks of core.uploads run before this module opens anything.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from core import tabular
from registry.imports.columns import COLUMNS, Col, issue

MAX_ROWS = 200_000


@dataclass
class Table:
    headers: list[str]
    rows: list[list[Any]]  # data rows only; rows[i] is Excel row i + 2
    columns: dict[str, int] = field(default_factory=dict)  # column key -> index in a row
    errors: list[dict[str, Any]] = field(default_factory=list)  # file-level problems


def read_table(path: str | Path, fmt: str, kind: str) -> Table:
    raw = tabular.read_rows(path, fmt)
    columns: tuple[Col, ...] = COLUMNS[kind]
    headers = [str(h).strip() if h is not None else "" for h in (raw[0] if raw else [])]
    table = Table(headers=headers, rows=[])
    table.columns, _unknown = tabular.match_headers(headers, {c.header: c.key for c in columns})
    for col in columns:
        if col.required and col.key not in table.columns and col.key != "base":
            table.errors.append(issue(1, col.header, "", "missing_column"))
    if len(raw) - 1 > MAX_ROWS:
        table.errors.append(issue(0, "", "", "too_many_rows", max=MAX_ROWS))
        return table
    table.rows = tabular.data_rows(raw, len(headers))
    if not table.rows and not table.errors:
        table.errors.append(issue(0, "", "", "no_rows"))
    return table
