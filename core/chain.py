"""Hash chains over the append-only tables (the change log, the payment ledger): a change made
behind the application's back — triggers dropped, a row updated, deleted or inserted by raw SQL —
is found by `verify_chain()`.

A chained model declares `chain_fields` (every stored column). Each row's hash is
HMAC-SHA256(key, previous hash + SHA-256(the row's canonical text)), the first row's previous hash
a constant of the chain. The canonical text is a compact JSON object with sorted keys of the row's
columns, NULL and empty text left out, values in the stable text form the database stores them in
(JSON columns as PostgreSQL's jsonb text, which has one form per value, or SQLite's stored text;
times in UTC ISO 8601 on PostgreSQL). The database builds it (`_content_sql`; PostgreSQL its
SHA-256 too), so a chain is verified on the kind of database that sealed it (a backup is restored
into the same kind). The key (`ECBASE_CHAIN_KEY`) is not in the database, and never sent to it:
whoever holds the database alone cannot recompute a chain over rows they altered.

The hashes live beside the tables, in `ChainLink` (one per row: row id, previous hash, hash),
written by a sealer after the rows' transactions have committed — never by the writers, which run
in many processes at once. The chain's order is the primary key's; the sealer seals the rows in id
order up to a horizon below which no transaction can still add a row:
- PostgreSQL: every statement that inserts into a chained table first takes a shared advisory
  lock (a BEFORE INSERT … FOR EACH STATEMENT trigger, `core.append_only.write_lock`; it runs
  before the statement draws its ids from the sequence, and is held until the transaction ends).
  The sealer reads each table's sequence, then waits (without blocking anyone) for the
  transactions holding the lock at that moment to end: every id drawn up to the value read is then
  committed or gone for good. Writers never wait for each other or for the sealer.
- SQLite: one writer at a time; the sealer's transaction (BEGIN IMMEDIATE) holds the write lock,
  so every row it sees is committed and later rows get higher ids.
Each batch of sealed rows is recorded in a `ChainSeal` (rows, last hash, the key's fingerprint,
a MAC over them): the head of a chain is its last seal, so links deleted at the tail, or rows
re-sealed after their links were removed, show. Bulk writes (core.bulk) need nothing of their own:
the sealer reads the rows, however they were written.

Seals run after every background job (core.tasks), from `manage.py seal_chain` (cron), and before
every verification (`manage.py verify_chain`, the auditor's page, `manage.py restore`).
"""

from __future__ import annotations

import decimal
import hashlib
import hmac
import json
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import psycopg
from django.apps import apps
from django.conf import settings
from django.db import connection, models, transaction
from django.utils.translation import gettext as _

from core.append_only import LOCK_CLASS, WRITE
from core.models import ChainCheck, ChainLink, ChainSeal
from core.money import count

# PostgreSQL advisory locks (two int4 keys): writers of chained tables hold (LOCK_CLASS, WRITE)
# shared until their transaction ends (core.append_only.write_lock); sealers take
# (LOCK_CLASS, SEAL) exclusive among themselves.
SEAL = 2
BATCH = 10_000  # rows per sealing transaction and per read of the verifier
MAX_BREAKS = 200  # breaks of one chain kept in a check's report (all are counted)
POLL = 0.05  # seconds between two looks at the writers still running


# --- the chained tables ------------------------------------------------------------------------


@dataclass(frozen=True)
class Chain:
    model: type[models.Model]
    fields: tuple[str, ...]  # attnames, the primary key first
    columns: tuple[str, ...]  # their database columns, in the same order
    keys: tuple[str, ...]  # '"name":' of each field, for the canonical text
    order: tuple[int, ...]  # the fields' positions in the canonical text (sorted by name)

    @property
    def name(self) -> str:
        return self.model._meta.label_lower

    @property
    def label(self) -> str:
        return str(self.model._meta.verbose_name)

    @property
    def table(self) -> str:
        return self.model._meta.db_table

    @property
    def pk(self) -> str:
        return self.columns[0]

    @classmethod
    def of(cls, model: type[models.Model], fields: Sequence[str]) -> Chain:
        pk = model._meta.pk
        assert pk is not None and fields[0] == pk.attname, f"{model.__name__}.chain_fields starts with the key"
        by_attname = {f.attname: f for f in model._meta.concrete_fields}
        found = [by_attname[name] for name in fields]
        return cls(
            model=model,
            fields=tuple(fields),
            columns=tuple(str(f.column) for f in found),
            keys=tuple(json.dumps(name) + ":" for name in fields),
            order=tuple(sorted(range(len(fields)), key=lambda i: fields[i])),
        )


def chains() -> list[Chain]:
    """Every model that declares `chain_fields`, the change log first."""
    found = [Chain.of(m, getattr(m, "chain_fields", ())) for m in apps.get_models() if getattr(m, "chain_fields", None)]
    return sorted(found, key=lambda c: (c.name != "core.changelog", c.name))


def chain_by_name(name: str) -> Chain | None:
    return next((c for c in chains() if c.name == name), None)


# --- hashing ---------------------------------------------------------------------------------


def _key() -> bytes:
    return str(settings.ECBASE_CHAIN_KEY).encode("utf-8")


def key_id(key: bytes | None = None) -> str:
    """A fingerprint of the key, stored with each seal and in backups (never the key itself)."""
    return hmac.new(key if key is not None else _key(), b"ecbase chain key id", hashlib.sha256).hexdigest()[:16]


def genesis(name: str) -> bytes:
    """The 'previous hash' of a chain's first row."""
    return hashlib.sha256(b"ecbase chain " + name.encode("utf-8")).digest()


class Hasher:
    """HMAC-SHA256 under the chain key, its key schedule computed once."""

    def __init__(self, key: bytes) -> None:
        self._base = hmac.new(key, digestmod=hashlib.sha256)

    def __call__(self, prev: bytes, content: bytes) -> bytes:
        h = self._base.copy()
        h.update(prev)
        h.update(content)
        return h.digest()


def _content_sql(spec: Chain, vendor: str) -> str:
    """Each row's canonical text, built by the database from its columns as it stores them: a
    compact JSON object with sorted keys, NULL and empty text left out; JSON columns as their
    stored text (PostgreSQL's jsonb text has one form per value), other values JSON-quoted in
    their stored text form, times in UTC ISO 8601 on PostgreSQL. PostgreSQL also takes its
    SHA-256, so only 32 bytes a row travel; the keyed step stays here."""
    by_attname = {f.attname: f for f in spec.model._meta.concrete_fields}
    parts = []
    for i in spec.order:
        field, column = by_attname[spec.fields[i]], _ident(spec.columns[i])
        key = spec.keys[i].replace("'", "''")
        if isinstance(field, models.JSONField):
            value = f"{column}::text" if vendor == "postgresql" else column
        elif vendor != "postgresql":  # SQLite: json_quote(NULL) is 'null', so NULL and '' first
            value = f"CASE WHEN {column} IS NULL OR {column} = '' THEN NULL ELSE json_quote({column}) END"
        elif isinstance(field, models.DateTimeField):
            value = f"""'"' || to_char({column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US') || '"'"""
        elif isinstance(field, models.CharField | models.TextField | models.GenericIPAddressField):
            value = f"to_jsonb(NULLIF({column}::text, ''))::text"
        else:
            value = f"to_jsonb({column})::text"
        parts.append((key, value))
    if vendor == "postgresql":
        fields = ", ".join(f"'{key}' || {value}" for key, value in parts)  # concat_ws skips the NULL ones
        return f"sha256(convert_to('{{' || concat_ws(',', {fields}) || '}}', 'UTF8'))"
    fields = " || ".join(f"coalesce(',{key}' || {value}, '')" for key, value in parts)
    return f"'{{' || substr({fields}, 2) || '}}'"


def _digests(spec: Chain, after: int, upto: int | None, batch: int) -> list[tuple[int, bytes]]:
    """(id, SHA-256 of the canonical text) of the chain's rows after id `after` (up to `upto`), at
    most `batch`, in id order."""
    pk = _ident(spec.pk)
    postgresql = connection.vendor == "postgresql"
    sql = f"SELECT {pk}, {_content_sql(spec, connection.vendor)} FROM {_ident(spec.table)} WHERE {pk} > %s"  # noqa: S608  (identifiers from model metadata)
    params: list[Any] = [after]
    if upto is not None:
        sql += f" AND {pk} <= %s"
        params.append(upto)
    if postgresql:
        return _fetch_binary(f"{sql} ORDER BY {pk} LIMIT %s", [*params, batch])
    with connection.cursor() as cursor:
        cursor.execute(f"{sql} ORDER BY {pk} LIMIT %s", [*params, batch])
        rows = cursor.fetchall()
    return [(row_id, hashlib.sha256(text.encode("utf-8")).digest()) for row_id, text in rows]


def _links(name: str, after: int, batch: int) -> list[tuple[int, bytes, bytes]]:
    sql = "SELECT row_id, prev_hash, hash FROM core_chainlink WHERE chain = %s AND row_id > %s ORDER BY row_id LIMIT %s"
    if connection.vendor == "postgresql":
        return _fetch_binary(sql, [name, after, batch])
    with connection.cursor() as cursor:
        cursor.execute(sql, [name, after, batch])
        return [(r, bytes(p), bytes(h)) for r, p, h in cursor.fetchall()]


def _fetch_binary(sql: str, params: list[Any]) -> list[Any]:
    """PostgreSQL: rows in binary (hashes as bytes, not hex text), in Django's transaction."""
    connection.ensure_connection()
    with connection.wrap_database_errors, psycopg.Cursor(connection.connection) as cur:
        cur.execute(sql, params, binary=True)
        return cur.fetchall()


def _ident(name: str) -> str:
    return connection.ops.quote_name(name)


def _seal_mac(key: bytes, seal: ChainSeal) -> bytes:
    text = json.dumps(
        [seal.chain, seal.first_row_id, seal.last_row_id, seal.count, bytes(seal.last_hash).hex(), seal.key_id]
    )
    return hmac.new(key, text.encode("utf-8"), hashlib.sha256).digest()


# --- the horizon: rows below it can no longer be joined by a row of a running transaction ------


def _writers(cursor: Any) -> set[str]:
    """The other transactions holding the writers' lock now."""
    cursor.execute(
        "SELECT virtualtransaction FROM pg_locks WHERE locktype = 'advisory'"
        " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
        " AND classid::bigint = %s AND objid::bigint = %s AND objsubid = 2 AND granted AND pid <> pg_backend_pid()",
        [LOCK_CLASS, WRITE],
    )
    return {row[0] for row in cursor.fetchall()}


def _horizons(specs: Sequence[Chain], wait: float) -> dict[str, int] | None:
    """PostgreSQL: per chain, the highest id such that every row up to it is committed or never
    will be; None when the transactions writing at this moment did not end within `wait` seconds."""
    marks: dict[str, int] = {}
    with connection.cursor() as cursor:
        for spec in specs:
            pk = spec.model._meta.pk
            assert pk is not None
            cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [spec.table, pk.column])
            sequence = cursor.fetchone()[0]
            # last_value is not transactional: every id drawn so far is at most this.
            cursor.execute(f"SELECT last_value - CASE WHEN is_called THEN 0 ELSE 1 END FROM {sequence}")  # noqa: S608  (the sequence's own name)
            marks[spec.name] = int(cursor.fetchone()[0])
        # Whoever drew one of those ids took the lock first and holds it until its transaction ends.
        running = _writers(cursor)
        deadline = time.monotonic() + wait
        while running:
            if time.monotonic() >= deadline:
                return None
            time.sleep(POLL)
            running &= _writers(cursor)
    return marks


# --- sealing ---------------------------------------------------------------------------------


@dataclass
class SealResult:
    sealed: dict[str, int] = field(default_factory=dict)  # rows sealed now, per chain
    deferred: bool = False  # transactions still writing: their rows are left for the next run
    refused: list[str] = field(default_factory=list)  # chains whose head failed its check

    @property
    def total(self) -> int:
        return sum(self.sealed.values())


def _head(spec: Chain, key: bytes) -> tuple[int, bytes] | None:
    """(last row id, last hash) of the chain, from its last seal; None when that seal is not
    ours (altered, or made with another key): nothing is sealed on top of it."""
    last = ChainSeal.objects.filter(chain=spec.name).order_by("-last_row_id").first()
    if last is None:
        return 0, genesis(spec.name)
    if last.key_id != key_id(key) or not hmac.compare_digest(bytes(last.mac), _seal_mac(key, last)):
        return None
    return last.last_row_id, bytes(last.last_hash)


def _write_links(name: str, links: list[tuple[int, bytes, bytes]]) -> None:
    if connection.vendor == "postgresql":
        connection.ensure_connection()
        with connection.wrap_database_errors, psycopg.Cursor(connection.connection) as cur:
            copy = "COPY core_chainlink (chain, row_id, prev_hash, hash) FROM STDIN (FORMAT BINARY)"
            with cur.copy(copy) as cp:
                cp.set_types(["varchar", "int8", "bytea", "bytea"])
                for row_id, prev, digest in links:
                    cp.write_row((name, row_id, prev, digest))
        return
    with connection.cursor() as cursor:  # the ORM's bulk_create spent 5 times as long
        cursor.executemany(
            "INSERT INTO core_chainlink (chain, row_id, prev_hash, hash) VALUES (%s, %s, %s, %s)",
            [(name, r, p, h) for r, p, h in links],
        )


def _seal_batch(spec: Chain, horizon: int | None, batch: int, key: bytes) -> int | None:
    """Seal the next rows of one chain in the caller's transaction; the number sealed, None when
    the chain's head is not ours."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [LOCK_CLASS, SEAL])
    head = _head(spec, key)
    if head is None:
        return None
    after, prev = head
    rows = _digests(spec, after, horizon, batch)
    if not rows:
        return 0
    links = []
    hasher = Hasher(key)
    for row_id, content in rows:
        digest = hasher(prev, content)
        links.append((int(row_id), prev, digest))
        prev = digest
    _write_links(spec.name, links)
    seal = ChainSeal(
        chain=spec.name,
        first_row_id=links[0][0],
        last_row_id=links[-1][0],
        count=len(links),
        last_hash=prev,
        key_id=key_id(key),
    )
    seal.mac = _seal_mac(key, seal)
    seal.save()
    return len(links)


def seal(*, wait: float = 30.0, batch: int = BATCH) -> SealResult:
    """Seal every row that can be sealed now, chain by chain, a batch per transaction. Call it
    outside the transaction that wrote the rows (after its commit): on PostgreSQL it waits up to
    `wait` seconds for the transactions writing at this moment."""
    specs = chains()
    result = SealResult(sealed={s.name: 0 for s in specs})
    horizons: dict[str, int] | None = {}
    if connection.vendor == "postgresql":
        horizons = _horizons(specs, wait)
        if horizons is None:
            result.deferred = True
            return result
    key = _key()
    for spec in specs:
        while True:
            with transaction.atomic():
                count = _seal_batch(spec, (horizons or {}).get(spec.name), batch, key)
            if count is None:
                result.refused.append(spec.name)
                break
            result.sealed[spec.name] += count
            if count < batch:
                break
    return result


# --- verifying -------------------------------------------------------------------------------

# Kinds of break, in the words the auditor reads (core.views, verify_chain).
CHANGED = "changed"  # a sealed row whose content is no longer what was sealed
DELETED = "deleted"  # a sealed row that is gone
GAP = "gap"  # links missing between two rows: rows removed with their links
INSERTED = "inserted"  # a row below the head that is in no link: added afterwards
TRUNCATED = "truncated"  # the last row of a seal (or of the last check) is gone or differs
KEY = "key"  # sealed with another key: the chain cannot be verified with this one
SEAL_ALTERED = "seal"  # a seal record whose MAC does not match


@dataclass
class Break:
    kind: str
    row_id: int | None = None
    until: int | None = None  # GAP: the first row after the missing ones


@dataclass
class ChainReport:
    name: str
    rows: int = 0  # rows in the table
    sealed: int = 0  # rows with a link
    unsealed: int = 0  # rows above the head, not sealed yet
    head_row_id: int = 0
    head_hash: str = ""
    breaks: list[Break] = field(default_factory=list)
    breaks_total: int = 0

    def add(self, item: Break) -> None:
        self.breaks_total += 1
        if len(self.breaks) < MAX_BREAKS:
            self.breaks.append(item)


def _stream(fetch: Callable[[int], Sequence[tuple[Any, ...]]], batch: int) -> Iterator[tuple[Any, ...]]:
    """Rows in id order (the id first), a batch per query: `fetch(after)`."""
    after = 0
    while True:
        chunk = fetch(after)
        yield from chunk
        if len(chunk) < batch:
            return
        after = chunk[-1][0]


def verify_chain(spec: Chain, *, batch: int = BATCH, previous: dict[str, Any] | None = None) -> ChainReport:
    """Recompute one chain and compare it with its links and seals. `previous` is this chain's
    entry in the last check's report: its head must still be there."""
    key = _key()
    report = ChainReport(name=spec.name)
    seals = list(ChainSeal.objects.filter(chain=spec.name).order_by("last_row_id"))
    if any(s.key_id != key_id(key) for s in seals):
        report.add(Break(KEY))
        report.rows = spec.model._base_manager.count()
        return report
    for s in seals:
        if not hmac.compare_digest(bytes(s.mac), _seal_mac(key, s)):
            report.add(Break(SEAL_ALTERED, row_id=s.last_row_id))
    head = seals[-1].last_row_id if seals else 0
    report.head_row_id = head
    report.head_hash = bytes(seals[-1].last_hash).hex() if seals else ""
    # Each seal's last row must still be linked with the hash it was sealed with; so must the head
    # the previous check saw. Checked on the way through the links.
    ends = {s.last_row_id: bytes(s.last_hash) for s in seals}
    if previous and previous.get("head_row_id") and previous.get("head_hash"):
        ends.setdefault(int(previous["head_row_id"]), bytes.fromhex(previous["head_hash"]))

    hasher = Hasher(key)
    rows = _stream(lambda after: _digests(spec, after, None, batch), batch)
    links = _stream(lambda after: _links(spec.name, after, batch), batch)
    prev_hash, prev_row = genesis(spec.name), None
    row, link = next(rows, None), next(links, None)
    while row is not None or link is not None:
        if link is None or (row is not None and row[0] < link[0]):
            assert row is not None
            report.rows += 1
            if row[0] <= head:
                report.add(Break(INSERTED, row_id=row[0]))
            else:
                report.unsealed += 1
            row = next(rows, None)
            continue
        link_row, link_prev, link_hash = link
        report.sealed += 1
        end = ends.pop(link_row, None)
        if end is not None and end != link_hash:
            report.add(Break(TRUNCATED, row_id=link_row))
        if link_prev != prev_hash:
            report.add(Break(GAP, row_id=prev_row, until=link_row))
        if row is not None and row[0] == link_row:
            report.rows += 1
            if not hmac.compare_digest(hasher(link_prev, row[1]), link_hash):
                report.add(Break(CHANGED, row_id=link_row))
            row = next(rows, None)
        else:
            report.add(Break(DELETED, row_id=link_row))
        # Go on from the stored hash: one altered row is one break, not every row after it.
        prev_hash, prev_row = link_hash, link_row
        link = next(links, None)
    for row_id in sorted(ends):  # sealed ends no longer linked at all
        report.add(Break(TRUNCATED, row_id=row_id))
    return report


def row_texts(name: str, ids: Sequence[int], *, hide_values: bool = False) -> dict[int, str]:
    """The rows still there, in words (time, who, what), for a report; without business values
    for the three administrators (`hide_values`), as the change log shows them."""
    spec = chain_by_name(name)
    if spec is None or not ids:
        return {}
    out = {}
    for pk, obj in spec.model._base_manager.in_bulk(list(ids)).items():
        text = getattr(obj, "chain_text", None)
        out[int(pk)] = text(hide_values=hide_values) if callable(text) else str(obj)
    return out


def heads() -> dict[str, dict[str, Any]]:
    """Each chain's head (last sealed row and its hash) and the number of links: what a backup
    records and a restore compares."""
    out = {}
    for spec in chains():
        last = ChainSeal.objects.filter(chain=spec.name).order_by("-last_row_id").first()
        out[spec.name] = {
            "head_row_id": last.last_row_id if last else 0,
            "head_hash": bytes(last.last_hash).hex() if last else "",
            "links": ChainLink.objects.filter(chain=spec.name).count(),
        }
    return out


def run_check(
    *, actor: Any = None, source: str, do_seal: bool = True, wait: float = 30.0, batch: int = BATCH
) -> ChainCheck:
    """Seal what can be sealed, verify every chain, record the check."""
    started = time.perf_counter()
    sealed = seal(wait=wait, batch=batch) if do_seal else SealResult()
    last = ChainCheck.objects.order_by("-time", "-id").first()
    before = {c["name"]: c for c in (last.report.get("chains", []) if last else [])}
    reports = [verify_chain(spec, batch=batch, previous=before.get(spec.name)) for spec in chains()]
    breaks = sum(r.breaks_total for r in reports)
    return ChainCheck.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        source=source,
        ok=breaks == 0,
        rows=sum(r.rows for r in reports),
        sealed=sealed.total,
        unsealed=sum(r.unsealed for r in reports),
        breaks=breaks,
        seconds=decimal.Decimal(f"{time.perf_counter() - started:.2f}"),
        report={"chains": [asdict(r) for r in reports], "deferred": sealed.deferred},
    )


# --- in words --------------------------------------------------------------------------------


def kind_text(kind: str) -> str:
    return {
        CHANGED: _("内容被改动"),
        DELETED: _("记录被删除"),
        GAP: _("记录连同封存信息被删除"),
        INSERTED: _("事后插入的记录"),
        TRUNCATED: _("链尾被截断"),
        KEY: _("密钥不一致"),
        SEAL_ALTERED: _("封存记录被改动"),
    }.get(kind, _("其他异常"))


def break_sentence(label: str, item: dict[str, Any]) -> str:
    """One break as the auditor reads it."""
    kind, row, until = item.get("kind"), item.get("row_id"), item.get("until")
    values = {"book": label, "id": row, "until": until}
    if kind == CHANGED:
        return _("%(book)s第 %(id)s 条记录的内容与封存时不一致：封存后被改动过。") % values
    if kind == DELETED:
        return _("%(book)s第 %(id)s 条记录已封存，现已不在表中：被删除了。") % values
    if kind == GAP:
        if row is None:
            return _("%(book)s第 %(until)s 条之前的记录连同其封存信息被删除。") % values
        return _("%(book)s第 %(id)s 条与第 %(until)s 条之间的记录连同其封存信息被删除。") % values
    if kind == INSERTED:
        return _("%(book)s第 %(id)s 条记录不在哈希链中：编号在已封存的记录之间，是事后插入的。") % values
    if kind == TRUNCATED:
        return _("%(book)s曾封存至第 %(id)s 条，这一条已不在链中或与封存时不同：链尾被删除或改动。") % values
    if kind == KEY:
        return (
            _("%(book)s封存时使用的密钥与本系统现在配置的不同，无法校验；请系统管理员核对完整性密钥的配置。") % values
        )
    if kind == SEAL_ALTERED:
        return _("%(book)s截至第 %(id)s 条的封存记录被改动过。") % values
    return _("%(book)s第 %(id)s 条记录异常。") % values


def label_of(name: str) -> str:
    spec = chain_by_name(name)
    return spec.label if spec is not None else name


def report_lines(check: ChainCheck) -> list[str]:
    """The check in sentences (the command's output)."""
    lines = []
    for item in check.report.get("chains", []):
        label = label_of(item["name"])
        lines.append(
            _("%(book)s：共 %(rows)s 条，已封存 %(sealed)s 条，未封存 %(unsealed)s 条，异常 %(breaks)s 处。")
            % {
                "book": label,
                "rows": count(item["rows"]),
                "sealed": count(item["sealed"]),
                "unsealed": count(item["unsealed"]),
                "breaks": count(item["breaks_total"]),
            }
        )
        texts = row_texts(item["name"], [b["row_id"] for b in item["breaks"] if b["kind"] in (CHANGED, INSERTED)])
        for b in item["breaks"]:
            line = break_sentence(label, b)
            if b["kind"] in (CHANGED, INSERTED) and b.get("row_id") in texts:
                line += _("（%(text)s）") % {"text": texts[b["row_id"]]}
            lines.append("  " + line)
        if item["breaks_total"] > len(item["breaks"]):
            lines.append(
                "  " + _("另有 %(n)s 处异常未列出。") % {"n": count(item["breaks_total"] - len(item["breaks"]))}
            )
    if check.report.get("deferred"):
        lines.append(_("有事务仍在写入，其记录留待下次封存。"))
    return lines


def verify_job(job: Any) -> None:
    """The auditor's "立即校验" as a background job (core.tasks)."""
    from core.audit import audit_context
    from core.models import ChangeLog

    with audit_context(actor=job.owner, source=ChangeLog.Source.WEB):
        check = run_check(actor=job.owner, source=ChangeLog.Source.WEB)
    job.result = {"check": check.pk, "ok": check.ok}
    job.save(update_fields=["result"])
