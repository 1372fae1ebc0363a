"""The official holiday calendar on the web: every signed-in user reads it (periods in working days
depend on it); the ministry and the system administrator record a year as the State Council
published it, one line per day, and mark it complete."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from core.calendar_data import record_year
from core.models import CalendarDay, CalendarYear
from core.scoping import ADD, CHANGE, VIEW, can, restrict


def parse_days(text: str, year: int, label: str) -> tuple[dict[datetime.date, str], list[str]]:
    """Lines "2027-01-01 元旦" -> {date: name}; every bad line is reported by its number."""
    days: dict[datetime.date, str] = {}
    errors: list[str] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        head, _sep, name = line.replace("\u3000", " ").partition(" ")
        try:
            day = datetime.date.fromisoformat(head.strip())
        except ValueError:
            errors.append(
                _("%(label)s第 %(n)s 行“%(line)s”：日期须写作 YYYY-MM-DD，后接节日名称。")
                % {"label": label, "n": number, "line": line}
            )
            continue
        if day.year != year:
            errors.append(
                _("%(label)s第 %(n)s 行：%(date)s 不属于 %(year)s 年。")
                % {"label": label, "n": number, "date": day.isoformat(), "year": year}
            )
            continue
        if day in days:
            errors.append(
                _("%(label)s第 %(n)s 行：%(date)s 重复。") % {"label": label, "n": number, "date": day.isoformat()}
            )
            continue
        days[day] = name.strip()[:32]
    return days, errors


def _lines(days: Any) -> str:
    return "\n".join(f"{d.date.isoformat()} {d.name}".rstrip() for d in days)


class CalendarListView(LoginRequiredMixin, View):
    def get(self, request: HttpRequest) -> HttpResponse:
        years = restrict(CalendarYear.objects.all(), request.user, VIEW).order_by("-year")
        counts: dict[int, Any] = {
            row["date__year"]: row
            for row in CalendarDay.objects.values("date__year").annotate(
                holidays=Count("pk", filter=Q(kind=CalendarDay.Kind.HOLIDAY)),
                workdays=Count("pk", filter=Q(kind=CalendarDay.Kind.WORKDAY)),
            )
        }
        rows = [
            (y, counts.get(y.year, {}).get("holidays", 0), counts.get(y.year, {}).get("workdays", 0)) for y in years
        ]
        context = {
            "title": _("节假日安排"),
            "rows": rows,
            "can_edit": can(request.user, CalendarYear, ADD),
            "next_year": (years[0].year + 1) if years else timezone.localdate().year,
        }
        return render(request, "core/calendar_list.html", context)


class CalendarYearView(LoginRequiredMixin, View):
    def context(self, request: HttpRequest, year: int, data: Any = None, errors: Any = None) -> dict[str, Any]:
        entry = restrict(CalendarYear.objects.filter(year=year), request.user, VIEW).first()
        days = CalendarDay.objects.filter(date__year=year).order_by("date")
        holidays = [d for d in days if d.kind == CalendarDay.Kind.HOLIDAY]
        workdays = [d for d in days if d.kind == CalendarDay.Kind.WORKDAY]
        values = data or {
            "holidays": _lines(holidays),
            "workdays": _lines(workdays),
            "document_no": (entry.document_no or "") if entry else "",
            "source": entry.source if entry else "",
            "complete": entry.complete if entry else False,
        }
        return {
            "title": _("%(year)s 年节假日安排") % {"year": year},
            "year": year,
            "entry": entry,
            "holidays": holidays,
            "workdays": workdays,
            "values": values,
            "errors": errors or [],
            "can_edit": can(request.user, CalendarYear, ADD) and can(request.user, CalendarYear, CHANGE),
        }

    def get(self, request: HttpRequest, year: int) -> HttpResponse:
        if not 1949 <= year <= 2100:
            raise Http404
        return render(request, "core/calendar_year.html", self.context(request, year))

    def post(self, request: HttpRequest, year: int) -> HttpResponse:
        if not (can(request.user, CalendarYear, ADD) and can(request.user, CalendarYear, CHANGE)):
            raise PermissionDenied
        if not 1949 <= year <= 2100:
            raise Http404
        data: dict[str, Any] = {
            "holidays": request.POST.get("holidays", ""),
            "workdays": request.POST.get("workdays", ""),
            "document_no": request.POST.get("document_no", "").strip(),
            "source": request.POST.get("source", "").strip(),
            "complete": request.POST.get("complete") == "1",
        }
        holidays, errors = parse_days(data["holidays"], year, _("放假日"))
        workdays, more = parse_days(data["workdays"], year, _("调休上班日"))
        errors += more
        both = sorted(set(holidays) & set(workdays))
        errors += [_("%(date)s 不能既是放假日又是调休上班日。") % {"date": d.isoformat()} for d in both]
        if errors:
            return render(request, "core/calendar_year.html", self.context(request, year, data, errors), status=400)
        record_year(
            request.user, year, holidays=holidays, workdays=workdays, document_no=data["document_no"] or None,
            source=data["source"][:128], complete=bool(data["complete"]), replace=True,
        )  # fmt: skip
        from django.contrib import messages

        messages.success(request, _("%(year)s 年节假日安排已保存。") % {"year": year})
        return redirect("core:calendar_year", year=year)
