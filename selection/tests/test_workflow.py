"""An application from the operator's draft to the province's submission, and the deadline."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from core.errors import ActionError, NotAllowedError
from core.models import ChangeLog
from portal.testing.world import World
from selection.actions.applications import do_create_application, do_recommend, do_submit
from selection.models import Application, ApplicationStatus, Call, CallStatus
from selection.tests.conftest import draft

pytestmark = pytest.mark.django_db


def test_operator_drafts_province_recommends_and_submits_with_a_timeline(world: World, call: Call) -> None:
    app = draft(world, call)
    assert app.status == ApplicationStatus.DRAFT and app.quota_unit == world.units["50"]
    province = world.user("prov_cq")
    do_recommend(province, app, rank=1)
    # One second before the deadline, in Beijing time, while the server thinks in UTC.
    just_before = datetime.datetime(2015, 2, 28, 15, 59, 58, tzinfo=datetime.UTC)
    do_submit(province, app, now=just_before)
    app.refresh_from_db()
    assert app.status == ApplicationStatus.SUBMITTED and app.submitted_at == just_before
    assert [e.kind for e in app.events.all()] == ["created", "recommended", "submitted"]
    assert ChangeLog.objects.filter(object_repr=str(app), action="update").count() == 2


def test_one_second_after_the_deadline_is_refused_and_recorded(world: World, call: Call) -> None:
    app = draft(world, call)
    province = world.user("prov_cq")
    do_recommend(province, app, rank=1)
    late = datetime.datetime(2015, 2, 28, 16, 0, 0, tzinfo=datetime.UTC)  # 2015-03-01 00:00:00 in Beijing
    do_submit(province, app, now=late)
    app.refresh_from_db()
    assert app.status == ApplicationStatus.REFUSED and app.submitted_at == late
    event = app.events.last()
    assert event is not None and event.kind == "refused_late"
    assert "逾期不予受理" in event.message and "2015-02-28 23:59:59" in event.message
    assert "2015-03-01 00:00:00" in event.message
    with pytest.raises(ActionError):
        do_submit(province, app, now=late)  # refused is final


def test_only_the_own_province_recommends_and_ranks_are_unique(world: World, call: Call) -> None:
    app = draft(world, call)
    with pytest.raises(NotAllowedError):
        do_recommend(world.user("prov_js"), app, rank=1)
    with pytest.raises(NotAllowedError):
        do_recommend(world.user("operator_rc"), app, rank=1)
    other = draft(world, call, base="rongchang", operator="operator_rc")
    do_recommend(world.user("prov_cq"), app, rank=1)
    with pytest.raises(ActionError) as err:
        do_recommend(world.user("prov_cq"), other, rank=1)
    assert err.value.code == "rank_taken"


def test_an_operator_applies_only_for_its_own_base_and_only_while_the_call_is_open(world: World, call: Call) -> None:
    with pytest.raises(NotAllowedError):
        do_create_application(
            world.user("operator_rc"), call, world.bases["xuzhou"],
            area_m2=Decimal("30000"), operating_since=datetime.date(2013, 1, 1),
        )  # fmt: skip
    call.status = CallStatus.CLOSED
    call.save()
    with pytest.raises(ActionError) as err:
        draft(world, call)
    assert err.value.code == "call_not_open"


def test_scoping_of_applications(world: World, call: Call) -> None:
    app = draft(world, call)
    ministry = world.user("ministry")
    assert not Application.objects.restrict(ministry).exists()  # drafts stay with the province
    do_recommend(world.user("prov_cq"), app, rank=1)
    assert Application.objects.restrict(ministry).count() == 1
    assert Application.objects.restrict(world.user("prov_cq")).count() == 1
    assert not Application.objects.restrict(world.user("prov_js")).exists()
    assert not Application.objects.restrict(world.user("expert")).exists()


def test_a_call_closes_once_by_its_table_whatever_an_old_copy_says(world: World, call: Call) -> None:
    from selection.actions.calls import do_close_call

    ministry = world.user("ministry")
    do_close_call(ministry, Call.objects.get(pk=call.pk))
    assert call.status == CallStatus.OPEN  # this copy was read before the call closed
    with pytest.raises(ActionError) as err:
        do_close_call(ministry, call)
    assert err.value.code == "invalid_transition"
    assert err.value.message == "申报批次当前状态为“已截止”，不能变更为“已截止”。"
    closes = ChangeLog.objects.filter(object_repr=str(call), action="update")
    assert [(e.before["status"], e.after["status"]) for e in closes] == [("open", "closed")]  # type: ignore[index]  # update rows have both


def test_the_application_page_shows_its_timeline(world: World, call: Call, login) -> None:
    app = draft(world, call)
    do_recommend(world.user("prov_cq"), app, rank=1)
    page = login("prov_cq").get(app.get_absolute_url()).content.decode()
    timeline = page.split('id="timeline"', 1)[1].split("</table>", 1)[0]
    assert "<td>创建</td>" in timeline and "<td>省级推荐</td><td>推荐顺位 1</td>" in timeline
    assert "<td>operator_sp</td>" in timeline and "prov_cq" in timeline


def test_the_tables_of_review_notice_and_objection_refuse_what_they_do_not_list(world: World, call: Call) -> None:
    """The actions check these first with their own words (该评审阶段已结束。, 公示已发布。); the tables
    behind them refuse the same moves for any caller."""
    from core import workflow
    from selection.models import Notice, NoticeStatus, Objection, ObjectionStatus, ReviewStage, StageStatus

    ministry = world.user("ministry")
    stage = ReviewStage.objects.create(call=call, kind="preliminary", rubric=[])
    workflow.transition(stage, StageStatus.CLOSED, ministry)
    notice = Notice.objects.create(call=call, title="公示")
    objection = Objection.objects.create(
        notice=notice, name="张三", phone="13900001111", content="入驻企业数量不实。", lodged_at=call.deadline
    )
    refused = [
        (stage, StageStatus.OPEN, "评审阶段当前状态为“已结束”，不能变更为“评审中”。"),
        (notice, NoticeStatus.DESIGNATED, "公示当前状态为“拟定中”，不能变更为“已公布认定”。"),
        (objection, ObjectionStatus.PENDING, "公示异议当前状态为“待处理”，不能变更为“待处理”。"),
    ]
    for obj, to, message in refused:
        with pytest.raises(ActionError) as err:
            workflow.transition(obj, to, ministry)
        assert (err.value.code, err.value.message) == ("invalid_transition", message)
    assert ReviewStage.objects.get(pk=stage.pk).status == StageStatus.CLOSED
    assert Notice.objects.get(pk=notice.pk).status == NoticeStatus.DRAFT
