"""Append-only tables: database triggers refuse UPDATE and DELETE (and TRUNCATE on PostgreSQL), so
no interface — admin, API, shell, raw SQL through the app's connection — can alter or erase a row.

The change log (`core_changelog`, core migration 0002, whose SQL this module reproduces exactly)
was the first; the payment ledger of the support policies (`policies_ledgerentry`) is another.
A migration installs the triggers of its table with `install(table)`; the test fixtures
(`portal.testing.fixtures`) drop and recreate the triggers of every table listed in `TABLES` around
the flush that ends a transactional test.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

# Every append-only table of the project. A new one is added here and installed by its migration.
TABLES: tuple[str, ...] = (
    "core_changelog",
    "policies_ledgerentry",
    # The hash chains over those two and the record of their verifications (core.chain).
    "core_chainlink",
    "core_chainseal",
    "core_chaincheck",
)


def sqlite(table: str) -> list[str]:
    return [
        f"DROP TRIGGER IF EXISTS {table}_no_update",
        f"DROP TRIGGER IF EXISTS {table}_no_delete",
        f"""CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table}
       BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END""",
        f"""CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table}
       BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END""",
    ]


def postgresql(table: str) -> list[str]:
    return [
        f"""CREATE OR REPLACE FUNCTION {table}_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN RAISE EXCEPTION '{table} is append-only'; END $$""",
        f"DROP TRIGGER IF EXISTS {table}_no_change ON {table}",
        f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}",
        f"""CREATE TRIGGER {table}_no_change BEFORE UPDATE OR DELETE ON {table}
       FOR EACH ROW EXECUTE FUNCTION {table}_append_only()""",
        f"""CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table}
       FOR EACH STATEMENT EXECUTE FUNCTION {table}_append_only()""",
    ]


VENDORS: dict[str, Callable[[str], list[str]]] = {"sqlite": sqlite, "postgresql": postgresql}


def statements(table: str, vendor: str) -> list[str]:
    """The idempotent SQL that (re)installs the triggers of one table; [] for other databases."""
    make = VENDORS.get(vendor)
    return make(table) if make else []


def all_statements(vendor: str) -> list[str]:
    return [sql for table in TABLES for sql in statements(table, vendor)]


def install(table: str) -> Callable[[Any, Any], None]:
    """A RunPython forwards function for a migration. Idempotent: a later migration that makes
    SQLite rebuild the table (which drops its triggers) must run it again."""

    def forwards(apps: Any, schema_editor: Any) -> None:
        for sql in statements(table, schema_editor.connection.vendor):
            schema_editor.execute(sql)

    return forwards


# --- the writers' lock of the hash chains (core.chain) ---------------------------------------

# PostgreSQL advisory lock (two int4 keys) that every statement inserting into a chained table takes
# shared, held until its transaction ends; the sealer waits for its holders (core.chain).
LOCK_CLASS = 0x65636263
WRITE = 1


def write_lock_sql(table: str) -> list[str]:
    """PostgreSQL: the trigger that makes every INSERT (and COPY) into `table` take the writers'
    lock before it draws an id (statement-level BEFORE triggers fire before the statement
    produces its first row, hence before the column defaults call nextval). Idempotent."""
    return [
        f"""CREATE OR REPLACE FUNCTION ecbase_chain_write_lock() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN PERFORM pg_advisory_xact_lock_shared({LOCK_CLASS}, {WRITE}); RETURN NULL; END $$""",
        f"DROP TRIGGER IF EXISTS {table}_chain_lock ON {table}",
        f"""CREATE TRIGGER {table}_chain_lock BEFORE INSERT ON {table}
       FOR EACH STATEMENT EXECUTE FUNCTION ecbase_chain_write_lock()""",
    ]


def write_lock(table: str) -> Callable[[Any, Any], None]:
    """A RunPython forwards function for the migration of a chained table (PostgreSQL only)."""

    def forwards(apps: Any, schema_editor: Any) -> None:
        if schema_editor.connection.vendor == "postgresql":
            for sql in write_lock_sql(table):
                schema_editor.execute(sql)

    return forwards
