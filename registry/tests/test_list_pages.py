"""Scoped enterprise lists are paged through the ordered ids of the whole list (core.pagination):
the same rows, order and count as the plain query, page after page, on the page and the API."""

from __future__ import annotations

import datetime
import re

import pytest

from core.scoping import restrict
from portal.testing.world import World, code
from registry.models import Enterprise, Residency

pytestmark = pytest.mark.django_db


def add_enterprises(world: World, n: int) -> None:
    base = world.bases["xuzhou"]
    ents = Enterprise.objects.bulk_create(
        Enterprise(
            credit_code=code(5000 + i, "320311"),
            name=f"徐州分页{i}电子商务有限公司",
            name_normalized=f"徐州分页{i}电子商务有限公司",
            category="enterprise",
            region=world.regions["320311"],
        )
        for i in range(n)
    )
    Residency.objects.bulk_create(
        Residency(enterprise=e, base=base, entered_on=datetime.date(2021, 1, 1))
        for e in Enterprise.objects.filter(credit_code__in=[e.credit_code for e in ents])
    )


def test_scoped_pages_show_the_scope_in_order(world: World, login) -> None:
    add_enterprises(world, 60)
    user = world.user("prov_js")
    expected = list(
        restrict(Enterprise.objects.all(), user).order_by("credit_code").values_list("credit_code", flat=True)
    )
    assert len(expected) > 50
    client = login("prov_js")
    shown: list[str] = []
    for page in (1, 2):
        html = client.get("/enterprises/", {"page": page}).content.decode()
        assert f"共 {len(expected)} 条" in html
        shown += re.findall(r"<td>(9\d{5}[0-9A-Z]{12})</td>", html)
    assert shown == expected
    api = [r["credit_code"] for p in (1, 2) for r in client.get("/api/enterprises/", {"page": p}).json()["results"]]
    assert api == expected


def test_scoped_search_pages_the_matches_only(world: World, login) -> None:
    add_enterprises(world, 60)
    client = login("prov_js")
    html = client.get("/enterprises/", {"q": "徐州分页1"}).content.decode()
    assert "共 11 条" in html  # 1 and 10..19
    assert client.get("/api/enterprises/", {"q": "徐州分页1"}).json()["count"] == 11
    other = login("prov_cq").get("/enterprises/", {"q": "徐州分页"}).content.decode()
    assert "共 0 条" in other
