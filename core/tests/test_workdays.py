"""The official working-day calendar: pure rules with known dates, then the database side."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import chinese_calendar
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command

from core.audit import audit_context, save_logged
from core.calendar_data import get_calendar, record_year
from core.models import CalendarDay, CalendarYear, ChangeLog
from core.workdays import Calendar, YearNotCovered
from portal.testing.world import World

D = datetime.date
SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture(scope="module")
def cal() -> Calendar:
    return Calendar(chinese_calendar.holidays, chinese_calendar.workdays, range(2004, 2027))


def end_of(day: datetime.date) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, 23, 59, 59, 999999, tzinfo=SHANGHAI)


# --- pure -----------------------------------------------------------------------------------------


def test_national_day_2025_and_its_adjusted_weekends(cal: Calendar) -> None:
    for n in range(1, 9):
        assert not cal.is_workday(D(2025, 10, n)), f"2025-10-0{n} is a day off"
        assert cal.is_holiday(D(2025, 10, n))
    assert cal.is_workday(D(2025, 9, 28))  # Sunday, 调休上班
    assert cal.is_workday(D(2025, 10, 11))  # Saturday, 调休上班
    assert not cal.is_workday(D(2025, 10, 12))  # an ordinary Sunday
    assert not cal.is_holiday(D(2025, 10, 12))
    assert cal.is_workday(D(2025, 10, 9))


def test_sunday_before_spring_festival_2024_is_a_working_day(cal: Calendar) -> None:
    assert D(2024, 2, 4).weekday() == 6
    assert cal.is_workday(D(2024, 2, 4))
    assert not cal.is_workday(D(2024, 2, 12))  # Monday inside 春节


def test_add_workdays_skips_the_holiday_and_does_not_count_the_start(cal: Calendar) -> None:
    assert cal.add_workdays(D(2025, 9, 30), 1) == D(2025, 10, 9)
    assert cal.add_workdays(D(2025, 9, 26), 1) == D(2025, 9, 28)
    assert cal.add_workdays(D(2025, 9, 26), 7) == D(2025, 10, 13)
    assert cal.add_workdays(D(2025, 9, 26), 0) == D(2025, 9, 26)


def test_workdays_between_is_half_open(cal: Calendar) -> None:
    assert cal.workdays_between(D(2025, 9, 30), D(2025, 10, 9)) == 1
    assert cal.workdays_between(D(2025, 9, 30), D(2025, 10, 8)) == 0
    # 9-28, 9-29, 9-30, 10-09, 10-10, 10-11
    assert cal.workdays_between(D(2025, 9, 26), D(2025, 10, 11)) == 6
    assert cal.workdays_between(D(2025, 10, 11), D(2025, 9, 26)) == -6
    start = D(2025, 1, 1)
    for n in (1, 5, 20, 250):
        assert cal.workdays_between(start, cal.add_workdays(start, n)) == n


def test_seven_working_day_notice_from_2025_09_26(cal: Calendar) -> None:
    # Day 1 is the start day 9-26 (Fri); then 9-28 (Sun, adjusted), 9-29, 9-30, 10-09, 10-10, 10-11 (Sat, adjusted).
    start = datetime.datetime(2025, 9, 26, 10, 0, tzinfo=SHANGHAI)
    assert cal.deadline_after(start, 7, "working") == end_of(D(2025, 10, 11))
    # 民法典 第201条 reading: the start day is not counted.
    assert cal.deadline_after(start, 7, "working", include_start=False) == end_of(D(2025, 10, 13))
    # A notice published on a day off starts counting on the next working day.
    assert cal.deadline_after(D(2025, 10, 1), 1, "working") == end_of(D(2025, 10, 9))


def test_ministry_calendar_day_notice_window_2019(cal: Calendar) -> None:
    # REFERENCE.md: the 7-day public notice ran 2019-11-19 to 11-25; the start day is day 1.
    start = datetime.datetime(2019, 11, 19, 9, 0, tzinfo=SHANGHAI)
    deadline = cal.deadline_after(start, 7, "calendar")
    assert deadline == end_of(D(2019, 11, 25))
    assert deadline.utcoffset() == datetime.timedelta(hours=8)
    # The date is taken in Shanghai: 17:30 UTC on the 18th is already the 19th in Beijing.
    utc_start = datetime.datetime(2019, 11, 18, 17, 30, tzinfo=datetime.UTC)
    assert cal.deadline_after(utc_start, 7, "calendar") == end_of(D(2019, 11, 25))
    with pytest.raises(ValueError):
        cal.deadline_after(datetime.datetime(2019, 11, 19, 9, 0), 7, "calendar")  # noqa: DTZ001  (refused)


def test_2027_is_refused_with_a_chinese_message(cal: Calendar) -> None:
    with pytest.raises(YearNotCovered) as caught:
        cal.is_workday(D(2027, 1, 1))
    assert caught.value.year == 2027
    from core.calendar_data import year_not_covered_message

    assert year_not_covered_message(caught.value).startswith("2027 年的节假日安排尚未录入，无法按工作日计算")
    with pytest.raises(YearNotCovered):
        cal.add_workdays(D(2026, 12, 30), 5)  # runs into 2027
    with pytest.raises(YearNotCovered):
        cal.deadline_after(D(2026, 12, 28), 10, "working")
    with pytest.raises(YearNotCovered):
        cal.workdays_between(D(2026, 12, 1), D(2027, 1, 5))
    # Calendar days need no holiday schedule.
    assert cal.deadline_after(D(2027, 3, 1), 7, "calendar") == end_of(D(2027, 3, 7))
    # Within the covered range near the edge, counting still works.
    assert cal.add_workdays(D(2026, 12, 28), 3) == D(2026, 12, 31)


def test_a_day_cannot_be_both_holiday_and_workday() -> None:
    with pytest.raises(ValueError):
        Calendar([D(2025, 10, 11)], [D(2025, 10, 11)], [2025])


# --- database -------------------------------------------------------------------------------------


def _logged(model: type) -> int:
    return ChangeLog.objects.filter(content_type__model=model.__name__.lower(), content_type__app_label="core").count()


@pytest.mark.django_db
def test_load_calendar_seeds_2025_and_is_idempotent() -> None:
    call_command("load_calendar", stdout=open("/dev/null", "w"))  # noqa: SIM115
    days = {row.date: row for row in CalendarDay.objects.filter(date__year=2025)}
    assert days[D(2025, 10, 1)].kind == "holiday"
    assert days[D(2025, 10, 1)].name == "国庆节"
    assert days[D(2025, 10, 6)].name == "中秋节"
    assert days[D(2025, 9, 28)].kind == "workday"
    assert days[D(2025, 10, 11)].kind == "workday"
    assert D(2025, 10, 12) not in days  # ordinary weekends are not stored
    assert CalendarYear.objects.get(year=2025).complete
    assert set(CalendarYear.objects.values_list("year", flat=True)) == set(range(2004, 2027))
    total = CalendarDay.objects.count()
    assert total == len(chinese_calendar.holidays) + len(chinese_calendar.workdays)
    assert _logged(CalendarDay) == total
    assert _logged(CalendarYear) == 23
    assert set(ChangeLog.objects.values_list("source", flat=True)) == {"command"}

    cal = get_calendar()
    assert not cal.is_workday(D(2025, 10, 8))
    assert cal.is_workday(D(2025, 9, 28))
    assert cal.deadline_after(D(2025, 9, 26), 7, "working") == end_of(D(2025, 10, 11))
    with pytest.raises(YearNotCovered):
        cal.is_workday(D(2027, 1, 4))

    before = ChangeLog.objects.count()
    call_command("load_calendar", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert ChangeLog.objects.count() == before
    assert CalendarDay.objects.count() == total


@pytest.mark.django_db
def test_ministry_records_2027_and_it_becomes_countable(world: World) -> None:
    call_command("load_calendar", stdout=open("/dev/null", "w"))  # noqa: SIM115
    with pytest.raises(YearNotCovered):
        get_calendar().is_workday(D(2027, 1, 4))

    with pytest.raises(PermissionDenied):
        record_year(world.users["prov_cq"], 2027, holidays={D(2027, 1, 1): "元旦"}, workdays={})

    # A year entered but not yet marked complete is still refused.
    record_year(world.users["ministry"], 2027, holidays={D(2027, 1, 1): "元旦"}, workdays={}, complete=False)
    with pytest.raises(YearNotCovered):
        get_calendar().is_workday(D(2027, 1, 4))

    logged = ChangeLog.objects.count()
    with audit_context(actor=world.users["ministry"], source="web"):
        record_year(
            world.users["ministry"],
            2027,
            holidays={D(2027, 1, 1): "元旦", D(2027, 2, 8): "春节"},
            workdays={D(2027, 2, 6): "春节"},
            document_no="国办发明电〔2026〕9号",
            source="国务院办公厅通知",
        )
    cal = get_calendar()
    assert not cal.is_workday(D(2027, 1, 1))
    assert cal.is_workday(D(2027, 1, 4))
    assert cal.is_workday(D(2027, 2, 6))  # Saturday, adjusted
    assert not cal.is_workday(D(2027, 2, 8))
    assert cal.add_workdays(D(2026, 12, 31), 1) == D(2027, 1, 4)
    year = CalendarYear.objects.get(year=2027)
    assert year.complete and year.document_no == "国办发明电〔2026〕9号"
    entries = ChangeLog.objects.order_by("id")[logged:]
    assert {e.actor_name for e in entries} == {"ministry"}
    assert len(entries) == 4  # year updated, 元旦 source changed, 春节 holiday + workday created


@pytest.mark.django_db
def test_edits_are_seen_without_clearing_the_cache_and_reseeding_keeps_them(world: World) -> None:
    call_command("load_calendar", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert get_calendar().is_workday(D(2025, 10, 11))
    day = CalendarDay.objects.get(date=D(2025, 10, 11))
    day.kind, day.name, day.source = "holiday", "更正", "商务部"
    save_logged(day, actor=world.users["ministry"])
    assert not get_calendar().is_workday(D(2025, 10, 11))

    before = ChangeLog.objects.count()
    call_command("load_calendar", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert ChangeLog.objects.count() == before
    assert CalendarDay.objects.get(date=D(2025, 10, 11)).kind == "holiday"


@pytest.mark.django_db
def test_adjusted_working_day_on_a_weekday_is_refused(world: World) -> None:
    with pytest.raises(ValidationError):
        record_year(world.users["ministry"], 2027, holidays={}, workdays={D(2027, 1, 5): "元旦"})
    assert not CalendarYear.objects.filter(year=2027).exists()
    assert not CalendarDay.objects.filter(date__year=2027).exists()


@pytest.mark.django_db
def test_everyone_reads_the_calendar_only_ministry_and_sysadmin_change_it(world: World) -> None:
    from django.contrib.auth.models import AnonymousUser

    from core.scoping import CHANGE, DELETE, EXPORT, VIEW, can

    call_command("load_calendar", "--first", "2025", "--last", "2025", stdout=open("/dev/null", "w"))  # noqa: SIM115
    total = CalendarDay.objects.count()
    for key, user in [*world.users.items(), ("public", AnonymousUser())]:
        assert CalendarDay.objects.restrict(user, VIEW).count() == total, key
        assert can(user, CalendarYear, EXPORT), key
        allowed = key in ("ministry", "sysadmin")
        assert can(user, CalendarDay, CHANGE) is allowed, key
        assert can(user, CalendarYear, DELETE) is allowed, key
        assert CalendarDay.objects.restrict(user, CHANGE).count() == (total if allowed else 0), key
