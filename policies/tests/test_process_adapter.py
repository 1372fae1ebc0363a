"""The adapter gathers the facts of a pack's population as the contract's frames, one query per kind."""

from __future__ import annotations

import datetime
from decimal import Decimal

import polars as pl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from policies.adapter import gather
from policies.models import Loan, ParkCost, PlatformProject, PolicyPack, TransactionVolume
from policies.rules.facts import SCHEMAS
from portal.testing.world import World, code
from registry.models import Enterprise

pytestmark = pytest.mark.django_db


def test_population_registration_residence_and_kinds(world: World, pack: PolicyPack) -> None:
    rc1, moved, spb1 = world.enterprises["rc1"], world.enterprises["moved"], world.enterprises["spb1"]
    association = Enterprise.objects.create(
        credit_code=code(77, "500153", "51"), name="荣昌区电子商务协会", category="other",
        region=world.regions["500153"],
    )  # fmt: skip
    ParkCost.objects.create(
        enterprise=rc1, cost_kind="rent", period_start=datetime.date(2025, 1, 1),
        period_end=datetime.date(2025, 12, 31), amount_fen=1_200_000,
    )  # fmt: skip
    PlatformProject.objects.create(enterprise=association, name="荣昌夏布商城", year=2025, investment_fen=10**8,
                                   own_funds=True)  # fmt: skip
    Loan.objects.create(
        enterprise=rc1, bank="荣昌农商行", principal_fen=10**9, loan_date=datetime.date(2025, 3, 1),
        actual_rate=Decimal("4.3500"), benchmark_rate=Decimal("4.7500"), recognised=True,
    )  # fmt: skip
    TransactionVolume.objects.create(enterprise=spb1, year=2025, amount_fen=10**10)  # not in the population

    pack = PolicyPack.objects.select_related("region").get(pk=pack.pk)
    with CaptureQueriesContext(connection) as ctx:
        facts = gather(pack)
    assert len(ctx.captured_queries) == 2 + 12  # enterprises, residencies, one per kind of fact

    ents = facts.enterprises.sort("enterprise")
    # 荣昌-registered: rc1, rc2, moved (resident in Jiangsu), the association; 沙坪坝's spb1 is outside.
    assert set(ents["enterprise"].to_list()) == {rc1.pk, world.enterprises["rc2"].pk, moved.pk, association.pk}
    row = {r["enterprise"]: r for r in ents.to_dicts()}
    assert row[rc1.pk]["registered_in_district"] and row[rc1.pk]["ecommerce"] and not row[rc1.pk]["association"]
    assert row[world.enterprises["rc2"].pk]["ecommerce"] is False
    assert row[association.pk]["association"] is True
    # Residence only in bases of the district: moved is resident in 徐州, not here.
    assert facts.residencies["enterprise"].to_list() == [rc1.pk, world.enterprises["rc2"].pk]
    assert facts.residencies["entered_on"].to_list()[0] == datetime.date(2020, 3, 1)
    assert facts.costs.to_dicts()[0]["kind"] == "rent"
    loan = facts.loans.to_dicts()[0]
    assert (loan["actual_rate_ppm"], loan["benchmark_rate_ppm"]) == (43_500, 47_500)
    assert facts.transactions.height == 0
    for kind, schema in SCHEMAS.items():
        frame: pl.DataFrame = getattr(facts, kind)
        assert list(frame.columns) == list(schema)


def test_gather_for_some_enterprises(world: World, pack: PolicyPack) -> None:
    rc1 = world.enterprises["rc1"]
    facts = gather(pack, [rc1.pk])
    assert facts.enterprises["enterprise"].to_list() == [rc1.pk]
    assert facts.residencies.height == 1
