"""Real browser, every role in its own session: one application from draft to designation.

The ministry opens a call; the park's operator drafts the application, its work plan and goals and
attaches a document; the province recommends and submits it; the deadline passes; the ministry
opens the preliminary review, an expert scores it, the ministry closes the stage and passes it,
then the on-site defence the same way with its schedule; the ministry draws up the proposed list
and publishes the notice; a member of the public objects on the public page without an account;
the ministry rules on the objection; the period ends; the ministry designates, and the base is a
national demonstration base with the plan's goals as its targets. Time passing (the deadline, the
end of the notice period) is the only thing the test does behind the pages' back.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any

import pytest
from django.utils import timezone

from accounts.models import User
from core.roles import Role
from portal.testing.world import PASSWORD, World
from registry.models import BaseStatus, BaseStatusChange, BaseTarget
from selection.models import Application, ApplicationStatus, Call, Expert, Notice
from tests.browser.conftest import axe_violations, describe, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


@pytest.fixture
def session(browser: Any, live_server: Any) -> Iterator[Any]:
    """A factory of signed-in pages, one browser context (cookies) per person."""
    contexts = []

    def open_as(username: str | None) -> Any:
        context = browser.new_context(base_url=live_server.url, locale="zh-CN", accept_downloads=True)
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        if username is not None:
            sign_in(page, username)
        return page

    yield open_as
    for context in contexts:
        context.close()


def click(page: Any, name: str) -> None:
    page.get_by_role("button", name=name, exact=True).first.click()
    page.wait_for_load_state()


def score_all(expert: Any, points: dict[str, str]) -> None:
    expert.goto("/selection/reviews/")
    expert.locator("main table a").first.click()
    for key, value in points.items():
        expert.locator(f"#points-{key}").fill(value)
    expert.get_by_label("评审意见").fill("基础扎实，目标可考核，公共服务平台建设内容具体。")
    click(expert, "提交评分")
    assert "已于" in expert.locator("main").inner_text()


def run_stage(ministry: Any, expert: Any, kind_label: str, points: dict[str, str], schedule: bool = False) -> None:
    call = Call.objects.get()
    ministry.goto(f"/selection/calls/{call.pk}/")
    ministry.get_by_text("开始评审阶段", exact=True).first.click()  # <summary> opens the form
    ministry.get_by_label("评审阶段").select_option(label=kind_label)
    ministry.get_by_label("每份申报评审专家数").fill("1")
    click(ministry, "开始评审阶段")
    click(ministry, "全部自动分配")
    if schedule:
        ministry.get_by_label("答辩时间（北京时间）").fill("2030-04-10T09:30")
        ministry.get_by_label("答辩地点").fill("商务部 第三会议室")
        click(ministry, "安排答辩")
        assert "商务部 第三会议室" in ministry.locator("main").inner_text()
    body = ministry.locator("main").inner_text()
    assert "0/1" in body  # who has scored shows, the score does not
    score_all(expert, points)
    ministry.reload()
    progress = ministry.locator("section", has=ministry.get_by_role("heading", name="专家分配与评分进度"))
    assert "1/1" in progress.inner_text()
    total = f"{sum(int(v) for v in points.values())}.00"
    assert total not in ministry.locator("main").inner_text()  # the total is hidden until the stage closes
    click(ministry, "结束评审并汇总得分")
    assert total in ministry.locator("main").inner_text()
    ministry.locator("select[name=decision]").first.select_option(label="通过")
    click(ministry, "记录结论")


def test_one_application_from_draft_to_designation(browser_world: World, session: Any) -> None:
    world = browser_world
    park = world.bases["shapingba"]
    operator_user = User(username="operator_sp", role=Role.OPERATOR, base=park, display_name="沙坪坝园区运营")
    operator_user.set_password(PASSWORD)
    operator_user.save()
    expert_user = world.users["expert"]
    Expert.objects.create(
        user=expert_user, home_province=world.regions["320000"], affiliations_declared=True, affiliation_codes=[]
    )

    # The ministry opens the call.
    ministry = session("ministry")
    ministry.goto("/selection/calls/add/")
    ministry.get_by_label("名称").fill("第二批国家电子商务示范基地创建")
    ministry.get_by_label("文号").fill("商办电函〔2014〕767号")
    ministry.get_by_label("截止时间（北京时间）").fill("2030-02-28T23:59")
    ministry.get_by_role("button", name="提交").or_(ministry.get_by_role("button", name="保存")).first.click()
    ministry.wait_for_load_state()
    call = Call.objects.get()
    assert ministry.get_by_role("heading", level=1).inner_text() == "第二批国家电子商务示范基地创建"

    # The operator drafts the application, the plan and its goals, and attaches a document.
    operator = session("operator_sp")
    operator.goto(f"/selection/calls/{call.pk}/")
    operator.get_by_label("电子商务办公建筑面积（平方米）").fill("26000")
    operator.get_by_label("投入运营日期").fill("2013-05-01")
    click(operator, "创建申报")
    app = Application.objects.get()
    operator.goto(f"/selection/applications/{app.pk}/work-plan/")
    operator.get_by_label("一、摘要").fill(
        "沙坪坝电商产业园聚集电子商务企业两百余家，围绕智能终端和消费品开展网络零售。"
    )
    click(operator, "保存")
    operator.goto(f"/selection/applications/{app.pk}/goals/")
    operator.locator("#jobs-baseline").fill("1200")
    for i, value in enumerate(("1500", "1800", "2100")):
        operator.locator(f"#jobs-{i}").fill(value)
    click(operator, "保存")
    first_year = int(operator.locator("#first-year").input_value())
    operator.goto(f"/selection/applications/{app.pk}/")
    operator.get_by_label("材料类别").select_option(value="development_plan")
    operator.get_by_label("文件").set_input_files(
        files=[{"name": "沙坪坝区电子商务发展规划.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4 plan"}]
    )
    click(operator, "上传")
    assert "沙坪坝区电子商务发展规划.pdf" in operator.locator("main").inner_text()

    # The province recommends and submits before the deadline.
    province = session("prov_cq")
    province.goto(f"/selection/applications/{app.pk}/")
    province.get_by_label("推荐顺位").fill("1")
    click(province, "推荐")
    click(province, "报送商务部")
    app.refresh_from_db()
    assert app.status == ApplicationStatus.SUBMITTED

    # The deadline passes.
    Call.objects.filter(pk=call.pk).update(deadline=datetime.datetime.now(datetime.UTC) - datetime.timedelta(hours=1))

    expert = session("expert")
    points = {
        "basis": "21",
        "environment": "8",
        "goals": "12",
        "contents": "20",
        "safeguards": "8",
        "implementation": "12",
    }
    run_stage(ministry, expert, "初步评议", points)
    run_stage(ministry, expert, "现场答辩评议", {**points, "basis": "23"}, schedule=True)
    operator.goto(f"/selection/applications/{app.pk}/")
    progress = operator.locator("main").inner_text()
    assert "商务部 第三会议室" in progress and "通过" in progress and expert_user.username not in progress

    # The proposed list and its public notice.
    ministry.goto(f"/selection/calls/{call.pk}/notice/")
    ministry.get_by_label("列入 沙坪坝电商产业园").check()
    click(ministry, "保存拟认定名单")
    ministry.get_by_label("公示开始日").fill(timezone.localdate().isoformat())
    click(ministry, "发布公示")
    notice = Notice.objects.get()
    assert notice.ends_on == timezone.localdate() + datetime.timedelta(days=6)

    # Anyone objects on the public page, without an account.
    public = session(None)
    public.goto(f"/notices/{notice.pk}/")
    assert "沙坪坝电商产业园" in public.locator("main").inner_text()
    assert "83.00" not in public.locator("main").inner_text()  # the review's score is not public
    public.get_by_label("异议人姓名或单位名称").fill("张三")
    public.get_by_label("联系电话").fill("023-12345678")
    public.get_by_label("异议内容及理由").fill("该园区入驻企业数量与申报材料不符，请核查。")
    click(public, "提交异议")
    assert "异议" in public.locator("main").inner_text()
    violations = axe_violations(public)
    assert not violations, describe(violations)

    # The ministry rules on it.
    ministry.goto(f"/selection/notices/{notice.pk}/objections/")
    ministry.locator("main table a").first.click()
    ministry.get_by_label("异议不成立").check()
    ministry.get_by_label("处理意见（核查情况和结论）").fill("经核查，入驻企业数量与登记库一致，异议不成立。")
    click(ministry, "记录处理结论")

    # The period ends; the ministry designates.
    today = timezone.localdate()
    Notice.objects.filter(pk=notice.pk).update(
        starts_on=today - datetime.timedelta(days=8), ends_on=today - datetime.timedelta(days=2)
    )
    ministry.goto(f"/selection/notices/{notice.pk}/")
    ministry.get_by_label("认定文号").fill("商电函〔2015〕88号")
    ministry.get_by_label("认定日期").fill(today.isoformat())
    click(ministry, "公布认定")

    park.refresh_from_db()
    assert park.status == BaseStatus.DESIGNATED and park.batch == "第二批"
    change = BaseStatusChange.objects.get(base=park)
    assert (change.document_no, change.date) == ("商电函〔2015〕88号", today)
    assert {(t.year, t.value) for t in BaseTarget.objects.filter(base=park, indicator="jobs")} == {
        (first_year, 1500), (first_year + 1, 1800), (first_year + 2, 2100)}  # fmt: skip

    # Everyone sees the outcome where they look for it.
    operator.goto(f"/selection/applications/{app.pk}/")
    assert "已认定为示范基地" in operator.locator("main").inner_text()
    public.goto(f"/notices/{notice.pk}/")
    assert "商电函〔2015〕88号" in public.locator("main").inner_text()
    ministry.goto(f"/bases/{park.pk}/")
    body = ministry.locator("main").inner_text()
    assert "示范基地" in body and "带动就业人数" in body and "2100" in body
