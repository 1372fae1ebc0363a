"""Working days after the official holiday calendar (pure: no Django, no database).

A day is a working day iff it is covered (its year is marked complete) and either
  * it is Monday–Friday and not an official holiday, or
  * it is an adjusted working day (调休上班, usually a Saturday or Sunday).
Ordinary weekends are not stored anywhere; only holidays and adjusted working days are.

Conventions (see docs/calendar.md):
  * `add_workdays(start, n)` — the n-th working day AFTER `start`; `start` itself is never counted.
  * `workdays_between(a, b)` — working days in the half-open interval (a, b]: `a` excluded, `b` included;
    negative when b < a, so `workdays_between(a, add_workdays(a, n)) == n`.
  * `deadline_after(start, n, unit)` — a period of n days that begins on the start day: with the
    default `include_start=True` the start day is day 1 (calendar days: always; working days: when the
    start day is a working day, else the first working day after it is day 1). The period is 届满 at the
    END of its last day, 23:59:59.999999 Asia/Shanghai. `include_start=False` gives the 民法典 第201条
    reading ("开始的当日不计入").

Any question about a day in a year without data raises `YearNotCovered`; nothing is guessed.
Calendar-day periods need no holiday data and work in any year.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Literal
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")
ONE_DAY = datetime.timedelta(days=1)
Unit = Literal["calendar", "working"]


class YearNotCovered(LookupError):  # noqa: N818  # the name the callers were promised
    """The holiday schedule of `year` has not been recorded (or not marked complete). The text for
    people is `core.calendar_data.year_not_covered_message` (this module writes none)."""

    def __init__(self, year: int) -> None:
        self.year = year
        super().__init__(f"the official holiday schedule of {year} is not recorded")


class Calendar:
    """The official calendar: holidays, adjusted working days and the years that are complete."""

    def __init__(
        self,
        holidays: Iterable[datetime.date],
        workdays: Iterable[datetime.date],
        years: Iterable[int],
    ) -> None:
        self.holidays = frozenset(holidays)
        self.workdays = frozenset(workdays)
        self.years = frozenset(years)
        both = self.holidays & self.workdays
        if both:
            raise ValueError(f"dates both holiday and adjusted working day: {sorted(both)}")

    def covers(self, year: int) -> bool:
        return year in self.years

    def check(self, day: datetime.date) -> None:
        if day.year not in self.years:
            raise YearNotCovered(day.year)

    def is_workday(self, day: datetime.date) -> bool:
        self.check(day)
        if day in self.workdays:
            return True
        return day.weekday() < 5 and day not in self.holidays

    def is_holiday(self, day: datetime.date) -> bool:
        """An official day off (a holiday, not an ordinary weekend)."""
        self.check(day)
        return day in self.holidays

    def add_workdays(self, start: datetime.date, n: int) -> datetime.date:
        """The n-th working day after `start` (`start` not counted); n == 0 returns `start`."""
        if n < 0:
            raise ValueError("n must not be negative")
        day = start
        left = n
        while left:
            day += ONE_DAY
            if self.is_workday(day):
                left -= 1
        return day

    def workdays_between(self, a: datetime.date, b: datetime.date) -> int:
        """Working days in (a, b]; negative of (b, a] when b < a."""
        if b < a:
            return -self.workdays_between(b, a)
        count = 0
        day = a
        while day < b:
            day += ONE_DAY
            if self.is_workday(day):
                count += 1
        return count

    def last_day(self, start: datetime.date, n: int, unit: Unit, *, include_start: bool = True) -> datetime.date:
        """The last day of a period of n days (see the module docstring for the convention)."""
        if n < 1:
            raise ValueError("a period has at least one day")
        if unit == "calendar":
            return start + datetime.timedelta(days=n - 1 if include_start else n)
        if unit == "working":
            before = start - ONE_DAY if include_start else start
            return self.add_workdays(before, n)
        raise ValueError(f"unknown unit {unit!r}")

    def deadline_after(
        self, start: datetime.datetime | datetime.date, n: int, unit: Unit, *, include_start: bool = True
    ) -> datetime.datetime:
        """The moment a period of n days starting at `start` expires: the end of its last day, aware."""
        last = self.last_day(local_date(start), n, unit, include_start=include_start)
        return end_of_day(last)


def local_date(moment: datetime.datetime | datetime.date) -> datetime.date:
    """The Asia/Shanghai calendar date of an aware datetime (a date is taken as it is)."""
    if isinstance(moment, datetime.datetime):
        if moment.tzinfo is None or moment.utcoffset() is None:
            raise ValueError("naive datetime: give an aware datetime or a date")
        return moment.astimezone(SHANGHAI).date()
    return moment


def end_of_day(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.max, tzinfo=SHANGHAI)
