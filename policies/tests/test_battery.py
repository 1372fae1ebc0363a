"""The generic battery (core.testing.battery) on the support policies: packs, funds, the facts of
every kind, award applications with their evidence and corrections, the payment ledger, page and
API, for every account."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models

from core.testing import battery as b
from policies.actions.awards import do_approve_application, do_attach_evidence
from policies.actions.facts import do_correct_fact, editable_fields
from policies.actions.ledger import do_pay
from policies.actions.packs import do_change_pack_status, do_create_pack, do_set_fund
from policies.models import (
    FACT_MODELS,
    AwardApplication,
    Evidence,
    FactCorrection,
    Fund,
    LedgerEntry,
    OrderVolume,
    PackStatus,
    PolicyPack,
)
from policies.tests.conftest import YEAR, orders_claim
from portal.testing.world import World, build_world


@pytest.fixture(autouse=True)
def _media_in_tmp() -> None:
    """The battery's world keeps its files in the module's folder (core.testing.battery), not
    in the per-test one of this app's conftest."""


pytestmark = pytest.mark.xdist_group("battery-policies")


def fact_values(model: type[models.Model], year: int) -> dict[str, Any]:
    """Valid values for every editable field of a fact kind (test scaffolding)."""
    values: dict[str, Any] = {}
    for name in editable_fields(model):  # type: ignore[arg-type]  # an EnterpriseFact
        field = model._meta.get_field(name)
        if name == "year":
            values[name] = year
        elif name == "item":
            values[name] = "large_enterprise"  # a case-by-case item of the 荣昌 pack
        elif getattr(field, "choices", None):
            values[name] = next(iter(field.choices or []))[0]  # type: ignore[union-attr]  # a model field, not a relation
        elif isinstance(field, models.BooleanField):
            values[name] = True
        elif isinstance(field, models.DateField):
            values[name] = datetime.date(year, 1, 1) if "start" in name or name.endswith("date") else None
            values[name] = values[name] or datetime.date(year, 12, 31)
        elif isinstance(field, models.DecimalField):
            values[name] = Decimal("4.3500")
        elif isinstance(field, models.SmallIntegerField | models.PositiveSmallIntegerField):
            values[name] = 100  # PostgreSQL's smallint holds at most 32,767
        elif isinstance(field, models.IntegerField):
            values[name] = 100_000
        elif isinstance(field, models.CharField | models.TextField):
            values[name] = "测试"
    return values


def build_battery_world() -> World:
    return add_policies(build_world())


def add_policies(world: World) -> World:
    """A world (`build_world`'s) plus: the 荣昌 pack in force with its fund; a pack of 沙坪坝 in
    preparation; a fact of every kind for rc1 (荣昌) and xz1 (徐州); rc1's orders award approved and
    paid with its evidence; the orders claim of the enterprise that moved to 徐州, submitted and
    corrected; a draft claim of rc2 (readers above the district do not see drafts)."""
    bureau = world.user("bureau_rc")
    pack = do_change_pack_status(bureau, do_create_pack(bureau, code="rongchang", region=world.regions["500153"]),
                                 PackStatus.ACTIVE)  # fmt: skip
    fund = do_set_fund(bureau, pack, YEAR)
    PolicyPack.objects.create(code="shapingba", region=world.regions["500106"], title="沙坪坝区电子商务扶持办法",
                              issuer="沙坪坝区人民政府", effective_on=datetime.date(2024, 1, 1))  # fmt: skip
    paid = orders_claim(world, pack, world.enterprises["rc1"], 20_000)
    OrderVolume.objects.filter(enterprise=world.enterprises["rc1"]).update(note="平台对账单")
    do_attach_evidence(world.user("ent_rc1"), paid, SimpleUploadedFile("a.pdf", b"%PDF-1.4 x", "application/pdf"))
    do_approve_application(bureau, paid)
    do_pay(bureau, paid, voucher_no="RC-0001")
    moved = orders_claim(world, pack, world.enterprises["moved"], 12_000)
    orders = OrderVolume.objects.get(enterprise=world.enterprises["moved"], year=YEAR)
    do_correct_fact(bureau, moved, "orders", orders.pk, "orders", 11_000, "以平台对账单为准")
    orders_claim(world, pack, world.enterprises["rc2"], 3_000, submit=False)
    # Facts of every kind, after the claims were computed (their values mean nothing to the rules).
    for model in FACT_MODELS.values():
        for key in ("rc1", "xz1"):
            model.objects.create(enterprise=world.enterprises[key], **fact_values(model, 2024))
    world.pack, world.fund = pack, fund  # type: ignore[attr-defined]  # test scaffolding
    return world


class TestPolicyPackBattery(
    b.ExportTests, b.DetailPageTests, b.HistoryPageTests, b.APIListTests, b.APIDetailTests, b.QueryCountTests
):
    __test__ = True
    model = PolicyPack
    list_url = "/policies/packs/"
    label_header = "政策名称"
    api_url = "/api/policies/packs/"
    query_accounts = ("ministry", "bureau_rc")
    page_queries = 10
    api_queries = 8

    @classmethod
    def label(cls, obj: Any) -> str:
        return obj.title

    @classmethod
    def add_rows(cls, w: World, n: int) -> None:
        PolicyPack.objects.bulk_create(
            PolicyPack(
                code=f"test{i}",
                region=w.regions["500153"],
                title=f"测试政策{i}",
                issuer="荣昌区人民政府",
                effective_on=datetime.date(2024, 1, 1),
            )
            for i in range(n)
        )


class TestFundBattery(b.DetailPageTests, b.HistoryPageTests, b.APIListTests, b.APIDetailTests, b.APIWriteTests):
    __test__ = True
    model = Fund
    api_url = "/api/policies/funds/"
    api_create = True

    @classmethod
    def create_data(cls, w: Any, account: str) -> dict[str, Any]:
        return {"pack": w.pack.pk, "year": YEAR + 1, "document_no": "荣商务发〔2026〕3号"}


class TestAwardApplicationBattery(
    b.ExportTests,
    b.DetailPageTests,
    b.HistoryPageTests,
    b.APIListTests,
    b.APIDetailTests,
    b.APIWriteTests,
    b.QueryCountTests,
):
    __test__ = True
    model = AwardApplication
    list_url = "/policies/applications/"
    label_header = "编号"
    api_url = "/api/policies/applications/"
    api_create = True

    @classmethod
    def create_data(cls, w: Any, account: str) -> dict[str, Any]:
        return {"pack": w.pack.pk, "enterprise": w.enterprises["rc1"].pk, "item": "online_orders", "year": 2024}

    query_accounts = ("ministry", "bureau_rc", "ent_rc1")
    page_queries = 12
    api_queries = 8

    @classmethod
    def label(cls, obj: Any) -> str:
        return str(obj.pk)

    @classmethod
    def add_rows(cls, w: World, n: int) -> None:
        paid = AwardApplication.objects.get(enterprise=w.enterprises["rc1"])
        for i in range(n):
            paid.pk = None
            paid.year = 1990 + i
            paid.save()


class TestEvidenceBattery(b.DetailPageTests, b.HistoryPageTests):
    __test__ = True
    model = Evidence

    @classmethod
    def detail_url(cls, obj: Any) -> str:
        return f"/policies/applications/{obj.application_id}/evidence/{obj.pk}/"


class TestFactCorrectionBattery(b.HistoryPageTests):
    __test__ = True
    model = FactCorrection


class TestLedgerEntryBattery(b.ExportTests, b.HistoryPageTests, b.APIListTests, b.APIDetailTests, b.QueryCountTests):
    __test__ = True
    model = LedgerEntry
    list_url = "/policies/ledger/"
    label_header = "凭证号"
    api_url = "/api/policies/ledger/"
    query_accounts = ("ministry", "bureau_rc")
    page_queries = 12
    api_queries = 8

    @classmethod
    def label(cls, obj: Any) -> str:
        return obj.voucher_no

    @classmethod
    def add_rows(cls, w: World, n: int) -> None:
        entry = LedgerEntry.objects.get()
        for i in range(n):
            LedgerEntry.objects.create(
                application=entry.application, fund=entry.fund, year=entry.year, kind=entry.kind,
                amount_fen=1, voucher_no=f"T-{i}", recorded_by=entry.recorded_by, trace=entry.trace, attempt=2 + i,
            )  # fmt: skip


class FactBattery(b.HistoryPageTests, b.APIListTests, b.APIDetailTests, b.APIWriteTests):
    """One kind of fact: its endpoint /api/policies/facts/<kind>/ (list, read, record, change)."""

    kind: str
    api_create = api_update = True

    @classmethod
    def create_data(cls, w: World, account: str) -> dict[str, Any]:
        values = fact_values(cls.model, 2023)
        data = {k: (v.isoformat() if isinstance(v, datetime.date) else str(v) if isinstance(v, Decimal) else v)
                for k, v in values.items()}  # fmt: skip
        return {"enterprise": w.enterprises["rc1"].pk, **data}

    @classmethod
    def update_data(cls, w: World, account: str, obj: Any) -> dict[str, Any]:
        return {"note": "复核无误"}


for _kind, _model in FACT_MODELS.items():
    _name = f"Test{_model.__name__}Battery"
    globals()[_name] = type(
        _name,
        (FactBattery,),
        {
            "__test__": True,
            "model": _model,
            "kind": _kind,
            "api_url": f"/api/policies/facts/{_kind}/",
            "__module__": __name__,
        },
    )
