"""The proposed list, its public notice, objections and designation, through the actions (通知 三:
"根据审核结果并经社会公示后确定并公布…名单")."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.core.management import call_command
from django.test import override_settings

from core.calendar_data import clear_calendar_cache
from core.errors import ActionError, NotAllowedError
from portal.testing.world import World
from registry.models import BaseStatus, BaseStatusChange, BaseTarget
from selection.actions.notice import (
    do_designate,
    do_draft_notice,
    do_lodge_objection,
    do_publish_notice,
    do_rule_objection,
    eligible_for_list,
    period_state,
)
from selection.models import (
    Application,
    ApplicationEvent,
    ApplicationStatus,
    Call,
    Notice,
    NoticeStatus,
    Objection,
    ObjectionStatus,
    PeriodUnit,
)
from selection.tests.conftest import BEIJING, UTC, park, reviewed

pytestmark = pytest.mark.django_db

D = datetime.date
# Publishing is checked against "today"; the tests say which day today is.
BEFORE_NATIONAL_DAY_2025 = datetime.datetime(2025, 9, 20, 10, 0, tzinfo=BEIJING)
START = D(2025, 9, 26)


@pytest.fixture
def calendar_2025() -> None:
    """The official calendar of 2025 and 2026 (covered years of core's calendar: 2004–2026)."""
    call_command("load_calendar", "--first", "2025", "--last", "2026", stdout=open("/dev/null", "w"))  # noqa: SIM115
    clear_calendar_cache()


def objector(notice: Notice, now: datetime.datetime, **extra: Any) -> Objection:
    fields: dict[str, Any] = {
        "name": "李四",
        "phone": "010-85093748",
        "content": "该园区入驻企业数量与申报材料不符，请核查。",
        "now": now,
    }
    fields.update(extra)
    return do_lodge_objection(notice, **fields)


def published(
    world: World, notice: Notice, start: D = START, now: datetime.datetime = BEFORE_NATIONAL_DAY_2025
) -> Notice:
    return do_publish_notice(world.user("ministry"), notice, start, now=now)


def test_only_applications_that_passed_the_defence_are_eligible_best_first(world: World, call: Call) -> None:
    park(world, "yuzhong", "渝中数字经济产业园", "50", "500106")
    apps = reviewed(
        world, call, ["shapingba", "yuzhong"], scores={"shapingba": "81", "yuzhong": "93.5"}, failed=["xuzhou"]
    )
    rows = eligible_for_list(call)
    assert [(a.base.name, e.score) for a, e in rows] == [
        ("渝中数字经济产业园", Decimal("93.50")),
        ("沙坪坝电商产业园", Decimal("81.00")),
    ]
    ministry = world.user("ministry")
    failed = Application.objects.get(base=world.bases["xuzhou"])
    with pytest.raises(ActionError) as err:
        do_draft_notice(ministry, call, title="公示", applications=[apps[0], failed])
    assert err.value.code == "not_eligible" and "徐州软件园电商基地 未通过现场答辩评议或复核" in err.value.message
    with pytest.raises(ActionError) as err:
        do_draft_notice(ministry, call, title="公示", applications=[])
    assert err.value.code == "empty_list"
    with pytest.raises(ActionError) as err:
        do_draft_notice(ministry, call, title="公示", applications=apps, period_length=0)
    assert err.value.field == "period_length"
    with pytest.raises(NotAllowedError):
        do_draft_notice(world.user("prov_cq"), call, title="公示", applications=apps)
    assert not Notice.objects.exists()  # nothing half-written
    notice = do_draft_notice(ministry, call, title="公示", applications=apps)
    assert [(e.position, e.score) for e in notice.entries.all()] == [(1, Decimal("81.00")), (2, Decimal("93.50"))]
    # Saved again in another order: the draft's list is replaced, not added to.
    again = do_draft_notice(ministry, call, title="关于第二批拟认定名单的公示", applications=apps[::-1])
    assert again.pk == notice.pk
    assert [e.application.base.name for e in again.entries.order_by("position")] == [
        "渝中数字经济产业园",
        "沙坪坝电商产业园",
    ]


def test_passing_the_preliminary_review_alone_is_not_enough(world: World, call: Call) -> None:
    apps = reviewed(world, call, ["shapingba"], failed_defence=["xuzhou"])
    assert [a for a, _e in eligible_for_list(call)] == apps
    failed = Application.objects.get(base=world.bases["xuzhou"])
    with pytest.raises(ActionError) as err:
        do_draft_notice(world.user("ministry"), call, title="公示", applications=[failed])
    assert err.value.code == "not_eligible"


def test_period_in_calendar_days_runs_from_the_start_day(world: World, call: Call, calendar_2025: None) -> None:
    notice = do_draft_notice(
        world.user("ministry"), call, title="公示", applications=reviewed(world, call), period_length=7
    )
    notice = published(world, notice)
    # Day 1 is 2025-09-26; the 7th calendar day is 10-02 — the National Day holiday counts.
    assert (notice.starts_on, notice.ends_on, notice.status) == (D(2025, 9, 26), D(2025, 10, 2), NoticeStatus.PUBLISHED)
    assert ApplicationEvent.objects.filter(kind=ApplicationEvent.Kind.LISTED, message__contains="2025-10-02").exists()


def test_period_in_working_days_follows_the_holidays_and_adjusted_weekends(
    world: World, call: Call, calendar_2025: None
) -> None:
    apps = reviewed(world, call)
    notice = do_draft_notice(
        world.user("ministry"),
        call,
        title="公示",
        applications=apps,
        period_length=7,
        period_unit=PeriodUnit.WORKING_DAYS,
    )
    notice = published(world, notice)
    # 09-26 (Fri), 09-28 (Sun, adjusted working day), 09-29, 09-30, [10-01…10-08 off], 10-09, 10-10,
    # 10-11 (Sat, adjusted working day).
    assert (notice.starts_on, notice.ends_on) == (D(2025, 9, 26), D(2025, 10, 11))


def test_working_days_published_on_a_holiday_start_on_the_next_working_day(
    world: World, call: Call, calendar_2025: None
) -> None:
    notice = do_draft_notice(
        world.user("ministry"),
        call,
        title="公示",
        applications=reviewed(world, call),
        period_length=3,
        period_unit=PeriodUnit.WORKING_DAYS,
    )
    notice = published(world, notice, start=D(2025, 10, 1))
    assert notice.ends_on == D(2025, 10, 11)  # 10-09, 10-10, 10-11


def test_working_days_into_a_year_without_a_schedule_are_refused(world: World, call: Call, calendar_2025: None) -> None:
    notice = do_draft_notice(
        world.user("ministry"),
        call,
        title="公示",
        applications=reviewed(world, call),
        period_length=10,
        period_unit=PeriodUnit.WORKING_DAYS,
    )
    with pytest.raises(ActionError) as err:
        published(world, notice, start=D(2026, 12, 24), now=datetime.datetime(2026, 12, 1, tzinfo=BEIJING))
    assert err.value.code == "calendar_missing" and "2027 年的节假日安排尚未录入" in err.value.message
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.DRAFT and notice.ends_on is None


def test_a_notice_cannot_start_in_the_past_nor_be_published_twice(world: World, call: Call) -> None:
    notice = do_draft_notice(world.user("ministry"), call, title="公示", applications=reviewed(world, call))
    with pytest.raises(ActionError) as err:
        published(world, notice, start=D(2025, 9, 19))
    assert err.value.code == "start_in_past"
    published(world, notice)
    with pytest.raises(ActionError) as err:
        published(world, notice)
    assert err.value.code == "already_published"
    with pytest.raises(ActionError) as err:
        do_draft_notice(world.user("ministry"), call, title="改名", applications=[])
    assert err.value.code in ("already_published", "empty_list")
    with pytest.raises(ActionError) as err:
        do_draft_notice(world.user("ministry"), call, title="改名", applications=list(Application.objects.all()))
    assert err.value.code == "already_published"


@override_settings(TIME_ZONE="UTC")
def test_objections_close_at_24_00_beijing_time_of_the_last_day(world: World, call: Call) -> None:
    notice = do_draft_notice(world.user("ministry"), call, title="公示", applications=reviewed(world, call))
    notice = published(world, notice)  # 2025-09-26 to 2025-10-02, calendar days
    # The server runs in UTC: 24:00 Beijing time of 10-02 is 16:00 UTC of 10-02.
    last_second = datetime.datetime(2025, 10, 2, 15, 59, 59, tzinfo=UTC)
    first_second_after = datetime.datetime(2025, 10, 2, 16, 0, 1, tzinfo=UTC)
    assert period_state(notice, last_second) == "open"
    assert period_state(notice, first_second_after) == "over"
    lodged = objector(notice, last_second)
    assert lodged.status == ObjectionStatus.PENDING
    with pytest.raises(ActionError) as err:
        objector(notice, first_second_after)
    assert err.value.code == "period_over"
    assert err.value.message == "公示期已于北京时间 2025-10-02 24:00 届满，不再受理异议。"
    # Day 1 starts at 00:00 Beijing time (16:00 UTC the day before).
    with pytest.raises(ActionError) as err:
        objector(notice, datetime.datetime(2025, 9, 25, 15, 59, 59, tzinfo=UTC))
    assert err.value.code == "not_open"
    objector(notice, datetime.datetime(2025, 9, 25, 16, 0, 0, tzinfo=UTC))
    assert notice.objections.count() == 2


def test_an_objection_is_written_with_contact_details_and_reasons(world: World, call: Call) -> None:
    apps = reviewed(world, call)
    notice = published(world, do_draft_notice(world.user("ministry"), call, title="公示", applications=apps))
    during = datetime.datetime(2025, 9, 27, 9, 0, tzinfo=BEIJING)
    for extra, field in (({"name": " "}, "name"), ({"phone": "123"}, "phone"), ({"content": "不同意"}, "content")):
        with pytest.raises(ActionError) as err:
            objector(notice, during, **extra)
        assert err.value.field == field and err.value.message
    entry = notice.entries.get()
    objection = objector(notice, during, entry=entry, email="lisi@example.cn")
    assert objection.entry == entry
    assert ApplicationEvent.objects.filter(application=apps[0], kind=ApplicationEvent.Kind.OBJECTION).exists()


def test_pending_objections_and_a_running_period_block_designation(world: World, call: Call) -> None:
    ministry = world.user("ministry")
    notice = published(world, do_draft_notice(ministry, call, title="公示", applications=reviewed(world, call)))
    objection = objector(notice, datetime.datetime(2025, 9, 30, 9, 0, tzinfo=BEIJING), entry=notice.entries.get())
    with pytest.raises(ActionError) as err:
        do_designate(
            ministry,
            notice,
            document_no="商电函〔2025〕1号",
            date=D(2025, 10, 10),
            now=datetime.datetime(2025, 10, 2, 23, 59, 59, tzinfo=BEIJING),
        )
    assert err.value.code == "period_running" and "2025-10-02" in err.value.message
    after = datetime.datetime(2025, 10, 3, 0, 0, 1, tzinfo=BEIJING)
    with pytest.raises(ActionError) as err:
        do_designate(ministry, notice, document_no="商电函〔2025〕1号", date=D(2025, 10, 10), now=after)
    assert err.value.code == "objections_pending" and "尚有 1 件异议未处理" in err.value.message
    with pytest.raises(ActionError) as err:
        do_designate(ministry, notice, document_no="商电函〔2025〕1号", date=D(2025, 10, 2), now=after)
    assert err.value.code == "date_before_end"
    with pytest.raises(ActionError) as err:
        do_rule_objection(ministry, objection, ObjectionStatus.DISMISSED, " ")
    assert err.value.code == "ruling_required"
    with pytest.raises(ActionError) as err:
        do_rule_objection(ministry, objection, ObjectionStatus.DISMISSED, "经核查不属实。", withdraw_entry=True)
    assert err.value.code == "cannot_withdraw"
    with pytest.raises(NotAllowedError):
        do_rule_objection(world.user("prov_cq"), objection, ObjectionStatus.DISMISSED, "x")
    do_rule_objection(ministry, objection, ObjectionStatus.DISMISSED, "经核查，入驻企业数量属实。")
    designated = do_designate(ministry, notice, document_no="商电函〔2025〕1号", date=D(2025, 10, 10), now=after)
    assert [a.base.name for a in designated] == ["沙坪坝电商产业园"]
    with pytest.raises(ActionError) as err:
        do_rule_objection(ministry, objection, ObjectionStatus.UPHELD, "改判")
    assert err.value.code == "already_designated"


def test_designation_makes_the_bases_national_bases_and_closes_the_call(world: World, call: Call) -> None:
    ministry = world.user("ministry")
    park(world, "yuzhong", "渝中数字经济产业园", "50", "500106")
    goals = {"jobs": ("1200", ["1500", "1800", "2100"]), "revenue": ("12.5", ["15", "18", "21.5"])}
    apps = reviewed(world, call, ["shapingba", "yuzhong"], failed=["xuzhou"], goals=goals, first_year=2026)
    notice = published(world, do_draft_notice(ministry, call, title="公示", applications=apps))
    during = datetime.datetime(2025, 9, 28, 9, 0, tzinfo=BEIJING)
    withdrawn_entry = notice.entries.get(application=apps[1])
    objection = objector(notice, during, entry=withdrawn_entry)
    do_rule_objection(
        ministry, objection, ObjectionStatus.UPHELD, "经核查，该园区运营时间不满足条件。", withdraw_entry=True
    )
    withdrawn_entry.refresh_from_db()
    assert withdrawn_entry.withdrawn and "运营时间" in withdrawn_entry.withdrawn_reason
    with pytest.raises(ActionError) as err:  # a ruling that took a base off the list stands
        do_rule_objection(ministry, objection, ObjectionStatus.DISMISSED, "改判为不成立。")
    assert err.value.code == "already_withdrawn"
    with pytest.raises(ActionError) as err:
        objector(notice, during, email="not-an-address")
    assert err.value.code == "invalid_email" and err.value.field == "email"
    with pytest.raises(ActionError) as err:
        objector(notice, during, name="某" * 129)
    assert err.value.code == "too_long" and "128" in err.value.message

    designated = do_designate(
        ministry,
        notice,
        document_no="商电函〔2025〕88号",
        date=D(2025, 10, 20),
        now=datetime.datetime(2025, 10, 3, tzinfo=BEIJING),
    )
    assert designated == [apps[0]]
    spb, yz = world.bases["shapingba"], world.bases["yuzhong"]
    spb.refresh_from_db()
    yz.refresh_from_db()
    assert spb.status == BaseStatus.DESIGNATED and spb.designated_year == 2025 and spb.batch == "第二批"
    change = BaseStatusChange.objects.get(base=spb)
    assert (change.from_status, change.to_status, change.date, change.document_no) == (
        BaseStatus.CANDIDATE,
        BaseStatus.DESIGNATED,
        D(2025, 10, 20),
        "商电函〔2025〕88号",
    )
    # The withdrawn park stays a candidate, with no status change and no targets.
    assert yz.status == BaseStatus.CANDIDATE and not BaseStatusChange.objects.filter(base=yz).exists()
    assert not BaseTarget.objects.filter(base=yz).exists()
    targets = {(t.indicator, t.year): (t.baseline, t.value) for t in BaseTarget.objects.filter(base=spb)}
    assert targets == {
        ("jobs", 2026): (Decimal("1200"), Decimal("1500")),
        ("jobs", 2027): (Decimal("1200"), Decimal("1800")),
        ("jobs", 2028): (Decimal("1200"), Decimal("2100")),
        ("revenue", 2026): (Decimal("12.5"), Decimal("15")),
        ("revenue", 2027): (Decimal("12.5"), Decimal("18")),
        ("revenue", 2028): (Decimal("12.5"), Decimal("21.5")),
    }
    statuses = {a.base.name: a.status for a in Application.objects.select_related("base")}
    assert statuses == {
        "沙坪坝电商产业园": ApplicationStatus.DESIGNATED,
        "渝中数字经济产业园": ApplicationStatus.NOT_SELECTED,
        "徐州软件园电商基地": ApplicationStatus.NOT_SELECTED,
    }
    notice.refresh_from_db()
    assert (notice.status, notice.document_no, notice.designated_on) == (
        NoticeStatus.DESIGNATED,
        "商电函〔2025〕88号",
        D(2025, 10, 20),
    )
    with pytest.raises(ActionError) as err:
        do_designate(ministry, notice, document_no="再来一次", date=D(2025, 10, 21))
    assert err.value.code == "not_published"


def test_a_base_designated_again_gets_its_targets_replaced_not_doubled(world: World, call: Call) -> None:
    from selection.actions.notice import _carry_goals

    goals = {"jobs": ("1200", ["1500", "1800", "2100"])}
    (app,) = reviewed(world, call, ["shapingba"], goals=goals, first_year=2026)
    ministry = world.user("ministry")
    BaseTarget.objects.create(
        base=app.base, indicator="jobs", indicator_label="带动就业人数（人）", year=2026,
        baseline=Decimal("1000"), value=Decimal("1100"),
    )  # fmt: skip
    _carry_goals(ministry, app)
    rows = list(BaseTarget.objects.filter(base=app.base, indicator="jobs").values_list("year", "value"))
    assert rows == [(2026, Decimal("1500")), (2027, Decimal("1800")), (2028, Decimal("2100"))]
