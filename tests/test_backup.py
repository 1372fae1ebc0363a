"""Backup and restore (core.backup): the test world with its change log, a payment in the ledger and
uploaded files is backed up with `manage.py backup`, restored with `manage.py restore` by another
process into a new empty database (an SQLite file; on PostgreSQL a second database) and upload
folder; every table has the rows it had, the hash chains verify, the files are byte-identical.
A database that holds data, a damaged archive and an existing archive file are refused in Chinese."""

from __future__ import annotations

import io
import json
import os
import sqlite3
import subprocess
import sys
import tarfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import connection

from core import chain
from core.audit import log_event, save_logged
from core.models import ChangeLog
from policies.actions.packs import do_change_pack_status, do_create_pack, do_set_fund
from policies.models import LedgerEntry, PackStatus
from policies.tests.test_process_ledger import paid_claims
from portal.testing.world import World, build_world

# Real commits: pg_dump and the restoring process read what is committed.
pytestmark = pytest.mark.django_db(transaction=True)

FILES = {
    "policies/evidence/2026/11/纳税证明.pdf": b"%PDF-1.4\n" + bytes(range(256)) * 40,
    "selection/documents/2026/10/申报书.docx": os.urandom(30_000),
    "jobs/in/2026/12/roster.xlsx": os.urandom(5_000),
}


@pytest.fixture
def media(tmp_path: Path, settings: Any) -> Path:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path / "media"


def populate(media: Path) -> World:
    """The test world, edits and events in the change log, a payment in the ledger, uploads."""
    world = build_world()
    ent = world.enterprises["rc1"]
    ent.contact_phone = "13911112222"
    save_logged(ent, actor=world.users["operator_rc"], update_fields=["contact_phone"])
    log_event(ChangeLog.Action.EXPORT, object_repr="企业", message="导出 Excel")
    bureau = world.user("bureau_rc")
    pack = do_change_pack_status(
        bureau, do_create_pack(bureau, code="rongchang", region=world.regions["500153"]), PackStatus.ACTIVE
    )
    do_set_fund(bureau, pack, 2025)
    paid_claims(world, pack, 500, 1)
    for name, data in FILES.items():
        assert default_storage.save(name, ContentFile(data)) == name
    return world


@pytest.fixture
def target(tmp_path: Path) -> Iterator[dict[str, Any]]:
    """A new empty database for the restoring process, and how to read it."""
    if connection.vendor == "sqlite":
        path = tmp_path / "restored.sqlite3"
        yield {"url": f"sqlite:///{path}", "connect": lambda: sqlite3.connect(path)}
        return
    s = connection.settings_dict
    name = f"{s['NAME']}_restore"
    admin = {"user": s["USER"], "password": s["PASSWORD"] or None, "host": s["HOST"], "port": s["PORT"] or None}
    with psycopg.connect(dbname="postgres", autocommit=True, **admin) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    password = f":{s['PASSWORD']}" if s["PASSWORD"] else ""
    url = f"postgresql://{s['USER']}{password}@{s['HOST'] or 'localhost'}:{s['PORT'] or 5432}/{name}"
    try:
        yield {"url": url, "connect": lambda: psycopg.connect(dbname=name, **admin)}
    finally:
        with psycopg.connect(dbname="postgres", autocommit=True, **admin) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def manage(target: dict[str, Any], var: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """manage.py in a process of its own, on the restored database and upload folder."""
    env = {**os.environ, "ECBASE_DEV": "1", "DATABASE_URL": target["url"], "ECBASE_VAR_DIR": str(var)}
    return subprocess.run(  # noqa: S603  (this interpreter, the project's manage.py)
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


def counts_here() -> dict[str, int]:
    with connection.cursor() as cursor:
        tables = [t for t in connection.introspection.table_names(cursor) if not t.startswith("sqlite_")]
        out = {}
        for table in tables:
            cursor.execute(f'SELECT count(*) FROM "{table}"')  # noqa: S608  (the database's own table names)
            out[table] = cursor.fetchone()[0]
    return out


def counts_there(target: dict[str, Any], tables: list[str]) -> dict[str, int]:
    conn = target["connect"]()
    try:
        cursor = conn.cursor()
        out = {}
        for table in tables:
            cursor.execute(f'SELECT count(*) FROM "{table}"')  # noqa: S608  (the database's own table names)
            out[table] = cursor.fetchone()[0]
        return out
    finally:
        conn.close()


def tables_there(target: dict[str, Any]) -> list[str]:
    conn = target["connect"]()
    try:
        sql = (
            "SELECT name FROM sqlite_master WHERE type = 'table'"
            if connection.vendor == "sqlite"
            else "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
        )
        return [row[0] for row in conn.cursor().execute(sql).fetchall()]
    finally:
        conn.close()


def backup(path: Path) -> str:
    out = io.StringIO()
    call_command("backup", str(path), stdout=out)
    return out.getvalue()


def refused(command: str, *args: str) -> str:
    err = io.StringIO()
    with pytest.raises(SystemExit) as exc:
        call_command(command, *args, stdout=io.StringIO(), stderr=err)
    assert exc.value.code == 1
    return err.getvalue()


def test_a_backup_restores_into_an_empty_database_with_every_row_the_chain_and_the_files(
    media: Path, tmp_path: Path, target: dict[str, Any]
) -> None:
    populate(media)
    assert LedgerEntry.objects.count() == 1
    archive = tmp_path / "backup" / "ecbase.tar.gz"
    said = backup(archive)
    assert "备份完成" in said
    before = counts_here()
    with tarfile.open(archive) as tar:
        manifest = json.load(tar.extractfile("manifest.json"))  # type: ignore[arg-type]
        names = set(tar.getnames())
    assert {f"media/{name}" for name in FILES} <= names
    assert manifest["tables"] == before  # counted in the dump's own snapshot
    assert manifest["database"]["vendor"] == connection.vendor
    assert manifest["chains"]["core.changelog"]["links"] == ChangeLog.objects.count()
    assert manifest["chains"]["policies.ledgerentry"]["links"] == 1
    assert all(len(m["sha256"]) == 64 for m in manifest["members"].values())

    var = tmp_path / "restored-var"
    done = manage(target, var, "restore", str(archive))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "恢复完成" in done.stdout and "哈希链校验通过" in done.stdout
    assert "逐字节一致" in done.stdout

    after = counts_there(target, list(before))
    expected = {**before, "core_chaincheck": before["core_chaincheck"] + 1}  # the restore's own verification
    assert after == expected
    for table in ("registry_enterprise", "registry_residency", "accounts_user", "core_changelog", "core_chainlink"):
        assert before[table] > 0, table  # the world and its log are there, not an empty shell
    assert before["policies_ledgerentry"] == 1

    checked = manage(target, var, "verify_chain", "--no-seal")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "校验通过" in checked.stdout
    for name, data in FILES.items():
        assert (var / "media" / name).read_bytes() == data


def test_a_restore_into_a_database_holding_data_is_refused(media: Path, tmp_path: Path) -> None:
    populate(media)
    archive = tmp_path / "ecbase.tar"
    backup(archive)
    rows = ChangeLog.objects.count()
    message = refused("restore", str(archive))
    assert "目标数据库不是空库" in message and "只能恢复到新建的空数据库中" in message
    assert ChangeLog.objects.count() == rows


def test_a_damaged_archive_is_refused_before_anything_is_restored(
    media: Path, tmp_path: Path, target: dict[str, Any]
) -> None:
    populate(media)
    archive = tmp_path / "ecbase.tar"
    backup(archive)
    damaged = tmp_path / "damaged.tar"
    with tarfile.open(archive) as src, tarfile.open(damaged, "w") as dst:
        for member in src.getmembers():
            data = src.extractfile(member).read()  # type: ignore[union-attr]
            if member.name.endswith("纳税证明.pdf"):
                data = data.replace(b"%PDF-1.4", b"%PDF-1.5")  # same size, other bytes
            dst.addfile(member, io.BytesIO(data))
    var = tmp_path / "restored-var"
    done = manage(target, var, "restore", str(damaged))
    assert done.returncode == 1
    assert "未恢复" in done.stderr and "纳税证明.pdf 的校验和与清单不符" in done.stderr
    assert not (var / "media").exists()
    assert tables_there(target) == []


def test_a_backup_never_overwrites_an_archive(media: Path, tmp_path: Path) -> None:
    archive = tmp_path / "ecbase.tar.gz"
    archive.write_bytes(b"an older backup")
    assert "已存在" in refused("backup", str(archive))
    assert archive.read_bytes() == b"an older backup"


def test_the_chain_heads_of_the_manifest_are_the_databases(media: Path, tmp_path: Path) -> None:
    populate(media)
    archive = tmp_path / "ecbase.tar"
    backup(archive)
    with tarfile.open(archive) as tar:
        manifest = json.load(tar.extractfile("manifest.json"))  # type: ignore[arg-type]
    heads = chain.heads()
    for name, head in heads.items():
        assert manifest["chains"][name]["head_row_id"] == head["head_row_id"]
        assert manifest["chains"][name]["head_hash"] == head["head_hash"]
    assert manifest["chain_key_id"] == chain.key_id()
