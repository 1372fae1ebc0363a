"""Reading the facts workbook into the contract's frames, every cell checked.

    facts = read_facts(path, params)      # Facts, or WorkbookError listing every bad cell

Every sheet is named by a kind of fact (`policies.batch.columns.COLUMNS`); the notes sheet (说明)
is ignored, any other sheet is an error (a misspelt sheet would silently drop its facts). A sheet
that is absent or has no rows is a kind without facts; the enterprises sheet is required. Row 1
holds the headers (the contract's column names or their Chinese aliases, in any order); an unknown
or repeated header is an error, a missing optional column is empty. Fully blank rows are skipped.

Nothing is returned unless every cell is valid: the errors are collected (all of them, never only
the first) and raised together, each naming the sheet, the Excel row (header = 1), the column as
written and the rule broken, in Chinese.

Cells are read by core.tabular (the same yes/no words, numbers, dates and lists as every other file
of the platform); what is this contract's own — money in fen or yuan, rates in ppm or per cent by
the header — is built here on its exact numbers.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl
from django.utils.translation import gettext_lazy

from core import tabular
from core.tabular import CellError, CellProblem, TableError, header_key, is_blank, read_number
from core.validators import AtMost
from policies.batch.columns import (
    BOOL,
    CASE_ITEM,
    CHOICE,
    COLUMNS,
    COUNT,
    DATE,
    ID,
    ID_COLUMNS,
    MAX_COUNT,
    MAX_FEN,
    MONEY,
    NOTES_SHEET,
    PACK_ITEM,
    PLATFORM,
    RANK,
    RATE,
    TEXT,
    YEAR,
    YEAR_RANGE,
    Column,
)
from policies.models.facts import ceiling
from policies.rules.facts import SCHEMAS, Facts
from policies.rules.params import Params

MAX_TEXT = 255
MAX_ID = 2**62

# The rules of this workbook beyond the kernel's (core.tabular.errors.RULES), and its words for a year.
RULES: dict[str, Any] = {
    "bad_year": gettext_lazy("年度应在 %(low)s 至 %(high)s 之间"),
    "yuan_decimals": gettext_lazy("金额以元为单位，最多两位小数"),
    "fen_integer": gettext_lazy("列名为 %(name)s 时金额以分为单位，应为整数（按元填写请用列名“%(alias)s”）"),
    "rate_decimals": gettext_lazy("利率以百分数填写，最多四位小数（如 4.35 或 4.35%）"),
    "ppm_integer": gettext_lazy("列名为 %(name)s 时利率以百万分之一为单位，应为整数（如 43500；或写成 4.35%）"),
    "end_before_start": gettext_lazy("不能早于“%(other)s”（%(date)s）"),
    "above_ceiling": gettext_lazy("不能超过%(bound)s"),
    "duplicate_id": gettext_lazy("编号 %(id)s 重复（第 %(rows)s 行）"),
    "unknown_enterprise": gettext_lazy("企业编号 %(id)s 不在 enterprises 工作表中"),
    "unknown_sheet": gettext_lazy("不是事实种类，工作表名应为：%(kinds)s（或“%(notes)s”）"),
    "missing_sheet": gettext_lazy("缺少企业工作表 enterprises"),
    "unknown_column": gettext_lazy("不是该工作表的列（可用列名：%(columns)s）"),
    "duplicate_column": gettext_lazy("与第 %(other)s 列是同一列"),
    "missing_column": gettext_lazy("缺少必需的列（%(name)s 或 %(alias)s）"),
}

Bad = CellProblem
WorkbookError = TableError  # what the command catches: every CellError of the workbook


def rule_text(code: str, **params: Any) -> str:
    return tabular.rule_text(code, RULES, **params)


def error(sheet: str, row: int, column: str, value: Any, code: str, **params: Any) -> CellError:
    """工作表“costs”第 2 行“金额（元）”列：金额以元为单位，最多两位小数（所填：12.345）"""
    return tabular.cell_error(row, column, value, code, sheet=sheet, show_value=True, rules=RULES, **params)


# ---- cells ------------------------------------------------------------------------------------


def read_whole(value: Any, *, low: int = 0, high: int = MAX_COUNT) -> int:
    return tabular.read_integer(value, low=low, high=high)


def read_year(value: Any) -> int:
    low, high = YEAR_RANGE
    return tabular.read_year(value, low=low, high=high)


def _at_most(number: Any, limit: AtMost | None) -> None:
    """The column's ceiling (the fact model's, `policies.models.facts`), else the workbook's own."""
    if limit is None:
        if number > MAX_FEN:
            raise Bad("too_large")
    elif number > limit.limit:
        raise Bad("above_ceiling", bound=limit.bound_text())


def read_yuan(value: Any, limit: AtMost | None = None) -> int:
    """Yuan with at most two decimals → fen."""
    number = read_number(value)
    if number < 0:
        raise Bad("negative")
    fen = number * 100
    if fen != fen.to_integral_value():
        raise Bad("yuan_decimals")
    _at_most(fen, limit)
    return int(fen)


def read_fen(value: Any, column: Column, limit: AtMost | None = None) -> int:
    number = read_number(value)
    if number < 0:
        raise Bad("negative")
    if number != number.to_integral_value():
        raise Bad("fen_integer", name=column.name, alias=column.alias)
    _at_most(number, limit)
    return int(number)


def read_count(value: Any, limit: AtMost | None = None) -> int:
    number = read_whole(value)
    if limit is not None and number > limit.limit:
        raise Bad("above_ceiling", bound=limit.bound_text())
    return number


def read_percent(value: Any) -> int:
    """A percentage (4.35, "4.35%") → ppm (43500), exactly."""
    if isinstance(value, str) and value.strip().endswith(("%", "％")):
        value = value.strip()[:-1]
    number = read_number(value)
    if number < 0:
        raise Bad("negative")
    ppm = number * 10_000
    if ppm != ppm.to_integral_value():
        raise Bad("rate_decimals")
    if ppm > 10_000_000:  # 1000 %
        raise Bad("too_large")
    return int(ppm)


def read_ppm(value: Any, column: Column) -> int:
    if isinstance(value, str) and value.strip().endswith(("%", "％")):
        return read_percent(value)
    number = read_number(value)
    if number < 0:
        raise Bad("negative")
    if number != number.to_integral_value():
        raise Bad("ppm_integer", name=column.name)
    if number > 10_000_000:
        raise Bad("too_large")
    return int(number)


def read_text(value: Any) -> str:
    return tabular.read_text(value, max_length=MAX_TEXT)


def _platforms(params: Params) -> dict[str, str]:
    """Label → key of every platform the pack ever listed."""
    out: dict[str, str] = {}
    param = params.parameters.get("store_platforms")
    for entry in param.values if param is not None else ():
        for key, label in entry.value.items():
            out[header_key(label)] = key
    return out


def reader(column: Column, *, alias: bool, params: Params, kind: str = "") -> Callable[[Any], Any]:
    """The function that turns a non-blank cell of `column` (of the sheet `kind`) into the
    contract's value; `alias`: the header was the Chinese alias (money in yuan, rates in per cent).
    Money and counts are held to the ceilings of the fact models, as on the pages and the API."""
    cell = column.cell
    limit = ceiling(kind, column.name)
    if cell == ID:
        return lambda v: read_whole(v, low=1, high=MAX_ID)
    if cell == COUNT:
        return lambda v: read_count(v, limit)
    if cell == RANK:
        return lambda v: read_whole(v, low=1)
    if cell == YEAR:
        return read_year
    if cell == DATE:
        return tabular.read_date
    if cell == MONEY:
        return (lambda v: read_yuan(v, limit)) if alias else (lambda v: read_fen(v, column, limit))
    if cell == RATE:
        return read_percent if alias else (lambda v: read_ppm(v, column))
    if cell == BOOL:
        return tabular.read_bool
    if cell == TEXT:
        return read_text
    if cell == CHOICE:
        return tabular.Choices([(k, str(label)) for k, label in column.choices], show_keys=True)
    if cell in (PACK_ITEM, CASE_ITEM):
        items = [(k, i.label) for k, i in params.items.items() if cell == PACK_ITEM or i.kind == "case"]
        return tabular.Choices(items, show_keys=True)
    if cell == PLATFORM:
        platforms = _platforms(params)

        def platform(value: Any) -> str:
            text = read_text(value)
            return platforms.get(header_key(text), text)

        return platform
    raise ValueError(cell)


# ---- sheets -----------------------------------------------------------------------------------


@dataclass
class Sheet:
    kind: str
    values: dict[str, list[Any]]  # contract column -> values of the data rows kept
    rows: list[int]  # the Excel row of each value
    headers: dict[str, str]  # contract column -> header as written


def _headers(kind: str, raw: list[Any], errors: list[CellError]) -> dict[str, tuple[int, bool, str]]:
    """contract column -> (index in a row, header was the alias, header as written)."""
    columns = COLUMNS[kind]
    by_key: dict[str, tuple[Column, bool]] = {}
    for c in columns:
        by_key[header_key(c.name)] = (c, False)
        by_key[header_key(c.alias)] = (c, True)
    found: dict[str, tuple[int, bool, str]] = {}
    for index, header in enumerate(raw):
        if is_blank(header):
            continue
        written = tabular.cell_text(header)
        match = by_key.get(header_key(written))
        if match is None:
            names = "、".join(f"{c.name}/{c.alias}" for c in columns)
            errors.append(error(kind, 1, written, "", "unknown_column", columns=names))
            continue
        column, alias = match
        if column.name in found:
            errors.append(error(kind, 1, written, "", "duplicate_column", other=found[column.name][0] + 1))
            continue
        found[column.name] = (index, alias, written)
    for c in columns:
        if c.required and c.cell != BOOL and c.name not in found:
            errors.append(error(kind, 1, c.alias, "", "missing_column", name=c.name, alias=c.alias))
    return found


def read_sheet(kind: str, raw: list[list[Any]], params: Params, errors: list[CellError]) -> Sheet:
    sheet = Sheet(kind, {c.name: [] for c in COLUMNS[kind]}, [], {})
    if not raw:
        return sheet
    before = len(errors)
    found = _headers(kind, raw[0], errors)
    if len(errors) > before:
        return sheet
    sheet.headers = {name: written for name, (_i, _a, written) in found.items()}
    plan: list[tuple[Column, int, str, Callable[[Any], Any] | None]] = []
    for column in COLUMNS[kind]:
        if column.name in found:
            index, alias, written = found[column.name]
            plan.append((column, index, written, reader(column, alias=alias, params=params, kind=kind)))
        else:
            plan.append((column, -1, column.alias, None))
    for offset, row in enumerate(raw[1:], start=2):
        if all(is_blank(v) for v in row):
            continue
        sheet.rows.append(offset)
        for column, index, written, read in plan:
            value = row[index] if 0 <= index < len(row) else None
            result: Any = None
            if read is None or is_blank(value):
                if column.cell == BOOL:
                    result = False  # the contract: unknown is False, which denies
                elif column.required:
                    errors.append(error(kind, offset, written, "", "required"))
            else:
                try:
                    result = read(value)
                except Bad as bad:
                    errors.append(error(kind, offset, written, value, bad.code, **bad.params))
            sheet.values[column.name].append(result)
    return sheet


ORDERED_DATES = {
    # kind: (earlier column, later column) — the later one may not come before the earlier one
    "residencies": ("entered_on", "left_on"),
    "costs": ("period_start", "period_end"),
    "loans": ("loan_date", "repaid_on"),
}


def _cross_checks(sheets: dict[str, Sheet], errors: list[CellError]) -> None:
    for kind, (first, second) in ORDERED_DATES.items():
        sheet = sheets[kind]
        for row, start, end in zip(sheet.rows, sheet.values[first], sheet.values[second], strict=True):
            if start is not None and end is not None and end < start:
                other = sheet.headers.get(first, first)
                errors.append(
                    error(kind, row, sheet.headers.get(second, second), end, "end_before_start", other=other,
                          date=start.isoformat())
                )  # fmt: skip
    for kind, column in ID_COLUMNS.items():
        sheet = sheets[kind]
        seen: dict[int, list[int]] = defaultdict(list)
        for row, value in zip(sheet.rows, sheet.values[column], strict=True):
            if value is not None:
                seen[value].append(row)
        for value, rows in seen.items():
            if len(rows) > 1:
                written = sheet.headers.get(column, column)
                listed = "、".join(str(r) for r in rows)
                errors.extend(error(kind, r, written, value, "duplicate_id", id=value, rows=listed) for r in rows)
    known = {v for v in sheets["enterprises"].values["enterprise"] if v is not None}
    for kind, sheet in sheets.items():
        if kind == "enterprises":
            continue
        written = sheet.headers.get("enterprise", "enterprise")
        for row, value in zip(sheet.rows, sheet.values["enterprise"], strict=True):
            if value is not None and value not in known:
                errors.append(error(kind, row, written, value, "unknown_enterprise", id=value))


def read_workbook(path: str | Path, params: Params) -> tuple[Facts, dict[str, int]]:
    """The facts of the workbook and the number of rows read per kind; WorkbookError otherwise.
    A sheet with another name is an error unless it is the notes sheet or wholly empty."""
    errors: list[CellError] = []
    workbook = tabular.Workbook(path)  # TableError (not_a_workbook) when unreadable
    raw_sheets: dict[str, list[list[Any]]] = {}
    for name in workbook.names:
        if name in COLUMNS:
            raw_sheets[name] = workbook.rows(name)
        elif name.strip() != NOTES_SHEET and not workbook.is_empty(name):
            errors.append(error(name, 0, "", "", "unknown_sheet", kinds="、".join(COLUMNS), notes=NOTES_SHEET))
    if "enterprises" not in raw_sheets:
        errors.append(error("enterprises", 0, "", "", "missing_sheet"))
    sheets = {kind: read_sheet(kind, raw_sheets.get(kind, []), params, errors) for kind in COLUMNS}
    _cross_checks(sheets, errors)
    if errors:
        order = {kind: i for i, kind in enumerate(COLUMNS)}
        errors.sort(key=lambda e: (order.get(e.sheet, -1), e.row))
        raise WorkbookError(errors)
    frames = {kind: pl.DataFrame(sheet.values, schema=SCHEMAS[kind], strict=True) for kind, sheet in sheets.items()}
    return Facts(**frames), {kind: len(sheet.rows) for kind, sheet in sheets.items()}
