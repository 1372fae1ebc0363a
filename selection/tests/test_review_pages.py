"""Expert review on the web: the ministry opens a stage, assigns, closes and decides; experts score
on their sheets; applicants follow the progress. Scores stay hidden until the stage closes."""

from __future__ import annotations

import datetime
import io
from collections.abc import Callable
from decimal import Decimal

import openpyxl
import pytest
from django.test import Client

from core.models import ChangeLog
from portal.testing.world import World
from regions.models import Region
from selection.actions.review import do_assign_expert, do_close_stage, do_open_stage
from selection.models import (
    Application,
    Assignment,
    Call,
    Decision,
    Expert,
    ReviewStage,
    StageEntry,
    StageKind,
    StageStatus,
)
from selection.tests.test_review import expert
from selection.tests.test_stages import submit

pytestmark = pytest.mark.django_db

Login = Callable[[str], Client]
RUBRIC_TEXT = "basis|创建基础|60\nplan|工作方案|40"
RUBRIC = [{"key": "basis", "label": "创建基础", "max": "60"}, {"key": "plan", "label": "工作方案", "max": "40"}]


def as_expert(e: Expert) -> Client:
    client = Client()
    client.force_login(e.user)
    return client


def page(response: object) -> str:
    return response.content.decode()  # type: ignore[attr-defined]  # an HttpResponse


def sheet_of(e: Expert, app: Application) -> Assignment:
    return Assignment.objects.get(expert=e, application=app)


def score_on_page(e: Expert, app: Application, basis: str, plan: str, **extra: str) -> object:
    data = {"points-basis": basis, "points-plan": plan, "comment": "材料齐全，目标明确可考核。", **extra}
    return as_expert(e).post(f"/selection/reviews/{sheet_of(e, app).pk}/", data)


@pytest.fixture
def two(world: World, call: Call) -> tuple[Application, Application]:
    return (
        submit(world, call, "shapingba", "operator_sp", "prov_cq"),
        submit(world, call, "xuzhou", "operator_xz", "prov_js"),
    )


@pytest.fixture
def panel(world: World) -> list[Expert]:
    # 辽宁 experts: no conflict with the 重庆 and 江苏 applicants.
    return [expert(world, f"ln_expert_{i}", "210000", []) for i in range(4)]


def test_a_whole_stage_through_the_pages(
    world: World, call: Call, login: Login, two: tuple[Application, Application], panel: list[Expert]
) -> None:
    ministry = login("ministry")
    call_page = page(ministry.get(f"/selection/calls/{call.pk}/"))
    assert "评审" in call_page and "尚未开始评审" in call_page
    assert "basis|创建基础（园区范围、管理机构、入驻企业、运营情况、配套设施）|25" in call_page  # the default rubric

    opened = ministry.post(
        f"/selection/calls/{call.pk}/stages/add/",
        {
            "kind": "preliminary", "reviewers_per_application": "3", "aggregation": "trimmed",
            "trim_min_reviewers": "3", "spread_threshold": "15", "rubric": RUBRIC_TEXT,
        },
    )  # fmt: skip
    stage = ReviewStage.objects.get()
    assert opened["Location"] == f"/selection/stages/{stage.pk}/"
    assert stage.rubric == RUBRIC and stage.trim_min_reviewers == 3
    assert "初步评议" in page(ministry.get(f"/selection/calls/{call.pk}/"))

    done = ministry.post(f"/selection/stages/{stage.pk}/auto-assign/", follow=True)
    assert "自动分配完成：新分配 6 人次" in page(done)
    assert all(e.assignments.count() == 3 for e in stage.entries.all())

    shapingba, xuzhou = two
    # Three sheets of 沙坪坝: 90, 70, 50 → trimmed mean 70, spread 40 > 15 (flagged).
    # Three sheets of 徐州: 80 each.
    totals = {shapingba: iter([("55", "35"), ("40", "30"), ("30", "20")]), xuzhou: iter([("50", "30")] * 3)}
    for app in two:
        for sheet in Assignment.objects.filter(application=app).select_related("expert__user"):
            basis, plan = next(totals[app])
            response = score_on_page(sheet.expert, app, basis, plan, **{"check-industrial_cluster": "1"})
            assert response.status_code == 302  # type: ignore[attr-defined]  # an HttpResponse
    ticked = Assignment.objects.filter(application=shapingba).first()
    assert ticked is not None and ticked.checklist == {"industrial_cluster": True}

    open_page = page(ministry.get(f"/selection/stages/{stage.pk}/"))
    assert "3/3" in open_page and "已评分" in open_page
    assert "90.00" not in open_page and "80.00" not in open_page and "原始平均分" not in open_page

    closed = ministry.post(f"/selection/stages/{stage.pk}/close/", follow=True)
    result = page(closed)
    assert "评审阶段已结束，得分已汇总" in result
    first, second = (StageEntry.objects.get(stage=stage, application=a) for a in (xuzhou, shapingba))
    assert (first.rank, first.score, second.rank, second.score) == (1, Decimal("80.00"), 2, Decimal("70.00"))
    assert second.flagged and second.method == "trimmed"
    for heading in ("原始平均分", "汇总得分", "校准后得分", "分差", "分差过大", "去掉一个最高分和一个最低分后取平均"):
        assert heading in result
    assert result.index("徐州软件园电商基地") < result.index("沙坪坝电商产业园")  # ranked by score

    # A flagged entry passes only with a note; the action's message comes back on the page.
    refused = ministry.post(f"/selection/stage-entries/{second.pk}/decide/", {"decision": "passed"}, follow=True)
    assert "沙坪坝电商产业园：专家评分分差过大，作出通过结论须写明说明。" in page(refused)
    ministry.post(
        f"/selection/stage-entries/{second.pk}/decide/", {"decision": "passed", "note": "经集体研究，以答辩为准"}
    )
    ministry.post(f"/selection/stage-entries/{first.pk}/decide/", {"decision": "passed"})
    second.refresh_from_db()
    assert second.decision == Decision.PASSED and second.decision_note == "经集体研究，以答辩为准"

    exported = ministry.get(f"/selection/stages/{stage.pk}/", {"export": "xlsx"})
    assert exported["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet_rows = list(openpyxl.load_workbook(io.BytesIO(b"".join(exported.streaming_content))).active.values)  # type: ignore[attr-defined]  # a FileResponse
    assert sheet_rows[0][:6] == ("排名", "申报单位", "申报园区", "评分专家数", "原始平均分", "汇总得分")
    assert [r[:3] + r[5:6] + r[8:11] for r in sheet_rows[1:]] == [
        (1, "江苏省", "徐州软件园电商基地", 80, "否", "去掉一个最高分和一个最低分后取平均", "通过"),
        (2, "重庆市", "沙坪坝电商产业园", 70, "是", "去掉一个最高分和一个最低分后取平均", "通过"),
    ]
    assert ChangeLog.objects.filter(action=ChangeLog.Action.EXPORT, object_id=str(stage.pk)).exists()


def test_open_stage_form_shows_the_rubric_error_next_to_the_field(
    world: World, call: Call, login: Login, two: object
) -> None:
    ministry = login("ministry")
    data = {
        "kind": "preliminary", "reviewers_per_application": "3", "aggregation": "trimmed",
        "trim_min_reviewers": "5", "spread_threshold": "20",
    }  # fmt: skip
    bad_line = page(ministry.post(f"/selection/calls/{call.pk}/stages/add/", {**data, "rubric": "basis 创建基础 60"}))
    assert "评分细则第 1 行应为“代码|名称|满分”三项" in bad_line
    zero = page(ministry.post(f"/selection/calls/{call.pk}/stages/add/", {**data, "rubric": "a|甲|0"}))
    assert "评分细则“甲”的满分须为正数且最多两位小数。" in zero
    assert not ReviewStage.objects.exists()
    assert login("prov_cq").post(f"/selection/calls/{call.pk}/stages/add/", data).status_code == 403


def test_scores_are_hidden_until_the_stage_closes(
    world: World, call: Call, login: Login, two: tuple[Application, Application], panel: list[Expert]
) -> None:
    ministry_user = world.user("ministry")
    stage = do_open_stage(ministry_user, call, "preliminary", rubric=RUBRIC, reviewers_per_application=2)
    shapingba = stage.entries.get(application=two[0])
    a, b = panel[:2]
    do_assign_expert(ministry_user, shapingba, a)
    do_assign_expert(ministry_user, shapingba, b)
    assert score_on_page(a, two[0], "51.25", "30").status_code == 302  # type: ignore[attr-defined]  # response

    # The ministry sees that a has scored, not what.
    ministry_page = page(login("ministry").get(f"/selection/stages/{stage.pk}/"))
    assert "ln_expert_0：已评分" in ministry_page and "ln_expert_1：未评分" in ministry_page and "1/2" in ministry_page
    assert "51.25" not in ministry_page and "81.25" not in ministry_page

    # b cannot open a's sheet, and b's own sheet shows nothing of a's.
    b_client = as_expert(b)
    assert b_client.get(f"/selection/reviews/{sheet_of(a, two[0]).pk}/").status_code == 404
    own = page(b_client.get(f"/selection/reviews/{sheet_of(b, two[0]).pk}/"))
    assert "51.25" not in own and "81.25" not in own and "其他专家总分" not in own
    listing = page(b_client.get("/selection/reviews/"))
    assert "未评分" in listing and "81.25" not in listing
    assert "81.25" in page(as_expert(a).get("/selection/reviews/"))  # a sees their own total

    # After closing, b sees a's total of the same application, without a's name.
    assert score_on_page(b, two[0], "40", "30").status_code == 302  # type: ignore[attr-defined]  # response
    other = stage.entries.get(application=two[1])
    do_assign_expert(ministry_user, other, panel[2])
    score_on_page(panel[2], two[1], "50", "30")
    do_close_stage(ministry_user, stage)
    after = page(b_client.get(f"/selection/reviews/{sheet_of(b, two[0]).pk}/"))
    assert "其他专家总分" in after and "81.25" in after and "ln_expert_0" not in after
    assert "评分不能再修改" in after
    assert b_client.get(f"/selection/reviews/{sheet_of(a, two[0]).pk}/").status_code == 404  # own sheets only


def test_an_out_of_range_score_is_refused_in_chinese_and_nothing_is_saved(
    world: World, call: Call, login: Login, two: tuple[Application, Application], panel: list[Expert]
) -> None:
    ministry_user = world.user("ministry")
    stage = do_open_stage(ministry_user, call, "preliminary", rubric=RUBRIC)
    do_assign_expert(ministry_user, stage.entries.get(application=two[0]), panel[0])
    response = score_on_page(panel[0], two[0], "61", "30")
    body = page(response)
    assert response.status_code == 200  # type: ignore[attr-defined]  # an HttpResponse
    assert "“创建基础”的得分须在 0 至 60 分之间，填写的是 61。" in body
    assert 'value="61"' in body  # what was typed stays in the form
    missing = page(score_on_page(panel[0], two[0], "50", ""))
    assert "请为“工作方案”评分。" in missing
    no_comment = page(score_on_page(panel[0], two[0], "50", "30", comment=" "))
    assert "请填写评审意见。" in no_comment
    sheet = sheet_of(panel[0], two[0])
    assert sheet.total is None and sheet.scored_at is None and sheet.points == {}


def test_a_conflict_of_interest_is_refused_on_the_page(
    world: World, call: Call, login: Login, two: tuple[Application, Application]
) -> None:
    stage = do_open_stage(world.user("ministry"), call, "preliminary", rubric=RUBRIC)
    same_province = expert(world, "e_cq", "500000", [])
    entry = stage.entries.get(application=two[0])
    response = login("ministry").post(
        f"/selection/stage-entries/{entry.pk}/assign/", {"expert": same_province.pk}, follow=True
    )
    assert "沙坪坝电商产业园：不能分配 e_cq：专家与申报单位同属 重庆市" in page(response)
    assert not entry.assignments.exists()
    # Auto-assignment with too few experts names the park and the shortfall.
    auto = login("ministry").post(f"/selection/stages/{stage.pk}/auto-assign/", follow=True)
    assert "沙坪坝电商产业园：无利益冲突的专家不足：需要 5 人，可分配 0 人。" in page(auto)


def test_the_defence_is_scheduled_in_beijing_time_and_listed_by_time(
    world: World, call: Call, login: Login, two: tuple[Application, Application], panel: list[Expert]
) -> None:
    from selection.actions.review import do_decide_entry, do_submit_score

    ministry_user = world.user("ministry")
    stage = do_open_stage(ministry_user, call, "preliminary", rubric=RUBRIC)
    for entry in stage.entries.all():
        do_assign_expert(ministry_user, entry, panel[0])
        do_submit_score(panel[0].user, entry.assignments.get(), {"basis": "50", "plan": "30"}, comment="好")
    do_close_stage(ministry_user, stage)
    for entry in stage.entries.all():
        do_decide_entry(ministry_user, entry, Decision.PASSED)
    ministry = login("ministry")
    ministry.post(
        f"/selection/calls/{call.pk}/stages/add/",
        {"kind": "defence", "reviewers_per_application": "1", "aggregation": "mean", "trim_min_reviewers": "5",
         "spread_threshold": "20", "rubric": RUBRIC_TEXT},
    )  # fmt: skip
    defence = ReviewStage.objects.get(kind=StageKind.DEFENCE)
    late, early = (defence.entries.get(application=a) for a in two)
    ministry.post(
        f"/selection/stage-entries/{late.pk}/schedule/",
        {"defence_at": "2015-04-10T14:00", "defence_place": "第三会议室"},
    )
    ministry.post(
        f"/selection/stage-entries/{early.pk}/schedule/",
        {"defence_at": "2015-04-10T09:30", "defence_place": "第三会议室"},
    )
    clash = ministry.post(
        f"/selection/stage-entries/{early.pk}/schedule/",
        {"defence_at": "2015-04-10T14:00", "defence_place": "第三会议室"},
        follow=True,
    )
    assert "该时段已安排 沙坪坝电商产业园 答辩" in page(clash)
    early.refresh_from_db()
    assert early.defence_at == datetime.datetime(2015, 4, 10, 1, 30, tzinfo=datetime.UTC)  # 09:30 Beijing
    body = page(ministry.get(f"/selection/stages/{defence.pk}/"))
    schedule = body[body.index("现场答辩日程") :]
    assert schedule.index("2015-04-10 09:30") < schedule.index("2015-04-10 14:00")
    assert schedule.index("徐州软件园电商基地") < schedule.index("沙坪坝电商产业园")
    # The applicant sees its slot on its own page.
    operator_page = page(login("operator_xz").get(f"/selection/applications/{two[1].pk}/"))
    assert "评审进度" in operator_page and "2015-04-10 09:30 · 第三会议室" in operator_page


def test_applicants_see_their_own_progress_never_the_experts(
    world: World, call: Call, login: Login, two: tuple[Application, Application], panel: list[Expert]
) -> None:
    ministry_user = world.user("ministry")
    stage = do_open_stage(ministry_user, call, "preliminary", rubric=RUBRIC)
    for entry, e in zip(stage.entries.order_by("id"), panel, strict=False):
        do_assign_expert(ministry_user, entry, e)
    during = page(login("operator_sp").get(f"/selection/applications/{two[0].pk}/"))
    assert "评审进度" in during and "评审中" in during and "ln_expert_0" not in during
    for app, (basis, plan) in zip(two, [("55", "35"), ("40", "30")], strict=True):
        score_on_page(Assignment.objects.get(application=app).expert, app, basis, plan)
    do_close_stage(ministry_user, stage)

    operator = page(login("operator_sp").get(f"/selection/applications/{two[0].pk}/"))
    assert "90.00" in operator and "1 / 2" in operator and "待定" in operator
    assert "ln_expert_0" not in operator and "ln_expert_1" not in operator and "材料齐全" not in operator
    province = page(login("prov_js").get(f"/selection/applications/{two[1].pk}/"))
    assert "70.00" in province and "2 / 2" in province and "90.00" not in province
    # Another base's operator and another province see nothing of it.
    assert login("operator_xz").get(f"/selection/applications/{two[0].pk}/").status_code == 404
    assert login("prov_js").get(f"/selection/applications/{two[0].pk}/").status_code == 404
    # The stage page, the pool and the sheets are not theirs.
    for key in ("operator_sp", "prov_cq"):
        client = login(key)
        assert client.get(f"/selection/stages/{stage.pk}/").status_code == 403
        assert client.get("/selection/experts/").status_code == 403
        assert client.get("/selection/reviews/").status_code == 403
    assert login("expert").get(f"/selection/stages/{stage.pk}/").status_code == 403


def test_the_menu_leads_each_role_to_its_review_pages(world: World, login: Login) -> None:
    assert 'href="/selection/stages/"' in page(login("ministry").get("/selection/calls/"))
    expert_menu = page(login("expert").get("/selection/reviews/"))
    assert 'href="/selection/reviews/"' in expert_menu and "暂无分配给您的评审" in expert_menu
    assert 'href="/selection/reviews/"' not in page(login("prov_cq").get("/selection/calls/"))


def test_the_expert_pool_is_kept_by_the_ministry_with_the_change_log(world: World, login: Login) -> None:
    from accounts.models import User
    from core.roles import Role

    user = User.objects.create(username="zhang", display_name="张教授", role=Role.EXPERT)
    ministry = login("ministry")
    bad = page(
        ministry.post(
            "/selection/experts/add/",
            {"user": user.pk, "home_province": world.regions["210000"].pk, "affiliation_codes_text": "91110000X"},
        )
    )
    assert "第 1 行：统一社会信用代码应为 18 位，实为 9 位。" in bad
    good = world.bases["xuzhou"].operator_credit_code
    ministry.post(
        "/selection/experts/add/",
        {
            "user": user.pk, "fields_of_expertise": "电子商务", "home_province": world.regions["210000"].pk,
            "affiliation": "某大学", "affiliation_codes_text": good.lower(), "affiliations_declared": "on",
            "declared_conflict_bases": [world.bases["nanjing"].pk],
        },
    )  # fmt: skip
    made = Expert.objects.get(user=user)
    assert made.profile_complete and made.affiliation_codes == [good]
    assert list(made.declared_conflict_bases.all()) == [world.bases["nanjing"]]
    listing = page(ministry.get("/selection/experts/"))
    assert "张教授" in listing and "辽宁省" in listing and "完整" in listing and "南京建邺电子商务产业园" in listing
    ministry.post(
        f"/selection/experts/{made.pk}/edit/",
        {"fields_of_expertise": "跨境电商", "home_province": world.regions["210000"].pk, "affiliation": "某大学",
         "affiliation_codes_text": good, "affiliations_declared": "on"},
    )  # fmt: skip
    made.refresh_from_db()
    assert made.fields_of_expertise == "跨境电商" and not made.declared_conflict_bases.exists()
    logged = ChangeLog.objects.filter(object_id=str(made.pk), content_type__model="expert").order_by("id")
    assert [e.action for e in logged] == ["create", "update", "update", "update"]
    nanjing = world.bases["nanjing"].pk
    conflicts = [(e.before, e.after) for e in logged if e.after and "declared_conflict_bases" in e.after]
    assert conflicts == [
        ({"declared_conflict_bases": []}, {"declared_conflict_bases": [nanjing]}),
        ({"declared_conflict_bases": [nanjing]}, {"declared_conflict_bases": []}),
    ]
    incomplete = expert(world, "e_new", None, None)
    assert "不完整，暂不能分配" in page(ministry.get("/selection/experts/"))
    assert incomplete.pk


def test_the_stage_page_costs_the_same_queries_for_more_entries(
    world: World, call: Call, login: Login, django_assert_max_num_queries: object
) -> None:
    # 北京 experts: no conflict with any applicant of the world (重庆, 江苏, 辽宁, 大连).
    world.regions["110000"] = Region.objects.create(code="110000", name="北京市", level=1, since_year=1980)
    experts = [expert(world, f"bj{i}", "110000", []) for i in range(3)]
    apps = [
        submit(world, call, "shapingba", "operator_sp", "prov_cq"),
        submit(world, call, "xuzhou", "operator_xz", "prov_js"),
        submit(world, call, "nanjing", "operator_nj", "prov_js", rank=2),
        submit(world, call, "dalian", "operator_dl", "city_dl"),
        submit(world, call, "shenyang", "operator_sy", "prov_ln"),
    ]
    ministry_user = world.user("ministry")
    stage = do_open_stage(ministry_user, call, "preliminary", rubric=RUBRIC, reviewers_per_application=3)
    for entry in stage.entries.all():
        for e in experts:
            do_assign_expert(ministry_user, entry, e)
    client = login("ministry")
    url = f"/selection/stages/{stage.pk}/"

    def count() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    with django_assert_max_num_queries(12):  # type: ignore[operator]  # pytest-django fixture
        client.get(url)
    many = count()
    StageEntry.objects.filter(stage=stage).exclude(application=apps[0]).delete()
    assert count() == many  # one entry or five: the same number of queries
    from selection.actions.review import do_submit_score

    for sheet in Assignment.objects.filter(stage=stage):
        do_submit_score(sheet.expert.user, sheet, {"basis": "50", "plan": "30"}, comment="好")
    do_close_stage(ministry_user, stage)
    assert ReviewStage.objects.get().status == StageStatus.CLOSED
    with django_assert_max_num_queries(12):  # type: ignore[operator]  # pytest-django fixture
        client.get(url)
