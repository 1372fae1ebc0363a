"""Checking every cell of an uploaded table and collecting ALL errors (never stopping at the first).

The per-cell readers are core.tabular's (one set of yes/no words, exact numbers, dates) and the
registry's own (credit codes, regions, bases); each returns the value or raises `Bad`
(core.tabular.CellProblem). Lookups (regions,
bases, quota units) are dictionaries loaded once, so a 60,000-row file costs a few hundred
milliseconds here. The checks that need the enterprises already registered (scope, changes) are
done by the action, inside its transaction.
"""

from __future__ import annotations

import datetime
import decimal
import operator
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from accounts.models import User
from core import tabular, uscc
from core.roles import Role
from core.scoping import CHANGE
from core.tabular import CellProblem as Bad
from core.tabular import cell_text as _text
from core.tabular import is_blank as _is_blank
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
    QUOTA_UNIT,
    REGION,
    ROSTER_COLUMNS,
    TEXT,
    YEAR,
    Col,
    issue,
)
from registry.imports.parse import Table

MAX_DECIMAL = decimal.Decimal("999999999999.99")  # below 1e12 (万元, 平方米)
MAX_INTEGER = 2_000_000_000
FIRST_YEAR = 1949
PROGRESS_EVERY = 5000


@dataclass
class Context:
    user: User
    today: datetime.date
    regions: dict[str, tuple[int, int | None, str]]  # code -> (id, retired_in, successor code)
    bases_by_name: dict[str, int]  # normalised name -> id, all bases
    allowed_base_ids: set[int]
    default_base_id: int | None = None
    quota_units: dict[str, int] = field(default_factory=dict)

    @classmethod
    def load(cls, user: User) -> Context:
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


# The cell readers of these files, their bounds bound (no call of our own per cell).
read_decimal = tabular.decimal_reader(places=2, high=MAX_DECIMAL)
read_integer = tabular.integer_reader(high=MAX_INTEGER)
read_bool = tabular.read_bool


def read_date(value: Any, today: datetime.date) -> datetime.date:
    return tabular.read_date(value, today=today)


def read_year(value: Any, today: datetime.date) -> int:
    return tabular.read_year(value, low=FIRST_YEAR, high=today.year + 1)


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
        return tabular.Choices([(key, label) for label, key in col.choices])
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
    values: list[tuple[int, Any]]  # (excel row, key -> value or what a builder made) of rows without errors
    errors: list[dict[str, Any]]
    bad_rows: set[int]
    total: int


# A cell's verdict while a column is read: the value, _BLANK, or the Bad it raised.
_BLANK = object()
_MISSING = object()
# Columns whose cells repeat (lists, dates, regions, bases): a text cell is read once per distinct
# text. Only text cells are memoised: 1, 1.0 and True are equal keys but different cells.
_MEMO_KINDS = frozenset({REGION, BOOL, DATE, DECIMAL, INTEGER, YEAR, CHOICE, BASE, QUOTA_UNIT})


def _read_column(cells: list[Any], read: Callable[[Any], Any], memo: bool) -> tuple[list[Any], list[int]]:
    """Every cell of one column read: (verdicts, positions that are blank or bad)."""
    out: list[Any] = []
    append = out.append
    irregular: list[int] = []
    cache: dict[str, Any] = {}
    for k, value in enumerate(cells):
        if type(value) is str:
            result = cache.get(value, _MISSING) if memo else _MISSING
            if result is _MISSING:
                if not value or value.isspace():
                    result = _BLANK
                else:
                    try:
                        result = read(value)
                    except Bad as bad:
                        result = bad
                if memo:
                    cache[value] = result
        elif value is None:
            result = _BLANK
        else:
            try:
                result = read(value)
            except Bad as bad:
                result = bad
        if result is _BLANK or type(result) is Bad:
            irregular.append(k)
        append(result)
    return out, irregular


def _read_text_column(cells: list[Any], limit: int) -> tuple[list[Any], list[int]]:
    """_read_column for a text column, without a call per cell."""
    out: list[Any] = []
    append = out.append
    irregular: list[int] = []
    for k, value in enumerate(cells):
        if type(value) is str:
            text = value.strip()
            if not text:
                append(_BLANK)
                irregular.append(k)
                continue
        elif value is None:
            append(_BLANK)
            irregular.append(k)
            continue
        else:
            text = _text(value)
        if limit and len(text) > limit:
            append(Bad("too_long", max=limit))
            irregular.append(k)
        else:
            append(text)
    return out, irregular


def _read_credit_codes(cells: list[Any]) -> tuple[list[Any], list[int]]:
    """The credit-code column: clean codes checked all at once (core.uscc.check_many), the rest
    one by one through read_credit_code, which names the problem."""
    out: list[Any] = [None] * len(cells)
    clean = [k for k, v in enumerate(cells) if type(v) is str and len(v) == 18 and v.isascii()]
    passed: set[int] = set()
    if clean:
        many = uscc.check_many([cells[k] for k in clean], normalized=True)
        for k, good, org in zip(clean, many.ok.tolist(), many.org_code_ok.tolist(), strict=True):
            if good:
                out[k] = (cells[k], org)
                passed.add(k)
    irregular: list[int] = []
    for k, value in enumerate(cells):
        if k in passed:
            continue
        if value is None or (type(value) is str and (not value or value.isspace())):
            out[k] = _BLANK
        else:
            try:
                out[k] = read_credit_code(value)
                continue
            except Bad as bad:
                out[k] = bad
        irregular.append(k)
    return out, irregular


# Makes the value of a valid row from (Excel row, its verdicts in column order, whether none is blank).
Build = Callable[[int, tuple[Any, ...], bool], Any]


def _check_slices(
    table: Table,
    columns: tuple[Col, ...],
    ctx: Context,
    checked: Checked,
    progress: Callable[[int], None] | None,
    build: Callable[[list[str]], Build] | None = None,
) -> Iterator[int]:
    """Read every cell, column by column, PROGRESS_EVERY rows at a time, into `checked`; yields
    the number of values added by each slice. Progress is reported before each slice but the
    first. Errors come out row by row, in column order within a row. A valid row's value is
    (row, {key: value} of its non-blank cells), or (row, build(keys)(row, verdicts, regular))."""
    present = [(col, table.columns[col.key], _reader(col, ctx)) for col in columns if col.key in table.columns]
    keys = [col.key for col, _index, _read in present]
    make = build(keys) if build is not None else None
    errors, bad_rows, values = checked.errors, checked.bad_rows, checked.values
    rows = table.rows
    for start in range(0, len(rows), PROGRESS_EVERY):
        if progress is not None and start:
            progress(start)
        before = len(values)
        live = [
            i
            for i in range(start, min(start + PROGRESS_EVERY, len(rows)))
            if any(rows[i]) and not (_is_blank(rows[i][0]) and all(_is_blank(v) for v in rows[i]))
        ]
        verdicts: list[list[Any]] = []
        irregular: set[int] = set()
        by_column = list(zip(*(rows[i] for i in live), strict=False))  # the slice's cells, column by column
        for col, index, read in present:
            cells = list(by_column[index]) if live else []
            if col.kind == CREDIT_CODE:
                column, odd = _read_credit_codes(cells)
            elif col.kind == TEXT:
                column, odd = _read_text_column(cells, col.max_length)
            else:
                column, odd = _read_column(cells, read, col.kind in _MEMO_KINDS)
            verdicts.append(column)
            irregular.update(odd)
        if not present:
            values.extend((i + 2, {}) for i in live)
        for k, verdict in enumerate(zip(*verdicts, strict=True)):
            row_no = live[k] + 2
            if k not in irregular:
                values.append((row_no, make(row_no, verdict, True) if make else dict(zip(keys, verdict, strict=True))))
                continue
            out: dict[str, Any] = {}
            ok = True
            for (col, index, _read), result in zip(present, verdict, strict=True):
                if result is _BLANK:
                    if col.required and not (col.kind == BASE and ctx.default_base_id is not None):
                        errors.append(issue(row_no, col.header, "", "required"))
                        ok = False
                elif type(result) is Bad:
                    raw = rows[live[k]][index]
                    errors.append(issue(row_no, col.header, _text(raw), result.code, **result.params))
                    ok = False
                else:
                    out[col.key] = result
            if ok:
                values.append((row_no, make(row_no, verdict, False) if make else out))
            else:
                bad_rows.add(row_no)
        yield len(values) - before


def check_cells(
    table: Table, columns: tuple[Col, ...], ctx: Context, progress: Callable[[int], None] | None = None
) -> Checked:
    """Read every cell of the table (see _check_slices)."""
    checked = Checked(values=[], errors=[], bad_rows=set(), total=len(table.rows))
    for _added in _check_slices(table, columns, ctx, checked, progress):
        pass
    return checked


def _keys(table: Table, key: str, normal: Callable[[Any], str]) -> list[tuple[int, str]]:
    """(Excel row, normalised key) of every non-blank cell of a column."""
    index = table.columns.get(key)
    if index is None:
        return []
    return [(i + 2, normal(raw[index])) for i, raw in enumerate(table.rows) if not _is_blank(raw[index])]


def _repeated(
    table: Table,
    key: str,
    header: str,
    code: str,
    normal: Callable[[Any], str],
    keys: list[tuple[int, str]] | None = None,
) -> list[dict[str, Any]]:
    """The errors of every row whose key repeats within the file, naming all the rows that share it."""
    if keys is None:
        keys = _keys(table, key, normal)
    if len({k for _row, k in keys}) == len(keys):  # the usual case: no key repeats
        return []
    index = table.columns[key]
    seen: dict[str, list[int]] = defaultdict(list)
    for row_no, k in keys:
        seen[k].append(row_no)
    found: list[dict[str, Any]] = []
    for rows in seen.values():
        if len(rows) > 1:
            listed = "、".join(str(r) for r in rows)
            for row_no in rows:
                found.append(issue(row_no, header, _text(table.rows[row_no - 2][index]), code, rows=listed))
    return found


def _duplicates(checked: Checked, table: Table, key: str, header: str, code: str, normal: Callable[[Any], str]) -> None:
    """Flag every row whose key repeats within the file."""
    found = _repeated(table, key, header, code, normal)
    checked.errors.extend(found)
    checked.bad_rows.update(e["row"] for e in found)
    if checked.bad_rows:
        checked.values = [(r, v) for r, v in checked.values if r not in checked.bad_rows]


def _code_key(value: Any) -> str:
    # uscc.normalize leaves upper-case ASCII letters and digits as they are.
    if type(value) is str and value.isascii() and value.isalnum() and (value.isupper() or value.isdigit()):
        return value
    return uscc.normalize(value)


_NOT_FIELDS = ("credit_code", "base", "entered_on")


def _roster_builder(default_base_id: int | None) -> Callable[[list[str]], Build]:
    """RosterRows straight from the verdicts of a row (no intermediate dict)."""

    def for_keys(keys: list[str]) -> Build:
        code_at, date_at = keys.index("credit_code"), keys.index("entered_on")
        base_at = keys.index("base") if "base" in keys else None
        positions = [i for i, k in enumerate(keys) if k not in _NOT_FIELDS]
        names = ["region_id" if keys[i] == "region" else keys[i] for i in positions]
        pick = operator.itemgetter(*positions) if len(positions) > 1 else (lambda v: (v[positions[0]],))

        def build(row_no: int, verdict: tuple[Any, ...], regular: bool) -> RosterRow:
            code, org_ok = verdict[code_at]
            base_id: Any = verdict[base_at] if base_at is not None else _BLANK
            if base_id is _BLANK:
                base_id = default_base_id  # None only with the file-level missing_column error
            if regular:
                fields = dict(zip(names, pick(verdict), strict=True))
            else:
                fields = {n: verdict[i] for n, i in zip(names, positions, strict=True) if verdict[i] is not _BLANK}
            # Positional: row, credit_code, org_code_ok, fields, base_id, entered_on.
            return RosterRow(row_no, code, org_ok, fields, base_id, verdict[date_at])

        return build

    return for_keys


class RosterBatches:
    """The roster rows of a table, validated PROGRESS_EVERY rows at a time, so that an import can
    write the rows checked so far while it checks the next ones (registry.actions.imports).

    Iterating yields lists of valid RosterRows. Repeated credit codes concern the whole file, so
    they are found first; their rows are never yielded. `failed` says whether any error has been
    found so far; once the iteration is over `checked` holds every error, sorted by row, as
    validate_roster returns them. `codes` are the credit codes of the file as they will be
    stored (a superset of those of the valid rows), for looking up the enterprises in advance.
    """

    def __init__(self, table: Table, ctx: Context, progress: Callable[[int], None] | None = None) -> None:
        self.table = table
        self.ctx = ctx
        self.progress = progress
        if "base" not in table.columns and ctx.default_base_id is None:
            table.errors.append(issue(1, "所在基地", "", "missing_column"))
        self.checked = Checked(values=[], errors=[], bad_rows=set(), total=len(table.rows))
        keys = _keys(table, "credit_code", _code_key)
        self._repeated = _repeated(table, "credit_code", "统一社会信用代码", "duplicate", _code_key, keys)
        self._repeated_rows = {e["row"] for e in self._repeated}
        self.codes: list[str] = [k for _row, k in keys]
        self.done = False

    @property
    def failed(self) -> bool:
        return bool(self.table.errors or self.checked.errors or self._repeated)

    def __iter__(self) -> Iterator[list[RosterRow]]:
        checked = self.checked
        build = _roster_builder(self.ctx.default_base_id)
        for added in _check_slices(self.table, ROSTER_COLUMNS, self.ctx, checked, self.progress, build):
            fresh = checked.values[len(checked.values) - added :]
            yield [row for r, row in fresh if r not in self._repeated_rows]
        checked.errors.extend(self._repeated)
        checked.bad_rows.update(self._repeated_rows)
        checked.values = [(r, v) for r, v in checked.values if r not in self._repeated_rows]
        checked.errors.sort(key=lambda e: e["row"])
        self.done = True


def validate_roster(
    table: Table, ctx: Context, progress: Callable[[int], None] | None = None
) -> tuple[list[RosterRow], Checked]:
    """Every valid row of the table and every error, at once."""
    batches = RosterBatches(table, ctx, progress)
    rows = [row for batch in batches for row in batch]
    return rows, batches.checked


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
