"""Deep pages of an unrestricted list are found by their first row's sort key (core.pagination.Seek):
the same rows, in the same order, as a plain OFFSET, page after page, on the page and the API,
whatever column sorts the list; an order that cannot be sought keeps the OFFSET."""

from __future__ import annotations

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core import pagination
from portal.testing.world import World, code
from registry.models import Enterprise, Residency

pytestmark = pytest.mark.django_db


@pytest.fixture
def many(world: World, monkeypatch: pytest.MonkeyPatch) -> World:
    monkeypatch.setattr(pagination, "SEEK_FROM", 20)  # seek from the second page of 25 on
    ents = Enterprise.objects.bulk_create(
        Enterprise(
            credit_code=code(6000 + i, "320311"),
            # Names repeat (10 of each): equal keys across page boundaries.
            name=f"徐州深页{i % 7}电子商务有限公司",
            name_normalized=f"徐州深页{i % 7}电子商务有限公司",
            category="enterprise",
            region=world.regions["320311"],
            employees=None if i % 5 == 0 else i,
        )
        for i in range(70)
    )
    Residency.objects.bulk_create(
        Residency(enterprise=e, base=world.bases["xuzhou"], entered_on=datetime.date(2021, 1, 1))
        for e in Enterprise.objects.filter(credit_code__in=[e.credit_code for e in ents])
    )
    return world


def codes_on(html: str) -> list[str]:
    return re.findall(r"<td>(9\d{5}[0-9A-Z]{12})</td>", html)


def expected(order: list[str]) -> list[str]:
    return list(Enterprise.objects.order_by(*order).values_list("credit_code", flat=True))


@pytest.mark.parametrize(
    ("sort", "order"),
    [
        ("", ["credit_code"]),
        ("name", ["name", "pk"]),
        ("-name", ["-name", "-pk"]),
        ("-credit_code", ["-credit_code", "-pk"]),
    ],
)
def test_deep_pages_hold_the_offset_rows(many: World, login, sort: str, order: list[str]) -> None:
    client = login("ministry")
    shown: list[str] = []
    for page in (1, 2, 3, 4):
        html = client.get("/enterprises/", {"sort": sort, "per_page": 25, "page": page}).content.decode()
        shown += codes_on(html)
    assert shown == expected(order)
    api = [
        r["credit_code"]
        for p in (1, 2, 3, 4)
        for r in client.get("/api/enterprises/", {"page": p, "page_size": 25}).json()["results"]
    ]
    assert api == expected(["credit_code"])


def test_a_deep_page_is_sought_not_skipped(many: World, login) -> None:
    client = login("ministry")
    with CaptureQueriesContext(connection) as ctx:
        client.get("/enterprises/", {"per_page": 25, "page": 3})
    sql = [q["sql"] for q in ctx.captured_queries if "registry_enterprise" in q["sql"]]
    narrow = [s for s in sql if "OFFSET" in s.upper()]
    # One narrow query reads the key at the offset; the page's rows are read from that key on.
    assert len(narrow) == 1 and "registry_region" not in narrow[0] and "LIMIT 1" in narrow[0].upper()
    assert any('"credit_code" >=' in s and "LIMIT 25" in s.upper() and "OFFSET" not in s.upper() for s in sql)


def test_an_order_that_cannot_be_sought_keeps_the_offset(many: World, login) -> None:
    client = login("ministry")
    # Employees may be empty (NULL): the rows keep the plain OFFSET, still in order.
    shown: list[str] = []
    for page in (1, 2, 3, 4):
        shown += codes_on(
            client.get("/enterprises/", {"sort": "-employees", "per_page": 25, "page": page}).content.decode()
        )
    assert shown == expected(["-employees", "-pk"])
    assert pagination.seek_keys(Enterprise.objects.order_by("-employees", "-pk")) is None
    assert pagination.seek_keys(Enterprise.objects.order_by("name")) is None  # not total
    assert pagination.seek_keys(Enterprise.objects.order_by("region__code", "pk")) is None  # a join
    assert pagination.seek_keys(Enterprise.objects.all()) == [("credit_code", False)]
