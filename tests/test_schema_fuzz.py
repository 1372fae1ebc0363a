"""Schema fuzzing (issue 10): schemathesis sends generated requests, valid and invalid, to every
operation of the OpenAPI schema (`/api/schema/`) and fails on a 5xx and on any answer the schema
does not describe (a status it does not declare, a body that does not match, a content type or
header it does not name).

In-process: the requests go through Django's WSGI application (every middleware included) on the
test database, inside the test's transaction, so nothing needs a server. Three callers for every
operation: the ministry (sees and may change the most), a base operator (`operator_rc`, refused
most of it), each with a token from the sign-in, and nobody (no credentials, or made-up ones: the
sign-in and the public notice answer; the rest must refuse as declared). Path ids are the world's
objects half of the time (else schemathesis' own), so reads and writes reach real rows and their
validation.

Bounded to stay within its time budget in `make test` (docs/api.md, Schema fuzzing): 10 examples
per operation and caller, 2 for nobody where only a refusal can come back, derandomised (the same
requests on every run), no coverage phase (its boundary cases are ~70 requests per operation).
`ECBASE_FUZZ_EXAMPLES=200` (and `ECBASE_FUZZ_COVERAGE=1`) run it longer locally.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from typing import Any

import hypothesis
import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test import Client
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import strategies as st
from schemathesis.config import SchemathesisConfig

from policies.tests.test_battery import add_policies
from portal.testing.world import PASSWORD, World
from selection.tests.test_battery import build_battery_world as selection_world

pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("fuzz")]

EXAMPLES = int(os.environ.get("ECBASE_FUZZ_EXAMPLES", "10"))
COVERAGE = os.environ.get("ECBASE_FUZZ_COVERAGE", "") == "1"
ACCOUNTS = ("ministry", "operator_rc")


def _schema_document() -> dict[str, Any]:
    """What `/api/schema/?format=json` serves (test_the_fuzzed_schema_is_the_served_one), made
    without a request: the tests are collected before any database may be used."""
    spec = SchemaGenerator().get_schema(request=None, public=True)
    document: dict[str, Any] = json.loads(OpenApiJsonRenderer().render(spec))
    return document


CONFIG = SchemathesisConfig.from_dict(
    {
        "checks": {
            "enabled": False,
            "not_a_server_error": {"enabled": True},
            "status_code_conformance": {"enabled": True},
            "content_type_conformance": {"enabled": True},
            "response_schema_conformance": {"enabled": True},
            "response_headers_conformance": {"enabled": True},
        },
        "phases": {"stateful": {"enabled": False}, "coverage": {"enabled": COVERAGE}},
    }
)


class InTransaction:
    """Django's WSGI application without the database housekeeping at the ends of a request
    (`close_old_connections`), which would close the connection and with it the test's
    transaction — as Django's test client does it. The `tokens` fixture puts it back."""

    def __init__(self) -> None:
        self.handler = get_wsgi_application()

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        # Per request: a request of Django's test client in between connects them again.
        signals.request_started.disconnect(close_old_connections)
        signals.request_finished.disconnect(close_old_connections)
        return self.handler(environ, start_response)


DOCUMENT = _schema_document()
schema = schemathesis.openapi.from_dict(DOCUMENT, config=CONFIG)
schema.app = InTransaction()

# Path parameter values of the world's objects, per path template (filled by the `tokens` fixture).
KNOWN: dict[str, list[dict[str, Any]]] = {}


@schema.hook
def flatmap_path_parameters(context: Any, path_parameters: dict[str, Any]) -> st.SearchStrategy[dict[str, Any]]:
    known = KNOWN.get(context.operation.path, []) if context.operation is not None else []
    if not known or not path_parameters:
        return st.just(path_parameters)
    return st.one_of(st.just(path_parameters), st.sampled_from(known))


def build_battery_world() -> World:
    """The selection battery's world (a call through review, a published notice with an
    objection, drafts) and the policies battery's (packs, a fund, facts, claims, a payment)."""
    return add_policies(selection_world())


@pytest.fixture(scope="module")
def tokens(battery_world: World, django_db_blocker: Any) -> Iterator[dict[str, str]]:
    """A token per account (signed in as a client would), and the ids of the world's objects
    each list endpoint shows to either account."""
    try:
        keys: dict[str, str] = {}
        with django_db_blocker.unblock():
            for account in ACCOUNTS:
                answer = Client().post(
                    "/api/auth/token/", {"username": account, "password": PASSWORD}, content_type="application/json"
                )
                assert answer.status_code == 200, answer.content
                keys[account] = answer.json()["token"]
            KNOWN.update(_known_path_parameters(keys))
        yield keys
    finally:
        KNOWN.clear()
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def _known_path_parameters(keys: dict[str, str]) -> dict[str, list[dict[str, Any]]]:
    known: dict[str, list[dict[str, Any]]] = {}
    lists: dict[str, list[Any]] = {}
    for template in DOCUMENT["paths"]:
        names = re.findall(r"\{(\w+)\}", template)
        if len(names) != 1:
            continue
        collection = template.split("{", 1)[0]
        if collection not in lists:
            values: list[Any] = []
            for key in keys.values():
                answer = Client().get(collection, {"page_size": 5}, HTTP_AUTHORIZATION=f"Token {key}")
                if answer.status_code != 200:
                    continue
                data = answer.json()
                rows = data.get("results", []) if isinstance(data, dict) else data
                for row in rows[:5]:
                    value = row.get(names[0], row.get("id")) if isinstance(row, dict) else None
                    if value is not None and value not in values:
                        values.append(value)
            lists[collection] = values
        known[template] = [{names[0]: value} for value in lists[collection]]
    return known


def _settings(examples: int) -> hypothesis.settings:
    return hypothesis.settings(
        max_examples=examples,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(hypothesis.HealthCheck),
    )


def _open_to_anyone(context: Any) -> bool:
    """The sign-in (no security) and the public notice (`{}` among its requirements)."""
    security = context.operation.definition.raw.get("security")
    return not security or {} in security


@schema.parametrize()
@pytest.mark.parametrize("account", ACCOUNTS)
@_settings(EXAMPLES)
def test_every_operation_answers_as_its_schema_says(case: Any, account: str, tokens: dict[str, str]) -> None:
    case.call_and_validate(headers={"Authorization": f"Token {tokens[account]}"})


# The caller as a parameter, as above: under pytest 9 an item without one loses the operation
# from its node id, and xdist and `-k` need it.
@schema.include(_open_to_anyone).parametrize()
@pytest.mark.parametrize("caller", ["anyone"])
@_settings(EXAMPLES)
def test_the_open_operations_answer_anyone_as_their_schema_says(case: Any, caller: str, tokens: dict[str, str]) -> None:
    case.call_and_validate()


# Without credentials the rest answer 401 (or 404 before it) whatever the data: a few examples each.
@schema.exclude(_open_to_anyone).parametrize()
@pytest.mark.parametrize("caller", ["anyone"])
@_settings(max(2, EXAMPLES // 5))
def test_the_other_operations_refuse_anyone_as_their_schema_says(
    case: Any, caller: str, tokens: dict[str, str]
) -> None:
    case.call_and_validate()


def test_the_fuzzed_schema_is_the_served_one(client: Client) -> None:
    answer = client.get("/api/schema/", {"format": "json"})
    assert answer.status_code == 200
    assert json.loads(answer.content) == DOCUMENT


def test_the_world_gives_the_fuzzer_real_ids(tokens: dict[str, str]) -> None:
    """Most templates reach real rows, not only random ids (which all answer 404)."""
    with_ids = [t for t, values in KNOWN.items() if values]
    assert len(with_ids) >= 0.8 * len(KNOWN), sorted(set(KNOWN) - set(with_ids))
