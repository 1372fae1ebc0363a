"""The home page's figures lead to the lists they count: each tile's link shows as many rows as
its number says."""

from __future__ import annotations

import re

import pytest

from portal.testing.world import World
from registry.models import Base, BaseStatus

pytestmark = pytest.mark.django_db


def test_each_tile_opens_the_list_it_counts(world: World, login) -> None:
    Base.objects.filter(pk=world.bases["rongchang"].pk).update(status=BaseStatus.WARNED)
    client = login("ministry")
    page = client.get("/").content.decode()
    tiles = re.findall(
        r'<a class="tile" href="([^"]+)"><span class="tile-num">([\d,]+)</span><span>([^<]+)</span>', page
    )
    labels = {label for _url, _n, label in tiles}
    assert {"示范基地", "后备园区", "警示", "整改", "企业"} <= labels
    for url, number, label in tiles:
        listed = client.get(url.replace("&amp;", "&"))
        assert listed.status_code == 200, url
        shown = re.search(r"共\s*([\d,]+)\s*条", listed.content.decode())
        assert shown, url
        total = int(shown.group(1).replace(",", ""))
        assert total == int(number.replace(",", "")), (label, url, total, number)
    assert {label: n for _u, n, label in tiles}["警示"] == "1"
