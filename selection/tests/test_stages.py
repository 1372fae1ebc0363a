"""Review stages through the actions: hidden sheets, exact aggregation on close, decisions, the
defence for those who passed, re-check where needed."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from core.errors import ActionError, NotAllowedError
from core.models import ChangeLog
from portal.testing.world import World
from selection.actions.applications import do_recommend, do_submit
from selection.actions.review import (
    do_assign_expert,
    do_close_stage,
    do_decide_entry,
    do_open_stage,
    do_schedule_defence,
    do_submit_score,
)
from selection.models import Application, Assignment, Call, Decision, Expert, StageEntry
from selection.tests.conftest import BEIJING, draft
from selection.tests.test_review import expert

pytestmark = pytest.mark.django_db

RUBRIC = [{"key": "basis", "label": "创建基础", "max": "60"}, {"key": "plan", "label": "工作方案", "max": "40"}]


def submit(world: World, call: Call, base: str, operator: str, province: str, rank: int = 1) -> Application:
    app = draft(world, call, base, operator)
    do_recommend(world.user(province), app, rank=rank)
    do_submit(world.user(province), app, now=datetime.datetime(2015, 2, 1, tzinfo=datetime.UTC))
    app.refresh_from_db()
    return app


@pytest.fixture
def two(world: World, call: Call) -> tuple[Application, Application]:
    return (
        submit(world, call, "shapingba", "operator_sp", "prov_cq"),
        submit(world, call, "xuzhou", "operator_xz", "prov_js"),
    )


@pytest.fixture
def panel(world: World) -> list[Expert]:
    # Home provinces away from both applicants (重庆, 江苏).
    return [expert(world, f"e{i}", "210000", []) for i in range(3)]


def score(e: Expert, entry: StageEntry, basis: str, plan: str) -> Assignment:
    assignment = Assignment.objects.get(entry=entry, expert=e)
    return do_submit_score(e.user, assignment, {"basis": basis, "plan": plan}, comment="材料齐全，目标可考核。")


def test_a_stage_opens_only_after_the_deadline_with_the_submitted_applications(
    world: World, call: Call, two: tuple[Application, Application]
) -> None:
    ministry = world.user("ministry")
    with pytest.raises(ActionError) as err:
        do_open_stage(ministry, call, "preliminary", now=call.deadline)
    assert err.value.code == "call_still_open"
    stage = do_open_stage(
        ministry, call, "preliminary", rubric=RUBRIC, now=call.deadline + datetime.timedelta(seconds=1)
    )
    assert {e.application for e in stage.entries.all()} == set(two)
    assert stage.max_total == "100"
    with pytest.raises(ActionError) as err:
        do_open_stage(ministry, call, "preliminary")
    assert err.value.code == "stage_exists"
    with pytest.raises(ActionError) as err:
        do_open_stage(ministry, call, "defence")
    assert err.value.code == "previous_stage_open"


def test_a_bad_rubric_is_refused_naming_the_criterion(world: World, call: Call, two: object) -> None:
    with pytest.raises(ActionError) as err:
        do_open_stage(world.user("ministry"), call, "preliminary", rubric=[{"key": "a", "label": "甲", "max": "0"}])
    assert "“甲”的满分须为正数" in err.value.message


def test_score_sheets_are_checked_and_hidden_until_the_stage_closes(
    world: World, call: Call, two: tuple[Application, Application], panel: list[Expert]
) -> None:
    ministry = world.user("ministry")
    stage = do_open_stage(ministry, call, "preliminary", rubric=RUBRIC, reviewers_per_application=2)
    entry = stage.entries.get(application=two[0])
    a, b = panel[:2]
    do_assign_expert(ministry, entry, a)
    do_assign_expert(ministry, entry, b)
    sheet = Assignment.objects.get(entry=entry, expert=a)
    with pytest.raises(ActionError) as err:
        do_submit_score(a.user, sheet, {"basis": "61", "plan": "30"}, comment="好")
    assert err.value.message == "“创建基础”的得分须在 0 至 60 分之间，填写的是 61。"
    with pytest.raises(ActionError) as err:
        do_submit_score(a.user, sheet, {"basis": "50"}, comment="好")
    assert err.value.code == "score_missing" and "工作方案" in err.value.message
    with pytest.raises(ActionError) as err:
        do_submit_score(a.user, sheet, {"basis": "50", "plan": "30"}, comment=" ")
    assert err.value.code == "comment_required"
    with pytest.raises(NotAllowedError):
        do_submit_score(b.user, sheet, {"basis": "50", "plan": "30"}, comment="替别人打分")
    sheet.refresh_from_db()
    assert sheet.total is None and sheet.scored_at is None  # nothing half-written
    score(a, entry, "50.5", "30")
    assert Assignment.objects.get(pk=sheet.pk).total == Decimal("80.50")
    # b sees only b's own sheet while the stage is open; a's is invisible.
    assert list(Assignment.objects.restrict(b.user).values_list("expert", flat=True)) == [b.pk]
    with pytest.raises(ActionError) as err:
        do_close_stage(ministry, stage)
    assert err.value.code in ("scores_missing", "no_reviewers")
    score(b, entry, "40", "30")
    other = stage.entries.get(application=two[1])
    do_assign_expert(ministry, other, panel[2])
    score(panel[2], other, "55", "35")
    do_close_stage(ministry, stage)
    # Closed: b now sees a's sheet of the entry they both reviewed, but not the other entry's.
    visible = set(Assignment.objects.restrict(b.user).values_list("expert", flat=True))
    assert visible == {a.pk, b.pk}
    with pytest.raises(ActionError) as err:
        score(a, entry, "10", "10")
    assert err.value.code == "stage_closed"


def test_closing_aggregates_ranks_and_records_on_the_timeline(
    world: World, call: Call, two: tuple[Application, Application], panel: list[Expert]
) -> None:
    ministry = world.user("ministry")
    stage = do_open_stage(ministry, call, "preliminary", rubric=RUBRIC, spread_threshold=Decimal("15"))
    first, second = (stage.entries.get(application=a) for a in two)
    for e, (b1, p1), (b2, p2) in zip(
        panel, [("50", "30"), ("40", "20"), ("60", "40")], [("45", "35")] * 3, strict=True
    ):
        do_assign_expert(ministry, first, e)
        do_assign_expert(ministry, second, e)
        score(e, first, b1, p1)
        score(e, second, b2, p2)
    do_close_stage(ministry, stage)
    first.refresh_from_db()
    second.refresh_from_db()
    # first: 80, 60, 100 → three reviewers, below the trim minimum of 5: plain mean 80, spread 40 > 15.
    assert (first.score, first.raw_mean, first.spread, first.flagged, first.method) == (
        Decimal("80.00"), Decimal("80.00"), Decimal("40.00"), True, "mean")  # fmt: skip
    assert (second.score, second.flagged, second.rank) == (Decimal("80.00"), False, first.rank)
    assert "初步评议结束：得分 80.00" in two[0].events.last().message  # type: ignore[union-attr]  # it exists
    assert ChangeLog.objects.filter(object_id=str(first.pk), action=ChangeLog.Action.UPDATE).exists()


def test_decisions_defence_schedule_and_recheck(
    world: World, call: Call, two: tuple[Application, Application], panel: list[Expert]
) -> None:
    ministry = world.user("ministry")
    stage = do_open_stage(ministry, call, "preliminary", rubric=RUBRIC)
    entries = {e.application_id: e for e in stage.entries.all()}
    for app in two:
        do_assign_expert(ministry, entries[app.pk], panel[0])
        score(panel[0], entries[app.pk], "50", "30")
    with pytest.raises(ActionError) as err:
        do_decide_entry(ministry, entries[two[0].pk], Decision.PASSED)
    assert err.value.code == "stage_open"
    do_close_stage(ministry, stage)
    do_decide_entry(ministry, entries[two[0].pk], Decision.PASSED)
    do_decide_entry(ministry, entries[two[1].pk], Decision.FAILED)
    defence = do_open_stage(ministry, call, "defence", rubric=RUBRIC)
    assert [e.application for e in defence.entries.all()] == [two[0]]  # only who passed
    with pytest.raises(ActionError) as err:
        do_decide_entry(ministry, entries[two[0].pk], Decision.FAILED)
    assert err.value.code == "later_stage"
    slot = defence.entries.get()
    at = datetime.datetime(2015, 4, 10, 9, 30, tzinfo=BEIJING)
    do_schedule_defence(ministry, slot, at, "商务部 第三会议室")
    assert "答辩时间：2015-04-10 09:30，地点：商务部 第三会议室" in two[0].events.last().message  # type: ignore[union-attr]  # it exists
    do_assign_expert(ministry, slot, panel[1])
    score(panel[1], slot, "60", "20")
    do_close_stage(ministry, defence)
    slot.refresh_from_db()
    do_decide_entry(ministry, slot, Decision.RECHECK, "核实入驻企业营收")
    recheck = do_open_stage(ministry, call, "recheck", rubric=RUBRIC)
    only = recheck.entries.get()
    assert only.application == two[0]
    do_assign_expert(ministry, only, panel[2])
    score(panel[2], only, "55", "30")
    do_close_stage(ministry, recheck)
    with pytest.raises(ActionError) as err:
        do_decide_entry(ministry, only, Decision.RECHECK)
    assert err.value.code == "recheck_of_recheck"
    assert do_decide_entry(ministry, only, Decision.PASSED).decision == Decision.PASSED


def test_a_strong_disagreement_needs_a_note_to_pass(
    world: World, call: Call, two: tuple[Application, Application], panel: list[Expert]
) -> None:
    ministry = world.user("ministry")
    stage = do_open_stage(ministry, call, "preliminary", rubric=RUBRIC, spread_threshold=Decimal("10"))
    entry = stage.entries.get(application=two[0])
    for e, total in zip(panel[:2], (("60", "40"), ("30", "20")), strict=True):
        do_assign_expert(ministry, entry, e)
        score(e, entry, *total)
    other = stage.entries.get(application=two[1])
    do_assign_expert(ministry, other, panel[2])
    score(panel[2], other, "50", "30")
    do_close_stage(ministry, stage)
    with pytest.raises(ActionError) as err:
        do_decide_entry(ministry, entry, Decision.PASSED)
    assert err.value.code == "flagged_needs_note"
    assert do_decide_entry(ministry, entry, Decision.PASSED, "经集体研究，以现场答辩为准").decision_note


def test_defence_schedule_refuses_a_double_booked_slot(
    world: World, call: Call, two: tuple[Application, Application], panel: list[Expert]
) -> None:
    ministry = world.user("ministry")
    stage = do_open_stage(ministry, call, "preliminary", rubric=RUBRIC)
    for entry in stage.entries.all():
        do_assign_expert(ministry, entry, panel[0])
        score(panel[0], entry, "50", "30")
    do_close_stage(ministry, stage)
    for entry in stage.entries.all():
        do_decide_entry(ministry, entry, Decision.PASSED)
    defence = do_open_stage(ministry, call, "defence", rubric=RUBRIC)
    a, b = defence.entries.all()
    at = datetime.datetime(2015, 4, 10, 9, 0, tzinfo=BEIJING)
    do_schedule_defence(ministry, a, at, "第一会议室")
    with pytest.raises(ActionError) as err:
        do_schedule_defence(ministry, b, at, "第一会议室")
    assert err.value.code == "slot_taken"
    with pytest.raises(ActionError) as err:
        naive = datetime.datetime(2015, 4, 10, 10, 0)  # noqa: DTZ001  (a naive time is refused)
        do_schedule_defence(ministry, b, naive, "第一会议室")
    assert err.value.code == "naive_time"


def test_the_change_log_keeps_sheets_sealed_until_the_stage_closes(
    world: World, call: Call, two: tuple[Application, Application], panel: list[Expert], login
) -> None:
    ministry = world.user("ministry")
    stage = do_open_stage(ministry, call, "preliminary", rubric=RUBRIC)
    for app in two:
        entry = stage.entries.get(application=app)
        do_assign_expert(ministry, entry, panel[0])
        score(panel[0], entry, "57.5", "30")
    sheet = Assignment.objects.filter(stage=stage).first()
    assert sheet is not None
    client = login("ministry")
    assert "57.5" not in client.get(f"/history/selection/assignment/{sheet.pk}/").content.decode()
    assert "57.5" not in client.get("/changelog/").content.decode()
    assert "57.5" not in client.get("/api/changelog/").content.decode()
    # The author reads their own sheet's history (through the review pages; the log is the same rows).
    from core.audit import history, unsealed

    assert unsealed(history(sheet), panel[0].user).exists()
    do_close_stage(ministry, stage)
    assert "57.5" in client.get(f"/history/selection/assignment/{sheet.pk}/").content.decode()
    assert "57.5" in client.get("/api/changelog/").content.decode()
