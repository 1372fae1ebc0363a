"""Applying validated import rows: one transaction, upsert keyed by the credit code (enterprises)
or the normalised name (bases), new residencies, and the change log of every row written.

Idempotent: a row whose values equal what is stored writes nothing and logs nothing. An edit
never erases what the importer cannot see: an enterprise outside the importer's scope is
reported, not overwritten, and an empty cell leaves the stored value as it is.

Roster rows may come in batches while they are being checked (registry.imports.validate.
RosterBatches checks a file 5,000 rows at a time); each batch is planned here (scope, creates,
updates, new residencies) and handed to the bulk writer of core (`core.bulk.BulkWriter`: rows
and their change log in this transaction; on PostgreSQL sent in pipeline mode, so the database
writes one batch while the next is checked). In all-or-none mode a batch is written only while
no error has been found; an error found later rolls the whole transaction back.
"""

from __future__ import annotations

import datetime
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction

from accounts.models import User
from core import audit, uscc
from core.audit import log_event
from core.bulk import BulkWriter
from core.db import COARSE, analyze_after_load
from core.models import ChangeLog
from core.roles import Role
from core.scoping import ADD, CHANGE, can
from core.text import normalize_name
from registry.models import Base, Enterprise, Residency

CHUNK = 5000

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


@dataclass(slots=True)  # 60,000 of them per import: slots make them faster to build
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

    def add_time(self, name: str, seconds: float) -> None:
        self.timings[name] = round(self.timings.get(name, 0.0) + seconds, 3)

    def as_dict(self) -> dict[str, Any]:
        return {
            "written": self.written,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "residencies": self.residencies,
            "log_rows": self.log_rows,
        }


def _chunks(items: Sequence[Any], size: int = CHUNK) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _is_postgres() -> bool:
    return connection.vendor == "postgresql"


def _raw_cursor() -> Any:
    """A psycopg cursor binding parameters on the server (arrays of 60,000 codes in binary)."""
    import psycopg

    connection.ensure_connection()
    return psycopg.Cursor(connection.connection)


# --- planning -----------------------------------------------------------------------------------


def _existing_enterprises(codes: Sequence[str]) -> dict[str, dict[str, Any]]:
    """The stored enterprises of these credit codes: code -> every logged field by attname."""
    fields = [f for f in Enterprise._meta.concrete_fields if f.name not in Enterprise.audit_exclude]
    attnames = [f.attname for f in fields]
    found: dict[str, dict[str, Any]] = {}
    if _is_postgres():
        # One query, the codes in one text split by the database: no 60,000-placeholder statement,
        # and no array of 60,000 strings for psycopg to encode (half the lookup's time). Only
        # codes that can be stored are looked up (18 letters and digits: a row with any other
        # fails its checks), so a comma never splits one.
        cols = ", ".join(f'"{f.column}"' for f in fields)
        cur = _raw_cursor()
        query = f"SELECT {cols} FROM registry_enterprise WHERE credit_code = ANY(string_to_array(%s, ','))"  # noqa: S608  (columns from model metadata)
        cur.execute(query, (",".join(c for c in codes if len(c) == 18 and c.isascii() and c.isalnum()),))
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
    if not enterprise_ids:
        return result
    if _is_postgres():
        cur = _raw_cursor()
        cur.execute(
            "SELECT enterprise_id, base_id FROM registry_residency"
            " WHERE left_on IS NULL AND enterprise_id = ANY(%b::bigint[])",
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


@dataclass
class _Batch:
    """The writes of one batch of rows."""

    creates: list[dict[str, Any]] = field(default_factory=list)  # attname -> value of new enterprises
    updates: list[tuple[dict[str, Any], dict[str, Any]]] = field(default_factory=list)  # stored, changes
    stays: list[tuple[str, int | None, int, datetime.date]] = field(
        default_factory=list
    )  # code, enterprise id, base, date

    def __bool__(self) -> bool:
        return bool(self.creates or self.updates or self.stays)


@dataclass
class _Names:
    """What the change log's object texts need: enterprise and base names by id."""

    enterprises: dict[int, str]
    bases: dict[int, str]

    def residency(self, row: dict[str, Any]) -> str:
        return f"{self.enterprises[row['enterprise_id']]} @ {self.bases[row['base_id']]}"


def import_roster(
    user: User,
    rows: list[RosterRow],
    *,
    keep_valid: bool = False,
    blocked: bool = False,
    message: str = "",
) -> Outcome:
    """Upsert enterprises and open residencies for validated rows, in one transaction.

    `blocked` says that earlier checks already found errors: in all-or-none mode nothing is
    written, but the scope checks still run so that the report lists every problem at once.
    """
    return import_roster_batches(
        user,
        [rows],
        codes=[r.credit_code for r in rows],
        keep_valid=keep_valid,
        blocked=lambda: blocked,
        message=message,
    )


def import_roster_batches(
    user: User,
    batches: Iterable[list[RosterRow]],
    *,
    codes: Sequence[str],
    keep_valid: bool = False,
    blocked: Callable[[], bool] = lambda: False,
    message: str = "",
) -> Outcome:
    """import_roster for rows that are still being checked: `batches` yields them as they pass
    (registry.imports.validate.RosterBatches), `codes` lists every credit code they may carry (to
    look the enterprises up once, in advance), and `blocked()` says whether the checks have found
    an error so far. In all-or-none mode writing stops at the first error known and the whole
    transaction is rolled back at the end; the scope checks go on to the last row.
    """
    outcome = Outcome()
    allowed_bases = set(Base.objects.restrict(user, CHANGE).values_list("pk", flat=True))
    is_ministry = getattr(user, "role", None) == Role.MINISTRY
    if not allowed_bases or not (is_ministry or can(user, Base, CHANGE)):
        raise PermissionError("user may not import enterprises")
    mark = time.perf_counter()
    with transaction.atomic():
        existing = _existing_enterprises(codes)
        residencies = _open_residencies([e["id"] for e in existing.values()])
        names = _Names(
            enterprises={e["id"]: e["name"] for e in existing.values()},
            bases=dict(Base.objects.values_list("pk", "name")),
        )
        with BulkWriter(actor=user, message=message) as bulk:
            # Ids for every row that may need one, drawn before the first batch is sent (drawing
            # them later would wait for the batches still being written).
            new = len(set(codes) - set(existing))
            bulk.reserve(Enterprise, new)
            bulk.reserve(Residency, new + sum(1 for e in existing.values() if not residencies.get(e["id"])))
            mark = outcome.lap("lookup", mark)
            failed = False
            for rows in _timed(batches, outcome, "validate"):
                started = time.perf_counter()
                batch = _plan(rows, existing, residencies, allowed_bases, is_ministry, outcome)
                outcome.add_time("plan", time.perf_counter() - started)
                failed = failed or bool(outcome.errors) or blocked()
                if batch and (keep_valid or not failed):
                    _write(bulk, batch, names, outcome)
                    bulk.send()  # written by the database while the next rows are checked
        for step, seconds in bulk.timings.items():
            outcome.add_time(step, seconds)
        outcome.log_rows = bulk.log_rows
        mark = time.perf_counter()
        if (outcome.errors or blocked()) and not keep_valid:
            # Batches written before the first error showed up are undone with the rest.
            transaction.set_rollback(True)
            outcome.created = outcome.updated = outcome.residencies = outcome.log_rows = 0
            return outcome
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
    # Fresh planner statistics for the list pages, where the load changed a table enough.
    analyzed = analyze_after_load({Enterprise: outcome.created + outcome.updated, Residency: outcome.residencies})
    analyzed += analyze_after_load({ChangeLog: outcome.log_rows}, statistics=COARSE)  # read through its indexes
    if analyzed:
        outcome.lap("analyze", mark)
    return outcome


def _timed(batches: Iterable[list[RosterRow]], outcome: Outcome, name: str) -> Iterable[list[RosterRow]]:
    """The batches, adding the time spent producing them (the checks) to outcome.timings[name]."""
    iterator = iter(batches)
    while True:
        mark = time.perf_counter()
        try:
            rows = next(iterator)
        except StopIteration:
            outcome.add_time(name, time.perf_counter() - mark)
            return
        outcome.add_time(name, time.perf_counter() - mark)
        yield rows


def _plan(
    rows: list[RosterRow],
    existing: dict[str, dict[str, Any]],
    residencies: dict[int, set[int]],
    allowed_bases: set[int],
    is_ministry: bool,
    outcome: Outcome,
) -> _Batch:
    """Scope checks and what to write for one batch of rows."""
    from registry.imports.columns import issue

    batch = _Batch()
    creates: list[RosterRow] = []
    for row in rows:
        if row.base_id not in allowed_bases:
            outcome.errors.append(issue(row.row, "所在基地", "", "base_out_of_scope"))
            outcome.rejected_rows.add(row.row)
            continue
        stored = existing.get(row.credit_code)
        if stored is None:
            creates.append(row)
            batch.stays.append((row.credit_code, None, row.base_id, row.entered_on))
            continue
        stays = residencies.get(stored["id"], set())
        if not is_ministry and not (stays & allowed_bases):
            outcome.errors.append(issue(row.row, "统一社会信用代码", row.credit_code, "enterprise_out_of_scope"))
            outcome.rejected_rows.add(row.row)
            continue
        changes = {k: v for k, v in row.fields.items() if stored.get(k) != v}
        if changes:
            batch.updates.append((stored, changes))
        if row.base_id not in stays:
            batch.stays.append((row.credit_code, stored["id"], row.base_id, row.entered_on))
        if not changes and row.base_id in stays:
            outcome.unchanged += 1
    if creates:
        batch.creates = _new_enterprise_values(creates)
    return batch


def _new_enterprise_values(rows: list[RosterRow]) -> list[dict[str, Any]]:
    """New enterprises as rows for the bulk writer (which adds the normalised name)."""
    industry_default = Enterprise._meta.get_field("industry").default
    values: list[dict[str, Any]] = []
    for row in rows:
        given = row.fields
        values.append(
            {
                "credit_code": row.credit_code,
                "credit_code_override": "",
                "org_code_ok": row.org_code_ok,
                "name": given["name"],
                "category": given.get("category") or uscc.category(row.credit_code),
                "region_id": given["region_id"],
                "is_ecommerce": given.get("is_ecommerce", True),
                "main_business": given.get("main_business", ""),
                "industry": given.get("industry", industry_default),
                "annual_revenue": given.get("annual_revenue"),
                "employees": given.get("employees"),
                "figures_year": given.get("figures_year"),
                "contact_name": given.get("contact_name", ""),
                "contact_phone": given.get("contact_phone", ""),
            }
        )
    return values


# --- writing ------------------------------------------------------------------------------------


def _enterprise_name(row: dict[str, Any]) -> str:
    return str(row["name"])


def _write(bulk: BulkWriter, batch: _Batch, names: _Names, outcome: Outcome) -> None:
    """Hand one batch to the bulk writer: enterprises created and updated, residencies opened."""
    created: dict[str, int] = {}
    if batch.creates:
        ids = bulk.insert(Enterprise, batch.creates, describe=_enterprise_name)
        created = {v["credit_code"]: pk for v, pk in zip(batch.creates, ids, strict=True)}
        names.enterprises.update({pk: v["name"] for v, pk in zip(batch.creates, ids, strict=True)})
        outcome.created += len(ids)
    if batch.updates:
        outcome.updated += bulk.update(Enterprise, batch.updates, describe=_enterprise_name)
        for stored, changes in batch.updates:
            if "name" in changes:
                names.enterprises[stored["id"]] = changes["name"]
    if batch.stays:
        stays = [
            {
                "enterprise_id": ent_id if ent_id is not None else created[code],
                "base_id": base_id,
                "entered_on": entered_on,
                "left_on": None,
                "note": "",
            }
            for code, ent_id, base_id, entered_on in batch.stays
        ]
        bulk.insert(Residency, stays, describe=names.residency)
        outcome.residencies += len(stays)


# --- bases --------------------------------------------------------------------------------------


def import_bases(
    user: User, rows: list[BaseRow], *, keep_valid: bool = False, blocked: bool = False, message: str = ""
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


__all__ = ["BaseRow", "Outcome", "RosterRow", "import_bases", "import_roster"]
