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
"""

from __future__ import annotations

import datetime
import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import polars as pl
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from python_calamine import CalamineWorkbook

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
    header_key,
)
from policies.rules.facts import SCHEMAS, Facts
from policies.rules.params import Params

MAX_TEXT = 255
MAX_ID = 2**62
_DATE_TEXT = re.compile(r"^\s*(\d{4})\s*[年/.\-]\s*(\d{1,2})\s*[月/.\-]\s*(\d{1,2})\s*日?\s*$")
TRUE_WORDS = {"是", "TRUE"}
FALSE_WORDS = {"否", "FALSE"}

RULES: dict[str, Any] = {
    "required": gettext_lazy("必填，不能为空"),
    "not_integer": gettext_lazy("应为整数"),
    "not_positive": gettext_lazy("应为正整数（1 起）"),
    "negative": gettext_lazy("不能为负数"),
    "too_large": gettext_lazy("数值过大"),
    "not_number": gettext_lazy("应为数字"),
    "yuan_decimals": gettext_lazy("金额以元为单位，最多两位小数"),
    "fen_integer": gettext_lazy("列名为 %(name)s 时金额以分为单位，应为整数（按元填写请用列名“%(alias)s”）"),
    "rate_decimals": gettext_lazy("利率以百分数填写，最多四位小数（如 4.35 或 4.35%）"),
    "ppm_integer": gettext_lazy("列名为 %(name)s 时利率以百万分之一为单位，应为整数（如 43500；或写成 4.35%）"),
    "bad_date": gettext_lazy("不是有效日期（可填 2025-01-31、2025/1/31、2025年1月31日或 Excel 日期）"),
    "date_with_time": gettext_lazy("应为日期，不含时刻"),
    "bad_bool": gettext_lazy("应为“是”或“否”（也可填 true 或 false）"),
    "bad_year": gettext_lazy("年度应在 %(low)s 至 %(high)s 之间"),
    "bad_choice": gettext_lazy("应为以下之一：%(choices)s"),
    "too_long": gettext_lazy("不超过 %(max)s 个字"),
    "end_before_start": gettext_lazy("不能早于“%(other)s”（%(date)s）"),
    "duplicate_id": gettext_lazy("编号 %(id)s 重复（第 %(rows)s 行）"),
    "unknown_enterprise": gettext_lazy("企业编号 %(id)s 不在 enterprises 工作表中"),
    "unknown_sheet": gettext_lazy("不是事实种类，工作表名应为：%(kinds)s（或“%(notes)s”）"),
    "missing_sheet": gettext_lazy("缺少企业工作表 enterprises"),
    "unknown_column": gettext_lazy("不是该工作表的列（可用列名：%(columns)s）"),
    "duplicate_column": gettext_lazy("与第 %(other)s 列是同一列"),
    "missing_column": gettext_lazy("缺少必需的列（%(name)s 或 %(alias)s）"),
    "not_a_workbook": gettext_lazy("无法读取工作簿：%(detail)s"),
}


class Bad(Exception):  # noqa: N818  (a cell verdict, caught right away)
    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


@dataclass(frozen=True)
class CellError:
    sheet: str
    row: int  # Excel row (header = 1); 0 for the workbook or the sheet as a whole
    column: str  # the header as written, or the contract's column
    value: str
    code: str
    message: str  # a Chinese sentence naming sheet, row, column and rule


class WorkbookError(Exception):
    def __init__(self, errors: list[CellError]) -> None:
        super().__init__(f"{len(errors)} errors in the facts workbook")
        self.errors = errors


def rule_text(code: str, **params: Any) -> str:
    return str(RULES[code]) % params if params else str(RULES[code])


def error(sheet: str, row: int, column: str, value: Any, code: str, **params: Any) -> CellError:
    rule = rule_text(code, **params)
    if row and column:
        where = _("工作表“%(sheet)s”第 %(row)s 行“%(column)s”列") % {"sheet": sheet, "row": row, "column": column}
    elif column:
        where = _("工作表“%(sheet)s”“%(column)s”列") % {"sheet": sheet, "column": column}
    elif sheet:
        where = _("工作表“%(sheet)s”") % {"sheet": sheet}
    else:
        where = _("工作簿")
    shown = _text(value)
    text = f"{where}：{rule}"
    if shown and row:
        text += _("（所填：%(value)s）") % {"value": shown[:40]}
    return CellError(sheet, row, column, shown, code, text)


# ---- cells ------------------------------------------------------------------------------------


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        return value.isoformat(" ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value).strip()


def blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _exact(value: Any) -> Decimal:
    """A number cell as an exact decimal: Excel numbers arrive as binary floats, whose shortest
    repr is what was typed (1234.56 stays 1234.56, never 1234.5599…)."""
    if isinstance(value, bool):
        raise Bad("not_number")
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        number = Decimal(repr(value))
    else:
        text = _text(value).replace(",", "").replace("，", "")
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise Bad("not_number") from None
    if not number.is_finite():
        raise Bad("not_number")
    return number


def read_whole(value: Any, *, low: int = 0, high: int = MAX_COUNT) -> int:
    number = _exact(value)
    if number != number.to_integral_value():
        raise Bad("not_integer")
    if number < 0:
        raise Bad("negative")
    if number < low:
        raise Bad("not_positive")
    if number > high:
        raise Bad("too_large")
    return int(number)


def read_year(value: Any) -> int:
    low, high = YEAR_RANGE
    try:
        year = read_whole(value)
    except Bad:
        raise Bad("bad_year", low=low, high=high) from None
    if not low <= year <= high:
        raise Bad("bad_year", low=low, high=high)
    return year


def read_yuan(value: Any) -> int:
    """Yuan with at most two decimals → fen."""
    number = _exact(value)
    if number < 0:
        raise Bad("negative")
    fen = number * 100
    if fen != fen.to_integral_value():
        raise Bad("yuan_decimals")
    if fen > MAX_FEN:
        raise Bad("too_large")
    return int(fen)


def read_fen(value: Any, column: Column) -> int:
    number = _exact(value)
    if number < 0:
        raise Bad("negative")
    if number != number.to_integral_value():
        raise Bad("fen_integer", name=column.name, alias=column.alias)
    if number > MAX_FEN:
        raise Bad("too_large")
    return int(number)


def read_percent(value: Any) -> int:
    """A percentage (4.35, "4.35%") → ppm (43500), exactly."""
    if isinstance(value, str) and value.strip().endswith(("%", "％")):
        value = value.strip()[:-1]
    number = _exact(value)
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
    number = _exact(value)
    if number < 0:
        raise Bad("negative")
    if number != number.to_integral_value():
        raise Bad("ppm_integer", name=column.name)
    if number > 10_000_000:
        raise Bad("too_large")
    return int(number)


def read_date(value: Any) -> datetime.date:
    if isinstance(value, datetime.datetime):
        if value.time() != datetime.time():
            raise Bad("date_with_time")
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if not isinstance(value, str):
        raise Bad("bad_date")
    text = value.strip()
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        pass
    match = _DATE_TEXT.match(text)
    if not match:
        raise Bad("bad_date")
    try:
        return datetime.date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        raise Bad("bad_date") from None


def read_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = _text(value).upper()
    if text in TRUE_WORDS:
        return True
    if text in FALSE_WORDS:
        return False
    raise Bad("bad_bool")


def read_text(value: Any) -> str:
    text = _text(value)
    if len(text) > MAX_TEXT:
        raise Bad("too_long", max=MAX_TEXT)
    return text


def _choice_reader(choices: list[tuple[str, str]]) -> Callable[[Any], str]:
    """Key (any case) or Chinese label → key."""
    lookup: dict[str, str] = {}
    for key, label in choices:
        lookup[header_key(key).lower()] = key
        lookup[header_key(label)] = key
    shown = "、".join(f"{label}（{key}）" for key, label in choices)

    def read(value: Any) -> str:
        text = header_key(_text(value))
        found = lookup.get(text) or lookup.get(text.lower())
        if found is None:
            raise Bad("bad_choice", choices=shown)
        return found

    return read


def _platforms(params: Params) -> dict[str, str]:
    """Label → key of every platform the pack ever listed."""
    out: dict[str, str] = {}
    param = params.parameters.get("store_platforms")
    for entry in param.values if param is not None else ():
        for key, label in entry.value.items():
            out[header_key(label)] = key
    return out


def reader(column: Column, *, alias: bool, params: Params) -> Callable[[Any], Any]:
    """The function that turns a non-blank cell of `column` into the contract's value; `alias`:
    the header was the Chinese alias (money in yuan, rates in per cent)."""
    cell = column.cell
    if cell == ID:
        return lambda v: read_whole(v, low=1, high=MAX_ID)
    if cell == COUNT:
        return read_whole
    if cell == RANK:
        return lambda v: read_whole(v, low=1)
    if cell == YEAR:
        return read_year
    if cell == DATE:
        return read_date
    if cell == MONEY:
        return read_yuan if alias else (lambda v: read_fen(v, column))
    if cell == RATE:
        return read_percent if alias else (lambda v: read_ppm(v, column))
    if cell == BOOL:
        return read_bool
    if cell == TEXT:
        return read_text
    if cell == CHOICE:
        return _choice_reader([(k, str(label)) for k, label in column.choices])
    if cell in (PACK_ITEM, CASE_ITEM):
        items = [(k, i.label) for k, i in params.items.items() if cell == PACK_ITEM or i.kind == "case"]
        return _choice_reader(items)
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
        if blank(header):
            continue
        written = _text(header)
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
            plan.append((column, index, written, reader(column, alias=alias, params=params)))
        else:
            plan.append((column, -1, column.alias, None))
    for offset, row in enumerate(raw[1:], start=2):
        if all(blank(v) for v in row):
            continue
        sheet.rows.append(offset)
        for column, index, written, read in plan:
            value = row[index] if 0 <= index < len(row) else None
            result: Any = None
            if read is None or blank(value):
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


def _empty(rows: list[list[Any]]) -> bool:
    return all(blank(v) for row in rows for v in row)


def read_workbook(path: str | Path, params: Params) -> tuple[Facts, dict[str, int]]:
    """The facts of the workbook and the number of rows read per kind; WorkbookError otherwise.
    A sheet with another name is an error unless it is the notes sheet or wholly empty."""
    errors: list[CellError] = []
    try:
        workbook = CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine raises its own error types for every unreadable file
        raise WorkbookError([error("", 0, "", "", "not_a_workbook", detail=str(exc)[:200])]) from None
    names = list(workbook.sheet_names)
    raw_sheets: dict[str, list[list[Any]]] = {}
    for name in names:
        if name in COLUMNS:
            raw_sheets[name] = workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)
        elif name.strip() != NOTES_SHEET and not _empty(workbook.get_sheet_by_name(name).to_python()):
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
