"""The holiday calendar on the web: everyone reads it, the ministry records a year line by line,
bad lines are named and nothing is written, and a removed line removes the day."""

from __future__ import annotations

import datetime

import pytest

from core.calendar_data import get_calendar
from core.models import CalendarDay, CalendarYear, ChangeLog
from portal.testing.world import World

pytestmark = pytest.mark.django_db

HOLIDAYS = "2027-01-01 元旦\n2027-02-06 春节\n2027-02-07 春节\n2027-02-08 春节\n"
WORKDAYS = "2027-02-13 春节\n"


def test_the_ministry_records_2027_and_working_days_follow(world: World, login) -> None:
    client = login("ministry")
    response = client.post(
        "/calendar/2027/",
        {"holidays": HOLIDAYS, "workdays": WORKDAYS, "document_no": "国办发明电〔2026〕9号", "complete": "1"},
        follow=True,
    )
    assert "2027 年节假日安排已保存" in response.content.decode()
    assert CalendarYear.objects.get(year=2027).complete
    cal = get_calendar()
    assert not cal.is_workday(datetime.date(2027, 2, 8))  # a Monday off
    assert cal.is_workday(datetime.date(2027, 2, 13))  # an adjusted Saturday
    # Removing a line removes the day, with its history.
    client.post("/calendar/2027/", {"holidays": HOLIDAYS.replace("2027-02-08 春节\n", ""), "workdays": WORKDAYS,
                                    "complete": "1"})  # fmt: skip
    assert not CalendarDay.objects.filter(date=datetime.date(2027, 2, 8)).exists()
    assert ChangeLog.objects.filter(action=ChangeLog.Action.DELETE, object_repr__contains="2027-02-08").exists()
    assert get_calendar().is_workday(datetime.date(2027, 2, 8))
    listing = login("prov_js").get("/calendar/").content.decode()
    assert "2027" in listing and "已完整录入" in listing


def test_bad_lines_are_named_and_nothing_is_written(world: World, login) -> None:
    client = login("ministry")
    response = client.post(
        "/calendar/2027/",
        {"holidays": "2027-01-01 元旦\n2027/02/06 春节\n2028-01-01 元旦\n", "workdays": "2027-01-01 元旦"},
    )
    text = response.content.decode()
    assert response.status_code == 400
    assert "放假日第 2 行“2027/02/06 春节”：日期须写作 YYYY-MM-DD" in text
    assert "放假日第 3 行：2028-01-01 不属于 2027 年" in text
    assert "2027-01-01 不能既是放假日又是调休上班日" in text
    assert not CalendarDay.objects.filter(date__year=2027).exists()
    assert not CalendarYear.objects.filter(year=2027).exists()


def test_only_the_ministry_and_the_system_administrator_edit(world: World, login) -> None:
    assert login("prov_js").post("/calendar/2027/", {"holidays": HOLIDAYS}).status_code == 403
    assert "录入或更正" not in login("prov_js").get("/calendar/2027/").content.decode()
    assert login("sysadmin").post("/calendar/2027/", {"holidays": HOLIDAYS}).status_code == 302
