"""The policy demo writes the 荣昌 pack, its funds, facts and applications through the actions."""

from __future__ import annotations

import datetime

import pytest

from policies.demo import seed_policies
from policies.models import AwardApplication, AwardStatus, Fund, LedgerEntry, PolicyPack
from portal.testing.world import World

pytestmark = pytest.mark.django_db


def test_seed_policies_through_the_actions(world: World) -> None:
    counts = seed_policies(datetime.date(2026, 5, 20))
    assert counts["packs"] == 1 and counts["payments"] == 1
    pack = PolicyPack.objects.get()
    assert pack.code == "rongchang" and pack.region.code == "500153" and pack.status == "active"
    assert sorted(Fund.objects.values_list("year", "amount_fen")) == [(2025, 1_000_000_000), (2026, 1_000_000_000)]
    statuses = {a.item: a.status for a in AwardApplication.objects.all()}
    assert statuses["online_orders"] == AwardStatus.PAID
    assert statuses["milestone"] == AwardStatus.APPROVED
    assert statuses["park_costs"] == AwardStatus.DRAFT
    paid = AwardApplication.objects.get(item="online_orders")
    assert paid.approved_amount_fen == 5_200_000  # 26,000 orders × 2 元
    assert LedgerEntry.objects.get().amount_fen == 5_200_000
    milestone = AwardApplication.objects.get(item="milestone")
    assert milestone.computed_amount_fen == 3_000_000  # first exceeds 10 million yuan: 30,000 元
    assert seed_policies(datetime.date(2026, 5, 20)) == {}  # once only
