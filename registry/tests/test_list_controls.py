"""The controls of a list page: sorting by a visible column (asc/desc, aria-sort, only whitelisted
columns, a stable order), the page jump, searchable selects, and the bases list's defaults — it
opens on current bases with a visible switch for candidate and removed ones, and has one region
filter."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from portal.testing.world import World, code
from registry.models import Base, BaseStatus, Enterprise, Residency

pytestmark = pytest.mark.django_db


def names_in(html: str) -> list[str]:
    """The linked names of the rows, in order."""
    body = html.split("<tbody>")[1].split("</tbody>")[0]
    return re.findall(r'<td><a href="/(?:bases|enterprises)/\d+/">([^<]+)</a></td>', body)


def header(html: str, label: str) -> str:
    match = re.search(r"<th[^>]*>(?:(?!</th>).)*?" + re.escape(label) + r"(?:(?!</th>).)*</th>", html, re.S)
    assert match, label
    return match.group(0)


def remove(base: Base) -> None:
    Base.objects.filter(pk=base.pk).update(status=BaseStatus.REMOVED)


# The bases list's defaults ---------------------------------------------------------------------


def test_the_bases_list_opens_on_current_bases_with_a_switch_for_the_others(world: World, login) -> None:
    remove(world.bases["shenyang"])
    Base.objects.filter(pk=world.bases["nanjing"].pk).update(status=BaseStatus.WARNED)
    client = login("ministry")
    html = client.get("/bases/").content.decode()
    shown = set(names_in(html))
    assert shown == {"荣昌区电子商务产业园", "徐州软件园电商基地", "南京建邺电子商务产业园", "大连中山电子商务示范基地"}
    assert "默认显示现有的示范基地" in html
    assert 'name="all_statuses"' in html and "含后备园区和已撤销的基地" in html

    everything = set(names_in(client.get("/bases/", {"all_statuses": "on"}).content.decode()))
    assert everything == shown | {"沙坪坝电商产业园", "沈阳和平电商产业园"}
    # A chosen status is shown as asked, candidate and removed included.
    assert names_in(client.get("/bases/", {"status": "candidate"}).content.decode()) == ["沙坪坝电商产业园"]
    assert names_in(client.get("/bases/", {"status": "removed"}).content.decode()) == ["沈阳和平电商产业园"]
    # The API keeps listing every base.
    assert len(client.get("/api/bases/").json()["results"]) == 6


def test_the_bases_list_has_one_searchable_region_filter(world: World, login) -> None:
    client = login("ministry")
    html = client.get("/bases/").content.decode()
    assert 'name="province"' not in html and 'name="quota_unit"' not in html
    select = re.search(r'<select name="region"[^>]*>.*?</select>', html, re.S)
    assert select and 'data-searchable="1"' in select.group(0)
    options = re.findall(r'<option value="(\d*)"[^>]*>([^<]*)</option>', select.group(0))
    assert ("21", "辽宁省") in options and ("2102", "辽宁省 · 大连市") in options and ("50", "重庆市") in options
    assert not any(label.endswith("市辖区") for _v, label in options)

    def shown(region: str) -> set[str]:
        return set(names_in(client.get("/bases/", {"region": region, "all_statuses": "on"}).content.decode()))

    assert shown("21") == {"大连中山电子商务示范基地", "沈阳和平电商产业园"}  # the province, its separate city too
    assert shown("2102") == {"大连中山电子商务示范基地"}
    assert shown("3203") == {"徐州软件园电商基地"}

    # A province is offered only the places of its own bases.
    js = login("prov_js")
    options = re.findall(r'<option value="(\d+)"', js.get("/bases/").content.decode())
    assert set(options) == {"32", "3201", "3203"}


def test_long_choice_lists_are_searchable_selects_that_work_without_script(world: World, login) -> None:
    html = login("ministry").get("/enterprises/").content.decode()
    for name in ("base", "province"):
        select = re.search(rf'<select name="{name}"[^>]*>', html)
        assert select and 'data-searchable="1"' in select.group(0), name
    assert "vendor/tom-select.complete.min.js" in html and "core/lists.js" in html
    assert 'type="submit"' in html  # the plain form submits the plain <select>


# Sorting ---------------------------------------------------------------------------------------


def test_sorting_by_a_column_both_ways_with_aria_sort(world: World, login) -> None:
    Base.objects.filter(pk=world.bases["dalian"].pk).update(area_m2=Decimal("99999.50"))
    Base.objects.filter(pk=world.bases["rongchang"].pk).update(area_m2=Decimal("12000.00"))
    client = login("ministry")
    html = client.get("/bases/").content.decode()
    # The default order (quota unit) is announced on its header.
    assert 'aria-sort="ascending"' in header(html, "申报单位")
    area = header(html, "电子商务办公面积")
    assert "aria-sort" not in area and 'href="?sort=area_m2"' in area and "点击按升序排列" in area

    ascending = client.get("/bases/", {"sort": "area_m2"}).content.decode()
    names = names_in(ascending)
    assert names[0] == "荣昌区电子商务产业园" and names[-1] == "大连中山电子商务示范基地"
    area = header(ascending, "电子商务办公面积")
    assert 'aria-sort="ascending"' in area and 'href="?sort=-area_m2"' in area and "点击按降序排列" in area
    assert "aria-sort" not in header(ascending, "申报单位")

    descending = client.get("/bases/", {"sort": "-area_m2"}).content.decode()
    assert names_in(descending) == list(reversed(names))
    assert 'aria-sort="descending"' in header(descending, "电子商务办公面积")


def test_equal_values_keep_one_order_by_primary_key(world: World, login) -> None:
    client = login("ministry")
    # Every base has the same area and operating date in the world: the primary key decides.
    by_pk = list(Base.objects.filter(status=BaseStatus.DESIGNATED).order_by("pk").values_list("name", flat=True))
    assert names_in(client.get("/bases/", {"sort": "operating_since"}).content.decode()) == by_pk
    assert names_in(client.get("/bases/", {"sort": "-operating_since"}).content.decode()) == by_pk[::-1]


def test_a_status_sorts_in_the_order_of_its_choices_not_its_key(world: World, login) -> None:
    Base.objects.filter(pk=world.bases["nanjing"].pk).update(status=BaseStatus.WARNED)
    Base.objects.filter(pk=world.bases["xuzhou"].pk).update(status=BaseStatus.RECTIFYING)
    names = names_in(login("ministry").get("/bases/", {"sort": "status", "all_statuses": "on"}).content.decode())
    # 后备园区, 示范基地 ×3, 警示, 整改 — not candidate < designated < rectifying < warned.
    assert names[0] == "沙坪坝电商产业园"
    assert names[-2:] == ["南京建邺电子商务产业园", "徐州软件园电商基地"]


def test_only_whitelisted_columns_sort(world: World, login) -> None:
    client = login("ministry")
    default = names_in(client.get("/bases/").content.decode())
    for junk in ("is_invented", "operator_credit_code", "name_normalized", "quota_unit__code", "-id", "x"):
        assert names_in(client.get("/bases/", {"sort": junk}).content.decode()) == default, junk
    # A column computed in Python has no sort link (the policy item of an application).
    from policies.views.applications import ApplicationListView

    assert "item" not in ApplicationListView.sort_keys() and "status" in ApplicationListView.sort_keys()


def test_enterprises_sort_by_a_related_column_and_a_number(world: World, login) -> None:
    Enterprise.objects.filter(pk=world.enterprises["nj1"].pk).update(employees=900)
    client = login("prov_js")
    by_staff = names_in(client.get("/enterprises/", {"sort": "-employees"}).content.decode())
    assert by_staff[0] == "南京建邺跨境电商有限公司"
    by_region = names_in(client.get("/enterprises/", {"sort": "region"}).content.decode())
    # 南京建邺 (320105) before 徐州泉山 (320311) before 荣昌 (500153): by the region's code.
    assert by_region == ["南京建邺跨境电商有限公司", "徐州彭城电子商务有限公司", "荣昌外迁电子商务有限公司"]


def add_enterprises(world: World, n: int, start: int) -> None:
    base = world.bases["xuzhou"]
    ents = Enterprise.objects.bulk_create(
        Enterprise(
            credit_code=code(start + i, "320311"),
            name=f"徐州排序{start + i}电子商务有限公司",
            name_normalized=f"徐州排序{start + i}电子商务有限公司",
            category="enterprise",
            region=world.regions["320311"],
            employees=i,
        )
        for i in range(n)
    )
    Residency.objects.bulk_create(
        Residency(enterprise=e, base=base, entered_on=datetime.date(2021, 1, 1))
        for e in Enterprise.objects.filter(credit_code__in=[e.credit_code for e in ents])
    )


@pytest.mark.parametrize("account", ["ministry", "prov_js"])
@pytest.mark.parametrize("sort", ["name", "-employees", "region", "industry", "-annual_revenue"])
def test_sorting_adds_no_query_per_row(world: World, login, account: str, sort: str) -> None:
    client = login(account)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/enterprises/", {"sort": sort}).status_code == 200
        return len(ctx.captured_queries)

    add_enterprises(world, 3, 7000)
    few = count()
    add_enterprises(world, 60, 8000)
    assert count() == few <= 12


# The page jump ---------------------------------------------------------------------------------


def test_the_page_jump_keeps_filters_and_sort(world: World, login) -> None:
    add_enterprises(world, 60, 9000)
    client = login("prov_js")
    html = client.get("/enterprises/", {"q": "徐州排序", "sort": "-employees", "per_page": 25}).content.decode()
    assert "第 1 / 3 页" in html
    jump = re.search(r'<form method="get" class="page-jump">.*?</form>', html, re.S)
    assert jump
    form = jump.group(0)
    assert '<input type="hidden" name="q" value="徐州排序">' in form
    assert '<input type="hidden" name="sort" value="-employees">' in form
    assert '<input type="hidden" name="per_page" value="25">' in form
    assert 'name="page"' in form and 'max="3"' in form and '<label for="page-jump">' in form
    third = client.get("/enterprises/", {"q": "徐州排序", "sort": "-employees", "per_page": 25, "page": 3})
    html = third.content.decode()
    assert "第 3 / 3 页" in html
    assert names_in(html) == [f"徐州排序{9000 + i}电子商务有限公司" for i in range(9, -1, -1)]
    # First, previous, next, last: the ends are shown, not linked, where they lead nowhere.
    assert 'aria-disabled="true">下一页' in html and 'aria-disabled="true">末页' in html
    assert "page=1" in html and "page=2" in html
    # A page beyond the end shows the last one.
    assert "第 3 / 3 页" in client.get("/enterprises/", {"q": "徐州排序", "per_page": 25, "page": 99}).content.decode()
