"""pytest fixtures shared by every app."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.db import connection, transaction
from django.test import Client, override_settings
from pytest_django.plugin import blocking_manager_key

from core import append_only
from portal.testing.world import PASSWORD, World, build_world


@pytest.fixture(scope="session", autouse=True)
def _fast_password_hashing() -> Iterator[None]:
    """Argon2 is deliberately slow; hashing strength is not what the tests test."""
    # The second factor has its own tests (accounts/tests/test_second_factor.py), which switch it on.
    with override_settings(
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"], ECBASE_REQUIRE_SECOND_FACTOR=False
    ):
        yield


@pytest.fixture(autouse=True)
def _security_policy_from_settings() -> None:
    """Each test starts with no stored security policy in the process's cache (the settings are
    the policy), without asking the database; a test that stores one goes through
    SecurityPolicy.save, which drops the cache. (A policy a test stored and rolled back must not
    leak into the next test, and counting a page's queries must not count the policy's.)"""
    from accounts.models.policy import assume_settings_policy

    assume_settings_policy()


@pytest.fixture
def world(db: None) -> World:
    return build_world()


@pytest.fixture(scope="module")
def battery_world(
    request: pytest.FixtureRequest,
    django_db_setup: None,
    django_db_blocker: Any,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Any]:
    """The module's world, built once inside a transaction that is rolled back when the module
    ends; every test runs in a savepoint of it (pytest-django's `db`). Files the world's actions
    write (documents, evidence) go to a temporary folder."""
    builder: Callable[[], Any] = getattr(request.module, "build_battery_world", build_world)
    media = override_settings(MEDIA_ROOT=str(tmp_path_factory.mktemp("battery-media")))
    media.enable()
    request.addfinalizer(media.disable)
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            world = builder()
        except BaseException:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            raise
    try:
        yield world
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def login(world: World) -> Callable[[str], Client]:
    """A logged-in test client for one of the world's accounts."""

    def make(key: str) -> Client:
        client = Client()
        client.force_login(world.users[key])
        return client

    return make


@pytest.fixture
def password() -> str:
    return PASSWORD


# The append-only tables (the change log, the payment ledger: `core.append_only.TABLES`) refuse
# UPDATE, DELETE and TRUNCATE in the database, so the flush that ends a transactional test (live
# server, browser, Celery worker, parallel threads) cannot empty them. Around that flush only, their
# triggers are dropped, then recreated with the migrations' own SQL, so every later test meets them
# again (and a reused PostgreSQL test database keeps them).
_SQL = {vendor: append_only.all_statements(vendor) for vendor in append_only.VENDORS}


def _foreign_keys_into_flushed_tables() -> list[str]:
    """PostgreSQL refuses to TRUNCATE a table that another table references unless both are in
    the statement. knox's own token table (`knox_authtoken`, created by its migrations although
    its model is swapped for accounts.ApiToken) references the users but is no model Django
    flushes: its unused foreign keys are dropped in the test database."""
    if connection.vendor != "postgresql":
        return []
    flushed = set(connection.introspection.django_table_names(only_existing=True, include_views=False))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conrelid::regclass::text, conname, confrelid::regclass::text FROM pg_constraint WHERE contype = 'f'"
        )
        found = cursor.fetchall()
    return [
        f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"'
        for table, name, target in found
        if table not in flushed and target in flushed
    ]


def _run(statements: list[str]) -> None:
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[None]:
    names = getattr(item, "fixturenames", ())
    marker = item.get_closest_marker("django_db")
    flushing = (
        "transactional_db" in names
        or "live_server" in names
        or bool(marker is not None and marker.kwargs.get("transaction"))
    )
    statements = _SQL.get(connection.vendor, []) if flushing else []
    drops = [sql for sql in statements if sql.startswith("DROP")]
    if drops:
        _run(drops + _foreign_keys_into_flushed_tables())
    try:
        yield
    finally:
        if statements:
            with item.config.stash[blocking_manager_key].unblock():
                _run(statements)
