"""Tests of the hash chains (core.chain) act as someone with database access would: the
append-only triggers out of the way (dropped on SQLite, disabled on PostgreSQL), raw SQL, the
triggers back. Shared by core's and the apps' tests."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from django.core.management import call_command
from django.db import connection

from core import append_only


def behind_the_back(sql: str, params: Sequence[Any] = (), tables: Sequence[str] = ("core_changelog",)) -> None:
    """Run `sql` with the append-only triggers of `tables` off, as an attacker with the database's
    owner account would."""
    with connection.cursor() as cursor:
        _checks_now(cursor)
        for table in tables:
            if connection.vendor == "sqlite":
                cursor.execute(f"DROP TRIGGER IF EXISTS {table}_no_update")
                cursor.execute(f"DROP TRIGGER IF EXISTS {table}_no_delete")
            else:
                cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
        cursor.execute(sql, list(params))
        _checks_now(cursor)
        for table in tables:
            if connection.vendor == "sqlite":
                for statement in append_only.statements(table, "sqlite"):
                    cursor.execute(statement)
            else:
                cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")


def _checks_now(cursor: Any) -> None:
    """PostgreSQL: ALTER TABLE refuses while deferred key checks of the test's own transaction are
    pending: run them now."""
    if connection.vendor == "postgresql":
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def leave_a_gap(table: str, n: int = 5) -> None:
    """Skip `n` ids of the table's sequence, as rolled-back transactions and reserved ids do."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            sequence = f"pg_get_serial_sequence('{table}', 'id')"
            cursor.execute(f"SELECT setval({sequence}, nextval({sequence}) + %s)", [n])
        else:
            cursor.execute(f"SELECT max(id) FROM {table}")  # noqa: S608  (a table name of the tests)
            top = cursor.fetchone()[0] or 0
            cursor.execute("UPDATE sqlite_sequence SET seq = %s WHERE name = %s", [top + n, table])


def verify(*args: str) -> tuple[int, str]:
    """`manage.py verify_chain`: its exit status and everything it printed."""
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("verify_chain", *args, stdout=out, stderr=err)
        status = 0
    except SystemExit as exc:
        status = int(exc.code or 0)
    return status, out.getvalue() + err.getvalue()
