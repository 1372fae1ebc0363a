"""Loading the shipped regions, quota units and demonstration cities; updating them next year."""

from __future__ import annotations

import csv
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db.models import QuerySet

from core.models import ChangeLog
from regions.loading import (
    REGIONS_SOURCE,
    DataFileError,
    LoadResult,
    load_all,
    load_demo_cities,
    load_quota_units,
    load_regions,
)
from regions.models import DemoCity, QuotaUnit, QuotaUnitKind, Region, RegionLevel

pytestmark = pytest.mark.django_db

PROVINCES = {
    "11": "北京市", "12": "天津市", "13": "河北省", "14": "山西省", "15": "内蒙古自治区", "21": "辽宁省",
    "22": "吉林省", "23": "黑龙江省", "31": "上海市", "32": "江苏省", "33": "浙江省", "34": "安徽省",
    "35": "福建省", "36": "江西省", "37": "山东省", "41": "河南省", "42": "湖北省", "43": "湖南省",
    "44": "广东省", "45": "广西壮族自治区", "46": "海南省", "50": "重庆市", "51": "四川省", "52": "贵州省",
    "53": "云南省", "54": "西藏自治区", "61": "陕西省", "62": "甘肃省", "63": "青海省", "64": "宁夏回族自治区",
    "65": "新疆维吾尔自治区", "71": "台湾省", "81": "香港特别行政区", "82": "澳门特别行政区",
}  # fmt: skip


def region_logs() -> QuerySet[ChangeLog]:
    return ChangeLog.objects.filter(content_type=ContentType.objects.get_for_model(Region))


def write_csv(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)
    return path


SMALL = [
    ["500000", "重庆市", "1", ""],
    ["500100", "市辖区", "2", "500000"],
    ["500153", "荣昌区", "3", "500100"],
    ["500106", "沙坪坝区", "3", "500100"],
]
HEADER = ["code", "name", "level", "parent_code"]


# --- the shipped files ---------------------------------------------------------------------------


@pytest.fixture
def shipped() -> dict[str, LoadResult]:
    return load_all(year=2026)


def test_all_34_provincial_divisions_are_loaded(shipped: dict[str, LoadResult]) -> None:
    provinces = dict(Region.objects.filter(level=RegionLevel.PROVINCE).values_list("code", "name"))
    assert provinces == {f"{c}0000": name for c, name in PROVINCES.items()}


def test_every_division_below_a_province_has_an_existing_parent_of_a_higher_level(
    shipped: dict[str, LoadResult],
) -> None:
    regions = {r.pk: r for r in Region.objects.all()}
    assert len(regions) > 3000
    counties = [r for r in regions.values() if r.level == RegionLevel.COUNTY]
    assert len(counties) > 2800
    for r in regions.values():
        if r.level == RegionLevel.PROVINCE:
            assert r.parent_id is None
            continue
        parent = regions[r.parent_id]  # type: ignore[index]  # parent_id set below province level
        assert parent.level < r.level
        assert r.code.startswith(parent.prefix), r
    # The municipalities' intermediate rows exist, and 荣昌区 hangs under them as in GB/T 2260.
    rongchang = Region.objects.select_related("parent__parent").get(code="500153")
    assert (rongchang.name, rongchang.parent.code, rongchang.parent.parent.code) == ("荣昌区", "500100", "500000")  # type: ignore[union-attr]  # has parents
    assert Region.objects.filter(code__in=["110100", "120100", "310100", "500200"]).count() == 4
    assert set(Region.objects.values_list("source", flat=True)) == {REGIONS_SOURCE}


def test_37_quota_units_with_five_separate_planning_cities_inside_their_provinces(
    shipped: dict[str, LoadResult],
) -> None:
    units = list(QuotaUnit.objects.select_related("region__parent"))
    assert len(units) == 37
    kinds = {k: sorted(u.code for u in units if u.kind == k) for k in QuotaUnitKind.values}
    assert len(kinds[QuotaUnitKind.PROVINCE]) == 22
    assert len(kinds[QuotaUnitKind.AUTONOMOUS_REGION]) == 5
    assert kinds[QuotaUnitKind.MUNICIPALITY] == ["11", "12", "31", "50"]
    assert kinds[QuotaUnitKind.SEPARATE_PLANNING_CITY] == ["2102", "3302", "3502", "3702", "4403"]
    assert kinds[QuotaUnitKind.XPCC] == ["66"]
    by_code = {u.code: u for u in units}
    for code in kinds[QuotaUnitKind.SEPARATE_PLANNING_CITY]:
        city = by_code[code]
        assert city.region is not None and city.region.level == RegionLevel.PREFECTURE
        assert city.region.parent is not None and city.region.parent.code == f"{code[:2]}0000"
        assert by_code[code[:2]].region == city.region.parent  # the province is a unit of its own too
    assert by_code["66"].region is None
    # Taiwan, Hong Kong and Macau are regions but not quota units.
    assert not {"71", "81", "82"} & set(by_code)
    assert [u.code for u in units][:2] == ["11", "12"]  # ordered by sort_order


def test_demonstration_cities_reference_existing_regions(shipped: dict[str, LoadResult]) -> None:
    cities = list(DemoCity.objects.select_related("region"))
    assert len(cities) == 71
    by_year: dict[int, int] = {}
    for c in cities:
        by_year[c.year_named] = by_year.get(c.year_named, 0) + 1
        assert c.region.retired_in is None
    assert by_year == {2009: 1, 2011: 23, 2014: 30, 2017: 17}
    assert DemoCity.objects.get(year_named=2009).region.code == "440300"


def test_loading_twice_changes_nothing_and_logs_nothing(shipped: dict[str, LoadResult]) -> None:
    logs = ChangeLog.objects.count()
    stamps = dict(Region.objects.values_list("code", "last_updated"))
    again = load_all(year=2026)
    assert ChangeLog.objects.count() == logs
    assert dict(Region.objects.values_list("code", "last_updated")) == stamps
    for r in again.values():
        assert (r.created, r.updated, r.retired, r.logged) == (0, 0, 0, 0)
    assert again["regions"].unchanged == Region.objects.count()


def test_first_load_logs_every_created_row(shipped: dict[str, LoadResult]) -> None:
    assert region_logs().filter(action=ChangeLog.Action.CREATE).count() == Region.objects.count()
    entry = region_logs().get(object_id=str(Region.objects.get(code="500153").pk))
    assert entry.before is None and entry.after is not None and entry.after["name"] == "荣昌区"


def test_command_prints_counts_and_logs_as_a_command() -> None:
    out = StringIO()
    call_command("load_regions", "--year", "2026", stdout=out)
    text = out.getvalue()
    assert "行政区划：新增 3222" in text
    assert "申报单位：新增 37" in text
    assert set(ChangeLog.objects.values_list("source", flat=True)) == {ChangeLog.Source.COMMAND}
    out = StringIO()
    call_command("load_regions", "--year", "2026", stdout=out)
    assert "行政区划：新增 0，修改 0，停用 0，未变 3222" in out.getvalue()


# --- next year's file: retire, rename ------------------------------------------------------------


def test_a_code_dropped_from_the_file_is_retired_not_deleted(tmp_path: Path) -> None:
    load_regions(write_csv(tmp_path / "2025.csv", HEADER, SMALL), year=2025)
    pk = Region.objects.get(code="500106").pk
    result = load_regions(write_csv(tmp_path / "2026.csv", HEADER, SMALL[:3]), year=2026)
    assert (result.created, result.updated, result.retired, result.unchanged) == (0, 0, 1, 3)
    dropped = Region.objects.get(code="500106")
    assert (dropped.pk, dropped.name, dropped.retired_in) == (pk, "沙坪坝区", 2026)
    entry = region_logs().get(object_id=str(pk), action=ChangeLog.Action.UPDATE)
    assert entry.before is not None and entry.after is not None
    assert (entry.before["retired_in"], entry.after["retired_in"]) == (None, 2026)
    # Loading the same file again neither re-retires (keeps 2026) nor logs.
    logs = ChangeLog.objects.count()
    load_regions(tmp_path / "2026.csv", year=2027)
    assert Region.objects.get(code="500106").retired_in == 2026
    assert ChangeLog.objects.count() == logs


def test_a_retired_code_back_in_the_file_is_reinstated(tmp_path: Path) -> None:
    load_regions(write_csv(tmp_path / "a.csv", HEADER, SMALL), year=2025)
    load_regions(write_csv(tmp_path / "b.csv", HEADER, SMALL[:3]), year=2026)
    result = load_regions(tmp_path / "a.csv", year=2027)
    assert result.updated == 1 and Region.objects.get(code="500106").retired_in is None


def test_a_renamed_region_is_updated_and_logged_with_before_and_after(tmp_path: Path) -> None:
    load_regions(write_csv(tmp_path / "a.csv", HEADER, SMALL), year=2025)
    renamed = [*SMALL[:3], ["500106", "沙坪坝新区", "3", "500100"]]
    result = load_regions(write_csv(tmp_path / "b.csv", HEADER, renamed), year=2026)
    assert (result.created, result.updated, result.retired) == (0, 1, 0)
    region = Region.objects.get(code="500106")
    assert region.name == "沙坪坝新区"
    entry = region_logs().get(object_id=str(region.pk), action=ChangeLog.Action.UPDATE)
    assert entry.changed_fields() == [("name", "沙坪坝区", "沙坪坝新区")]


def test_new_codes_next_year_get_since_year_and_hang_under_new_parents(tmp_path: Path) -> None:
    load_regions(write_csv(tmp_path / "a.csv", HEADER, SMALL), year=2025)
    grown = [
        *SMALL,
        ["510000", "四川省", "1", ""],
        ["510100", "成都市", "2", "510000"],
        ["510104", "锦江区", "3", "510100"],
    ]
    result = load_regions(write_csv(tmp_path / "b.csv", HEADER, grown), year=2026)
    assert result.created == 3
    jinjiang = Region.objects.get(code="510104")
    assert jinjiang.since_year == 2026 and jinjiang.parent.parent.code == "510000"  # type: ignore[union-attr]  # set
    assert Region.objects.get(code="500153").since_year is None  # first load: year of first use unknown


def test_a_bad_file_names_row_column_and_rule_and_writes_nothing(tmp_path: Path) -> None:
    bad = [*SMALL, ["51010", "成都市", "2", "510000"], ["500199", "某区", "3", "500900"], ["500198", "", "4", "500100"]]
    with pytest.raises(DataFileError) as info:
        load_regions(write_csv(tmp_path / "bad.csv", HEADER, bad), year=2026)
    errors = info.value.errors
    assert errors[0] == "第 6 行“code”列：区划代码应为6位数字"
    assert "第 8 行“name”列：名称不能为空" in errors
    assert any(e.startswith("第 8 行“level”列") for e in errors)
    assert "第 7 行“parent_code”列：上级区划 500900 不在文件中" in errors
    assert Region.objects.count() == 0 and ChangeLog.objects.count() == 0


def test_quota_units_and_demo_cities_are_updated_not_duplicated(tmp_path: Path) -> None:
    load_regions(write_csv(tmp_path / "r.csv", HEADER, SMALL), year=2025)
    units = tmp_path / "u.csv"
    unit_header = ["code", "name", "kind", "region_code", "sort_order"]
    load_quota_units(
        write_csv(
            units,
            unit_header,
            [["50", "重庆市", "municipality", "500000", "1"], ["66", "新疆生产建设兵团", "xpcc", "", "2"]],
        )
    )
    result = load_quota_units(write_csv(units, unit_header, [["50", "重庆市", "municipality", "500000", "5"]]))
    assert (result.created, result.updated, result.not_in_file) == (0, 1, 1)
    assert QuotaUnit.objects.get(code="50").sort_order == 5
    assert QuotaUnit.objects.filter(code="66").exists()  # never deleted

    cities = tmp_path / "c.csv"
    city_header = ["name", "region_code", "year_named", "batch", "document_no"]
    load_demo_cities(write_csv(cities, city_header, [["重庆市", "500000", "2011", "第一批", ""]]))
    city = DemoCity.objects.get()
    city.document_no = "发改办高技〔2011〕2753号"  # filled in by the ministry in the application
    city.save()
    result = load_demo_cities(cities)
    assert (result.created, result.updated, result.unchanged) == (0, 0, 1)
    assert DemoCity.objects.get().document_no == "发改办高技〔2011〕2753号"  # an empty cell does not erase it

    with pytest.raises(DataFileError) as info:
        load_demo_cities(write_csv(cities, city_header, [["某市", "999900", "2011", "", ""]]))
    assert info.value.errors == ["第 2 行“region_code”列：区划代码 999900 不存在"]
