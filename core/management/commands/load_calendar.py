"""Seed the official calendar (CalendarDay, CalendarYear) from the `chinese-calendar` package.

Idempotent: a second run writes nothing and logs nothing. Rows the ministry has edited (another
`source`) are never overwritten; package rows that differ from the package are corrected. Years
already recorded keep their flags and document numbers. Years after the package's last year must
be recorded by the ministry (`core.calendar_data.record_year`).
"""

from __future__ import annotations

import datetime
from typing import Any

import chinese_calendar
from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction
from django.utils import timezone

from core.audit import BulkChange, audit_context, bulk_log
from core.models import CalendarDay, CalendarYear, ChangeLog

FIRST_YEAR = 2004
LAST_YEAR = 2026
SOURCE = f"chinese-calendar {getattr(chinese_calendar, '__version__', '')}".strip()

# The package names festivals in English; the calendar shows them as the State Council does.
NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日",
}


def package_days(first: int, last: int) -> dict[datetime.date, tuple[str, str]]:
    """date -> (kind, Chinese name) for every holiday and adjusted working day in [first, last]."""
    wanted: dict[datetime.date, tuple[str, str]] = {}
    for kind, table in (
        (CalendarDay.Kind.HOLIDAY, chinese_calendar.holidays),
        (CalendarDay.Kind.WORKDAY, chinese_calendar.workdays),
    ):
        for day, name in table.items():
            if first <= day.year <= last:
                wanted[day] = (str(kind), NAMES.get(name, name))
    return wanted


class Command(BaseCommand):
    help = "从 chinese-calendar 导入 2004–2026 年的法定节假日与调休上班日（可重复执行）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--first", type=int, default=FIRST_YEAR)
        parser.add_argument("--last", type=int, default=LAST_YEAR)

    def handle(self, *args: Any, **options: Any) -> None:
        first, last = options["first"], options["last"]
        if first < FIRST_YEAR or last > LAST_YEAR or first > last:
            raise ValueError(f"the package covers {FIRST_YEAR}-{LAST_YEAR} only")
        with audit_context(source="command"), transaction.atomic():
            counts = self._days(first, last)
            counts["years"] = self._years(first, last)
        self.stdout.write(
            f"calendar {first}-{last}: {counts['created']} days created, {counts['updated']} corrected, "
            f"{counts['kept']} ministry-edited kept, {counts['years']} years created"
        )

    def _days(self, first: int, last: int) -> dict[str, int]:
        wanted = package_days(first, last)
        existing = {
            row.date: row
            for row in CalendarDay.objects.filter(
                date__gte=datetime.date(first, 1, 1), date__lte=datetime.date(last, 12, 31)
            )
        }
        new = [
            CalendarDay(date=day, kind=kind, name=name, source=SOURCE)
            for day, (kind, name) in sorted(wanted.items())
            if day not in existing
        ]
        changed: list[tuple[CalendarDay, dict[str, Any]]] = []
        kept = 0
        for day, (kind, name) in sorted(wanted.items()):
            row = existing.get(day)
            if row is None or (row.kind, row.name) == (kind, name):
                continue
            if row.source != SOURCE:
                kept += 1
                continue
            before = row.snapshot()
            row.kind, row.name, row.last_updated = kind, name, timezone.now()
            changed.append((row, before))
        CalendarDay.objects.bulk_create(new, batch_size=1000)
        CalendarDay.objects.bulk_update([row for row, _ in changed], ["kind", "name", "last_updated"], batch_size=1000)
        bulk_log(
            CalendarDay,
            [BulkChange(row.pk, str(row), ChangeLog.Action.CREATE, None, row.snapshot()) for row in new]
            + [
                BulkChange(row.pk, str(row), ChangeLog.Action.UPDATE, before, row.snapshot()) for row, before in changed
            ],
        )
        return {"created": len(new), "updated": len(changed), "kept": kept}

    def _years(self, first: int, last: int) -> int:
        have = set(CalendarYear.objects.filter(year__gte=first, year__lte=last).values_list("year", flat=True))
        new = [CalendarYear(year=y, complete=True, source=SOURCE) for y in range(first, last + 1) if y not in have]
        CalendarYear.objects.bulk_create(new)
        bulk_log(CalendarYear, [BulkChange(y.pk, str(y), ChangeLog.Action.CREATE, None, y.snapshot()) for y in new])
        return len(new)
