"""The generic battery (core.testing.battery) on core's own pages: the holiday calendar, the
change log (page and API) and the background jobs of imports, for every account."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db import models

from core.audit import log_event, unsealed
from core.models import CalendarDay, CalendarYear, ChangeLog, Job
from core.roles import Role
from core.testing import battery as b
from portal.testing.world import World, build_world

pytestmark = pytest.mark.xdist_group("battery-core")

SIGN_INS = (ChangeLog.Action.LOGIN, ChangeLog.Action.LOGIN_FAILED, ChangeLog.Action.LOGOUT)


def build_battery_world() -> World:
    """The shared world plus: 2025's holiday schedule, a few events in the change log (sign-ins and
    an export), an import job of 荣昌's operator."""
    world = build_world()
    CalendarYear.objects.create(year=2025, complete=True, document_no="国办发明电〔2024〕12号")
    CalendarYear.objects.create(year=2026, complete=False)
    CalendarDay.objects.create(date=datetime.date(2025, 10, 1), kind=CalendarDay.Kind.HOLIDAY, name="国庆节")
    CalendarDay.objects.create(date=datetime.date(2025, 9, 28), kind=CalendarDay.Kind.WORKDAY, name="国庆节")
    for key in ("ministry", "operator_rc", "auditor"):
        log_event(ChangeLog.Action.LOGIN, actor=world.users[key], object_repr=key)
    log_event(ChangeLog.Action.EXPORT, actor=world.users["prov_js"], object_repr="企业", message="xlsx")
    Job.objects.create(kind="import_roster", owner=world.users["operator_rc"], status=Job.Status.SUCCEEDED,
                       params={"kind": "roster", "mode": "all"})  # fmt: skip
    Job.objects.create(kind="import_bases", owner=world.users["ministry"], status=Job.Status.SUCCEEDED,
                       params={"kind": "bases", "mode": "all"})  # fmt: skip
    return world


class TestCalendarYearBattery(b.ListPageTests, b.DetailPageTests, b.HistoryPageTests, b.PageWriteTests):
    __test__ = True
    model = CalendarYear
    list_url = "/calendar/"
    label_header = "年份"
    edit_path = "/calendar/{obj.year}/"
    edit_no_right = 403

    @classmethod
    def label(cls, obj: Any) -> str:
        return str(obj.year)

    @classmethod
    def detail_url(cls, obj: Any) -> str:
        return f"/calendar/{obj.year}/"

    @classmethod
    def edit_data(cls, w: World, account: str, obj: Any) -> dict[str, Any]:
        return {"holidays": "2025-10-01 国庆节\n2025-10-02 国庆节", "workdays": "2025-09-28 国庆节",
                "document_no": "国办发明电〔2024〕12号", "source": "国务院办公厅", "complete": "1"}  # fmt: skip


class TestCalendarDayBattery(b.HistoryPageTests):
    __test__ = True
    model = CalendarDay


class TestChangeLogBattery(b.APIListTests, b.APIDetailTests):
    """The audit trail: the auditor and the ministry read all of it, the security administrator
    the sign-in events, everyone else nothing (403); the sign-in page for the anonymous visitor."""

    __test__ = True
    model = ChangeLog
    api_url = "/api/changelog/"
    test_api_history = None  # type: ignore[assignment]  # the log has no log of its own

    @classmethod
    def scoped(cls, user: Any, action: str = b.VIEW) -> models.QuerySet[Any]:
        role = getattr(user, "role", None)
        qs = unsealed(ChangeLog.objects.all(), user)
        if role in (Role.AUDITOR, Role.MINISTRY):
            return qs
        if role == Role.SECADMIN:
            return qs.filter(action__in=SIGN_INS)
        return qs.none()

    def api_read_status(self, w: Any, account: str) -> int:
        if account == b.ANONYMOUS:
            return 401
        return 200 if account in ("auditor", "ministry", "secadmin") else 403

    def test_list_page(self, w: Any, account: str) -> None:
        response = b.page_client(w, account).get("/changelog/")
        if account == b.ANONYMOUS:
            assert b.is_login_redirect(response)
            return
        assert response.status_code == self.api_read_status(w, account)
        if response.status_code == 200:
            expected = self.scoped(w.users[account])
            shown = b.table_column(response.content, "时间")
            assert len(shown) == min(50, expected.count())
            actions = set(b.table_column(response.content, "操作"))
            if account == "secadmin":
                assert actions <= {str(ChangeLog.Action(a).label) for a in SIGN_INS}, actions

    def test_query_counts(self, w: Any, account: str) -> None:
        client, api = b.page_client(w, account), b.api_client(w, account)

        def measure() -> tuple[int, int]:
            return (b.count_queries(lambda: client.get("/changelog/")),
                    b.count_queries(lambda: api.get("/api/changelog/")))  # fmt: skip

        few = measure()
        for i in range(60):
            log_event(ChangeLog.Action.EXPORT, actor=w.users["ministry"], object_repr=f"导出{i}")
        assert measure() == few
        assert few[0] <= 8 and few[1] <= 6, few

    @classmethod
    def accounts_for(cls, test: str) -> tuple[str, ...]:
        return ("auditor",) if test == "test_query_counts" else cls.accounts


class TestJobBattery(b.DetailPageTests):
    """An import job's page: its owner's and the ministry's; 404 for everyone else."""

    __test__ = True
    model = Job

    @classmethod
    def scoped(cls, user: Any, action: str = b.VIEW) -> models.QuerySet[Any]:
        if getattr(user, "role", None) == Role.MINISTRY:
            return Job.objects.all()
        return Job.objects.filter(owner_id=getattr(user, "pk", None) or 0)

    @classmethod
    def detail_url(cls, obj: Any) -> str:
        return f"/imports/jobs/{obj.pk}/"
