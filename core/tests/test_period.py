"""Reporting periods (core.period.Period): codes and Chinese names that parse back, days in
Asia/Shanghai, order, deadlines in working days; stored by core.period_field.PeriodField."""

from __future__ import annotations

import datetime
import itertools
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import models
from django.test.utils import isolate_apps
from hypothesis import given
from hypothesis import strategies as st

from core.period import HALF, MONTH, QUARTER, YEAR, Kind, Period, PeriodError
from core.period_field import PeriodField, PeriodFormField
from core.workdays import SHANGHAI, Calendar, YearNotCovered

D = datetime.date
UTC = datetime.UTC

periods = st.builds(
    lambda kind, year, i: Period(kind, year, i % (12 // {YEAR: 12, HALF: 6, QUARTER: 3, MONTH: 1}[kind]) + 1),
    st.sampled_from(list(Kind)),
    st.integers(min_value=1900, max_value=2200),
    st.integers(min_value=0, max_value=11),
)
days = st.dates(min_value=D(1900, 1, 1), max_value=D(2200, 12, 31))


# ---- names --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("period", "code", "label"),
    [
        (Period.quarter(2026, 3), "2026Q3", "2026年第三季度"),
        (Period.month(2026, 7), "2026-07", "2026年7月"),
        (Period.of_year(2026), "2026", "2026年"),
        (Period.half(2026, 1), "2026H1", "2026年上半年"),
        (Period.half(2026, 2), "2026H2", "2026年下半年"),
    ],
)
def test_codes_and_chinese_names(period: Period, code: str, label: str) -> None:
    assert (period.code, str(period), period.label) == (code, code, label)
    assert Period.parse(code) == Period.parse(label) == period


def test_what_people_type_is_parsed() -> None:
    assert Period.parse(" 2026q3 ") == Period.parse("２０２６Ｑ３") == Period.quarter(2026, 3)
    assert Period.parse("2026-7") == Period.parse("2026年07月") == Period.month(2026, 7)
    assert Period.parse("2026年第3季度") == Period.quarter(2026, 3)
    assert Period.parse("2026年度") == Period.of_year(2026)
    for bad in ("2026Q5", "2026-13", "2026-00", "26Q1", "2026H3", "第三季度", "", "2026 年 Q1x"):
        with pytest.raises(PeriodError):
            Period.parse(bad)
    with pytest.raises(PeriodError):
        Period("week", 2026, 1)  # type: ignore[arg-type]  # a kind that does not exist


@given(periods)
def test_codes_and_names_round_trip(period: Period) -> None:
    assert Period.parse(period.code) == period
    assert Period.parse(period.label) == period
    assert len(period.code) <= 7


# ---- days ---------------------------------------------------------------------------------------


def test_first_and_last_days() -> None:
    q3 = Period.quarter(2026, 3)
    assert (q3.start, q3.end, q3.days) == (D(2026, 7, 1), D(2026, 9, 30), 92)
    assert Period.month(2024, 2).end == D(2024, 2, 29) and Period.month(2026, 2).end == D(2026, 2, 28)
    assert Period.of_year(2026).days == 365 and Period.half(2026, 2).start == D(2026, 7, 1)


def test_a_period_ends_at_24_00_beijing_time_of_its_last_day() -> None:
    q3 = Period.quarter(2026, 3)
    assert q3.starts_at == datetime.datetime(2026, 7, 1, tzinfo=SHANGHAI)
    assert q3.ends_at == datetime.datetime(2026, 9, 30, 23, 59, 59, 999999, tzinfo=SHANGHAI)
    # 16:30 UTC on 30 September is 00:30 on 1 October in Beijing: the fourth quarter.
    assert q3.contains(datetime.datetime(2026, 9, 30, 15, 59, tzinfo=UTC))
    assert not q3.contains(datetime.datetime(2026, 9, 30, 16, 30, tzinfo=UTC))
    assert Period.containing(datetime.datetime(2026, 9, 30, 16, 30, tzinfo=UTC), QUARTER) == Period.quarter(2026, 4)
    with pytest.raises(ValueError, match="naive"):
        q3.contains(datetime.datetime(2026, 8, 1, 12, 0))  # noqa: DTZ001  (a naive datetime is refused)
    assert Period.current(MONTH, datetime.datetime(2026, 12, 31, 17, 0, tzinfo=UTC)) == Period.month(2027, 1)


@given(periods)
def test_a_period_holds_its_days_and_no_other(period: Period) -> None:
    assert period.contains(period.start) and period.contains(period.end)
    assert not period.contains(period.start - datetime.timedelta(days=1))
    assert not period.contains(period.end + datetime.timedelta(days=1))
    assert period.next().start == period.end + datetime.timedelta(days=1)
    assert period.year_period().contains(period)


@given(days, st.sampled_from(list(Kind)))
def test_every_day_is_in_exactly_one_period_of_each_kind(day: D, kind: Kind) -> None:
    period = Period.containing(day, kind)
    assert period.contains(day) and period.kind == kind
    assert [p for p in Period.periods_of_year(day.year, kind) if p.contains(day)] == [period]


def test_the_periods_of_a_year_and_their_parts() -> None:
    assert [p.code for p in Period.periods_of_year(2026, QUARTER)] == ["2026Q1", "2026Q2", "2026Q3", "2026Q4"]
    assert len(Period.periods_of_year(2026, MONTH)) == 12
    assert [p.code for p in Period.quarter(2026, 3).months()] == ["2026-07", "2026-08", "2026-09"]
    assert [p.code for p in Period.of_year(2026).halves()] == ["2026H1", "2026H2"]
    assert Period.half(2026, 2).quarters() == (Period.quarter(2026, 3), Period.quarter(2026, 4))
    with pytest.raises(PeriodError):
        Period.month(2026, 7).quarters()


@given(periods, st.sampled_from(list(Kind)))
def test_parts_cover_the_period_day_for_day(period: Period, kind: Kind) -> None:
    if {YEAR: 12, HALF: 6, QUARTER: 3, MONTH: 1}[kind] > {YEAR: 12, HALF: 6, QUARTER: 3, MONTH: 1}[period.kind]:
        return
    parts = period.parts(kind)
    assert parts[0].start == period.start and parts[-1].end == period.end
    assert sum(p.days for p in parts) == period.days
    assert all(a.next() == b for a, b in itertools.pairwise(parts))


# ---- order --------------------------------------------------------------------------------------


def test_next_previous_and_arithmetic() -> None:
    assert Period.quarter(2026, 4).next() == Period.quarter(2027, 1)
    assert Period.month(2026, 1).previous() == Period.month(2025, 12)
    assert Period.quarter(2026, 3) + 4 == Period.quarter(2027, 3) and Period.half(2026, 1) - 1 == Period.half(2025, 2)
    # By first day, then last day: a year comes after its first quarter and before its February.
    assert sorted([Period.of_year(2026), Period.month(2026, 2), Period.quarter(2026, 1), Period.month(2025, 12)]) == [
        Period.month(2025, 12),
        Period.quarter(2026, 1),
        Period.of_year(2026),
        Period.month(2026, 2),
    ]
    assert len({Period.parse("2026Q3"), Period.quarter(2026, 3), Period.parse("2026年第三季度")}) == 1


@given(periods, st.integers(min_value=-500, max_value=500))
def test_shifting_there_and_back(period: Period, n: int) -> None:
    assert (period + n) - n == period
    assert (period + n > period) == (n > 0) and (period + n == period) == (n == 0)


@given(st.lists(periods, min_size=2, max_size=10))
def test_order_is_by_time_and_codes_sort_alike_within_a_kind(items: list[Period]) -> None:
    ordered = sorted(items)
    assert all((a.start, a.end) <= (b.start, b.end) for a, b in itertools.pairwise(ordered))
    for kind in Kind:
        same = [p for p in items if p.kind == kind]
        assert sorted(same) == sorted(same, key=lambda p: p.code)
    assert all((a == b) == (hash(a) == hash(b) and a.code == b.code) for a in items for b in items)


# ---- deadlines ----------------------------------------------------------------------------------


@pytest.fixture
def calendar() -> Calendar:
    """2026 with a National Day week (1–7 October off, Saturday 10 October worked)."""
    return Calendar([D(2026, 10, d) for d in range(1, 8)], [D(2026, 10, 10)], [2026])


def test_n_working_days_after_the_quarter(calendar: Calendar) -> None:
    # Day 1 is 8 October (the holiday week is skipped, the adjusted Saturday counts).
    due = Period.quarter(2026, 3).deadline(calendar, 10)
    assert due == datetime.datetime(2026, 10, 20, 23, 59, 59, 999999, tzinfo=SHANGHAI)
    assert Period.quarter(2026, 3).deadline(calendar, 3) == datetime.datetime.combine(
        D(2026, 10, 10), datetime.time.max, tzinfo=SHANGHAI
    )
    assert Period.month(2026, 9).deadline(calendar, 15, "calendar").date() == D(2026, 10, 15)


def test_a_deadline_in_a_year_without_its_calendar_is_refused(calendar: Calendar) -> None:
    with pytest.raises(YearNotCovered):
        Period.quarter(2026, 4).deadline(calendar, 10)


# ---- storage ------------------------------------------------------------------------------------


def test_the_field_stores_the_code_and_gives_back_a_period() -> None:
    field = PeriodField(kinds=[QUARTER])
    assert field.get_prep_value(Period.quarter(2026, 3)) == "2026Q3"
    assert field.get_prep_value("2026年第三季度") == "2026Q3" and field.get_prep_value(None) is None
    assert field.from_db_value("2026Q3", None, None) == Period.quarter(2026, 3)
    assert field.from_db_value(None, None, None) is None
    assert field.to_python("2026Q3") == Period.quarter(2026, 3)
    _name, path, _args, kwargs = field.deconstruct()
    assert path == "core.period_field.PeriodField" and kwargs == {"kinds": ["quarter"]}
    assert PeriodField(**kwargs).kinds == (QUARTER,)


def test_the_field_refuses_other_text_and_other_kinds_in_chinese() -> None:
    field = PeriodField(kinds=[QUARTER])
    with pytest.raises(ValidationError) as caught:
        field.clean("2026Q9", None)
    assert "不是有效的期间" in caught.value.messages[0]
    with pytest.raises(ValidationError) as caught:
        field.clean("2026-07", None)
    assert caught.value.messages == ["期间应为季度，不能是2026年7月。"]
    assert field.clean("2026q3", None) == Period.quarter(2026, 3)


def test_the_form_field() -> None:
    form_field: Any = PeriodField(kinds=[MONTH, QUARTER]).formfield()
    assert isinstance(form_field, PeriodFormField)
    assert form_field.clean("2026年7月") == Period.month(2026, 7)
    assert form_field.prepare_value(Period.month(2026, 7)) == "2026-07"
    with pytest.raises(ValidationError):
        form_field.clean("2026")


@isolate_apps("core")
def test_queries_take_a_period_or_its_code() -> None:
    class Report(models.Model):
        period = PeriodField()
        objects: models.Manager[Report] = models.Manager()

        class Meta:
            app_label = "core"

        def __str__(self) -> str:
            return str(self.period)

    sql = str(Report.objects.filter(period=Period.quarter(2026, 3)).query)
    assert "2026Q3" in sql
    assert "2026-07" in str(Report.objects.filter(period__in=["2026年7月"]).query)
    report = Report(period="2026Q3")
    report.full_clean()
    assert report.period == Period.quarter(2026, 3)
