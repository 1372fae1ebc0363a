"""Editing bases and enterprises: role-limited fields, change log, status transitions."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType

from core.models import ChangeLog
from portal.testing.world import World
from registry.actions.bases import do_change_base_status
from registry.models import BaseStatus, BaseStatusChange

pytestmark = pytest.mark.django_db


def log_for(obj) -> list[ChangeLog]:
    ct = ContentType.objects.get_for_model(obj)
    return list(ChangeLog.objects.filter(content_type=ct, object_id=str(obj.pk)).order_by("id"))


def test_operator_edits_only_its_fields_and_the_log_shows_the_diff(world: World, login) -> None:
    base = world.bases["rongchang"]
    client = login("operator_rc")
    page = client.get(f"/bases/{base.pk}/edit/").content.decode()
    assert 'name="address"' in page
    assert 'name="area_m2"' not in page  # not the operator's to change
    response = client.post(f"/bases/{base.pk}/edit/", {"address": "重庆市荣昌区昌州街道1号", "description": ""})
    assert response.status_code == 302
    base.refresh_from_db()
    assert base.address == "重庆市荣昌区昌州街道1号"
    entry = log_for(base)[-1]
    assert entry.action == ChangeLog.Action.UPDATE
    assert entry.actor_name == "operator_rc"
    assert entry.source == ChangeLog.Source.WEB
    assert entry.changed_fields() == [("address", "", "重庆市荣昌区昌州街道1号")]
    history = client.get(f"/history/registry/base/{base.pk}/").content.decode()
    assert "重庆市荣昌区昌州街道1号" in history


def test_posting_a_hidden_field_does_not_change_it(world: World, login) -> None:
    base = world.bases["rongchang"]
    client = login("operator_rc")
    client.post(f"/bases/{base.pk}/edit/", {"address": "新地址", "area_m2": "1", "name": "改名"})
    base.refresh_from_db()
    assert base.area_m2 == 35000 and base.name == "荣昌区电子商务产业园"


def test_operator_cannot_edit_another_base(world: World, login) -> None:
    client = login("operator_rc")
    assert client.get(f"/bases/{world.bases['xuzhou'].pk}/edit/").status_code == 404
    assert client.post(f"/bases/{world.bases['xuzhou'].pk}/edit/", {"address": "x"}).status_code == 404


def test_province_cannot_edit_a_base_of_another_unit(world: World, login) -> None:
    client = login("prov_ln")
    assert client.get(f"/bases/{world.bases['dalian'].pk}/edit/").status_code == 404
    assert client.get(f"/bases/{world.bases['shenyang'].pk}/edit/").status_code == 200


def test_enterprise_edits_itself_without_erasing_fields_it_cannot_see(world: World, login) -> None:
    ent = world.enterprises["rc1"]
    client = login("ent_rc1")
    page = client.get(f"/enterprises/{ent.pk}/edit/").content.decode()
    assert 'name="annual_revenue"' not in page
    response = client.post(
        f"/enterprises/{ent.pk}/edit/",
        {"main_business": "夏布制品网络零售", "contact_name": "李四", "contact_phone": "13700001111"},
    )
    assert response.status_code == 302
    ent.refresh_from_db()
    assert ent.main_business == "夏布制品网络零售"
    assert str(ent.annual_revenue) == "1200.50" and ent.employees == 25
    assert client.get(f"/enterprises/{world.enterprises['rc2'].pk}/edit/").status_code == 404


def test_ministry_status_change_follows_the_transition_table(world: World, login) -> None:
    base = world.bases["rongchang"]
    client = login("ministry")
    # Warning without a document number is refused with a message, nothing changes.
    client.post(f"/bases/{base.pk}/status/", {"to_status": "warned", "date": "2026-03-01", "document_no": ""})
    base.refresh_from_db()
    assert base.status == BaseStatus.DESIGNATED
    client.post(
        f"/bases/{base.pk}/status/",
        {"to_status": "warned", "date": "2026-03-01", "document_no": "商办电函〔2026〕1号", "note": "综合评价靠后"},
    )
    base.refresh_from_db()
    assert base.status == BaseStatus.WARNED
    change = BaseStatusChange.objects.get(base=base)
    assert (change.from_status, change.to_status, change.document_no) == ("designated", "warned", "商办电函〔2026〕1号")
    detail = client.get(f"/bases/{base.pk}/").content.decode()
    assert "商办电函〔2026〕1号" in detail


def test_removed_is_final_and_candidate_cannot_be_warned(world: World) -> None:
    from core.errors import ActionError

    ministry = world.user("ministry")
    cand = world.bases["shapingba"]
    with pytest.raises(ActionError) as err:
        do_change_base_status(ministry, cand, "warned", date=datetime.date(2026, 1, 1), document_no="x")
    assert err.value.code == "invalid_transition"
    base = world.bases["nanjing"]
    do_change_base_status(ministry, base, "removed", date=datetime.date(2026, 1, 1), document_no="文1")
    with pytest.raises(ActionError):
        do_change_base_status(ministry, base, "designated", date=datetime.date(2026, 2, 1))


def test_only_the_ministry_changes_status(world: World, login) -> None:
    base = world.bases["xuzhou"]
    response = login("prov_js").post(
        f"/bases/{base.pk}/status/", {"to_status": "warned", "date": "2026-03-01", "document_no": "x"}
    )
    assert response.status_code == 403
    base.refresh_from_db()
    assert base.status == BaseStatus.DESIGNATED


def test_operator_records_a_move_out_and_the_enterprise_leaves_its_roster(world: World, login) -> None:
    from registry.models import Residency

    ent = world.enterprises["rc2"]
    stay = Residency.objects.get(enterprise=ent, left_on__isnull=True)
    client = login("operator_rc")
    page = client.get(f"/enterprises/{ent.pk}/").content.decode()
    assert f"/residencies/{stay.pk}/end/" in page
    # Before entry: refused with a message, nothing written.
    client.post(f"/residencies/{stay.pk}/end/", {"left_on": "2019-12-31"})
    stay.refresh_from_db()
    assert stay.left_on is None
    client.post(f"/residencies/{stay.pk}/end/", {"left_on": "2025-06-30"})
    stay.refresh_from_db()
    assert stay.left_on == datetime.date(2025, 6, 30)
    assert log_for(stay)[-1].changed_fields() == [("left_on", None, "2025-06-30")]
    # Still in the operator's history (it was resident), but no longer changeable by it.
    assert client.get(f"/enterprises/{ent.pk}/edit/").status_code == 404
    again = client.post(f"/residencies/{stay.pk}/end/", {"left_on": "2025-07-01"}, follow=True)
    assert "已于 2025-06-30 迁出" in again.content.decode()
    stay.refresh_from_db()
    assert stay.left_on == datetime.date(2025, 6, 30)


def test_operator_cannot_end_a_stay_in_another_base(world: World, login) -> None:
    from registry.models import Residency

    stay = Residency.objects.get(enterprise=world.enterprises["xz1"])
    assert login("operator_rc").post(f"/residencies/{stay.pk}/end/", {"left_on": "2025-06-30"}).status_code == 404
    stay.refresh_from_db()
    assert stay.left_on is None


def test_operator_registers_an_enterprise_into_its_own_base(world: World, login) -> None:
    from portal.testing.world import code
    from registry.models import Enterprise, Residency

    client = login("operator_rc")
    assert "登记企业" in client.get("/enterprises/").content.decode()
    new_code = code(501, "500153")
    form = {
        "credit_code": new_code,
        "name": "榮昌新入駐電子商務有限公司",  # traditional characters are accepted and normalised
        "region_code": "500153",
        "is_ecommerce": "on",
        "industry": "retail",
        "base": world.bases["xuzhou"].pk,  # not its base: refused
        "entered_on": "2026-01-05",
    }
    refused = client.post("/enterprises/add/", form).content.decode()
    assert "选择一个有效的选项" in refused or "有效" in refused
    assert not Enterprise.objects.filter(credit_code=new_code).exists()
    form["base"] = world.bases["rongchang"].pk
    response = client.post("/enterprises/add/", form)
    assert response.status_code == 302
    ent = Enterprise.objects.get(credit_code=new_code)
    assert ent.name_normalized == "荣昌新入驻电子商务有限公司"
    stay = Residency.objects.get(enterprise=ent)
    assert stay.base == world.bases["rongchang"] and stay.entered_on == datetime.date(2026, 1, 5)
    assert [e.action for e in log_for(ent)] == ["create"]


def test_bad_code_needs_a_recorded_reason_and_duplicates_are_refused(world: World, login) -> None:
    from registry.models import Enterprise

    client = login("ministry")
    bad = "91110000600037341M"  # check character should be L
    form = {"credit_code": bad, "name": "某真实企业", "region_code": "500153", "industry": "retail"}
    page = client.post("/enterprises/add/", form).content.decode()
    assert "统一社会信用代码校验未通过" in page
    form["credit_code_override"] = "营业执照原件核验，代码以登记机关为准"
    assert client.post("/enterprises/add/", form, follow=True).status_code == 200
    ent = Enterprise.objects.get(credit_code=bad)
    assert ent.credit_code_override.startswith("营业执照")
    again = client.post("/enterprises/add/", form)
    assert again.status_code == 200  # the form again, not a redirect
    assert "该统一社会信用代码的企业已登记，请勿重复登记" in again.content.decode()
    assert Enterprise.objects.filter(credit_code=bad).count() == 1


def test_a_province_cannot_register_enterprises(world: World, login) -> None:
    client = login("prov_js")
    assert "登记企业" not in client.get("/enterprises/").content.decode()
    assert client.get("/enterprises/add/").status_code == 403


def test_ministry_sets_the_regions_a_base_covers_and_the_log_lists_the_codes(world: World, login) -> None:
    base = world.bases["rongchang"]
    client = login("ministry")
    form = client.get(f"/bases/{base.pk}/edit/").context["form"]
    data = {name: form[name].value() or "" for name in form.fields}
    data["covered_codes"] = "500153, 999999"
    page = client.post(f"/bases/{base.pk}/edit/", data).content.decode()
    assert "以下区划代码不存在或已停用：999999" in page
    assert not base.covered_regions.exists()
    data["covered_codes"] = "500153，500106"
    assert client.post(f"/bases/{base.pk}/edit/", data).status_code == 302
    assert sorted(base.covered_regions.values_list("code", flat=True)) == ["500106", "500153"]
    assert log_for(base)[-1].changed_fields() == [("covered_regions", [], ["500106", "500153"])]
    # The operator's form does not offer the field, and posting it changes nothing.
    operator = login("operator_rc")
    assert 'name="covered_codes"' not in operator.get(f"/bases/{base.pk}/edit/").content.decode()
    operator.post(f"/bases/{base.pk}/edit/", {"address": "x", "covered_codes": "500153"})
    assert base.covered_regions.count() == 2
