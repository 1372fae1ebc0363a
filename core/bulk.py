"""Bulk writes of any change-logged model, with their change log, in the caller's transaction.

    with transaction.atomic(), BulkWriter(actor=user, message=message) as bulk:
        for batch in batches:
            ids = bulk.insert(Region, rows)                  # rows: {attname: value}
            bulk.update(Region, [(stored, changes), ...])    # stored row, {attname: new value}
            bulk.send()                                      # the database writes, the caller goes on
    bulk.log_rows, bulk.timings

What every database gets:
- one change-log row per row written (create: the row as stored; update: the row before and
  after), with the acting user, the context of `core.audit.current()` (source, request id,
  address), the message and one timestamp, in the caller's transaction: an error anywhere rolls
  back rows and log together, nothing is half-written;
- fields a new row leaves out take their model default; derived fields (`core.models.Derived`)
  are recomputed from their sources, for every row, in one call per field; `created` and
  `last_updated` are stamped; an update writes only the columns some row changes, and a row whose
  changes equal what is stored is neither written nor logged.
- no model validation: the caller has checked the rows (an import checks every cell first);
  the database's constraints still hold.

PostgreSQL: `insert` and `update` COPY a batch (binary, encoded in C by psycopg) into a staging
table of this transaction (no index, no constraint, no WAL) and queue the statements that move it;
`send()` sends them in pipeline mode and returns without waiting, so the database writes the batch
while the caller checks the next one: `INSERT … SELECT` into the model's table (ids reserved from
its sequence beforehand, see `reserve`) and `INSERT INTO core_changelog … SELECT`, whose snapshots
the database builds from the same staged rows (the staging table has the table's column types,
so they are what was stored, value for value, without reading the table again). An update logs
first (before: the stored row; after: the stored row with the new values), then updates. The
next batch's COPY waits for what was sent; `settle()`, or leaving the `with` block, sends what is
left, waits for it and raises the database's error, if any. Elsewhere (SQLite): `bulk_create` /
`bulk_update` and `core.audit.bulk_log`, at once.

`pipeline=False` (or `core.bulk.PIPELINE = False`) waits for each statement in turn: slower, but
`timings` then says how long the database took to write the rows and the log (bench/import_roster
.py prints that breakdown).
"""

from __future__ import annotations

import contextlib
import enum
import functools
import itertools
import operator
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar, cast

import psycopg
from django.contrib.contenttypes.models import ContentType
from django.db import connection, models
from django.utils import timezone

from core import audit
from core.audit import BulkChange, bulk_log
from core.models import ChangeLog, ChangeLoggedModel, to_jsonable

Row = dict[str, Any]
F = TypeVar("F", bound=Callable[..., Any])
Describe = Callable[[Row], str]
BATCH = 500  # rows per INSERT/UPDATE statement on SQLite (its limit on bound variables)
PIPELINE = True  # False: wait for each statement (bench/import_roster.py's breakdown)
REPR = "_bulk_repr"  # the staging table's column for the change log's object text
_staging_names = itertools.count(1)


@dataclass(frozen=True)
class _Column:
    attname: str
    name: str  # the field's name: the key in the change log's snapshots
    column: str
    copy_type: str  # the PostgreSQL type for binary COPY, e.g. "numeric"
    is_decimal: bool
    default: Callable[[], Any] | None  # per row: a callable default, or a constant's getter


@dataclass(frozen=True)
class _Table:
    """What the writes of one model need to know about it, looked up once."""

    model: type[ChangeLoggedModel]
    table: str
    pk: str  # column of the primary key
    columns: tuple[_Column, ...]  # every concrete column, primary key first
    logged: tuple[_Column, ...]  # the columns of Model.snapshot()

    @classmethod
    def of(cls, model: type[ChangeLoggedModel]) -> _Table:
        if model._meta.parents:
            raise TypeError(f"{model.__name__}: bulk writes of multi-table inheritance are not supported")
        fields = list(model._meta.concrete_fields)
        pk = model._meta.pk
        assert pk is not None
        fields.sort(key=lambda f: f is not pk)
        columns = tuple(_column(f) for f in fields)
        logged = tuple(c for c in columns if c.name not in model.audit_exclude)
        return cls(model=model, table=model._meta.db_table, pk=str(pk.column), columns=columns, logged=logged)


def _column(f: models.Field[Any, Any]) -> _Column:
    default: Callable[[], Any] | None = None
    if f.has_default() and callable(f.default):
        default = f.default
    elif not f.auto_created:
        # The value Model() would give: the default, None when null, "" for text (Django's empty value).
        value = f.get_default()
        if isinstance(value, enum.Enum):  # choices: their database value
            value = value.value
        default = lambda value=value: value  # noqa: E731  (a constant's getter)
    return _Column(
        attname=f.attname,
        name=f.name,
        column=str(f.column),
        copy_type=(f.db_type(connection) or "text").split("(")[0].strip(),
        is_decimal=isinstance(f, models.DecimalField),
        default=default,
    )


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _snapshot_sql(table: _Table, alias: str, values: dict[str, str] | None = None) -> str:
    """jsonb equal to Model.snapshot() of the row `alias`, built by the database. `values` gives
    other expressions for some columns (an update's new values)."""
    parts: list[str] = []
    for c in table.logged:
        expr = (values or {}).get(c.column) or f"{alias}.{_ident(c.column)}"
        if c.is_decimal:
            expr = f"({expr})::text"  # to_jsonable writes decimals as text
        parts.append(f"{expr} AS {_ident(c.name)}")
    return f"(SELECT to_jsonb(s) FROM (SELECT {', '.join(parts)}) s)"  # noqa: S608  (identifiers from model metadata)


_LOG_INSERT = (
    "INSERT INTO core_changelog (time, actor_id, actor_name, source, request_id, ip, action, result,"
    " content_type_id, object_id, object_repr, before, after, message)"
    " SELECT %(time)s::timestamptz, %(actor)s::bigint, %(actor_name)s, %(source)s, %(request_id)s, %(ip)s::inet,"
    " %(action)s, 'success', %(ct)s, t.{pk}::text, left({repr}, 255), {before}, {after}, %(message)s FROM {source}"
)


def _django_errors(method: F) -> F:
    """The database's errors as Django's (IntegrityError…), as the ORM raises them: these
    methods use psycopg cursors of their own."""

    @functools.wraps(method)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        with connection.wrap_database_errors:
            return method(*args, **kwargs)

    return cast(F, wrapped)


class BulkWriter:
    """Writes rows of any change-logged models with their change log; see the module's text.

    Used inside the caller's `transaction.atomic()`; `insert`, `update`, `send` and `reserve` may
    be called any number of times, for any models, before `settle()`.
    """

    def __init__(self, *, actor: Any = None, message: str = "", pipeline: bool | None = None) -> None:
        if not connection.in_atomic_block:
            raise RuntimeError("BulkWriter writes inside the caller's transaction.atomic()")
        ctx = audit.current()
        who = actor if actor is not None else ctx.actor
        self.actor = who
        self.message = message
        self.now = timezone.now()
        self.log_rows = 0  # change-log rows written (settled)
        self.written: dict[type[models.Model], int] = defaultdict(int)  # rows written per model
        self.timings: dict[str, float] = defaultdict(float)
        self._tables: dict[type[models.Model], _Table] = {}
        self._staging: dict[tuple[type[models.Model], tuple[str, ...]], str] = {}
        self._reserved: dict[type[models.Model], list[int]] = defaultdict(list)
        self._pg = connection.vendor == "postgresql"
        self._use_pipeline = PIPELINE if pipeline is None else pipeline
        self._pipeline: contextlib.ExitStack | None = None
        self._cursors: list[tuple[Any, bool]] = []
        # Statements staged but not sent yet: (step, sql, params, counts log rows), and the
        # staging tables they read (a staging table is emptied only once they have run).
        self._queue: list[tuple[str, str, dict[str, Any], bool]] = []
        self._queued_tables: set[str] = set()
        self._log_context = {
            "time": self.now,
            "actor": getattr(who, "pk", None),
            "actor_name": getattr(who, "username", "") or "",
            "source": ctx.source,
            "request_id": ctx.request_id,
            "ip": ctx.ip,
            "message": message,
        }

    # --- the interface ---------------------------------------------------------------------------

    def __enter__(self) -> BulkWriter:
        return self

    def __exit__(self, kind: Any, error: BaseException | None, trace: Any) -> None:
        if error is None:
            self.settle()
            self._keys_checked()
        else:
            self.abandon(error)

    def reserve(self, model: type[ChangeLoggedModel], n: int) -> None:
        """Draw n ids of the model's sequence now (PostgreSQL), for the inserts to come: drawing
        them later waits for the statements still running. Ids left over are never used
        (sequences have gaps anyway)."""
        if self._pg and n > 0:
            self._reserved[model].extend(self._draw_ids(model, n))

    def insert(
        self, model: type[ChangeLoggedModel], rows: Sequence[Row], *, describe: Describe | None = None
    ) -> list[int]:
        """Insert rows and log their creation; returns their ids, in order. Rows map attnames to
        values and share their keys; they are completed in place (primary key, defaults, derived
        fields, timestamps). `describe(row)` gives the change log's object text (default: str() of
        the model built from the row — give a function when __str__ reads relations)."""
        if not rows:
            return []
        started = time.perf_counter()
        table = self._table(model)
        self._complete(table, rows)
        if not self._pg:
            return self._insert_elsewhere(table, rows, describe, started)
        ids = self._take_ids(model, len(rows))
        pk = table.columns[0].attname
        for value, row in zip(ids, rows, strict=True):
            row[pk] = value
        reprs = self._reprs(table, rows, describe)
        self._add("prepare", started)
        staged = self._stage(table, table.columns, rows, reprs)
        columns = ", ".join(_ident(c.column) for c in table.columns)
        insert = f"INSERT INTO {_ident(table.table)} ({columns}) SELECT {columns} FROM {staged}"  # noqa: S608  (identifiers from model metadata)
        log = self._log_sql(table, staged, None, _snapshot_sql(table, "t"))
        self._enqueue(staged, ("rows", insert, {}, False))
        self._enqueue(staged, ("log", log, self._log_params(model, ChangeLog.Action.CREATE), True))
        self.written[model] += len(rows)
        return ids

    def update(
        self,
        model: type[ChangeLoggedModel],
        rows: Sequence[tuple[Row, Row]],
        *,
        describe: Describe | None = None,
    ) -> int:
        """Write changes to stored rows and log them. Each item is (the stored row: every concrete
        field by attname, as read; the changes: attname -> new value). Returns the number of rows
        changed."""
        started = time.perf_counter()
        table = self._table(model)
        pk = table.columns[0].attname
        pairs = [(stored, {**stored, **changes}) for stored, changes in rows if _differs(stored, changes)]
        if not pairs:
            return 0
        afters = [after for _stored, after in pairs]
        changed: set[str] = {k for stored, after in pairs for k in after if after[k] != stored.get(k)}
        _derive(table.model, afters, changed)
        changed |= {d.field for d in table.model.derived if changed.intersection(d.sources)}
        changed -= {pk, "created", "last_updated"}
        for after in afters:
            after["last_updated"] = self.now
        if not self._pg:
            return self._update_elsewhere(table, pairs, sorted(changed), describe, started)
        columns = tuple(c for c in table.columns if c.attname in changed or c.attname == pk)
        reprs = self._reprs(table, afters, describe)
        self._add("prepare", started)
        staged = self._stage(table, columns, afters, reprs)
        new = {c.column: f"n.{_ident(c.column)}" for c in columns if c.attname != pk}
        log = self._log_sql(table, staged, _snapshot_sql(table, "t"), _snapshot_sql(table, "t", new))
        assignments = ", ".join(f"{_ident(col)} = {expr}" for col, expr in new.items())
        update = (
            f"UPDATE {_ident(table.table)} t SET {assignments}, {_ident('last_updated')} = %(now)s"  # noqa: S608  (identifiers from model metadata)
            f" FROM {staged} n WHERE n.{_ident(table.pk)} = t.{_ident(table.pk)}"
        )
        ids = [after[pk] for after in afters]
        # The log first: its `before` reads the rows as they are stored until the UPDATE runs.
        self._enqueue(staged, ("log", log, {**self._log_params(model, ChangeLog.Action.UPDATE), **_bounds(ids)}, True))
        self._enqueue(staged, ("rows", update, {"now": self.now}, False))
        self.written[model] += len(pairs)
        return len(pairs)

    @_django_errors
    def send(self) -> None:
        """Send the statements of the rows staged so far (PostgreSQL) without waiting: the
        database writes them while the caller prepares the next batch. Call it once a batch's
        rows are all handed over (`insert`/`update` only stage them, so that the batch's COPYs do
        not wait for its own INSERTs); `settle()` sends whatever is left."""
        queue, self._queue = self._queue, []
        self._queued_tables = set()
        for step, sql, params, logs in queue:
            started = time.perf_counter()
            if self._use_pipeline and self._pipeline is None:
                stack = contextlib.ExitStack()
                stack.enter_context(self._raw().pipeline())
                self._pipeline = stack
            cur = self._cursor()
            try:
                cur.execute(sql, params)
            except psycopg.errors.PipelineAborted:
                self._wait()  # leaves pipeline mode and raises the error of the statement that failed
                raise
            except BaseException as error:
                self.abandon(error)
                raise
            self._cursors.append((cur, logs))
            if not self._use_pipeline:
                self._wait()
            self._add(step, started)

    def settle(self) -> int:
        """Send what is staged, wait for every statement (PostgreSQL) and return the change-log
        rows written so far. Raises the database's error, if any."""
        self.send()
        return self._wait()

    @_django_errors
    def _wait(self) -> int:
        """Wait for the statements sent."""
        if self._pipeline is not None:
            started = time.perf_counter()
            stack, self._pipeline = self._pipeline, None
            try:
                stack.close()  # raises the error of a statement that failed, out of pipeline mode
            except BaseException:
                self._cursors = []
                self._queue = []
                raise
            self._add("wait", started)
        for cur, counts in self._cursors:
            if counts:
                self.log_rows += cur.rowcount
        self._cursors = []
        return self.log_rows

    def abandon(self, error: BaseException) -> None:
        """End the pipeline after the caller failed (the caller's transaction rolls back)."""
        if self._pipeline is not None:
            stack, self._pipeline = self._pipeline, None
            with contextlib.suppress(psycopg.Error):  # the caller's error is the one to report
                stack.__exit__(type(error), error, error.__traceback__)
        self._cursors = []
        self._queue = []
        self._queued_tables = set()

    # --- preparation ---------------------------------------------------------------------------

    def _table(self, model: type[ChangeLoggedModel]) -> _Table:
        table = self._tables.get(model)
        if table is None:
            table = self._tables[model] = _Table.of(model)
        return table

    def _complete(self, table: _Table, rows: Sequence[Row]) -> None:
        """Defaults for the columns the first row leaves out, derived fields, timestamps."""
        pk = table.columns[0].attname
        missing = [(c.attname, c.default) for c in table.columns[1:] if c.attname not in rows[0] and c.default]
        now = self.now
        for row in rows:
            for attname, default in missing:
                row[attname] = default()
            row["created"] = row["last_updated"] = now
            row.setdefault(pk, None)
        _derive(table.model, rows, None)

    def _reprs(self, table: _Table, rows: Sequence[Row], describe: Describe | None) -> list[str]:
        if describe is None:
            model = table.model
            return [str(model(**row)) for row in rows]
        return [describe(row) for row in rows]

    def _log_params(self, model: type[models.Model], action: str) -> dict[str, Any]:
        ct = ContentType.objects.get_for_model(model, for_concrete_model=True).pk  # cached after the first
        return {**self._log_context, "action": action, "ct": ct}

    def _log_sql(self, table: _Table, staged: str, before: str | None, after: str) -> str:
        """The change-log INSERT of the batch in `staged`: a creation when `before` is None (the
        staged rows are what the INSERT … SELECT stored, column for column), else an update of
        the stored rows `t` by the staged values `n`."""
        pk = _ident(table.pk)
        if before is None:
            return _LOG_INSERT.format(pk=pk, repr=f"t.{REPR}", before="NULL::jsonb", after=after, source=f"{staged} t")
        # BETWEEN lets the planner read the batch's rows through the primary key, where the join
        # alone (no statistics yet for rows just written) made it scan the whole table.
        source = f"{_ident(table.table)} t JOIN {staged} n ON n.{pk} = t.{pk} WHERE t.{pk} BETWEEN %(low)s AND %(high)s"
        return _LOG_INSERT.format(pk=pk, repr=f"n.{REPR}", before=before, after=after, source=source)

    # --- PostgreSQL ----------------------------------------------------------------------------

    def _raw(self) -> Any:
        """The psycopg connection under Django's, inside its transaction."""
        connection.ensure_connection()
        return connection.connection

    def _cursor(self) -> Any:
        # Parameters bound on the server, in binary where psycopg can.
        return psycopg.Cursor(self._raw())

    @_django_errors
    def _draw_ids(self, model: type[models.Model], n: int) -> list[int]:
        self.settle()  # a result is awaited: whatever was sent before must be done
        cur = self._cursor()
        table = self._table(model)  # type: ignore[arg-type]  # models written here are change-logged
        cur.execute("SELECT pg_get_serial_sequence(%s, %s)", (table.table, table.pk))
        sequence = cur.fetchone()[0]
        cur.execute("SELECT array_agg(nextval(%s::regclass)) FROM generate_series(1, %s)", (sequence, n), binary=True)
        ids: list[int] = cur.fetchone()[0]
        return ids

    def _take_ids(self, model: type[models.Model], n: int) -> list[int]:
        reserved = self._reserved[model]
        if len(reserved) < n:
            reserved.extend(self._draw_ids(model, n - len(reserved)))
        ids, self._reserved[model] = reserved[:n], reserved[n:]
        return ids

    @_django_errors
    def _stage(self, table: _Table, columns: Sequence[_Column], rows: Sequence[Row], reprs: list[str]) -> str:
        """COPY the rows' columns and their object texts into this transaction's staging table of
        the model (created on first use, emptied before each batch); returns its name. COPY does
        not run in pipeline mode: this waits for the statements sent before (the previous batch)."""
        key = (table.model, tuple(c.column for c in columns))
        staged = self._staging.get(key)
        if staged in self._queued_tables:
            self.send()  # its rows have not been moved yet
        self._wait()
        started = time.perf_counter()
        cur = self._cursor()
        if staged is None:
            staged = self._staging[key] = f"_bulk_{next(_staging_names)}"
            names = ", ".join(_ident(c.column) for c in columns)
            # Column types without constraints: an update stages only the columns it changes.
            cur.execute(
                f"CREATE TEMP TABLE {staged} ON COMMIT DROP AS SELECT {names}, NULL::text AS {REPR}"  # noqa: S608  (identifiers from model metadata)
                f" FROM {_ident(table.table)} WITH NO DATA"
            )
        else:
            cur.execute(f"TRUNCATE {staged}")
        names = ", ".join([*(_ident(c.column) for c in columns), REPR])
        values = operator.itemgetter(*(c.attname for c in columns))
        with cur.copy(f"COPY {staged} ({names}) FROM STDIN (FORMAT BINARY)") as cp:
            cp.set_types([*(c.copy_type for c in columns), "text"])
            for row, text in zip(rows, reprs, strict=True):
                cp.write_row((*values(row), text))
        self._add("copy", started)
        return staged

    def _enqueue(self, staged: str, statement: tuple[str, str, dict[str, Any], bool]) -> None:
        self._queue.append(statement)
        self._queued_tables.add(staged)

    @_django_errors
    def _keys_checked(self) -> None:
        """Without the pipeline (the breakdown), check the deferred foreign keys of the rows
        written now rather than at the commit, to time them ("keys")."""
        if self._pg and not self._use_pipeline and self.written:
            started = time.perf_counter()
            cur = self._cursor()
            cur.execute("SET CONSTRAINTS ALL IMMEDIATE")  # runs the checks queued so far
            cur.execute("SET CONSTRAINTS ALL DEFERRED")  # Django's constraints are initially deferred
            self._add("keys", started)

    def _add(self, step: str, since: float) -> None:
        self.timings[step] += time.perf_counter() - since

    # --- other databases -----------------------------------------------------------------------

    def _insert_elsewhere(
        self, table: _Table, rows: Sequence[Row], describe: Describe | None, started: float
    ) -> list[int]:
        model = table.model
        objs = [model(**row) for row in rows]
        model._default_manager.bulk_create(objs, batch_size=BATCH)
        reprs = self._reprs(table, rows, describe) if describe is not None else [str(o) for o in objs]
        self.log_rows += bulk_log(
            model,
            (
                BulkChange(o.pk, r, ChangeLog.Action.CREATE, None, o.snapshot())
                for o, r in zip(objs, reprs, strict=True)
            ),
            actor=self.actor,
            message=self.message,
        )
        self.written[model] += len(objs)
        self._add("rows", started)
        return [o.pk for o in objs]

    def _update_elsewhere(
        self, table: _Table, pairs: list[tuple[Row, Row]], changed: list[str], describe: Describe | None, started: float
    ) -> int:
        model = table.model
        objs = [model(**after) for _stored, after in pairs]
        by_attname = {c.attname: c for c in table.columns}
        fields = [by_attname[a].name for a in changed] + ["last_updated"]
        model._default_manager.bulk_update(objs, fields, batch_size=BATCH)
        afters = [after for _stored, after in pairs]
        reprs = self._reprs(table, afters, describe) if describe is not None else [str(o) for o in objs]
        self.log_rows += bulk_log(
            model,
            (
                BulkChange(o.pk, r, ChangeLog.Action.UPDATE, _snapshot_of(table, stored), o.snapshot())
                for o, r, (stored, _after) in zip(objs, reprs, pairs, strict=True)
            ),
            actor=self.actor,
            message=self.message,
        )
        self.written[model] += len(objs)
        self._add("rows", started)
        return len(objs)


def _differs(stored: Row, changes: Row) -> bool:
    return any(stored.get(k) != v for k, v in changes.items())


def _derive(model: type[ChangeLoggedModel], rows: Sequence[Row], written: set[str] | None) -> None:
    """Recompute the model's derived fields of rows whose sources are written (every row when
    `written` is None), one compute_many call per field."""
    for d in model.derived:
        if written is not None and not written.intersection(d.sources):
            continue
        values = d.many(*([row[s] for row in rows] for s in d.sources))
        for row, value in zip(rows, values, strict=True):
            row[d.field] = value


def _snapshot_of(table: _Table, row: Row) -> dict[str, Any]:
    """A stored row (attname -> value) as Model.snapshot() records it."""
    return {c.name: to_jsonable(row.get(c.attname)) for c in table.logged}


def _bounds(ids: list[int]) -> dict[str, Any]:
    return {"low": min(ids), "high": max(ids)}


def rows_of(model: type[models.Model], objs: Iterable[models.Model]) -> list[Row]:
    """Model instances as rows (attname -> value) for BulkWriter."""
    attnames = [f.attname for f in model._meta.concrete_fields]
    return [{a: getattr(o, a) for a in attnames} for o in objs]


__all__ = ["BulkWriter", "rows_of"]
