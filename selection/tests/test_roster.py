"""The roster of resident enterprises (附件 四) linked to the registry: shown with the application to
whoever may see it, counted as the roster document, exported, and frozen at submission."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from core.models import ChangeLog
from portal.testing.world import World, code
from registry.actions.residencies import do_end_residency
from registry.models import Enterprise, Residency, Title, TitleLevel
from selection.actions.applications import do_attach_document, do_check_conditions, do_recommend, do_submit
from selection.checks import params_for
from selection.models import Application, ApplicationDocument, ApplicationEvent, ApplicationStatus, Call
from selection.roster import ROSTER_KIND
from selection.tests.conftest import DEADLINE, draft

pytestmark = pytest.mark.django_db

ROSTER_LABEL = "已入驻电子商务企业名单及经营情况简表"
IN_TIME = DEADLINE - datetime.timedelta(days=1)


def documents_result(app: Application, actor) -> dict:
    found = do_check_conditions(actor, app, at=IN_TIME)
    return next(c for c in found if c["condition"] == "documents")


def attach_all_but_roster(app: Application, actor) -> None:
    for kind in params_for(app).document_kinds:
        if kind != ROSTER_KIND:
            do_attach_document(actor, app, kind, SimpleUploadedFile(f"{kind}.pdf", b"%PDF-1.4 test"))


def move_everyone_out(world: World, base: str) -> None:
    for residency in Residency.objects.filter(base=world.bases[base], left_on__isnull=True):
        do_end_residency(world.user("ministry"), residency, datetime.date(2024, 12, 31))


def submitted(world: World, call: Call, base: str = "rongchang", operator: str = "operator_rc") -> Application:
    app = draft(world, call, base=base, operator=operator)
    province = world.user("prov_cq")
    do_recommend(province, app, rank=1)
    do_submit(province, app, now=IN_TIME)
    app.refresh_from_db()
    return app


# --- the "documents attached" condition -------------------------------------------------------


def test_a_base_with_a_current_resident_has_its_roster_linked(world: World, call: Call) -> None:
    app = draft(world, call)  # 沙坪坝: one resident enterprise in the registry
    operator = world.user("operator_sp")
    result = documents_result(app, operator)
    assert not result["ok"]  # the other documents of 附件 四 are still missing …
    assert ROSTER_LABEL not in result["message"]  # … but not the roster
    attach_all_but_roster(app, operator)
    result = documents_result(app, operator)
    assert result["ok"] and result["message"] == "材料齐全"


def test_without_a_current_resident_the_roster_file_is_required(world: World, call: Call) -> None:
    app = draft(world, call)
    operator = world.user("operator_sp")
    move_everyone_out(world, "shapingba")  # a past residency is not on the roster
    attach_all_but_roster(app, operator)
    result = documents_result(app, operator)
    assert not result["ok"]
    assert result["message"] == f"缺少材料：{ROSTER_LABEL}"
    # An uploaded roster file still counts.
    do_attach_document(operator, app, ROSTER_KIND, SimpleUploadedFile("名录.xlsx", b"PK\x03\x04"))
    assert documents_result(app, operator)["ok"]


# --- the page ---------------------------------------------------------------------------------


def test_the_roster_lists_current_residents_with_figures_titles_and_totals(world: World, call: Call, login) -> None:
    rc1 = world.enterprises["rc1"]
    Title.objects.create(enterprise=rc1, level=TitleLevel.NATIONAL, name="国家电子商务示范企业", year=2023)
    Title.objects.create(enterprise=rc1, level=TitleLevel.MUNICIPAL, name="重庆市电子商务示范企业", year=2025)
    rc2 = world.enterprises["rc2"]
    rc2.annual_revenue, rc2.employees = Decimal("99.50"), None
    rc2.save()
    gone = Enterprise.objects.create(
        credit_code=code(77), name="已迁出电商有限公司", category="enterprise", region=world.regions["500153"]
    )
    Residency.objects.create(
        enterprise=gone, base=world.bases["rongchang"], entered_on=datetime.date(2019, 1, 1),
        left_on=datetime.date(2021, 1, 1),
    )  # fmt: skip
    app = draft(world, call, base="rongchang", operator="operator_rc")

    page = login("operator_rc").get(f"/selection/applications/{app.pk}/roster/")
    assert page.status_code == 200
    html = page.content.decode()
    for text in (
        "重庆荣昌夏布电子商务有限公司", rc1.credit_code, "网络零售", "零售业", "1,200.50", "2025",
        "荣昌陶器网络科技有限公司", "传统企业", "99.50",
        "2025年 重庆市电子商务示范企业（市级）", "2023年 国家电子商务示范企业（国家级）",
        "共 2 家企业，年营业收入合计 1,300.00 万元，从业人数合计 25 人", "其中 1 家未填报从业人数",
    ):  # fmt: skip
        assert text in html, text
    assert html.index("2025年 重庆市") < html.index("2023年 国家")  # newest title first
    assert "荣昌区电子商务示范企业" not in html  # district titles are not 市级以上
    assert "已迁出电商有限公司" not in html
    assert "13812345678" not in html and "138****5678" not in html and "张三" not in html

    detail = login("operator_rc").get(f"/selection/applications/{app.pk}/").content.decode()
    assert "当前入驻企业 2 家" in detail and f"/selection/applications/{app.pk}/roster/" in detail


def test_whoever_sees_the_application_sees_its_roster_and_nobody_else(world: World, call: Call, login) -> None:
    app = draft(world, call, base="rongchang", operator="operator_rc")
    url = f"/selection/applications/{app.pk}/roster/"
    assert login("prov_cq").get(url).status_code == 200
    for key in ("prov_js", "ministry", "expert", "ent_rc1", "bureau_rc", "auditor"):
        assert login(key).get(url).status_code == 404, key  # the ministry does not see drafts
    do_recommend(world.user("prov_cq"), app, rank=1)
    page = login("ministry").get(url)
    assert page.status_code == 200 and "重庆荣昌夏布电子商务有限公司" in page.content.decode()


def test_the_roster_page_runs_a_fixed_number_of_queries(
    world: World, call: Call, login, django_assert_max_num_queries
) -> None:
    app = draft(world, call, base="rongchang", operator="operator_rc")
    client = login("operator_rc")
    url = f"/selection/applications/{app.pk}/roster/"
    client.get(url)  # warm the session and content types
    with django_assert_max_num_queries(10) as few:  # 5 of them: session, user, menu
        assert client.get(url).status_code == 200
    for n in range(40):
        ent = Enterprise.objects.create(
            credit_code=code(1000 + n), name=f"批量企业{n:02d}", category="enterprise",
            region=world.regions["500153"], annual_revenue=Decimal("10.00"), employees=3,
        )  # fmt: skip
        Residency.objects.create(enterprise=ent, base=world.bases["rongchang"], entered_on=datetime.date(2021, 1, 1))
        Title.objects.create(enterprise=ent, level=TitleLevel.PROVINCIAL, name="省级示范企业", year=2024)
    with django_assert_max_num_queries(len(few.captured_queries)):
        html = client.get(url).content.decode()
    assert "共 42 家企业" in html and "批量企业39" in html


def test_the_roster_exports_as_a_workbook_and_the_export_is_logged(world: World, call: Call, login) -> None:
    app = draft(world, call, base="rongchang", operator="operator_rc")
    response = login("prov_cq").get(f"/selection/applications/{app.pk}/roster/?export=xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = list(openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active.values)
    assert rows[0][:3] == ("序号", "企业名称", "统一社会信用代码")
    assert {r[1] for r in rows[1:-1]} == {"重庆荣昌夏布电子商务有限公司", "荣昌陶器网络科技有限公司"}
    assert "联系电话" not in rows[0] and "13812345678" not in str(rows)
    assert rows[-1][0] == "合计" and rows[-1][1] == "2 家" and rows[-1][6] == pytest.approx(2401.0)
    entry = ChangeLog.objects.filter(action=ChangeLog.Action.EXPORT).latest("id")
    assert entry.actor_id == world.user("prov_cq").pk and entry.object_id == str(app.pk)
    assert "入驻企业名录" in entry.message


# --- frozen at submission ---------------------------------------------------------------------


def test_submission_freezes_the_roster_as_it_stood(world: World, call: Call, login) -> None:
    app = submitted(world, call)
    frozen = ApplicationDocument.objects.get(application=app, kind=ROSTER_KIND)
    assert frozen.original_name.startswith("入驻企业名录（报送时冻结）-荣昌区电子商务产业园-")
    with frozen.file.open("rb") as fh:
        rows = list(openpyxl.load_workbook(io.BytesIO(fh.read())).active.values)
    assert {r[1] for r in rows[1:-1]} == {"重庆荣昌夏布电子商务有限公司", "荣昌陶器网络科技有限公司"}
    event = app.events.get(kind=ApplicationEvent.Kind.SUBMITTED)
    assert "入驻企业名录已按报送时登记库冻结：2 家企业" in event.message
    assert "2,401.00 万元" in event.message and "50 人" in event.message
    assert ChangeLog.objects.filter(object_id=frozen.pk, action=ChangeLog.Action.CREATE).exists()

    # The registry moves on; reviewers still see what was submitted.
    later = Enterprise.objects.create(
        credit_code=code(88), name="报送后入驻电商有限公司", category="enterprise", region=world.regions["500153"]
    )
    Residency.objects.create(enterprise=later, base=world.bases["rongchang"], entered_on=datetime.date(2016, 1, 1))
    html = login("ministry").get(f"/selection/applications/{app.pk}/roster/").content.decode()
    submitted_part, current_part = html.split("登记库当前名录")
    assert "报送时的名录" in submitted_part and "重庆荣昌夏布电子商务有限公司" in submitted_part
    assert "报送后入驻电商有限公司" not in submitted_part
    assert "报送后入驻电商有限公司" in current_part and "共 3 家企业" in current_part
    download = login("ministry").get(f"/selection/applications/{app.pk}/roster/?export=submitted")
    assert download.status_code == 200
    again = list(openpyxl.load_workbook(io.BytesIO(b"".join(download.streaming_content))).active.values)
    assert again == rows


def test_an_uploaded_roster_is_not_replaced_and_an_empty_roster_is_not_frozen(world: World, call: Call) -> None:
    app = draft(world, call, base="rongchang", operator="operator_rc")
    do_attach_document(world.user("operator_rc"), app, ROSTER_KIND, SimpleUploadedFile("名录.pdf", b"%PDF-1.4"))
    province = world.user("prov_cq")
    do_recommend(province, app, rank=1)
    do_submit(province, app, now=IN_TIME)
    assert list(app.documents.values_list("original_name", flat=True)) == ["名录.pdf"]
    assert app.events.get(kind=ApplicationEvent.Kind.SUBMITTED).message == ""

    # 沙坪坝 without any current resident: nothing to freeze (an empty file would pass as the roster).
    move_everyone_out(world, "shapingba")
    other = draft(world, call)
    do_recommend(province, other, rank=2)
    do_submit(province, other, now=IN_TIME)
    other.refresh_from_db()
    assert other.status == ApplicationStatus.SUBMITTED and not other.documents.exists()


def test_a_late_submission_freezes_nothing(world: World, call: Call) -> None:
    app = draft(world, call, base="rongchang", operator="operator_rc")
    province = world.user("prov_cq")
    do_recommend(province, app, rank=1)
    do_submit(province, app, now=DEADLINE + datetime.timedelta(seconds=1))
    app.refresh_from_db()
    assert app.status == ApplicationStatus.REFUSED and not app.documents.exists()
