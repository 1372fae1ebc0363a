"""Targets carried over from a work plan are shown on the base's page to whoever may see the base."""

from __future__ import annotations

from decimal import Decimal

import pytest

from portal.testing.world import World
from registry.models import BaseTarget

pytestmark = pytest.mark.django_db


def test_targets_appear_as_indicator_by_year_on_the_base_page(world: World, login) -> None:
    base = world.bases["rongchang"]
    for year, value in ((2026, "1500"), (2027, "1800"), (2028, "2100")):
        BaseTarget.objects.create(
            base=base, indicator="jobs", indicator_label="带动就业人数（人）", year=year,
            baseline=Decimal("1200"), value=Decimal(value),
        )  # fmt: skip
    page = login("bureau_rc").get(f"/bases/{base.pk}/").content.decode()
    assert "带动就业人数（人）" in page and "2027" in page and "1800.00" in page
    assert not BaseTarget.objects.restrict(world.user("prov_js")).exists()
    assert login("prov_js").get(f"/bases/{base.pk}/").status_code == 404
