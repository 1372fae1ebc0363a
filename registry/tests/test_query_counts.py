"""List and detail pages cost a fixed number of queries, whatever the number of rows."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from portal.testing.world import World, code
from registry.models import Enterprise, Residency

pytestmark = pytest.mark.django_db


def add_enterprises(world: World, n: int, start: int = 1000) -> None:
    base = world.bases["xuzhou"]
    ents = [
        Enterprise(
            credit_code=code(start + i, "320311"),
            name=f"徐州测试{start + i}电子商务有限公司",
            name_normalized=f"徐州测试{start + i}电子商务有限公司",
            category="enterprise",
            region=world.regions["320311"],
        )
        for i in range(n)
    ]
    Enterprise.objects.bulk_create(ents)
    Residency.objects.bulk_create(
        Residency(enterprise=e, base=base, entered_on=datetime.date(2021, 1, 1))
        for e in Enterprise.objects.filter(credit_code__in=[e.credit_code for e in ents])
    )


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    "url",
    ["/enterprises/", "/enterprises/?q=徐州", "/bases/", "/", "/enterprises/?sort=-region", "/bases/?sort=status"],
)
def test_list_pages_do_not_grow_with_rows(world: World, login, url: str) -> None:
    client = login("prov_js")
    add_enterprises(world, 3)
    few = count_queries(client, url)
    add_enterprises(world, 60, start=2000)
    many = count_queries(client, url)
    assert few == many
    assert many <= 12, many


def test_enterprise_page_two_is_as_cheap_as_page_one(world: World, login) -> None:
    client = login("ministry")
    add_enterprises(world, 120)
    assert count_queries(client, "/enterprises/?page=3") == count_queries(client, "/enterprises/")
