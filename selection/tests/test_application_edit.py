"""The operator corrects the declared facts of a draft; the live check on that form goes through
the same endpoint; nobody else can, and nothing changes once the province has recommended it."""

from __future__ import annotations

import pytest

from core.models import ChangeLog
from portal.testing.world import World
from selection.actions.applications import do_recommend
from selection.models import Call
from selection.tests.conftest import draft

pytestmark = pytest.mark.django_db


def test_the_operator_corrects_a_draft_and_the_change_is_logged(world: World, call: Call, login) -> None:
    app = draft(world, call)
    client = login("prov_cq")
    client.force_login(world.user("operator_sp"))
    page = client.get(f"/selection/applications/{app.pk}/").content.decode()
    assert "修改申报信息" in page and 'name="application"' in page
    response = client.post(
        f"/selection/applications/{app.pk}/edit/", {"area_m2": "20000.01", "operating_since": "2014-02-28"}, follow=True
    )
    assert "申报信息已保存" in response.content.decode()
    app.refresh_from_db()
    assert str(app.area_m2) == "20000.01" and app.operating_since.isoformat() == "2014-02-28"
    entry = ChangeLog.objects.filter(object_id=str(app.pk), action=ChangeLog.Action.UPDATE).latest("pk")
    assert entry.before is not None and entry.after is not None
    assert entry.before["area_m2"] == "25000.00" and entry.after["area_m2"] == "20000.01"
    live = client.post(
        f"/selection/calls/{call.pk}/precheck-live/",
        {"application": app.pk, "area_m2": "20000", "operating_since": "2014-02-28"},
    ).content.decode()
    assert "须大于 20,000 平方米" in live


def test_bad_values_others_and_recommended_drafts_are_refused(world: World, call: Call, login) -> None:
    app = draft(world, call)
    operator = login("prov_cq")
    operator.force_login(world.user("operator_sp"))
    bad = operator.post(
        f"/selection/applications/{app.pk}/edit/", {"area_m2": "-1", "operating_since": ""}, follow=True
    )
    text = bad.content.decode()
    assert "电子商务办公建筑面积（平方米）" in text and "投入运营日期" in text
    app.refresh_from_db()
    assert str(app.area_m2) == "25000.00"
    assert login("operator_rc").post(f"/selection/applications/{app.pk}/edit/", {"area_m2": "30000"}).status_code == 404
    province = login("prov_cq")
    refused = province.post(
        f"/selection/applications/{app.pk}/edit/", {"area_m2": "30000", "operating_since": "2013-01-01"}
    )
    assert refused.status_code == 403  # the province recommends; the operator declares the facts
    do_recommend(world.user("prov_cq"), app, rank=1)
    late = operator.post(
        f"/selection/applications/{app.pk}/edit/", {"area_m2": "30000", "operating_since": "2013-01-01"}, follow=True
    )
    assert "不能再修改" in late.content.decode()
    app.refresh_from_db()
    assert str(app.area_m2) == "25000.00"
