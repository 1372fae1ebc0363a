"""pytest fixtures shared by every app."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from django.test import Client, override_settings

from core.testing.world import PASSWORD, World, build_world


@pytest.fixture(scope="session", autouse=True)
def _fast_password_hashing() -> Iterator[None]:
    """Argon2 is deliberately slow; hashing strength is not what the tests test."""
    # The second factor has its own tests (accounts/tests/test_second_factor.py), which switch it on.
    with override_settings(
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"], ECBASE_REQUIRE_SECOND_FACTOR=False
    ):
        yield


@pytest.fixture
def world(db: None) -> World:
    return build_world()


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
