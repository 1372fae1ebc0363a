"""The official calendar from the database (CalendarDay, CalendarYear) for `core.workdays`.

`get_calendar()` builds a `Calendar` once and reuses it while the tables are unchanged: every call
checks a cheap fingerprint (row counts and latest change time of both tables), so an edit by the
ministry in any process is seen by the next call. `clear_calendar_cache()` drops the cached copy.

`record_year()` is the one write path for a year's schedule: the acting user must be allowed to
change the calendar, everything happens in one transaction, and every row is change-logged.
"""

from __future__ import annotations

import datetime
import threading
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Max
from django.utils.translation import gettext as _

from core.audit import delete_logged, save_logged
from core.models import CalendarDay, CalendarYear
from core.scoping import ADD, CHANGE, can
from core.workdays import Calendar, YearNotCovered

_lock = threading.Lock()
_cached: tuple[Any, Calendar] | None = None


def _fingerprint() -> tuple[Any, ...]:
    days = CalendarDay.objects.aggregate(n=Count("id"), last=Max("last_updated"))
    years = CalendarYear.objects.aggregate(n=Count("id"), last=Max("last_updated"))
    return (days["n"], days["last"], years["n"], years["last"])


def _load() -> Calendar:
    holidays: list[datetime.date] = []
    workdays: list[datetime.date] = []
    for day, kind in CalendarDay.objects.values_list("date", "kind"):
        (workdays if kind == CalendarDay.Kind.WORKDAY else holidays).append(day)
    years = CalendarYear.objects.filter(complete=True).values_list("year", flat=True)
    return Calendar(holidays, workdays, years)


def get_calendar() -> Calendar:
    """The current official calendar (cached per process, refreshed when the tables change)."""
    global _cached
    stamp = _fingerprint()
    with _lock:
        if _cached is not None and _cached[0] == stamp:
            return _cached[1]
    calendar = _load()
    with _lock:
        _cached = (stamp, calendar)
    return calendar


def clear_calendar_cache() -> None:
    global _cached
    with _lock:
        _cached = None


def record_year(
    actor: Any,
    year: int,
    *,
    holidays: Mapping[datetime.date, str],
    workdays: Mapping[datetime.date, str],
    document_no: str | None = None,
    source: str = "",
    complete: bool = True,
    replace: bool = False,
) -> CalendarYear:
    """Record (or correct) one year's schedule as the State Council published it.

    `holidays` and `workdays` map each date to its festival name (e.g. 春节). Dates of the year that
    are stored but no longer listed are left alone — or, with `replace` (the web form, which shows
    the whole year), removed with their history; days of other years are refused.
    """
    if not (can(actor, CalendarYear, ADD) and can(actor, CalendarYear, CHANGE)):
        raise PermissionDenied(_("只有商务部或系统管理员可以维护节假日安排。"))
    both = sorted(set(holidays) & set(workdays))
    if both:
        raise ValueError(_("%(date)s 不能既是放假日又是调休上班日。") % {"date": both[0]})
    for day in [*holidays, *workdays]:
        if day.year != year:
            raise ValueError(_("%(date)s 不属于 %(year)s 年。") % {"date": day, "year": year})
    with transaction.atomic():
        entry = CalendarYear.objects.select_for_update().filter(year=year).first() or CalendarYear(year=year)
        entry.complete = complete
        entry.document_no = document_no
        entry.source = source
        for kind, days in ((CalendarDay.Kind.HOLIDAY, holidays), (CalendarDay.Kind.WORKDAY, workdays)):
            for day, name in days.items():
                row = CalendarDay.objects.filter(date=day).first() or CalendarDay(date=day)
                row.kind = kind
                row.name = name
                row.source = source
                save_logged(row, actor=actor)
        if replace:
            listed = set(holidays) | set(workdays)
            for stale in CalendarDay.objects.filter(date__year=year).exclude(date__in=listed):
                delete_logged(stale, actor=actor)
        save_logged(entry, actor=actor)
    clear_calendar_cache()
    return entry


def year_not_covered_message(exc: YearNotCovered) -> str:
    """What to tell a person when a working-day period runs into a year without a schedule."""
    return _(
        "%(year)s 年的节假日安排尚未录入，无法按工作日计算期限。"
        "请商务部或系统管理员录入国务院办公厅公布的 %(year)s 年节假日安排并标记为完整后再试。"
    ) % {"year": exc.year}
