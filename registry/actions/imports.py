"""Applying validated import rows: one transaction, upsert keyed by the credit code (enterprises)
or the normalised name (bases), new residencies, and the change log of every row written.

Idempotent: a row whose values equal what is stored writes nothing and logs nothing. An edit
never erases what the importer cannot see: an enterprise outside the importer's scope is
reported, not overwritten, and an empty cell leaves the stored value as it is.

On PostgreSQL the rows go in with COPY (ids drawn from the sequence first) and the change-log
rows are built by the database from the rows just stored (INSERT … SELECT jsonb_build_object),
so the log shows exactly what was written; elsewhere (SQLite) bulk_create + core.audit.bulk_log.
"""

from __future__ import annotations

import datetime
import re
import time
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import connection, models, transaction
from django.utils import timezone

from accounts.models import Role
from accounts.scoping import ADD, CHANGE, can
from core import audit, uscc
from core.audit import BulkChange, bulk_log, log_event
from core.db import ANALYZE_THRESHOLD, analyze
from core.models import ChangeLog, ChangeLoggedModel
from core.text import _converter, normalize_name
from registry.models import Base, Enterprise, Residency

CHUNK = 5000
_SPACES = re.compile(r"\s+")

# Enterprise fields an import may set (model attnames).
ROSTER_FIELDS = (
    "name",
    "category",
    "region_id",
    "main_business",
    "is_ecommerce",
    "annual_revenue",
    "employees",
    "industry",
    "figures_year",
    "contact_name",
    "contact_phone",
)


@dataclass
class RosterRow:
    row: int  # Excel row number
    credit_code: str
    org_code_ok: bool | None
    fields: dict[str, Any]  # attname -> value, only the cells the file filled
    base_id: int
    entered_on: datetime.date


@dataclass
class BaseRow:
    row: int
    fields: dict[str, Any]


@dataclass
class Outcome:
    written: bool = False
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    residencies: int = 0
    log_rows: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)
    rejected_rows: set[int] = field(default_factory=set)
    timings: dict[str, float] = field(default_factory=dict)

    def lap(self, name: str, since: float) -> float:
        now = time.perf_counter()
        self.timings[name] = round(now - since, 3)
        return now

    def as_dict(self) -> dict[str, Any]:
        return {
            "written": self.written,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "residencies": self.residencies,
            "log_rows": self.log_rows,
        }


def _snapshot_fields(model: type[ChangeLoggedModel]) -> list[models.Field[Any, Any]]:
    return [f for f in model._meta.concrete_fields if f.name not in model.audit_exclude]


def normalize_names(names: Sequence[str]) -> list[str]:
    """core.text.normalize_name for many names at once: one OpenCC call for the whole list."""
    cleaned = [_SPACES.sub("", unicodedata.normalize("NFKC", n or "")) for n in names]
    converted = _converter().convert("\n".join(cleaned)).split("\n")
    if len(converted) != len(cleaned):  # pragma: no cover - OpenCC keeps line breaks
        return [normalize_name(n) for n in names]
    return converted


def _chunks(items: Sequence[Any], size: int = CHUNK) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _is_postgres() -> bool:
    return connection.vendor == "postgresql"


# --- PostgreSQL fast path -----------------------------------------------------------------------


def _snapshot_sql(model: type[ChangeLoggedModel], alias: str) -> str:
    """jsonb equal to model.snapshot() of the row, computed by the database."""
    parts: list[str] = []
    for f in _snapshot_fields(model):
        col = f'{alias}."{f.column}"'
        if isinstance(f, models.DecimalField):
            expr = f"{col}::text"
        elif isinstance(f, models.DateTimeField):
            expr = f"to_jsonb({col})"
        elif isinstance(f, models.DateField):
            expr = f"to_char({col}, 'YYYY-MM-DD')"
        else:
            expr = col
        parts += [f"'{f.name}'", expr]
    return "jsonb_build_object(" + ", ".join(parts) + ")"


def _raw_cursor() -> Any:
    connection.ensure_connection()
    return connection.connection.cursor()


def _next_ids(cur: Any, table: str, n: int) -> list[int]:
    if n == 0:
        return []
    cur.execute(
        "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
        (table, n),
    )
    return [r[0] for r in cur.fetchall()]


def _copy(
    cur: Any, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]], types: Sequence[str] | None = None
) -> None:
    """COPY rows in; binary format when the column types are given (faster to encode)."""
    cols = ", ".join(f'"{c}"' for c in columns)
    binary = " (FORMAT BINARY)" if types else ""
    with cur.copy(f'COPY "{table}" ({cols}) FROM STDIN{binary}') as cp:
        if types:
            cp.set_types(types)
        for row in rows:
            cp.write_row(row)


def _pg_type(f: models.Field[Any, Any]) -> str:
    db_type = f.db_type(connection) or "text"
    return db_type.split("(")[0].strip()


def _log_params(model: type[models.Model], actor: Any, action: str, message: str) -> dict[str, Any]:
    ctx = audit.current()
    return {
        "time": timezone.now(),
        "actor": getattr(actor, "pk", None),
        "actor_name": getattr(actor, "username", "") or "",
        "source": ctx.source,
        "request_id": ctx.request_id,
        "ip": ctx.ip,
        "action": action,
        "ct": ContentType.objects.get_for_model(model, for_concrete_model=True).pk,
        "message": message,
    }


_LOG_INSERT = (
    "INSERT INTO core_changelog (time, actor_id, actor_name, source, request_id, ip, action, result,"
    " content_type_id, object_id, object_repr, before, after, message)"
    " SELECT %(time)s::timestamptz, %(actor)s::bigint, %(actor_name)s, %(source)s, %(request_id)s, %(ip)s::inet,"
    " %(action)s, 'success', %(ct)s, {object_id}, left({repr}, 255), {before}, {after}, %(message)s"
)


def _pg_insert(model: type[ChangeLoggedModel], rows: list[dict[str, Any]], now: datetime.datetime) -> list[int]:
    """COPY rows (attname -> value) into the model's table; returns the ids given to them."""
    cur = _raw_cursor()
    table = model._meta.db_table
    ids = _next_ids(cur, table, len(rows))
    fields = list(model._meta.concrete_fields)
    columns = [str(f.column) for f in fields]
    attnames = [f.attname for f in fields]

    def produce() -> Iterable[list[Any]]:
        for pk, row in zip(ids, rows, strict=True):
            row["id"] = pk
            row["created"] = now
            row["last_updated"] = now
            yield [row.get(a) for a in attnames]

    _copy(cur, table, columns, produce(), [_pg_type(f) for f in fields])
    return ids


# --- planning -----------------------------------------------------------------------------------


def _existing_enterprises(codes: list[str]) -> dict[str, dict[str, Any]]:
    fields = _snapshot_fields(Enterprise)
    attnames = [f.attname for f in fields]
    found: dict[str, dict[str, Any]] = {}
    if _is_postgres():
        # One query with an array parameter: no 60,000-placeholder statements to build and parse.
        cols = ", ".join(f'"{f.column}"' for f in fields)
        cur = _raw_cursor()
        query = f"SELECT {cols} FROM registry_enterprise WHERE credit_code = ANY(%s::text[])"  # noqa: S608  (columns from model metadata)
        cur.execute(query, (codes,))
        for values in cur.fetchall():
            record = dict(zip(attnames, values, strict=True))
            found[record["credit_code"]] = record
        return found
    for chunk in _chunks(codes):
        for record in Enterprise.objects.filter(credit_code__in=chunk).values(*attnames):
            found[record["credit_code"]] = record
    return found


def _open_residencies(enterprise_ids: list[int]) -> dict[int, set[int]]:
    result: dict[int, set[int]] = defaultdict(set)
    if _is_postgres():
        cur = _raw_cursor()
        cur.execute(
            "SELECT enterprise_id, base_id FROM registry_residency"
            " WHERE left_on IS NULL AND enterprise_id = ANY(%s::bigint[])",
            (enterprise_ids,),
        )
        pairs: Iterable[tuple[int, int]] = cur.fetchall()
    else:
        pairs = (
            pair
            for chunk in _chunks(enterprise_ids)
            for pair in Residency.objects.filter(enterprise_id__in=chunk, left_on__isnull=True).values_list(
                "enterprise_id", "base_id"
            )
        )
    for ent_id, base_id in pairs:
        result[ent_id].add(base_id)
    return result


def import_roster(
    user: Any,
    rows: list[RosterRow],
    *,
    keep_valid: bool = False,
    blocked: bool = False,
    message: str = "",
    progress: Callable[[str], None] | None = None,
) -> Outcome:
    """Upsert enterprises and open residencies for validated rows, in one transaction.

    `blocked` says that earlier checks already found errors: in all-or-none mode nothing is
    written, but the scope checks still run so that the report lists every problem at once.
    """
    from registry.imports.columns import issue

    outcome = Outcome()
    allowed_bases = set(Base.objects.restrict(user, CHANGE).values_list("pk", flat=True))
    is_ministry = getattr(user, "role", None) == Role.MINISTRY
    if not allowed_bases or not (is_ministry or can(user, Base, CHANGE)):
        raise PermissionError("user may not import enterprises")
    mark = time.perf_counter()
    with transaction.atomic():
        existing = _existing_enterprises([r.credit_code for r in rows])
        residencies = _open_residencies([e["id"] for e in existing.values()])
        creates: list[RosterRow] = []
        updates: list[tuple[RosterRow, dict[str, Any], dict[str, Any]]] = []  # row, stored, changes
        new_stays: list[tuple[RosterRow, int | None]] = []  # row, enterprise id (None: being created)
        for row in rows:
            if row.base_id not in allowed_bases:
                outcome.errors.append(issue(row.row, "所在基地", "", "base_out_of_scope"))
                outcome.rejected_rows.add(row.row)
                continue
            stored = existing.get(row.credit_code)
            if stored is None:
                creates.append(row)
                new_stays.append((row, None))
                continue
            stays = residencies.get(stored["id"], set())
            if not is_ministry and not (stays & allowed_bases):
                outcome.errors.append(issue(row.row, "统一社会信用代码", row.credit_code, "enterprise_out_of_scope"))
                outcome.rejected_rows.add(row.row)
                continue
            changes = {k: v for k, v in row.fields.items() if stored.get(k) != v}
            if changes:
                updates.append((row, stored, changes))
            if row.base_id not in stays:
                new_stays.append((row, stored["id"]))
            if not changes and row.base_id in stays:
                outcome.unchanged += 1
        mark = outcome.lap("plan", mark)
        if (outcome.errors or blocked) and not keep_valid:
            return outcome
        if progress is not None:
            progress("write")
        now = timezone.now()
        created_ids = _create_enterprises(user, creates, now, message, outcome)
        mark = outcome.lap("create", mark)
        _update_enterprises(user, updates, now, message, outcome)
        mark = outcome.lap("update", mark)
        _open_stays(user, new_stays, created_ids, now, message, outcome)
        mark = outcome.lap("residencies", mark)
        outcome.written = True
        if outcome.created or outcome.updated or outcome.residencies:
            log_event(
                ChangeLog.Action.IMPORT,
                actor=user,
                object_repr=str(Enterprise._meta.verbose_name_plural),
                message=f"{message} created={outcome.created} updated={outcome.updated} "
                f"residencies={outcome.residencies}",
            )
    mark = outcome.lap("commit", mark)
    if outcome.created + outcome.updated + outcome.residencies >= ANALYZE_THRESHOLD:
        analyze(Enterprise, Residency, ChangeLog)
        outcome.lap("analyze", mark)
    return outcome


def _new_enterprise_values(rows: list[RosterRow]) -> list[dict[str, Any]]:
    normalized = normalize_names([r.fields["name"] for r in rows])
    values: list[dict[str, Any]] = []
    for row, name_key in zip(rows, normalized, strict=True):
        given = row.fields
        values.append(
            {
                "credit_code": row.credit_code,
                "credit_code_override": "",
                "org_code_ok": row.org_code_ok,
                "name": given["name"],
                "name_normalized": name_key,
                "category": given.get("category") or uscc.category(row.credit_code),
                "region_id": given["region_id"],
                "is_ecommerce": given.get("is_ecommerce", True),
                "main_business": given.get("main_business", ""),
                "industry": given.get("industry", Enterprise._meta.get_field("industry").default),
                "annual_revenue": given.get("annual_revenue"),
                "employees": given.get("employees"),
                "figures_year": given.get("figures_year"),
                "contact_name": given.get("contact_name", ""),
                "contact_phone": given.get("contact_phone", ""),
            }
        )
    return values


def _create_enterprises(
    user: Any, rows: list[RosterRow], now: datetime.datetime, message: str, outcome: Outcome
) -> dict[str, int]:
    if not rows:
        return {}
    values = _new_enterprise_values(rows)
    if _is_postgres():
        mark = time.perf_counter()
        ids = _pg_insert(Enterprise, values, now)
        outcome.lap("create.copy", mark)
        cur = _raw_cursor()
        sql = _LOG_INSERT.format(
            object_id="e.id::text", repr="e.name", before="NULL::jsonb", after=_snapshot_sql(Enterprise, "e")
        )
        cur.execute(
            sql + " FROM registry_enterprise e WHERE e.id = ANY(%(ids)s::bigint[])",
            {**_log_params(Enterprise, user, ChangeLog.Action.CREATE, message), "ids": ids},
        )
        outcome.log_rows += cur.rowcount
        by_code = {v["credit_code"]: pk for v, pk in zip(values, ids, strict=True)}
    else:
        objs = [Enterprise(**v) for v in values]
        Enterprise.objects.bulk_create(objs, batch_size=500)
        outcome.log_rows += bulk_log(
            Enterprise,
            (BulkChange(o.pk, str(o), ChangeLog.Action.CREATE, None, o.snapshot()) for o in objs),
            actor=user,
            message=message,
        )
        by_code = {o.credit_code: o.pk for o in objs}
    outcome.created = len(rows)
    return by_code


def _update_enterprises(
    user: Any,
    updates: list[tuple[RosterRow, dict[str, Any], dict[str, Any]]],
    now: datetime.datetime,
    message: str,
    outcome: Outcome,
) -> None:
    if not updates:
        return
    renamed = [changes["name"] for _row, _stored, changes in updates if "name" in changes]
    renamed_keys = iter(normalize_names(renamed))
    merged: list[dict[str, Any]] = []
    for _row, stored, changes in updates:
        after = {**stored, **changes}
        if "name" in changes:
            after["name_normalized"] = next(renamed_keys)
        merged.append(after)
    if _is_postgres():
        cur = _raw_cursor()
        cur.execute("CREATE TEMP TABLE import_enterprise (LIKE registry_enterprise) ON COMMIT DROP")
        fields = list(Enterprise._meta.concrete_fields)
        _copy(
            cur,
            "import_enterprise",
            [str(f.column) for f in fields],
            ([now if f.attname in ("created", "last_updated") else m.get(f.attname) for f in fields] for m in merged),
        )
        sql = _LOG_INSERT.format(
            object_id="e.id::text",
            repr="t.name",
            before=_snapshot_sql(Enterprise, "e"),
            after=_snapshot_sql(Enterprise, "t"),
        )
        cur.execute(
            sql + " FROM registry_enterprise e JOIN import_enterprise t ON t.id = e.id",
            _log_params(Enterprise, user, ChangeLog.Action.UPDATE, message),
        )
        outcome.log_rows += cur.rowcount
        assignments = ", ".join(
            f'"{f.column}" = t."{f.column}"' for f in fields if f.attname not in ("id", "created", "credit_code")
        )
        update = f"UPDATE registry_enterprise e SET {assignments} FROM import_enterprise t WHERE e.id = t.id"  # noqa: S608  (columns from model metadata)
        cur.execute(update)
        cur.execute("DROP TABLE import_enterprise")
    else:
        objs: list[Enterprise] = []
        changes_log: list[BulkChange] = []
        names: set[str] = {"last_updated"}
        for (_row, stored, changes), after in zip(updates, merged, strict=True):
            obj = Enterprise(**after)
            obj.last_updated = now
            objs.append(obj)
            names.update(changes)
            if "name" in changes:
                names.add("name_normalized")
            changes_log.append(BulkChange(obj.pk, str(obj), ChangeLog.Action.UPDATE, _jsonable(stored), obj.snapshot()))
        update_fields = sorted(Enterprise._meta.get_field(n).name for n in names)
        Enterprise.objects.bulk_update(objs, update_fields, batch_size=500)
        outcome.log_rows += bulk_log(Enterprise, changes_log, actor=user, message=message)
    outcome.updated = len(updates)


def _jsonable(values: dict[str, Any]) -> dict[str, Any]:
    """A stored row (attname -> value) as Model.snapshot() would record it (field names)."""
    from core.models import to_jsonable

    out: dict[str, Any] = {}
    for f in _snapshot_fields(Enterprise):
        out[f.name] = to_jsonable(values.get(f.attname))
    return out


def _open_stays(
    user: Any,
    stays: list[tuple[RosterRow, int | None]],
    created_ids: dict[str, int],
    now: datetime.datetime,
    message: str,
    outcome: Outcome,
) -> None:
    if not stays:
        return
    values = [
        {
            "enterprise_id": ent_id if ent_id is not None else created_ids[row.credit_code],
            "base_id": row.base_id,
            "entered_on": row.entered_on,
            "left_on": None,
            "note": "",
        }
        for row, ent_id in stays
    ]
    if _is_postgres():
        mark = time.perf_counter()
        ids = _pg_insert(Residency, values, now)
        outcome.lap("residencies.copy", mark)
        cur = _raw_cursor()
        sql = _LOG_INSERT.format(
            object_id="r.id::text",
            repr="e.name || ' @ ' || b.name",
            before="NULL::jsonb",
            after=_snapshot_sql(Residency, "r"),
        )
        cur.execute(
            sql + " FROM registry_residency r JOIN registry_enterprise e ON e.id = r.enterprise_id"
            " JOIN registry_base b ON b.id = r.base_id WHERE r.id = ANY(%(ids)s::bigint[])",
            {**_log_params(Residency, user, ChangeLog.Action.CREATE, message), "ids": ids},
        )
        outcome.log_rows += cur.rowcount
    else:
        objs = [Residency(**v) for v in values]
        Residency.objects.bulk_create(objs, batch_size=500)
        names = dict(Enterprise.objects.filter(pk__in={o.enterprise_id for o in objs}).values_list("pk", "name"))
        bases = dict(Base.objects.filter(pk__in={o.base_id for o in objs}).values_list("pk", "name"))
        outcome.log_rows += bulk_log(
            Residency,
            (
                BulkChange(
                    o.pk, f"{names[o.enterprise_id]} @ {bases[o.base_id]}", ChangeLog.Action.CREATE, None, o.snapshot()
                )
                for o in objs
            ),
            actor=user,
            message=message,
        )
    outcome.residencies = len(values)


# --- bases --------------------------------------------------------------------------------------


def import_bases(
    user: Any, rows: list[BaseRow], *, keep_valid: bool = False, blocked: bool = False, message: str = ""
) -> Outcome:
    """Create or update bases keyed by normalised name (the ministry only); new ones are candidates."""
    if not can(user, Base, ADD):
        raise PermissionError("only the ministry imports bases")
    outcome = Outcome()
    if blocked and not keep_valid:
        return outcome
    with transaction.atomic():
        keys = [normalize_name(r.fields["name"]) for r in rows]
        existing = {b.name_normalized: b for b in Base.objects.filter(name_normalized__in=keys)}
        for row, key in zip(rows, keys, strict=True):
            base = existing.get(key)
            if base is None:
                entry = audit.save_logged(Base(**row.fields), actor=user, message=message)
                outcome.created += 1
            else:
                for name, value in row.fields.items():
                    setattr(base, name, value)
                fields = [Base._meta.get_field(n).name for n in row.fields]
                entry = audit.save_logged(base, actor=user, update_fields=fields, message=message)
                if entry is None:
                    outcome.unchanged += 1
                else:
                    outcome.updated += 1
            outcome.log_rows += entry is not None
        outcome.written = True
        if outcome.created or outcome.updated:
            log_event(
                ChangeLog.Action.IMPORT,
                actor=user,
                object_repr=str(Base._meta.verbose_name_plural),
                message=f"{message} created={outcome.created} updated={outcome.updated}",
            )
    return outcome


__all__ = ["BaseRow", "Outcome", "RosterRow", "import_bases", "import_roster", "normalize_names"]
