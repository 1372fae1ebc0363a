"""The generic battery (core.testing.battery) on the reference data: regions, quota units and
demonstration cities, page and API, for every account."""

from __future__ import annotations

from typing import Any

import pytest

from core.testing import battery as b
from portal.testing.world import World, build_world
from regions.models import DemoCity, QuotaUnit, QuotaUnitKind, Region

pytestmark = pytest.mark.xdist_group("battery-regions")


def build_battery_world() -> World:
    world = build_world()
    DemoCity.objects.create(region=world.regions["210200"], name="大连市", year_named=2014, batch="第二批")
    DemoCity.objects.create(region=world.regions["320100"], name="南京市", year_named=2011, batch="第一批")
    return world


class TestRegionBattery(b.ExportTests, b.HistoryPageTests, b.APIListTests, b.APIDetailTests, b.QueryCountTests):
    __test__ = True
    model = Region
    list_url = "/regions/"
    label_header = "区划代码"
    api_url = "/api/regions/"
    lookup = row_key = "code"
    query_accounts = ("ministry", "ent_rc1")
    page_queries = 8
    api_queries = 6
    more = 40  # the page shows 50: the world's 14 and these stay on one page

    @classmethod
    def label(cls, obj: Any) -> str:
        return obj.code

    @classmethod
    def add_rows(cls, w: World, n: int) -> None:
        parent = w.regions["320300"]
        Region.objects.bulk_create(
            Region(code=f"3203{i:02d}", name=f"测试区{i}", level=3, parent=parent, since_year=1990)
            for i in range(20, 20 + n)
        )


class TestQuotaUnitBattery(
    b.ExportTests, b.HistoryPageTests, b.APIListTests, b.APIDetailTests, b.APIWriteTests, b.QueryCountTests
):
    __test__ = True
    model = QuotaUnit
    list_url = "/quota-units/"
    label_header = "单位代码"
    api_url = "/api/quota-units/"
    api_create = api_update = True
    query_accounts = ("ministry", "operator_rc")
    page_queries = 9
    api_queries = 6

    @classmethod
    def label(cls, obj: Any) -> str:
        return obj.code

    @classmethod
    def create_data(cls, w: World, account: str) -> dict[str, Any]:
        return {"code": "65", "name": "新疆维吾尔自治区", "kind": QuotaUnitKind.PROVINCE, "sort_order": 9}

    @classmethod
    def update_data(cls, w: World, account: str, obj: Any) -> dict[str, Any]:
        return {"sort_order": obj.sort_order + 10}

    @classmethod
    def add_rows(cls, w: World, n: int) -> None:
        QuotaUnit.objects.bulk_create(
            QuotaUnit(code=f"9{i:02d}", name=f"测试单位{i}", kind=QuotaUnitKind.PROVINCE, sort_order=50 + i)
            for i in range(n)
        )


class TestDemoCityBattery(
    b.ExportTests,
    b.HistoryPageTests,
    b.PageWriteTests,
    b.APIListTests,
    b.APIDetailTests,
    b.APIWriteTests,
    b.QueryCountTests,
):
    __test__ = True
    model = DemoCity
    list_url = "/demo-cities/"
    label_header = "名称"
    api_url = "/api/demo-cities/"
    api_create = api_update = api_delete = True
    add_url = "/demo-cities/add/"
    query_accounts = ("ministry", "auditor")
    page_queries = 8
    api_queries = 6

    @classmethod
    def label(cls, obj: Any) -> str:
        return obj.name

    edit_path = "/demo-cities/{obj.pk}/"

    @classmethod
    def add_data(cls, w: World, account: str) -> dict[str, Any]:
        return {"name": "徐州市", "region_code": "320300", "year_named": "2017", "batch": "第三批"}

    @classmethod
    def edit_data(cls, w: World, account: str, obj: Any) -> dict[str, Any]:
        return {"name": obj.name, "region_code": obj.region.code, "year_named": str(obj.year_named),
                "batch": obj.batch, "document_no": "商建函〔2014〕1号"}  # fmt: skip

    @classmethod
    def create_data(cls, w: World, account: str) -> dict[str, Any]:
        return {"region": "320300", "name": "徐州市", "year_named": 2017, "batch": "第三批"}

    @classmethod
    def update_data(cls, w: World, account: str, obj: Any) -> dict[str, Any]:
        return {"document_no": "商建函〔2014〕1号"}

    @classmethod
    def add_rows(cls, w: World, n: int) -> None:
        DemoCity.objects.bulk_create(
            DemoCity(region=w.regions["320300"], name=f"测试城市{i}", year_named=1980 + i) for i in range(n)
        )
