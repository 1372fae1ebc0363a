"""The generic battery (core.testing.battery) on the selection: calls, applications and their
parts, the expert review, the public notice and its objections, page and API, for every account."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest

from core.testing import battery as b
from portal.testing.world import World, build_world
from regions.models import Region
from selection.actions.applications import WORK_PLAN_FIELDS, do_create_application, do_save_work_plan
from selection.actions.notice import do_draft_notice, do_lodge_objection, do_publish_notice
from selection.models import (
    Application,
    ApplicationDocument,
    Assignment,
    Call,
    CallStatus,
    Expert,
    Notice,
    NoticeEntry,
    Objection,
    ReviewStage,
    StageEntry,
    StageStatus,
    WorkPlan,
    WorkPlanGoal,
)
from selection.tests.conftest import BEIJING, DEADLINE, park, reviewed


@pytest.fixture(autouse=True)
def _media_in_tmp() -> None:
    """The battery's world keeps its files in the module's folder (core.testing.battery), not
    in the per-test one of this app's conftest."""


pytestmark = pytest.mark.xdist_group("battery-selection")

GOALS = {"enterprises_gathered": ("120", ["150", "200", "260"])}


def build_battery_world() -> World:
    """The shared world plus: notice 767's call, through the review, with a published notice of
    two parks of 重庆 and an objection, a Jiangsu application that failed the preliminary review;
    a draft application of 荣昌 in a later call (the ministry does not see drafts); the world's
    expert on the panel of one entry; a call in preparation only the ministry sees."""
    world = build_world()
    ministry = world.user("ministry")
    call = Call.objects.create(title="第二批国家电子商务示范基地创建", document_no="商办电函〔2014〕767号",
                               deadline=DEADLINE, status=CallStatus.OPEN)  # fmt: skip
    park(world, "yuzhong", "渝中数字经济产业园", "50", "500106")
    apps = reviewed(world, call, ["shapingba", "yuzhong"], failed=["xuzhou"], goals=GOALS)
    notice = do_draft_notice(ministry, call, title="关于第二批国家电子商务示范基地拟认定名单的公示", applications=apps)
    during = datetime.datetime(2025, 9, 27, 10, 0, tzinfo=BEIJING)
    notice = do_publish_notice(ministry, notice, datetime.date(2025, 9, 26), now=during - datetime.timedelta(days=7))
    do_lodge_objection(
        notice, name="李四", phone="010-85093748", content="该园区入驻企业数量与申报材料不符。", now=during
    )
    far = datetime.datetime(2099, 6, 30, tzinfo=BEIJING)
    later = Call.objects.create(
        title="第三批国家电子商务示范基地创建", document_no="商办电函〔2026〕1号", deadline=far, status=CallStatus.OPEN
    )
    Call.objects.create(title="第四批（筹备中）", document_no="", deadline=far, status=CallStatus.DRAFT)
    # A closed call with one submitted application that no stage has taken in yet.
    closed = Call.objects.create(title="第二批（补充）", document_no="商办电函〔2015〕9号", status=CallStatus.CLOSED,
                                 deadline=datetime.datetime(2015, 6, 30, tzinfo=BEIJING))  # fmt: skip
    nanjing, unit = world.bases["nanjing"], world.units["32"]
    Application.objects.create(call=closed, base=nanjing, quota_unit=unit, status="submitted",
                               area_m2=Decimal("30000.00"), operating_since=datetime.date(2012, 1, 1))  # fmt: skip
    draft = do_create_application(world.user("operator_rc"), later, world.bases["rongchang"],
                                  area_m2=Decimal("35000.00"), operating_since=datetime.date(2013, 5, 1))  # fmt: skip
    do_save_work_plan(world.user("operator_rc"), draft, {WORK_PLAN_FIELDS[0]: "荣昌夏布、陶器、猪产业电商化。"})
    beijing = Region.objects.get(code="110000")
    panel = Expert.objects.create(user=world.user("expert"), home_province=beijing, affiliations_declared=True)
    entry = StageEntry.objects.filter(application=apps[0]).order_by("pk").first()
    assert entry is not None
    Assignment.objects.create(entry=entry, stage=entry.stage, application=entry.application, expert=panel)
    ApplicationDocument.objects.create(application=apps[0], kind="other", file="selection/documents/plan.pdf",
                                       original_name="工作方案.pdf")  # fmt: skip
    world.calls = {"767": call, "later": later, "closed": closed}  # type: ignore[attr-defined]  # test scaffolding
    return world


def more_calls(n: int) -> None:
    Call.objects.bulk_create(
        Call(title=f"测试批次{i}", document_no=f"测试〔2026〕{i}号", status=CallStatus.OPEN,
             deadline=datetime.datetime(2098, 1, 1, tzinfo=BEIJING))
        for i in range(n)
    )  # fmt: skip


class TestCallBattery(
    b.ExportTests,
    b.DetailPageTests,
    b.HistoryPageTests,
    b.PageWriteTests,
    b.APIListTests,
    b.APIDetailTests,
    b.APIWriteTests,
    b.QueryCountTests,
):
    __test__ = True
    model = Call
    list_url = "/selection/calls/"
    label_header = "名称"
    add_url = "/selection/calls/add/"
    api_url = "/api/calls/"
    api_create = True
    query_accounts = ("ministry", "prov_js")
    page_queries = 9
    api_queries = 6

    @classmethod
    def label(cls, obj: Any) -> str:
        return obj.title

    @classmethod
    def add_data(cls, w: World, account: str) -> dict[str, Any]:
        return {"title": "第五批国家电子商务示范基地创建", "document_no": "商办电函〔2027〕1号",
                "deadline": "2099-03-31T23:59"}  # fmt: skip

    @classmethod
    def create_data(cls, w: World, account: str) -> dict[str, Any]:
        return {"title": "第五批国家电子商务示范基地创建", "document_no": "商办电函〔2027〕1号",
                "deadline": "2099-03-31T23:59:00+08:00"}  # fmt: skip

    @classmethod
    def add_rows(cls, w: World, n: int) -> None:
        more_calls(n)


class TestApplicationBattery(
    b.DetailPageTests, b.HistoryPageTests, b.APIListTests, b.APIDetailTests, b.APIWriteTests, b.QueryCountTests
):
    __test__ = True
    model = Application
    api_url = "/api/applications/"
    api_create = True
    query_accounts = ("ministry", "prov_cq")
    api_queries = 8

    @classmethod
    def create_data(cls, w: Any, account: str) -> dict[str, Any]:
        return {"call": w.calls["767"].pk, "area_m2": "25000.00", "operating_since": "2013-05-01"}

    @classmethod
    def create_expected(cls, w: Any, account: str) -> int:
        # Only an operator drafts, for its own park; 荣昌's is designated and applied in the later call.
        expected = super().create_expected(w, account)
        return expected

    @classmethod
    def add_rows(cls, w: World, n: int) -> None:
        more_calls(n)
        for call in Call.objects.filter(title__startswith="测试批次"):
            Application.objects.create(call=call, base=w.bases["shapingba"], quota_unit=w.units["50"],
                                       status="submitted", area_m2=Decimal("25000.00"),
                                       operating_since=datetime.date(2013, 5, 1))  # fmt: skip


class TestWorkPlanBattery(b.HistoryPageTests):
    __test__ = True
    model = WorkPlan


class TestWorkPlanGoalBattery(b.HistoryPageTests):
    __test__ = True
    model = WorkPlanGoal


class TestApplicationDocumentBattery(b.HistoryPageTests):
    __test__ = True
    model = ApplicationDocument


NOT_MINISTRY = frozenset(b.ACCOUNTS) - {"ministry", b.ANONYMOUS}
NOT_EXPERT = frozenset(b.ACCOUNTS) - {"expert", b.ANONYMOUS}


class TestExpertBattery(b.ListPageTests, b.HistoryPageTests, b.PageWriteTests):
    __test__ = True
    model = Expert
    list_url = "/selection/experts/"
    label_header = "专家"
    list_refused = NOT_MINISTRY
    edit_path = "/selection/experts/{obj.pk}/edit/"
    edit_no_right = 403

    @classmethod
    def label(cls, obj: Any) -> str:
        return f"{obj}{obj.user.username}"

    @classmethod
    def edit_data(cls, w: World, account: str, obj: Any) -> dict[str, Any]:
        return {"fields_of_expertise": "电子商务统计"}


class TestReviewStageBattery(
    b.ListPageTests, b.DetailPageTests, b.HistoryPageTests, b.APIListTests, b.APIDetailTests, b.APIWriteTests
):
    __test__ = True
    model = ReviewStage
    list_url = "/selection/stages/"
    label_header = "评审阶段"
    list_refused = detail_refused = NOT_MINISTRY
    api_url = "/api/review-stages/"
    api_create = True

    @classmethod
    def create_data(cls, w: Any, account: str) -> dict[str, Any]:
        return {"call": w.calls["closed"].pk, "kind": "preliminary", "rubric": [{"key": "overall", "label": "综合评分",
                "max": "100"}], "reviewers_per_application": 1, "trim_min_reviewers": 3}  # fmt: skip

    @classmethod
    def label(cls, obj: Any) -> str:
        return str(obj.get_kind_display())


class TestStageEntryBattery(b.HistoryPageTests, b.APIListTests, b.APIDetailTests):
    __test__ = True
    model = StageEntry
    api_url = "/api/stage-entries/"


class TestAssignmentBattery(b.ListPageTests, b.DetailPageTests, b.HistoryPageTests, b.APIListTests, b.APIDetailTests):
    """An expert's own score sheets (我的评审); the API lists what the scope holds."""

    __test__ = True
    model = Assignment
    list_url = "/selection/reviews/"
    label_header = "申报园区"
    list_refused = detail_refused = NOT_EXPERT
    api_url = "/api/assignments/"

    @classmethod
    def label(cls, obj: Any) -> str:
        return str(obj.application.base)

    @classmethod
    def list_filter(cls, qs: Any, user: Any) -> Any:
        return qs.filter(expert__user_id=user.pk)

    @classmethod
    def detail_url(cls, obj: Any) -> str:
        return f"/selection/reviews/{obj.pk}/"

    def detail_status(self, w: Any, account: str, obj: Any) -> int:
        # The score sheet page opens one's own sheets only, not a colleague's of a closed stage.
        return 200 if obj.expert.user_id == w.users[account].pk else 404

    def history_status(self, w: Any, account: str, obj: Any) -> int:
        # A sheet's log holds its points and its author: the author's, and the ministry's once the
        # stage is closed (selection.api.review.AssignmentViewSet.get_queryset).
        own = obj.expert.user_id == w.users[account].pk
        return 200 if own or (account == "ministry" and obj.stage.status == StageStatus.CLOSED) else 404


class TestNoticeBattery(b.DetailPageTests, b.HistoryPageTests, b.APIListTests, b.APIDetailTests, b.APIWriteTests):
    __test__ = True
    model = Notice
    api_url = "/api/notices/"
    api_public = True
    api_create = True

    @classmethod
    def create_data(cls, w: Any, account: str) -> dict[str, Any]:
        apps = Application.objects.filter(call=w.calls["767"], stage_entries__isnull=False).distinct()
        return {"call": w.calls["767"].pk, "title": "公示（重拟）", "applications": [a.pk for a in apps]}

    @classmethod
    def create_expected(cls, w: Any, account: str) -> int:
        # The ministry drafts a notice; the call's notice is published already, so a new draft of it
        # is refused (400) without a trace, like every other role's attempt (403).
        expected = super().create_expected(w, account)
        return 400 if expected == 201 else expected

    def detail_status(self, w: Any, account: str, obj: Any) -> int:
        # The ministry's page of a notice; the others are sent to its public page.
        status = self.status_for(w, account, obj)
        return 302 if status == 200 and account != "ministry" else status


class TestPublicNoticeBattery(b.ListPageTests, b.DetailPageTests):
    """The public pages of the notices (/notices/), without an account."""

    __test__ = True
    model = Notice
    public = True
    list_url = "/notices/"
    label_header = "标题"

    @classmethod
    def label(cls, obj: Any) -> str:
        return obj.title

    @classmethod
    def detail_url(cls, obj: Any) -> str:
        return f"/notices/{obj.pk}/"

    def detail_status(self, w: Any, account: str, obj: Any) -> int:
        # The public pages show what the public may see, whoever is signed in.
        return 200 if self.scoped(b.AnonymousUser()).filter(pk=obj.pk).exists() else 404

    def expected_list(self, w: Any, account: str, action: str = b.VIEW) -> list[str]:
        return sorted(self.label(o) for o in self.scoped(b.AnonymousUser()))


class TestNoticeEntryBattery(b.HistoryPageTests):
    __test__ = True
    model = NoticeEntry


class TestObjectionBattery(b.ListPageTests, b.HistoryPageTests, b.APIListTests, b.APIDetailTests):
    __test__ = True
    model = Objection
    label_header = "编号"
    list_refused = NOT_MINISTRY
    api_url = "/api/objections/"

    @property
    def list_url(self) -> str:  # type: ignore[override]  # the notice's page
        return f"/selection/notices/{Notice.objects.order_by('pk').first().pk}/objections/"  # type: ignore[union-attr]

    @classmethod
    def label(cls, obj: Any) -> str:
        return str(obj.pk)
