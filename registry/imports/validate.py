"""Checking every cell of an uploaded table and collecting ALL errors (never stopping at the first).

The per-cell readers are small functions that return the value or raise `Bad`; lookups (regions,
bases, quota units) are dictionaries loaded once, so a 60,000-row file costs a few hundred
milliseconds here. The checks that need the enterprises already registered (scope, changes) are
done by the action, inside its transaction.
"""

from __future__ import annotations

import datetime
import decimal
import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from accounts.models import Role
from accounts.scoping import CHANGE
from core import uscc
from core.text import normalize_name
from registry.actions.imports import BaseRow, RosterRow
from registry.imports.columns import (
    BASE,
    BASE_COLUMNS,
    BOOL,
    CHOICE,
    CREDIT_CODE,
    DATE,
    DECIMAL,
    INTEGER,
    NO,
    QUOTA_UNIT,
    REGION,
    ROSTER_COLUMNS,
    TEXT,
    YEAR,
    YES,
    Col,
    issue,
)
from registry.imports.parse import Table

CENT = decimal.Decimal("0.01")
MAX_DECIMAL = decimal.Decimal("1e12")
PROGRESS_EVERY = 5000
_DATE_CN = re.compile(r"^\s*(\d{4})\s*[年/.\-]\s*(\d{1,2})\s*[月/.\-]\s*(\d{1,2})\s*日?\s*$")
TRUE_WORDS = {YES, "Y", "YES", "TRUE", "1", "是的", "√"}
FALSE_WORDS = {NO, "N", "NO", "FALSE", "0", "×"}


class Bad(Exception):  # noqa: N818  (a cell verdict, caught right away)
    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


@dataclass
class Context:
    user: Any
    today: datetime.date
    regions: dict[str, tuple[int, int | None, str]]  # code -> (id, retired_in, successor code)
    bases_by_name: dict[str, int]  # normalised name -> id, all bases
    allowed_base_ids: set[int]
    default_base_id: int | None = None
    quota_units: dict[str, int] = field(default_factory=dict)

    @classmethod
    def load(cls, user: Any) -> Context:
        from regions.models import QuotaUnit, Region
        from registry.models import Base

        regions = {
            code: (pk, retired, successor or "")
            for pk, code, retired, successor in Region.objects.values_list(
                "pk", "code", "retired_in", "successor__code"
            )
        }
        bases = dict(Base.objects.values_list("name_normalized", "pk"))
        allowed = set(Base.objects.restrict(user, CHANGE).values_list("pk", flat=True))
        default = user.base_id if getattr(user, "role", None) == Role.OPERATOR else None
        units = dict(QuotaUnit.objects.values_list("code", "pk"))
        return cls(
            user=user,
            today=timezone.localdate(),
            regions=regions,
            bases_by_name=bases,
            allowed_base_ids=allowed,
            default_base_id=default,
            quota_units=units,
        )


def _text(value: Any) -> str:
    if type(value) is str:
        return value.strip()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat(" ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return "" if value is None else str(value).strip()


def _is_blank(value: Any) -> bool:
    return value is None or value == "" or (type(value) is str and not value.strip())


def read_decimal(value: Any) -> decimal.Decimal:
    if isinstance(value, bool):
        raise Bad("not_number")
    if isinstance(value, float):
        number = decimal.Decimal(repr(value))
    elif isinstance(value, int):
        number = decimal.Decimal(value)
    else:
        text = _text(value).replace(",", "").replace("，", "")
        try:
            number = decimal.Decimal(text)
        except decimal.InvalidOperation:
            raise Bad("not_number") from None
        if not number.is_finite():
            raise Bad("not_number")
    if number < 0:
        raise Bad("negative")
    if number >= MAX_DECIMAL:
        raise Bad("number_too_large")
    rounded = number.quantize(CENT)
    if rounded != number:
        raise Bad("decimals")
    return rounded


def read_integer(value: Any) -> int:
    if isinstance(value, bool):
        raise Bad("not_number")
    if isinstance(value, int):
        number = value
    elif isinstance(value, float):
        if not value.is_integer():
            raise Bad("not_integer")
        number = int(value)
    else:
        text = _text(value).replace(",", "")
        try:
            number = int(text)
        except ValueError:
            try:
                exact = decimal.Decimal(text)
            except decimal.InvalidOperation:
                raise Bad("not_number") from None
            if not exact.is_finite() or exact != exact.to_integral_value():
                raise Bad("not_integer") from None
            number = int(exact)
    if number < 0:
        raise Bad("negative")
    if number > 2_000_000_000:
        raise Bad("number_too_large")
    return number


def read_date(value: Any, today: datetime.date) -> datetime.date:
    if isinstance(value, datetime.datetime):
        day = value.date()
    elif isinstance(value, datetime.date):
        day = value
    else:
        text = _text(value)
        try:
            day = datetime.date.fromisoformat(text)
        except ValueError:
            match = _DATE_CN.match(text)
            if not match:
                raise Bad("bad_date") from None
            try:
                day = datetime.date(int(match[1]), int(match[2]), int(match[3]))
            except ValueError:
                raise Bad("bad_date") from None
    if day > today:
        raise Bad("future_date", today=today.isoformat())
    return day


def read_year(value: Any, today: datetime.date) -> int:
    year = read_integer(value)
    if not 1949 <= year <= today.year + 1:
        raise Bad("bad_year", min=1949, max=today.year + 1)
    return year


def read_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = _text(value).upper()
    if text in TRUE_WORDS:
        return True
    if text in FALSE_WORDS:
        return False
    raise Bad("bad_bool")


_USCC_CHARS = frozenset(uscc.ALPHABET)


def read_credit_code(value: Any) -> tuple[str, bool | None]:
    # Fast path for the usual clean cell (18 upper-case characters of the alphabet, valid check
    # character): the same checks as uscc.check without its normalisation pass. Anything else
    # goes through uscc.check, which names the problem.
    if (
        type(value) is str
        and len(value) == 18
        and _USCC_CHARS.issuperset(value)
        and value[0] in uscc.AUTHORITIES
        and uscc.check_character(value[:17]) == value[17]
    ):
        return value, uscc.org_code_check(value[8:17])
    result = uscc.check(value)
    if result.ok:
        return result.code, result.org_code_ok
    problem = result.problem
    if problem == uscc.Problem.EMPTY:
        raise Bad("required")
    if problem == uscc.Problem.LENGTH:
        raise Bad("uscc_length", n=len(result.code))
    if problem == uscc.Problem.ALPHABET:
        raise Bad("uscc_alphabet")
    if problem == uscc.Problem.AUTHORITY:
        raise Bad("uscc_authority")
    raise Bad("uscc_check", expected=result.expected_check)


def read_region(value: Any, ctx: Context) -> int:
    text = _text(value)
    if text.isdigit() and len(text) < 6:
        text = text.zfill(6)
    found = ctx.regions.get(text)
    if found is None:
        raise Bad("region_unknown")
    pk, retired, successor = found
    if retired is not None:
        raise Bad("region_retired", year=retired, successor=f"，请改用 {successor}" if successor else "")
    return pk


def _reader(col: Col, ctx: Context) -> Callable[[Any], Any]:
    """The function that turns a non-blank raw cell into the value to store."""
    if col.kind == TEXT:
        limit = col.max_length

        def text(value: Any) -> str:
            result = _text(value)
            if limit and len(result) > limit:
                raise Bad("too_long", max=limit)
            return result

        return text
    if col.kind == CREDIT_CODE:
        return read_credit_code
    if col.kind == REGION:
        return lambda v: read_region(v, ctx)
    if col.kind == BOOL:
        return read_bool
    if col.kind == DATE:
        return lambda v: read_date(v, ctx.today)
    if col.kind == DECIMAL:
        return read_decimal
    if col.kind == INTEGER:
        return read_integer
    if col.kind == YEAR:
        return lambda v: read_year(v, ctx.today)
    if col.kind == CHOICE:
        labels = dict(col.choices)
        keys = {key: key for _label, key in col.choices}
        shown = "、".join(col.choice_labels)

        def choice(value: Any) -> str:
            text = _text(value)
            found = labels.get(text) or keys.get(text)
            if found is None:
                raise Bad("bad_choice", choices=shown)
            return found

        return choice
    if col.kind == BASE:
        cache: dict[str, int] = {}

        def base(value: Any) -> int:
            text = _text(value)
            pk = cache.get(text)
            if pk is None:
                pk = ctx.bases_by_name.get(normalize_name(text))
                if pk is None:
                    raise Bad("base_unknown")
                cache[text] = pk
            if pk not in ctx.allowed_base_ids:
                raise Bad("base_out_of_scope")
            return pk

        return base
    if col.kind == QUOTA_UNIT:

        def unit(value: Any) -> int:
            pk = ctx.quota_units.get(_text(value))
            if pk is None:
                raise Bad("quota_unit_unknown")
            return pk

        return unit
    raise ValueError(col.kind)


@dataclass
class Checked:
    values: list[tuple[int, dict[str, Any]]]  # (excel row, key -> value) of rows without errors
    errors: list[dict[str, Any]]
    bad_rows: set[int]
    total: int


def check_cells(
    table: Table, columns: tuple[Col, ...], ctx: Context, progress: Callable[[int], None] | None = None
) -> Checked:
    present = [(col, table.columns[col.key], _reader(col, ctx)) for col in columns if col.key in table.columns]
    errors: list[dict[str, Any]] = []
    bad_rows: set[int] = set()
    values: list[tuple[int, dict[str, Any]]] = []
    for i, raw in enumerate(table.rows):
        if progress is not None and i and i % PROGRESS_EVERY == 0:
            progress(i)
        row_no = i + 2
        if not any(raw) or (_is_blank(raw[0]) and all(_is_blank(v) for v in raw)):
            continue
        out: dict[str, Any] = {}
        ok = True
        for col, index, read in present:
            value = raw[index]
            if value is None or value == "" or (type(value) is str and not value.strip()):
                if col.required and not (col.kind == BASE and ctx.default_base_id is not None):
                    errors.append(issue(row_no, col.header, "", "required"))
                    ok = False
                continue
            try:
                out[col.key] = read(value)
            except Bad as bad:
                errors.append(issue(row_no, col.header, _text(value), bad.code, **bad.params))
                ok = False
        if ok:
            values.append((row_no, out))
        else:
            bad_rows.add(row_no)
    return Checked(values=values, errors=errors, bad_rows=bad_rows, total=len(table.rows))


def _duplicates(checked: Checked, table: Table, key: str, header: str, code: str, normal: Callable[[Any], str]) -> None:
    """Flag every row whose key repeats within the file, naming all the rows that share it."""
    index = table.columns.get(key)
    if index is None:
        return
    seen: dict[str, list[int]] = defaultdict(list)
    for i, raw in enumerate(table.rows):
        value = raw[index]
        if not _is_blank(value):
            seen[normal(value)].append(i + 2)
    for rows in seen.values():
        if len(rows) > 1:
            listed = "、".join(str(r) for r in rows)
            for row_no in rows:
                checked.errors.append(issue(row_no, header, _text(table.rows[row_no - 2][index]), code, rows=listed))
                checked.bad_rows.add(row_no)
    if checked.bad_rows:
        checked.values = [(r, v) for r, v in checked.values if r not in checked.bad_rows]


def _code_key(value: Any) -> str:
    if type(value) is str and len(value) == 18 and _USCC_CHARS.issuperset(value):
        return value
    return uscc.normalize(value)


def validate_roster(
    table: Table, ctx: Context, progress: Callable[[int], None] | None = None
) -> tuple[list[RosterRow], Checked]:
    if "base" not in table.columns and ctx.default_base_id is None:
        table.errors.append(issue(1, "所在基地", "", "missing_column"))
    checked = check_cells(table, ROSTER_COLUMNS, ctx, progress)
    _duplicates(checked, table, "credit_code", "统一社会信用代码", "duplicate", _code_key)
    rows: list[RosterRow] = []
    for row_no, values in checked.values:
        code, org_ok = values.pop("credit_code")
        base_id = values.pop("base", ctx.default_base_id)
        entered_on = values.pop("entered_on")
        if "region" in values:
            values["region_id"] = values.pop("region")
        rows.append(
            RosterRow(
                row=row_no,
                credit_code=code,
                org_code_ok=org_ok,
                fields=values,
                base_id=base_id,
                entered_on=entered_on,
            )
        )
    checked.errors.sort(key=lambda e: e["row"])
    return rows, checked


def validate_bases(
    table: Table, ctx: Context, progress: Callable[[int], None] | None = None
) -> tuple[list[BaseRow], Checked]:
    checked = check_cells(table, BASE_COLUMNS, ctx, progress)
    _duplicates(checked, table, "name", "基地名称", "duplicate_name", lambda v: normalize_name(_text(v)))
    rows: list[BaseRow] = []
    for row_no, values in checked.values:
        code, _org_ok = values["operator_credit_code"]
        values["operator_credit_code"] = code
        values["quota_unit_id"] = values.pop("quota_unit")
        values["region_id"] = values.pop("region")
        rows.append(BaseRow(row=row_no, fields=values))
    checked.errors.sort(key=lambda e: e["row"])
    return rows, checked
