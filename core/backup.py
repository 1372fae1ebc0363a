"""Backups of the whole platform in one archive, and their restoration into an empty database.

An archive (`manage.py backup PATH`, .tar.gz or .tar) holds:
- the database: PostgreSQL through `pg_dump --format=custom` (a portable dump of schema and rows,
  read in one snapshot), SQLite through SQLite's online backup API (a consistent copy of the file
  while the platform runs);
- the uploaded files (MEDIA_ROOT: documents, evidence, import and export files) under `media/`,
  copied after the database so that every file the database names is there;
- `manifest.json`, last: how the database was dumped, the rows of every table and the migrations
  applied (read in the dump's own snapshot), the hash chains' heads (core.chain, sealed just
  before) and the key's fingerprint, the app's version, and the SHA-256 and size of every member.

`manage.py restore PATH` checks every member against the manifest, refuses a database that is not
empty and an upload folder that holds files, loads the database (pg_restore in one transaction;
the SQLite backup API), copies the files, then compares: rows per table, migrations, the chains
(verified, heads as recorded) and every file's checksum. Everything it says is Chinese.
"""

from __future__ import annotations

import contextlib
import datetime
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import tomllib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import psycopg
from django.conf import settings
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from core import chain
from core.money import count

FORMAT = "ecbase-backup/1"
MANIFEST = "manifest.json"
CHUNK = 1 << 20


class BackupError(Exception):
    """A refusal, worded for the operator (Chinese)."""


Say = Callable[[str], None]


# --- what both directions read ---------------------------------------------------------------


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(CHUNK), b""):
            digest.update(block)
    return digest.hexdigest()


def _media_root() -> Path:
    return Path(settings.MEDIA_ROOT)


def _media_files(root: Path) -> list[Path]:
    """The uploaded files, regular files only (no links), in a stable order."""
    if not root.is_dir():
        return []
    return sorted(p for p in root.rglob("*") if p.is_file() and not p.is_symlink())


def _app_version() -> dict[str, str]:
    version = ""
    with contextlib.suppress(OSError, tomllib.TOMLDecodeError, KeyError):
        version = tomllib.loads((Path(settings.BASE_DIR) / "pyproject.toml").read_text("utf-8"))["project"]["version"]
    commit = ""
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        commit = subprocess.run(
            ["git", "rev-parse", "HEAD"],  # noqa: S607  (git from PATH, when there is one)
            cwd=settings.BASE_DIR,
            capture_output=True,
            text=True,
            timeout=5,
            check=True,
        ).stdout.strip()
    return {"version": version, "commit": commit}


def _pg_args() -> tuple[list[str], dict[str, str]]:
    """Connection arguments of pg_dump/pg_restore for the configured database; the password
    through the environment, never on the command line."""
    s = connection.settings_dict
    params = {"dbname": s["NAME"], "host": s.get("HOST") or "", "port": str(s.get("PORT") or ""), "user": s.get("USER")}
    params.update({k: str(v) for k, v in (s.get("OPTIONS") or {}).items() if k in ("sslmode", "sslrootcert")})
    conninfo = psycopg.conninfo.make_conninfo(**{k: v for k, v in params.items() if v})
    env = dict(os.environ)
    if s.get("PASSWORD"):
        env["PGPASSWORD"] = str(s["PASSWORD"])
    return [f"--dbname={conninfo}"], env


def _pg_connect() -> psycopg.Connection[Any]:
    s = connection.settings_dict
    return psycopg.connect(
        dbname=s["NAME"],
        user=s.get("USER") or None,
        password=s.get("PASSWORD") or None,
        host=s.get("HOST") or None,
        port=s.get("PORT") or None,
    )


def _tool(name: str) -> str:
    found = shutil.which(os.environ.get(f"ECBASE_{name.upper()}", name))
    if not found:
        raise BackupError(_("找不到 %(tool)s：请安装与数据库服务器同一大版本的 PostgreSQL 客户端。") % {"tool": name})
    return found


def _state(cursor: Any, tables: list[str], p: str = "%s") -> dict[str, Any]:
    """Rows per table, migrations applied and the chains' heads, read through `cursor` (the dump's
    snapshot, the SQLite copy, the restored database); `p` is the cursor's placeholder."""
    counts = {}
    for table in sorted(tables):
        cursor.execute(f'SELECT count(*) FROM "{table}"')  # noqa: S608  (the database's own table names)
        counts[table] = int(cursor.fetchone()[0])
    migrations: dict[str, list[str]] = {}
    if "django_migrations" in tables:
        cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
        for app, name in cursor.fetchall():
            migrations.setdefault(app, []).append(name)
    heads: dict[str, Any] = {}
    if "core_chainseal" in tables:
        for spec in chain.chains():
            cursor.execute(
                f"SELECT last_row_id, last_hash, key_id FROM core_chainseal WHERE chain = {p}"  # noqa: S608  (a placeholder)
                " ORDER BY last_row_id DESC LIMIT 1",
                [spec.name],
            )
            last = cursor.fetchone()
            cursor.execute(f"SELECT count(*) FROM core_chainlink WHERE chain = {p}", [spec.name])  # noqa: S608  (a placeholder)
            heads[spec.name] = {
                "head_row_id": int(last[0]) if last else 0,
                "head_hash": bytes(last[1]).hex() if last else "",
                "key_id": last[2] if last else "",
                "links": int(cursor.fetchone()[0]),
                "rows": counts.get(spec.table, 0),
            }
    return {"tables": counts, "migrations": migrations, "chains": heads}


# --- backup ----------------------------------------------------------------------------------


@dataclass
class BackupResult:
    path: Path
    manifest: dict[str, Any]
    seconds: float


def _dump_postgresql(work: Path) -> tuple[str, dict[str, Any], dict[str, Any]]:
    """pg_dump in a snapshot exported by a transaction of ours, whose counts are the dump's."""
    tool = _tool("pg_dump")
    target = work / "database.dump"
    args, env = _pg_args()
    with _pg_connect() as conn:
        conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        conn.read_only = True
        with conn.transaction(), conn.cursor() as cursor:
            cursor.execute("SELECT pg_export_snapshot(), current_setting('server_version')")
            snapshot, server = cursor.fetchone()  # type: ignore[misc]  # one row
            done = subprocess.run(  # noqa: S603  (the configured pg_dump, our own arguments)
                [tool, "--format=custom", f"--snapshot={snapshot}", "--no-owner", f"--file={target}", *args],
                env=env,
                capture_output=True,
                text=True,
                check=False,
            )
            if done.returncode != 0:
                raise BackupError(_("pg_dump 失败：%(error)s") % {"error": done.stderr.strip()[-500:]})
            cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
            tables = [row[0] for row in cursor.fetchall()]
            state = _state(cursor, tables)
    version = subprocess.run([tool, "--version"], capture_output=True, text=True, check=False).stdout.strip()  # noqa: S603
    return (
        target.name,
        {"vendor": "postgresql", "method": f"pg_dump --format=custom ({version})", "server": server},
        state,
    )


def _dump_sqlite(work: Path) -> tuple[str, dict[str, Any], dict[str, Any]]:
    target = work / "database.sqlite3"
    connection.ensure_connection()
    copy = sqlite3.connect(target)
    try:
        connection.connection.backup(copy)
        cursor = copy.cursor()
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
        tables = [row[0] for row in cursor.fetchall()]
        state = _state(cursor, tables, "?")
    finally:
        copy.close()
    return (
        target.name,
        {"vendor": "sqlite", "method": f"sqlite3 online backup API (SQLite {sqlite3.sqlite_version})"},
        state,
    )


class _Hashing:
    """A file read by tarfile, hashed on the way."""

    def __init__(self, fh: IO[bytes]) -> None:
        self.fh = fh
        self.digest = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        data = self.fh.read(size)
        self.digest.update(data)
        return data


def _add(tar: tarfile.TarFile, source: Path, name: str) -> dict[str, Any]:
    info = tar.gettarinfo(str(source), arcname=name)
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    info.mode = 0o600
    with source.open("rb") as fh:
        hashing = _Hashing(fh)
        tar.addfile(info, hashing)  # read() is all tarfile needs
    return {"sha256": hashing.digest.hexdigest(), "size": info.size}


def _open_for_writing(path: Path, *, gz: bool) -> tarfile.TarFile:
    # Level 6: the dump and most uploads (PDF, images, .docx) are compressed already.
    return tarfile.open(path, "w:gz", compresslevel=6) if gz else tarfile.open(path, "w")


def create(path: Path, *, say: Say = lambda _line: None, seal_wait: float = 60.0) -> BackupResult:
    """Write the archive to `path` (refused if it exists), through `path.part` renamed at the end."""
    started = timezone.now()
    path = path.resolve()
    if path.exists():
        raise BackupError(_("%(path)s 已存在：备份不覆盖已有文件。") % {"path": path})
    if not path.name.endswith((".tar.gz", ".tgz", ".tar")):
        raise BackupError(_("备份文件名须以 .tar.gz 或 .tar 结尾。"))
    path.parent.mkdir(parents=True, exist_ok=True)
    sealed = chain.seal(wait=seal_wait)  # the chains cover what was written until now
    say(_("已封存 %(n)s 条新记录。") % {"n": count(sealed.total)})
    work = Path(tempfile.mkdtemp(prefix=".ecbase-backup-", dir=path.parent))
    partial = path.with_name(path.name + ".part")
    try:
        dump = _dump_postgresql if connection.vendor == "postgresql" else _dump_sqlite
        db_file, database, state = dump(work)
        say(_("数据库已导出（%(method)s）。") % {"method": database["method"]})
        members: dict[str, Any] = {}
        media = _media_root()
        files = _media_files(media)
        with _open_for_writing(partial, gz=path.name.endswith(("gz", "tgz"))) as tar:
            members[db_file] = _add(tar, work / db_file, db_file)
            for f in files:
                name = "media/" + f.relative_to(media).as_posix()
                members[name] = _add(tar, f, name)
            manifest = {
                "format": FORMAT,
                "created": started.isoformat(),
                "app": _app_version(),
                "database": {**database, "file": db_file},
                "tables": state["tables"],
                "migrations": state["migrations"],
                "chains": state["chains"],
                "chain_key_id": chain.key_id(),
                "media_root": str(media),
                "media_files": len(files),
                "members": members,
            }
            data = json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True).encode("utf-8")
            (work / MANIFEST).write_bytes(data)
            _add(tar, work / MANIFEST, MANIFEST)
        with partial.open("rb") as fh:
            os.fsync(fh.fileno())
        partial.rename(path)
    finally:
        shutil.rmtree(work, ignore_errors=True)
        partial.unlink(missing_ok=True)
    seconds = (timezone.now() - started).total_seconds()
    return BackupResult(path=path, manifest=manifest, seconds=seconds)


# --- restore ---------------------------------------------------------------------------------


@dataclass
class RestoreResult:
    ok: bool
    lines: list[str] = field(default_factory=list)


@contextlib.contextmanager
def _unpacked(path: Path) -> Iterator[tuple[Path, dict[str, Any]]]:
    """The archive unpacked into a temporary folder, every member checked against the manifest."""
    if not path.is_file():
        raise BackupError(_("找不到备份文件 %(path)s。") % {"path": path})
    work = Path(tempfile.mkdtemp(prefix=".ecbase-restore-"))
    try:
        try:
            with tarfile.open(path, "r:*") as tar:
                tar.extractall(work, filter="data")  # refuses absolute paths, .. and links out
        except (tarfile.TarError, OSError, EOFError) as exc:
            raise BackupError(_("备份文件无法读取（已损坏或不是本系统的备份）：%(error)s") % {"error": exc}) from exc
        try:
            manifest = json.loads((work / MANIFEST).read_text("utf-8"))
        except (OSError, ValueError) as exc:
            raise BackupError(_("备份文件中没有可读的清单（manifest.json），不是本系统的备份。")) from exc
        if manifest.get("format") != FORMAT:
            raise BackupError(_("备份格式不受支持：%(format)s。") % {"format": manifest.get("format")})
        members = manifest.get("members", {})
        found = {p.relative_to(work).as_posix() for p in work.rglob("*") if p.is_file()} - {MANIFEST}
        for name in sorted(set(members) - found):
            raise BackupError(_("备份文件不完整：缺少 %(name)s。") % {"name": name})
        for name in sorted(found - set(members)):
            raise BackupError(_("备份文件中有清单未列出的文件 %(name)s，可能被改动过。") % {"name": name})
        for name, meta in sorted(members.items()):
            if (work / name).stat().st_size != meta["size"] or _sha256(work / name) != meta["sha256"]:
                raise BackupError(_("备份文件已损坏或被改动：%(name)s 的校验和与清单不符。") % {"name": name})
        yield work, manifest
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _tables(cursor: Any) -> list[str]:
    """The database's tables (SQLite's own, such as the planner's statistics, left out)."""
    return [t for t in connection.introspection.table_names(cursor) if not t.startswith("sqlite_")]


def _refuse_unless_empty() -> None:
    with connection.cursor() as cursor:
        tables = _tables(cursor)
    if tables:
        with connection.cursor() as cursor:
            filled = 0
            for table in tables:
                cursor.execute(f"SELECT 1 FROM {connection.ops.quote_name(table)} LIMIT 1")  # noqa: S608  (the database's own table names)
                filled += cursor.fetchone() is not None
        raise BackupError(
            _("目标数据库不是空库（已有 %(n)s 张数据表，其中 %(filled)s 张有数据）：只能恢复到新建的空数据库中。")
            % {"n": len(tables), "filled": filled}
        )
    media = _media_root()
    if _media_files(media):
        raise BackupError(_("上传文件目录 %(path)s 中已有文件：只能恢复到空目录中。") % {"path": media})


def _load_postgresql(dump: Path) -> None:
    tool = _tool("pg_restore")
    args, env = _pg_args()
    connection.close()
    done = subprocess.run(  # noqa: S603  (the configured pg_restore, our own arguments)
        [tool, "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction", *args, str(dump)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise BackupError(_("pg_restore 失败，数据库未作改动：%(error)s") % {"error": done.stderr.strip()[-500:]})


def _load_sqlite(copy: Path) -> None:
    name = str(connection.settings_dict["NAME"])
    connection.close()
    Path(name).parent.mkdir(parents=True, exist_ok=True)
    source = sqlite3.connect(copy)
    target = sqlite3.connect(name)
    try:
        source.backup(target)
    finally:
        source.close()
        target.close()


def restore(path: Path, *, say: Say = lambda _line: None) -> RestoreResult:
    """Restore the archive into the configured (empty) database and upload folder, then compare."""
    path = path.resolve()
    with _unpacked(path) as (work, manifest):
        database = manifest["database"]
        say(
            _("备份时间 %(time)s，%(method)s，%(files)s 个上传文件；校验和均与清单相符。")
            % {"time": _local(manifest["created"]), "method": database["method"], "files": manifest["media_files"]}
        )
        if database["vendor"] != connection.vendor:
            raise BackupError(
                _("备份来自 %(theirs)s 数据库，当前配置的是 %(ours)s：只能恢复到同类数据库。")
                % {"theirs": database["vendor"], "ours": connection.vendor}
            )
        if manifest.get("chain_key_id") != chain.key_id():
            raise BackupError(
                _(
                    "备份中的哈希链是用另一把完整性密钥封存的：请先把 ECBASE_CHAIN_KEY 配置为备份所在系统的密钥，"
                    "否则恢复后无法校验。"
                )
            )
        _refuse_unless_empty()
        loader = _load_postgresql if connection.vendor == "postgresql" else _load_sqlite
        loader(work / database["file"])
        say(_("数据库已恢复。"))
        media = _media_root()
        for name in manifest["members"]:
            if name.startswith("media/"):
                target = media / name.removeprefix("media/")
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(work / name, target)
        say(_("上传文件已恢复到 %(path)s。") % {"path": media})
    return compare(manifest)


def _local(iso: str) -> str:
    with contextlib.suppress(ValueError):
        return timezone.localtime(datetime.datetime.fromisoformat(iso)).strftime("%Y-%m-%d %H:%M:%S")
    return iso


def compare(manifest: dict[str, Any]) -> RestoreResult:
    """The restored database and files against the manifest; the chains verified."""
    result = RestoreResult(ok=True)

    def fail(line: str) -> None:
        result.ok = False
        result.lines.append(line)

    with connection.cursor() as cursor:
        state = _state(cursor, _tables(cursor))
    expected = manifest["tables"]
    for table in sorted(set(expected) | set(state["tables"])):
        have, want = state["tables"].get(table), expected.get(table)
        if have != want:
            fail(
                _("数据表 %(t)s：备份时 %(want)s 行，恢复后 %(have)s 行。")
                % {"t": table, "want": count(want), "have": count(have)}
            )
    if result.ok:
        result.lines.append(
            _("%(n)s 张数据表的行数均与备份时一致（共 %(rows)s 行）。")
            % {"n": len(expected), "rows": count(sum(expected.values()))}
        )
    if state["migrations"] != manifest["migrations"]:
        fail(_("已执行的数据库迁移与备份时不同。"))
    for name, head in manifest["chains"].items():
        now = state["chains"].get(name, {})
        if any(now.get(k) != head.get(k) for k in ("head_row_id", "head_hash", "links")):
            fail(_("%(book)s的哈希链链尾与备份时不同。") % {"book": chain.label_of(name)})
    check = chain.run_check(source="command", do_seal=False)
    result.lines.extend(chain.report_lines(check))
    if check.ok:
        result.lines.append(_("哈希链校验通过：%(rows)s 条记录未发现改动、删除或插入。") % {"rows": count(check.rows)})
    else:
        fail(_("哈希链校验未通过：发现 %(n)s 处异常。") % {"n": check.breaks})
    media = _media_root()
    bad = [
        name
        for name, meta in manifest["members"].items()
        if name.startswith("media/")
        and (
            not (media / name.removeprefix("media/")).is_file()
            or _sha256(media / name.removeprefix("media/")) != meta["sha256"]
        )
    ]
    for name in bad:
        fail(_("上传文件 %(name)s 与备份时不同。") % {"name": name.removeprefix("media/")})
    if not bad:
        result.lines.append(_("%(n)s 个上传文件与备份时逐字节一致。") % {"n": manifest["media_files"]})
    return result
