"""pytest fixtures shared by every app."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from core.testing.world import PASSWORD, World, build_world


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
