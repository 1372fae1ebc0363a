"""The generic battery (core.testing.battery) on the registry: bases, their status changes and
targets, enterprises, residencies and titles, page and API, for every account."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest

from core.testing import battery as b
from portal.testing.world import World, build_world, code
from registry.models import (
    Base,
    BaseStatus,
    BaseStatusChange,
    BaseTarget,
    Enterprise,
    Residency,
    Signup,
    Title,
    TitleLevel,
)

pytestmark = pytest.mark.xdist_group("battery-registry")

EXPORTERS = ("ministry", "prov_cq", "prov_js", "prov_ln", "city_dl", "bureau_rc", "operator_rc", "ent_rc1")


def build_battery_world() -> World:
    """The shared world plus: rc2 has left 荣昌 (its operator still sees it, no longer changes
    it), xz1 holds a title, every base has a status change and a target."""
    world = build_world()
    Residency.objects.filter(enterprise=world.enterprises["rc2"]).update(left_on=datetime.date(2024, 12, 31))
    Title.objects.create(enterprise=world.enterprises["xz1"], level=TitleLevel.MUNICIPAL, name="徐州示范", year=2023)
    for base in world.bases.values():
        BaseStatusChange.objects.create(
            base=base,
            from_status="",
            to_status=base.status,
            date=datetime.date(2015, 1, 1),
            time=datetime.datetime(2015, 1, 1, 9, 0, tzinfo=datetime.UTC),
            document_no="商电函〔2015〕1号",
        )
        BaseTarget.objects.create(
            base=base, indicator="enterprises", indicator_label="入驻企业数", year=2017,
            baseline=Decimal("100"), value=Decimal("300"),
        )  # fmt: skip
    # Account requests: one from a firm in 荣昌's base (its operator confirms), one from a firm of
    # Jiangsu, one from a firm of 荣昌 in no base (the bureau confirms).
    solo = Enterprise.objects.create(credit_code=code(90, "500153"), name="荣昌独立网店有限公司",
                                     category="enterprise", region=world.regions["500153"])  # fmt: skip
    for key, ent in (("rc1", world.enterprises["rc1"]), ("xz1", world.enterprises["xz1"]), ("solo", solo)):
        Signup.objects.create(enterprise=ent, contact_name="李四", contact_phone="13900001111",
                              username=f"shop_{key}", password="!")  # fmt: skip
    return world


def more_enterprises(w: World, n: int, base: str = "rongchang", start: int = 5000) -> None:
    ents = Enterprise.objects.bulk_create(
        Enterprise(credit_code=code(start + i, "500153"), name=f"荣昌测试{start + i}电子商务有限公司",
                   name_normalized=f"荣昌测试{start + i}电子商务有限公司", category="enterprise",
                   region=w.regions["500153"])
        for i in range(n)
    )  # fmt: skip
    Residency.objects.bulk_create(
        Residency(enterprise=e, base=w.bases[base], entered_on=datetime.date(2021, 1, 1)) for e in ents
    )


class TestBaseBattery(
    b.ExportTests,
    b.DetailPageTests,
    b.HistoryPageTests,
    b.PageWriteTests,
    b.APIListTests,
    b.APIDetailTests,
    b.APIWriteTests,
    b.QueryCountTests,
):
    __test__ = True
    model = Base
    list_url = "/bases/"
    # The list opens on current bases; with the switch on, it shows the whole scope.
    list_query = "all_statuses=on"
    label_header = "基地名称"
    edit_path = "/bases/{obj.pk}/edit/"
    api_url = "/api/bases/"
    api_update = True
    query_accounts = ("ministry", "prov_js")
    page_queries = 12
    api_queries = 8

    @classmethod
    def label(cls, obj: Any) -> str:
        return obj.name

    @classmethod
    def edit_data(cls, w: World, account: str, obj: Any) -> dict[str, Any]:
        return {"address": f"{obj.name}新地址 1 号"}

    @classmethod
    def update_data(cls, w: World, account: str, obj: Any) -> dict[str, Any]:
        return {"address": f"{obj.name}新地址 2 号"}

    @classmethod
    def add_rows(cls, w: World, n: int) -> None:
        for i in range(n):
            base = Base(name=f"徐州测试基地{i}", quota_unit=w.units["32"], region=w.regions["320311"],
                        operator_name="测试运营有限公司", operator_credit_code=code(3000 + i, "320311"),
                        area_m2=Decimal("20000"), operating_since=datetime.date(2014, 1, 1))  # fmt: skip
            base.status = BaseStatus.DESIGNATED
            base.save()


class TestBaseStatusChangeBattery(b.HistoryPageTests):
    __test__ = True
    model = BaseStatusChange


class TestBaseTargetBattery(b.HistoryPageTests):
    __test__ = True
    model = BaseTarget


class TestEnterpriseBattery(
    b.ExportTests,
    b.DetailPageTests,
    b.HistoryPageTests,
    b.PageWriteTests,
    b.APIListTests,
    b.APIDetailTests,
    b.APIWriteTests,
    b.QueryCountTests,
):
    __test__ = True
    model = Enterprise
    list_url = "/enterprises/"
    label_header = "企业名称"
    add_url = "/enterprises/add/"
    edit_path = "/enterprises/{obj.pk}/edit/"
    api_url = "/api/enterprises/"
    api_create = api_update = True
    query_accounts = ("ministry", "operator_rc")
    page_queries = 12
    api_queries = 8

    @classmethod
    def label(cls, obj: Any) -> str:
        return obj.name

    @classmethod
    def add_data(cls, w: World, account: str) -> dict[str, Any]:
        return {"credit_code": code(61), "name": "荣昌新登记电商有限公司", "region_code": "500153",
                "category": "enterprise", "base": w.bases["rongchang"].pk, "entered_on": "2025-05-01"}  # fmt: skip

    @classmethod
    def edit_data(cls, w: World, account: str, obj: Any) -> dict[str, Any]:
        return {"main_business": "直播电商"}

    @classmethod
    def create_data(cls, w: World, account: str) -> dict[str, Any]:
        return {"credit_code": code(62), "name": "荣昌新入驻电商有限公司", "region": "500153",
                "base": w.bases["rongchang"].pk, "entered_on": "2025-05-01"}  # fmt: skip

    @classmethod
    def update_data(cls, w: World, account: str, obj: Any) -> dict[str, Any]:
        return {"main_business": "跨境电商"}

    @classmethod
    def add_rows(cls, w: World, n: int) -> None:
        more_enterprises(w, n)


class TestResidencyBattery(b.HistoryPageTests, b.APIListTests, b.APIDetailTests, b.APIWriteTests, b.QueryCountTests):
    __test__ = True
    model = Residency
    api_url = "/api/residencies/"
    api_create = api_update = True
    query_accounts = ("ministry", "operator_rc")
    api_queries = 8

    @classmethod
    def create_data(cls, w: World, account: str) -> dict[str, Any]:
        return {"enterprise": w.enterprises["rc2"].pk, "base": w.bases["rongchang"].pk, "entered_on": "2025-03-01"}

    @classmethod
    def update_data(cls, w: World, account: str, obj: Any) -> dict[str, Any]:
        return {"note": "迁出核实"}

    @classmethod
    def add_rows(cls, w: World, n: int) -> None:
        more_enterprises(w, n)


class TestTitleBattery(b.HistoryPageTests, b.APIListTests, b.APIDetailTests, b.APIWriteTests, b.QueryCountTests):
    __test__ = True
    model = Title
    api_url = "/api/titles/"
    api_create = api_update = api_delete = True
    query_accounts = ("ministry", "operator_rc")
    api_queries = 8

    @classmethod
    def create_data(cls, w: World, account: str) -> dict[str, Any]:
        return {"enterprise": w.enterprises["rc1"].pk, "level": TitleLevel.MUNICIPAL, "name": "市级电子商务示范企业",
                "year": 2025}  # fmt: skip

    @classmethod
    def update_data(cls, w: World, account: str, obj: Any) -> dict[str, Any]:
        return {"document_no": "商电发〔2025〕1号"}

    @classmethod
    def add_rows(cls, w: World, n: int) -> None:
        Title.objects.bulk_create(
            Title(enterprise=w.enterprises["rc1"], level=TitleLevel.DISTRICT, name=f"示范{i}", year=1990 + i)
            for i in range(n)
        )


class TestSignupBattery(b.ExportTests, b.DetailPageTests, b.HistoryPageTests, b.QueryCountTests):
    __test__ = True
    model = Signup
    list_url = "/signups/"
    label_header = "企业"
    query_accounts = ("ministry", "operator_rc")
    page_queries = 12

    @classmethod
    def label(cls, obj: Any) -> str:
        return obj.enterprise.name

    @classmethod
    def add_rows(cls, w: World, n: int) -> None:
        more_enterprises(w, n, start=7000)
        for ent in Enterprise.objects.filter(name__startswith="荣昌测试7"):
            Signup.objects.create(enterprise=ent, contact_name="王五", contact_phone="13900002222",
                                  username=f"u{ent.pk}", password="!")  # fmt: skip
