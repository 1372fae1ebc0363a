"""The work plan as .docx: downloaded in the official layout after the annex's outline, uploaded
back into the plan's sections and goals (all or nothing, through the plan's own rules)."""

from __future__ import annotations

import datetime
import io
import zipfile
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from docx import Document

from accounts.models import User
from core.models import ChangeLog
from core.officedoc import DOCX_CONTENT_TYPE
from core.roles import Role
from portal.testing.world import World
from selection.actions.applications import do_recommend, do_save_goals, do_save_work_plan, do_submit
from selection.actions.review import do_assign_expert, do_open_stage
from selection.docx_plan import FIELDS, OUTLINE, classify, parse_docx
from selection.models import Application, Call, Expert, GoalIndicator, WorkPlan, WorkPlanGoal
from selection.tests.conftest import draft

pytestmark = pytest.mark.django_db

PLAN = {
    "summary": "沙坪坝电商产业园位于重庆市沙坪坝区。\n\n创建目标：三年内聚集电子商务企业 220 家。",
    "local_economy": "沙坪坝区 2024 年地区生产总值 1,200 亿元。\n支柱产业为电子信息和商贸物流。",
    "local_ecommerce": "全区网络零售额 180 亿元。",
    "basis": "园区规划面积 25,000 平方米，已入驻企业 120 家。",
    "goals_text": "围绕环境营造、效益实现、服务提供、企业培育四个方面设定目标。",
    "contents": "1. 制定入驻企业认定标准。\n2. 建设公共服务平台。\n3. 设立孵化中心。",
    "safeguards": "成立由区政府分管领导任组长的创建工作领导小组。",
    "implementation": "2025 年：完成平台建设。\n2026 年：孵化企业 30 家。\n2027 年：通过验收。",
}
GOALS = {
    "enterprises_gathered": ("120", ["150", "180", "220"]),
    "revenue": ("12.5", ["15", "18.75", "22", "30"]),
}


def url(app: Application, tail: str) -> str:
    return f"/selection/applications/{app.pk}/{tail}"


def upload(client: Client, app: Application, data: bytes, name: str = "方案.docx") -> Any:
    return client.post(url(app, "work-plan/upload/"), {"file": SimpleUploadedFile(name, data, DOCX_CONTENT_TYPE)})


def docx_of(*blocks: Any) -> bytes:
    """A Word document as people write them: plain strings are paragraphs; ("h1", text) and
    ("h2", text) use Word's heading styles; ("bold", text) is a bold paragraph; ("table", rows)."""
    doc = Document()
    for block in blocks:
        if isinstance(block, str):
            doc.add_paragraph(block)
        elif block[0] in ("h1", "h2"):
            doc.add_heading(block[1], level=1 if block[0] == "h1" else 2)
        elif block[0] == "bold":
            doc.add_paragraph().add_run(block[1]).bold = True
        elif block[0] == "table":
            rows = block[1]
            table = doc.add_table(rows=len(rows), cols=len(rows[0]))
            for row, values in zip(table.rows, rows, strict=True):
                for cell, value in zip(row.cells, values, strict=True):
                    cell.text = value
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def stored_goals(app: Application) -> dict[str, tuple[Decimal, int, list[Decimal]]]:
    return {
        g.indicator: (g.baseline, g.first_year, [Decimal(t) for t in g.targets])
        for g in WorkPlanGoal.objects.filter(application=app)
    }


def plan_of(app: Application) -> dict[str, str]:
    plan = WorkPlan.objects.get(application=app)
    return {name: getattr(plan, name) for name in FIELDS}


def filled(world: World, call: Call) -> Application:
    app = draft(world, call)
    operator = world.users["operator_sp"]
    do_save_work_plan(operator, app, dict(PLAN))
    do_save_goals(operator, app, 2025, {k: (b, list(t)) for k, (b, t) in GOALS.items()})
    return app


# -- download ---------------------------------------------------------------------------------


def test_download_follows_the_annex_outline_with_the_goals_table(world: World, call: Call, login) -> None:
    app = filled(world, call)
    response = login("operator_sp").get(url(app, "work-plan.docx"))
    assert response.status_code == 200
    assert response["Content-Type"] == DOCX_CONTENT_TYPE
    assert "attachment" in response["Content-Disposition"]
    assert "filename*=utf-8''" in response["Content-Disposition"].lower()
    doc = Document(io.BytesIO(response.content))
    texts = [p.text for p in doc.paragraphs]
    # The long title breaks after the park's name (GB/T 9704-2012 7.3.1), then one blank line.
    assert texts[:3] == ["沙坪坝电商产业园", "创建国家电子商务示范基地工作方案", ""]
    headings = [p.text for p in doc.paragraphs if p.style is not None and p.style.name in ("Heading 1", "Heading 2")]
    assert headings == [
        "一、摘要", "二、基础环境情况", "（一）当地经济社会发展现状与战略定位", "（二）当地电子商务发展现状",
        "三、示范基地创建工作实施方案", "（一）创建基础", "（二）创建目标", "（三）创建内容", "（四）保障措施",
        "（五）创建工作实施计划及阶段目标", "四、相关文件",
    ]  # fmt: skip
    assert "沙坪坝电商产业园位于重庆市沙坪坝区。" in texts
    (table,) = doc.tables
    rows = [[c.text for c in row.cells] for row in table.rows]
    assert rows[0] == ["指标", "基期值", "2025年", "2026年", "2027年", "2028年"]
    assert rows[1] == ["电子商务企业聚集数量（家）", "120", "150", "180", "220", ""]
    assert rows[2] == ["基地内企业年营业收入（亿元）", "12.5", "15", "18.75", "22", "30"]


def test_download_is_logged_as_an_export(world: World, call: Call, login) -> None:
    app = filled(world, call)
    login("prov_cq").get(url(app, "work-plan.docx"))
    entry = ChangeLog.objects.filter(action=ChangeLog.Action.EXPORT).get()
    assert entry.actor_name == "prov_cq" and entry.object_id == str(app.pk) and "docx" in entry.message


def test_an_empty_plan_downloads_too(world: World, call: Call, login) -> None:
    app = draft(world, call)
    response = login("operator_sp").get(url(app, "work-plan.docx"))
    assert response.status_code == 200
    assert not Document(io.BytesIO(response.content)).tables


def test_download_is_for_those_who_see_the_application(world: World, call: Call, login) -> None:
    app = filled(world, call)
    assert login("prov_cq").get(url(app, "work-plan.docx")).status_code == 200
    assert login("prov_js").get(url(app, "work-plan.docx")).status_code == 404
    assert login("operator_rc").get(url(app, "work-plan.docx")).status_code == 404
    assert login("ministry").get(url(app, "work-plan.docx")).status_code == 404  # still a draft
    assert login("expert").get(url(app, "work-plan.docx")).status_code == 404


# -- round trip -------------------------------------------------------------------------------


def test_round_trip_download_then_upload_gives_the_same_plan(world: World, call: Call, login) -> None:
    app = filled(world, call)
    client = login("operator_sp")
    data = client.get(url(app, "work-plan.docx")).content
    operator = world.users["operator_sp"]
    do_save_work_plan(operator, app, dict.fromkeys(FIELDS, "改写"))
    do_save_goals(operator, app, 2030, {"jobs": ("1", ["2", "3", "4"])})

    response = upload(client, app, data)

    assert response.status_code == 200
    assert plan_of(app) == PLAN
    assert stored_goals(app) == {
        "enterprises_gathered": (Decimal("120"), 2025, [Decimal("150"), Decimal("180"), Decimal("220")]),
        "revenue": (Decimal("12.5"), 2025, [Decimal("15"), Decimal("18.75"), Decimal("22"), Decimal("30")]),
    }
    page = response.content.decode()
    assert "已从“方案.docx”导入工作方案。" in page
    assert "三（一）创建基础" in page and "已导入 2 项指标，起始年份 2025" in page
    import_event = ChangeLog.objects.get(action=ChangeLog.Action.IMPORT)
    assert import_event.object_id == str(app.pk) and "一、摘要" in import_event.message
    # The plan's own change log records the sections as changed by the upload.
    assert ChangeLog.objects.filter(action=ChangeLog.Action.UPDATE, object_repr__contains="工作方案").exists()


def test_pure_round_trip_of_every_field() -> None:
    from selection.docx_plan import GoalLabels, GoalRow, build_docx

    goals = [GoalRow("带动就业人数（人）", "5000", 2026, ["6000", "7000", "8000", "9000", "10000"])]
    data = build_docx(
        "某园区\n创建国家电子商务示范基地工作方案", PLAN, goals, GoalLabels("指标", "基期值", "%(year)s年")
    )
    parsed = parse_docx(data, {"jobs": "带动就业人数（人）"})
    assert parsed.sections == PLAN
    assert parsed.goals is not None and parsed.goals.first_year == 2026
    assert parsed.goals.rows == {"jobs": ("5000", ["6000", "7000", "8000", "9000", "10000"])}
    assert parsed.unrecognised == [] and parsed.issues == [] and parsed.missing == []


# -- headings ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "field"),
    [
        ("一、摘要", "summary"),
        ("一．摘要", "summary"),
        ("一.摘要", "summary"),
        ("一 、 摘 要", "summary"),
        ("摘要", "summary"),
        ("摘要：", "summary"),
        ("第一部分 摘要", "summary"),
        ("（一）当地经济社会发展现状与战略定位。", "local_economy"),
        ("(一)当地经济社会发展现状和战略定位", "local_economy"),
        ("（二）、当地电子商务发展现状", "local_ecommerce"),
        ("（ 一 ） 创建基础", "basis"),
        ("（二）创建目标。", "goals_text"),
        ("(三) 创建内容", "contents"),
        ("（四）保障措施", "safeguards"),
        ("（五）创建工作实施计划及阶段目标。", "implementation"),
        ("(五)实施计划及阶段目标", "implementation"),
    ],
)
def test_heading_variants_are_recognised(written: str, field: str) -> None:
    heading = classify(written)
    assert heading is not None and heading.section is not None and heading.section.field == field


@pytest.mark.parametrize(
    "text",
    [
        "三年内聚集电子商务企业 220 家。",  # starts with a numeral, is a sentence
        "摘要：本基地位于……",  # unnumbered run-in: a sentence
        "1. 制定入驻企业认定标准。",  # the third level is text
        "",
    ],
)
def test_text_is_not_taken_for_a_heading(text: str) -> None:
    assert classify(text) is None


def test_a_numbered_heading_runs_in_with_its_text() -> None:
    heading = classify("（一）创建基础。园区规划面积 25,000 平方米。")
    assert heading is not None and heading.section is not None and heading.section.field == "basis"
    assert heading.rest == "园区规划面积 25,000 平方米。"


def test_upload_of_a_document_written_by_hand(world: World, call: Call, login) -> None:
    app = draft(world, call)
    data = docx_of(
        "沙坪坝电商产业园创建国家电子商务示范基地工作方案",
        ("bold", "一．摘要"),
        "　　园区概况。",  # indented with ideographic spaces, as people do
        ("h1", "二、 基础环境情况"),
        ("h2", "(一)当地经济社会发展现状与战略定位。"),
        "地区生产总值 1,200 亿元。",
        "（二）、当地电子商务发展现状",
        "网络零售额 180 亿元。",
        ("h1", "三、示范基地创建工作实施方案"),
        "（一）创建基础。园区规划面积 25,000 平方米。",
        "已入驻企业 120 家。",
        ("bold", "（二）创建目标"),
        "三年内聚集企业 220 家。",
        ("table", [["指标", "基期值", "2026年", "2027年", "2028年"],
                   ["电子商务企业聚集数量", "120", "150", "180", "220"],
                   ["入驻园区的律师事务所", "1", "2", "3", "4"]]),
        "(三) 创建内容",
        "1. 制定入驻企业认定标准。",
        "（四）保障措施",
        "成立领导小组。",
        "五、其他事项",
        "这一段不属于编制要点的任何章节。",
    )  # fmt: skip
    client = login("operator_sp")

    response = upload(client, app, data)

    assert response.status_code == 200
    assert plan_of(app) == {
        "summary": "园区概况。",
        "local_economy": "地区生产总值 1,200 亿元。",
        "local_ecommerce": "网络零售额 180 亿元。",
        "basis": "园区规划面积 25,000 平方米。\n已入驻企业 120 家。",
        "goals_text": "三年内聚集企业 220 家。",
        "contents": "1. 制定入驻企业认定标准。",
        "safeguards": "成立领导小组。",
        "implementation": "",  # not in the document: left as it was (empty)
    }
    assert stored_goals(app) == {
        "enterprises_gathered": (Decimal("120"), 2026, [Decimal("150"), Decimal("180"), Decimal("220")])
    }
    page = response.content.decode()
    assert "未识别的标题“五、其他事项”：其下 1 段未导入。" in page
    assert "创建目标表中的“入驻园区的律师事务所”不是编制要点所列的指标，该行未导入。" in page
    assert "文档中没有以下章节，原内容保持不变：“三（五）创建工作实施计划及阶段目标”。" in page


def test_sections_missing_from_the_document_keep_their_text(world: World, call: Call, login) -> None:
    app = filled(world, call)
    response = upload(login("operator_sp"), app, docx_of("（四）保障措施", "新的保障措施。"))
    assert response.status_code == 200
    assert plan_of(app) == {**PLAN, "safeguards": "新的保障措施。"}
    assert len(stored_goals(app)) == 2  # no goals table: goals unchanged


# -- refusals ---------------------------------------------------------------------------------


def summary_doc(n: int) -> bytes:
    body = ("电子商务示范基地创建" * (n // 10 + 1))[:n]
    return docx_of("一、摘要", *(body[i : i + 100] for i in range(0, n, 100)), "（一）创建基础", "基础。")


def test_summary_at_the_limit_is_accepted(world: World, call: Call, login) -> None:
    app = draft(world, call)
    assert upload(login("operator_sp"), app, summary_doc(3500)).status_code == 200
    assert len(plan_of(app)["summary"].replace("\n", "")) == 3500


def test_over_long_summary_is_refused_with_the_count_and_nothing_written(world: World, call: Call, login) -> None:
    app = filled(world, call)
    response = upload(login("operator_sp"), app, summary_doc(3501))
    assert response.status_code == 400
    page = response.content.decode()
    assert "“一、摘要”：摘要不超过 3500 字（不计空白），现为 3501 字，超出 1 字。" in page
    assert "未导入：工作方案和创建目标均未作任何修改。" in page and 'id="plan-file"' in page  # try again
    assert plan_of(app) == PLAN  # basis was not written either
    assert not ChangeLog.objects.filter(action=ChangeLog.Action.IMPORT).exists()


def test_invalid_goals_table_refuses_the_whole_upload(world: World, call: Call, login) -> None:
    app = filled(world, call)
    data = docx_of(
        "（一）创建基础", "新的基础。",
        ("table", [["指标", "基期值", "2026年", "2027年"], ["带动就业人数（人）", "100", "120", "140"]]),
    )  # fmt: skip
    response = upload(login("operator_sp"), app, data)
    assert response.status_code == 400
    assert "创建目标表：带动就业人数（人）：须连续填写 3—5 年的目标，现为 2 年" in response.content.decode()
    assert plan_of(app) == PLAN and len(stored_goals(app)) == 2


def test_goal_years_must_follow_each_other(world: World, call: Call, login) -> None:
    app = filled(world, call)
    data = docx_of(
        "（一）创建基础", "新的基础。",
        ("table", [["指标", "基期值", "2026年", "2028年", "2029年"], ["带动就业人数", "1", "2", "3", "4"]]),
    )  # fmt: skip
    response = upload(login("operator_sp"), app, data)
    assert response.status_code == 400
    assert "创建目标表的年份须逐年连续，现为：2026、2028、2029。" in response.content.decode()
    assert plan_of(app) == PLAN


def test_a_document_without_any_section_is_refused(world: World, call: Call, login) -> None:
    app = filled(world, call)
    response = upload(login("operator_sp"), app, docx_of("会议纪要", "一、会议议题", "讨论了园区建设。"))
    assert response.status_code == 400
    page = response.content.decode()
    assert "文档中没有识别出工作方案的任何章节标题" in page
    assert plan_of(app) == PLAN


def xlsx_bytes() -> bytes:
    import openpyxl

    buffer = io.BytesIO()
    openpyxl.Workbook().save(buffer)
    return buffer.getvalue()


def bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("word/document.xml", "w", force_zip64=True) as part:
            for _ in range(50):
                part.write(b"0" * (1024 * 1024))
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("方案.pdf", b"%PDF-1.4", "只接受 .docx 文件"),
        ("方案.doc", b"\xd0\xcf\x11\xe0old word", "不支持 .doc 格式，请在 Word 或 WPS 中另存为 .docx 后上传。"),
        ("方案.docx", b"<html>not a document</html>", "文件不是有效的 .docx 文档"),
        ("方案.docx", b"", "文件为空。"),
        ("表格.docx", None, "文件不是有效的 .docx 文档"),  # a workbook renamed
        ("炸弹.docx", "bomb", "疑似压缩炸弹"),
    ],
)
def test_files_that_are_not_docx_are_refused(
    world: World, call: Call, login, settings: Any, name: str, data: Any, message: str
) -> None:
    settings.ECBASE_MAX_ZIP_RATIO = 200
    app = filled(world, call)
    payload = xlsx_bytes() if data is None else bomb() if data == "bomb" else data
    response = upload(login("operator_sp"), app, payload, name)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert plan_of(app) == PLAN


def test_a_file_over_the_size_limit_is_refused(world: World, call: Call, login, settings: Any) -> None:
    settings.ECBASE_MAX_UPLOAD_BYTES = 10_000
    app = filled(world, call)
    response = upload(login("operator_sp"), app, summary_doc(3000) + b"\0" * 20_000)
    assert response.status_code == 400 and "文件超过大小上限" in response.content.decode()


def test_no_file_is_refused(world: World, call: Call, login) -> None:
    app = draft(world, call)
    response = login("operator_sp").post(url(app, "work-plan/upload/"))
    assert response.status_code == 400 and "请选择要上传的 .docx 文件。" in response.content.decode()


# -- who may upload -------------------------------------------------------------------------


def test_only_the_operator_uploads_and_only_a_draft(world: World, call: Call, login) -> None:
    app = filled(world, call)
    data = docx_of("（四）保障措施", "改写。")
    assert upload(login("operator_rc"), app, data).status_code == 404  # another park's operator
    assert upload(login("prov_js"), app, data).status_code == 404
    assert upload(login("prov_cq"), app, data).status_code == 403  # sees it, does not write it
    assert upload(login("expert"), app, data).status_code == 404
    do_recommend(world.users["prov_cq"], app, rank=1)
    response = upload(login("operator_sp"), app, data)
    assert response.status_code == 400 and "申报已推荐或报送，不能再修改工作方案。" in response.content.decode()
    assert plan_of(app) == PLAN


def test_an_assigned_expert_downloads_but_cannot_upload(world: World, call: Call, login) -> None:
    app = filled(world, call)
    prov = world.users["prov_cq"]
    do_recommend(prov, app, rank=1)
    do_submit(prov, app, now=datetime.datetime(2015, 2, 1, tzinfo=datetime.UTC))
    user = User.objects.create(username="e_js", role=Role.EXPERT)
    expert = Expert.objects.create(
        user=user, home_province=world.regions["320000"], affiliation_codes=[], affiliations_declared=True
    )
    stage = do_open_stage(world.users["ministry"], call, "preliminary")
    do_assign_expert(world.users["ministry"], stage.entries.get(application=app), expert)
    client = Client()
    client.force_login(user)
    assert client.get(url(app, "work-plan.docx")).status_code == 200
    assert upload(client, app, docx_of("（四）保障措施", "改写。")).status_code == 403
    assert plan_of(app) == PLAN


def test_the_work_plan_page_links_the_docx_and_shows_the_form_to_the_operator(world: World, call: Call, login) -> None:
    app = draft(world, call)
    operator_page = login("operator_sp").get(url(app, "work-plan/")).content.decode()
    assert f'href="/selection/applications/{app.pk}/work-plan.docx"' in operator_page
    assert f'action="/selection/applications/{app.pk}/work-plan/upload/"' in operator_page
    province_page = login("prov_cq").get(url(app, "work-plan/")).content.decode()
    assert "work-plan.docx" in province_page and "work-plan/upload/" not in province_page


def test_outline_matches_the_work_plan_fields() -> None:
    assert [s.field for s in OUTLINE if s.field] == list(FIELDS)
    assert set(FIELDS) == {
        "summary", "local_economy", "local_ecommerce", "basis", "goals_text", "contents", "safeguards",
        "implementation",
    }  # fmt: skip
    assert {key for key, _label in GoalIndicator.choices} >= set(GOALS)
