"""Live check of the application form (htmx): the same engine on the values being typed, at the
legal boundaries, for those who could create or change the application only, nothing saved."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from core.models import ChangeLog
from portal.testing.world import World, code
from registry.models import Base, BaseStatus
from selection.actions.applications import do_attach_document, do_recommend
from selection.models import Application, ApplicationDocument, ApplicationEvent, Call, CallStatus
from selection.tests.conftest import draft

pytestmark = pytest.mark.django_db


def url(call: Call) -> str:
    return f"/selection/calls/{call.pk}/precheck-live/"


def items(html: str) -> dict[str, str]:
    """Each condition of the fragment: label -> "符合 …" / "不符合 …" with the message."""
    found = {}
    for li in re.findall(r"<li>(.*?)</li>", html, flags=re.S):
        label = re.search(r"<strong>(.*?)</strong>", li)
        if label:
            text = " ".join(re.sub(r"<[^>]+>", " ", li).split())
            found[label.group(1)] = text.replace(f" {label.group(1)} ", " ")
    return found


def counts() -> tuple[int, ...]:
    return (
        Application.objects.count(),
        ApplicationEvent.objects.count(),
        ApplicationDocument.objects.count(),
        ChangeLog.objects.count(),
    )


def third_chongqing_park(world: World, call: Call) -> Application:
    """A third Chongqing park with its drafted application."""
    base = Base(
        name="九龙坡电商产业园", quota_unit=world.units["50"], region=world.regions["500106"],
        operator_name="九龙坡运营公司", operator_credit_code=code(950, "500106"), area_m2=Decimal("30000"),
        operating_since=datetime.date(2012, 1, 1),
    )  # fmt: skip
    base.status = BaseStatus.CANDIDATE
    base.save()
    world.bases["third"] = base
    return draft(world, call, base="third", operator="operator_third")


def live(client, call: Call, area: str, since: str, **extra: str) -> str:
    response = client.post(url(call), {"area_m2": area, "operating_since": since, **extra})
    assert response.status_code == 200
    return response.content.decode()


def test_area_boundary_twenty_thousand_is_refused_and_a_hundredth_more_passes(world: World, call: Call, login) -> None:
    client = login("operator_rc")
    before = counts()
    at = items(live(client, call, "20000.00", "2013-05-01"))
    assert at["办公建筑面积"] == "不符合 电子商务办公建筑面积须大于 20,000 平方米，申报为 20,000.00 平方米"
    above = items(live(client, call, "20000.01", "2013-05-01"))
    assert above["办公建筑面积"] == "符合 电子商务办公建筑面积 20,000.01 平方米，大于 20,000 平方米"
    assert counts() == before  # nothing saved, nothing logged


def test_operating_one_year_at_the_deadline_passes_and_a_day_less_is_refused(world: World, call: Call, login) -> None:
    # The call's deadline is 2015-02-28 (Beijing time): values are judged as if submitted then.
    client = login("operator_rc")
    before = counts()
    html = live(client, call, "25000", "2014-02-28")
    assert items(html)["运营年限"] == "符合 运营满 1 年：2014-02-28 投入运营，至提交日 2015-02-28 为 365 天"
    assert "按截止时间（北京时间 2015-02-28 23:59:59）报送测算" in html and "尚未保存" in html
    short = items(live(client, call, "25000", "2014-03-01"))
    assert short["运营年限"] == "不符合 运营时间不足 1 年：2014-03-01 投入运营，至提交日 2015-02-28 为 364 天"
    assert counts() == before


def test_every_computed_condition_and_the_quota_are_listed(world: World, call: Call, login) -> None:
    html = live(login("operator_rc"), call, "25000", "2013-05-01")
    found = items(html)
    assert list(found) == ["运营年限", "办公建筑面积", "运营主体统一社会信用代码", "相关文件", "涵盖区域", "推荐名额"]
    assert found["运营主体统一社会信用代码"].startswith("符合 运营主体统一社会信用代码 ")
    assert found["涵盖区域"] == "符合 申报区域未为现有国家级电子商务示范基地涵盖"
    assert found["推荐名额"] == "符合 推荐排序第 1，在本单位 2 个名额之内"
    # The roster is linked from the registry (荣昌 has resident enterprises); the rest is missing.
    assert found["相关文件"].startswith("不符合 缺少材料：") and "已入驻电子商务企业名单" not in found["相关文件"]
    assert "按当前填写，以下条件不符合。" in html


def test_invalid_credit_code_coverage_and_a_full_quota_are_refused_with_the_reason(
    world: World, call: Call, login
) -> None:
    rongchang = world.bases["rongchang"]
    Base.objects.filter(pk=rongchang.pk).update(operator_credit_code="91500153000000901X")
    world.bases["xuzhou"].covered_regions.add(world.regions["500153"])
    # Two other Chongqing parks already recommended fill the municipality's 2 slots.
    province = world.user("prov_cq")
    do_recommend(province, draft(world, call), rank=1)
    do_recommend(province, third_chongqing_park(world, call), rank=2)

    found = items(live(login("operator_rc"), call, "25000", "2013-05-01"))
    assert found["运营主体统一社会信用代码"].startswith("不符合 运营主体统一社会信用代码无效：91500153000000901X")
    assert found["涵盖区域"] == "不符合 申报区域已为现有国家级电子商务示范基地涵盖，不再参与申报"
    assert found["推荐名额"].startswith("不符合 推荐排序第 3，超出名额")


def test_bad_input_is_named_by_field_and_nothing_is_saved(world: World, call: Call, login) -> None:
    client = login("operator_rc")
    before = counts()
    html = live(client, call, "-1", "2014-02-30")
    assert "填写有误，请更正" in html
    assert "「电子商务办公建筑面积（平方米）」：" in html and "「投入运营日期」：" in html
    found = items(html)
    assert found["办公建筑面积"] == "不符合 电子商务办公建筑面积无效或未填写"
    assert found["运营年限"] == "不符合 未填写正式投入运营日期"
    assert counts() == before


def test_for_an_existing_application_its_documents_and_rank_count(world: World, call: Call, login) -> None:
    app = draft(world, call)
    do_attach_document(world.user("operator_sp"), app, "development_plan", SimpleUploadedFile("规划.pdf", b"%PDF"))
    do_recommend(world.user("prov_cq"), app, rank=2)
    do_recommend(world.user("prov_cq"), third_chongqing_park(world, call), rank=1)
    clients = [login("prov_cq"), login("operator_sp")]
    before = counts()
    for client in clients:
        found = items(live(client, call, "20000.01", "2013-05-01", application=str(app.pk)))
        assert found["办公建筑面积"].startswith("符合 ")
        assert found["推荐名额"] == "符合 推荐排序第 2，在本单位 2 个名额之内"  # its own rank, not appended
        assert "本地电子商务规范管理办法" in found["相关文件"] and "本地电子商务发展规划" not in found["相关文件"]
    assert counts() == before
    app.refresh_from_db()
    assert app.area_m2 == Decimal("25000.00")  # the stored application is untouched


def test_only_who_could_create_or_change_the_application_may_check(world: World, call: Call, login) -> None:
    app = draft(world, call)  # 沙坪坝's application (operator_sp)
    values = {"area_m2": "25000", "operating_since": "2013-05-01"}
    # A new application: the operator of a base only.
    for key in ("prov_cq", "ministry", "expert", "ent_rc1", "bureau_rc", "auditor"):
        assert login(key).post(url(call), values).status_code in (403, 404), key
    assert login("prov_cq").post(url(call), values).status_code == 403
    # An existing application: who may change it (its operator, its province).
    on_app = {**values, "application": str(app.pk)}
    assert login("operator_rc").post(url(call), on_app).status_code == 404
    assert login("prov_js").post(url(call), on_app).status_code == 404
    assert login("ministry").post(url(call), on_app).status_code == 404
    assert login("prov_cq").post(url(call), on_app).status_code == 200
    assert login("operator_rc").post(url(call), {**values, "application": "x"}).status_code == 403
    # Not signed in: to the login page.
    from django.test import Client

    assert Client().post(url(call), values).status_code == 302
    # A call that is not open takes no new application.
    Call.objects.filter(pk=call.pk).update(status=CallStatus.CLOSED)
    assert login("operator_rc").post(url(call), values).status_code == 403
    assert login("operator_sp").post(url(call), on_app).status_code == 200
    assert login("operator_rc").get(url(call)).status_code == 405


def test_the_form_carries_the_live_check_and_still_validates_without_it(world: World, call: Call, login) -> None:
    client = login("operator_rc")
    page = client.get(f"/selection/calls/{call.pk}/").content.decode()
    assert f'hx-post="{url(call)}"' in page
    assert 'hx-trigger="input changed delay:400ms"' in page and 'hx-target="#live-check"' in page
    assert re.search(r'<div id="live-check" role="status" aria-live="polite"', page)
    assert "/static/vendor/htmx.min.js" in page
    # Without JavaScript the form posts to the create view, which validates in full.
    response = client.post(f"/selection/calls/{call.pk}/apply/", {"area_m2": "abc", "operating_since": "2013-05-01"})
    assert response.status_code == 302 and not Application.objects.exists()
    assert "请检查申报填写内容" in client.get(response["Location"]).content.decode()
