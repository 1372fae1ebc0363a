"""The proposed list, the public notice, objections and designation on the web: the ministry's
pages, the public pages without sign-in (no drafts, no scores), the objection form and its limit,
and the .docx documents."""

from __future__ import annotations

import datetime
import io
from collections.abc import Iterator

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone
from docx import Document
from openpyxl import load_workbook

from core.models import ChangeLog
from core.officedoc import format_date
from portal.testing.world import World
from registry.models import BaseStatus
from selection.actions.notice import do_draft_notice, do_lodge_objection, do_publish_notice
from selection.models import Application, Call, Notice, NoticeStatus, Objection, ObjectionStatus
from selection.tests.conftest import park, reviewed

pytestmark = pytest.mark.django_db

ONE_DAY = datetime.timedelta(days=1)


@pytest.fixture(autouse=True)
def _fresh_throttle() -> Iterator[None]:
    """The per-address limit lives in the cache; each test starts with none counted."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def apps(world: World, call: Call) -> list[Application]:
    park(world, "yuzhong", "渝中数字经济产业园", "50", "500106")
    return reviewed(
        world, call, ["shapingba", "yuzhong"], scores={"shapingba": "88.25", "yuzhong": "91.75"}, failed=["xuzhou"]
    )


def drafted(world: World, call: Call, apps: list[Application], **extra: object) -> Notice:
    fields: dict[str, object] = {
        "title": "关于第二批国家电子商务示范基地拟认定名单的公示",
        "body": "经专家评审，拟认定以下园区。",
        "contact": "电子商务司 010-85093748",
    }
    fields.update(extra)
    return do_draft_notice(world.user("ministry"), call, applications=apps, **fields)  # type: ignore[arg-type]  # test input


def published(world: World, call: Call, apps: list[Application], **extra: object) -> Notice:
    """Published today (the real clock), 7 calendar days."""
    return do_publish_notice(world.user("ministry"), drafted(world, call, apps, **extra))


def set_period(notice: Notice, starts_on: datetime.date, ends_on: datetime.date) -> None:
    """Move the period (the real clock cannot wait a week): test scaffolding, not an action."""
    Notice.objects.filter(pk=notice.pk).update(starts_on=starts_on, ends_on=ends_on)
    notice.refresh_from_db()


def objection_data(**extra: str) -> dict[str, str]:
    data = {
        "name": "李四",
        "phone": "13800138000",
        "email": "lisi@example.cn",
        "address": "北京市东城区",
        "entry": "",
        "content": "该园区入驻企业数量与申报材料不符，请予核查。",
    }
    data.update(extra)
    return data


def text_of(docx_bytes: bytes) -> str:
    doc = Document(io.BytesIO(docx_bytes))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


def test_the_ministry_drafts_the_list_from_the_call_page(
    world: World, call: Call, apps: list[Application], login
) -> None:
    ministry = login("ministry")
    call_page = ministry.get(f"/selection/calls/{call.pk}/").content.decode()
    assert "拟认定名单与公示" in call_page and f"/selection/calls/{call.pk}/notice/" in call_page
    assert "拟认定名单与公示" not in login("prov_cq").get(f"/selection/calls/{call.pk}/").content.decode()
    assert login("prov_cq").get(f"/selection/calls/{call.pk}/notice/").status_code == 403

    page = ministry.get(f"/selection/calls/{call.pk}/notice/").content.decode()
    # Those who passed the defence, best first, with their scores; the one that failed is not offered.
    assert page.index("渝中数字经济产业园") < page.index("沙坪坝电商产业园")
    assert "91.75" in page and "88.25" in page and "徐州软件园电商基地" not in page
    assert "关于第二批国家电子商务示范基地拟认定名单的公示" in page  # default title from the call
    assert 'for="id_title"' in page and "现场答辩评议" in page

    spb, yz = apps
    failed = Application.objects.get(base=world.bases["xuzhou"])
    form = {
        "title": "关于第二批国家电子商务示范基地拟认定名单的公示",
        "body": "拟认定以下园区。",
        "period_length": "7",
        "period_unit": "calendar",
        "contact": "电子商务司 010-85093748",
    }
    refused = ministry.post(f"/selection/calls/{call.pk}/notice/", {**form, "applications": [str(failed.pk)]})
    assert refused.status_code == 200 and "徐州软件园电商基地 未通过现场答辩评议或复核" in refused.content.decode()
    assert not Notice.objects.exists()
    saved = ministry.post(
        f"/selection/calls/{call.pk}/notice/",
        {**form, "applications": [str(spb.pk), str(yz.pk)], f"order-{spb.pk}": "1", f"order-{yz.pk}": "2"},
    )
    notice = Notice.objects.get()
    assert saved["Location"] == f"/selection/notices/{notice.pk}/"
    assert [e.application for e in notice.entries.order_by("position")] == [spb, yz]
    again = ministry.get(f"/selection/calls/{call.pk}/notice/").content.decode()  # the draft, to change it
    assert f'name="applications" value="{spb.pk}" checked>' in again
    assert f'name="applications" value="{yz.pk}" checked>' in again and f'name="order-{yz.pk}" value="2"' in again
    # The draft is nobody else's business, and not public — not even on the public pages for the ministry.
    assert login("prov_cq").get(f"/selection/notices/{notice.pk}/").status_code == 404
    assert Client().get(f"/notices/{notice.pk}/").status_code == 404
    assert ministry.get(f"/notices/{notice.pk}/").status_code == 404
    assert Client().get(f"/notices/{notice.pk}/notice.docx").status_code == 404
    assert notice.title not in Client().get("/notices/").content.decode()

    detail = ministry.get(f"/selection/notices/{notice.pk}/").content.decode()
    end = timezone.localdate() + 6 * ONE_DAY
    assert f"公示期至 {format_date(end)} 北京时间 24:00 届满" in detail  # preview if published today
    assert "88.25" in detail  # the ministry sees the scores


def test_publishing_shows_the_period_and_the_working_day_rule(
    world: World, call: Call, apps: list[Application], login
) -> None:
    ministry = login("ministry")
    notice = drafted(world, call, apps, period_unit="working", period_length=5)
    detail = ministry.get(f"/selection/notices/{notice.pk}/").content.decode()
    assert "法定节假日和调休上班日以国务院办公厅公布的节假日安排（平台日历）为准" in detail
    # No holiday schedule is recorded in this database: working days cannot be counted, and the page says so.
    assert "年的节假日安排尚未录入" in detail
    today = timezone.localdate()
    response = ministry.post(f"/selection/notices/{notice.pk}/publish/", {"starts_on": today.isoformat()}, follow=True)
    assert "年的节假日安排尚未录入，无法按工作日计算公示期" in response.content.decode()
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.DRAFT

    drafted(world, call, apps, period_unit="calendar", period_length=7)
    response = ministry.post(f"/selection/notices/{notice.pk}/publish/", {"starts_on": today.isoformat()}, follow=True)
    page = response.content.decode()
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.PUBLISHED
    assert f"{format_date(today)}至{format_date(today + 6 * ONE_DAY)}（北京时间，截至最后一日 24:00）" in page
    assert "公示期内，受理异议" in page
    again = ministry.post(f"/selection/notices/{notice.pk}/publish/", {"starts_on": today.isoformat()}, follow=True)
    assert 'msg-error">公示已发布。' in again.content.decode()
    past = ministry.post(
        f"/selection/notices/{notice.pk}/publish/", {"starts_on": (today - ONE_DAY).isoformat()}, follow=True
    )
    assert "公示开始日不能早于今天" in past.content.decode()
    assert login("prov_cq").post(f"/selection/notices/{notice.pk}/publish/", {"starts_on": "x"}).status_code == 403


def test_the_public_reads_the_notice_without_scores_and_lodges_an_objection(
    world: World, call: Call, apps: list[Application]
) -> None:
    notice = published(world, call, apps)
    visitor = Client()
    listing = visitor.get("/notices/").content.decode()
    assert notice.title in listing and "公示中，受理异议" in listing
    page = visitor.get(f"/notices/{notice.pk}/").content.decode()
    today = timezone.localdate()
    assert f"公示期：{format_date(today)}至{format_date(today + 6 * ONE_DAY)}" in page
    for shown in (
        "沙坪坝电商产业园",
        "渝中数字经济产业园",
        "重庆市沙坪坝区",
        "沙坪坝电商产业园运营有限公司",
        "电子商务司 010-85093748",
        "经专家评审，拟认定以下园区。",
    ):
        assert shown in page, shown
    for hidden in ("88.25", "91.75", "得分", "徐州软件园电商基地"):
        assert hidden not in page, hidden
    # Labelled fields; "required" in words, not by colour.
    for name in ("name", "phone", "email", "address", "entry", "content"):
        assert f'for="id_{name}"' in page
    assert "（必填）" in page

    bad = visitor.post(f"/notices/{notice.pk}/", objection_data(phone="12", content="不同意"))
    html = bad.content.decode()
    assert bad.status_code == 200 and not Objection.objects.exists()
    assert 'id="id_phone-error"' in html and 'aria-describedby="id_phone-error"' in html
    assert 'aria-invalid="true"' in html and 'href="#id_phone"' in html and "错误：" in html
    # The field passes the form; the action's own rule on the content is shown under that field.
    assert "请填写有效的联系电话" in html or "请写明异议的事实和理由" in html

    entry = notice.entries.get(application=apps[1])
    done = visitor.post(f"/notices/{notice.pk}/", objection_data(entry=str(entry.pk)), follow=True)
    assert "异议已收到，受理编号" in done.content.decode()
    objection = Objection.objects.get()
    assert (objection.entry, objection.phone, objection.status) == (entry, "13800138000", ObjectionStatus.PENDING)
    # Objections are the ministry's alone.
    assert visitor.get(f"/selection/notices/{notice.pk}/objections/").status_code == 302  # to sign-in
    assert "13800138000" not in visitor.get(f"/notices/{notice.pk}/").content.decode()


def test_after_the_period_the_form_is_replaced_and_an_objection_refused(
    world: World, call: Call, apps: list[Application]
) -> None:
    notice = published(world, call, apps)
    today = timezone.localdate()
    visitor = Client()
    set_period(notice, today - 7 * ONE_DAY, today - ONE_DAY)  # ended at 24:00 last night
    page = visitor.get(f"/notices/{notice.pk}/").content.decode()
    assert "公示期已届满，不再受理异议" in page and 'name="content"' not in page
    assert "公示期已届满，待公布结果" in visitor.get("/notices/").content.decode()
    refused = visitor.post(f"/notices/{notice.pk}/", objection_data())
    html = refused.content.decode()
    assert f"公示期已于北京时间 {(today - ONE_DAY).isoformat()} 24:00 届满，不再受理异议" in html
    assert not Objection.objects.exists()

    set_period(notice, today - 6 * ONE_DAY, today)  # ends at 24:00 tonight: still open
    assert 'name="content"' in visitor.get(f"/notices/{notice.pk}/").content.decode()
    assert visitor.post(f"/notices/{notice.pk}/", objection_data()).status_code == 302
    assert Objection.objects.count() == 1

    set_period(notice, today + ONE_DAY, today + 7 * ONE_DAY)  # published to start tomorrow
    page = visitor.get(f"/notices/{notice.pk}/").content.decode()
    assert "公示尚未开始" in page and 'name="content"' not in page
    assert "公示尚未开始，暂不受理异议" in visitor.post(f"/notices/{notice.pk}/", objection_data()).content.decode()


def test_one_address_lodges_at_most_five_objections_an_hour(world: World, call: Call, apps: list[Application]) -> None:
    notice = published(world, call, apps)
    visitor = Client(REMOTE_ADDR="203.0.113.7")
    for _i in range(5):
        assert visitor.post(f"/notices/{notice.pk}/", objection_data()).status_code == 302
    sixth = visitor.post(f"/notices/{notice.pk}/", objection_data())
    assert "同一网络地址每小时最多提交 5 件异议，请稍后再试。" in sixth.content.decode()
    assert Objection.objects.count() == 5
    api = Client(REMOTE_ADDR="203.0.113.7").post(
        f"/api/notices/{notice.pk}/objections/", {**objection_data(), "entry": None}, content_type="application/json"
    )
    assert api.status_code == 429 and "每小时最多提交 5 件" in api.json()["detail"]
    other = Client(REMOTE_ADDR="198.51.100.1")
    assert other.post(f"/notices/{notice.pk}/", objection_data()).status_code == 302


def test_the_ministry_reads_objections_in_full_exports_them_masked_and_rules(
    world: World, call: Call, apps: list[Application], login
) -> None:
    notice = published(world, call, apps)
    entry = notice.entries.get(application=apps[1])
    objection = do_lodge_objection(
        notice,
        name="李四",
        phone="13800138000",
        email="lisi@example.cn",
        address="北京市东城区",
        content="该园区运营不满一年，请核查。",
        entry=entry,
    )
    general = do_lodge_objection(notice, name="王五", phone="010-65197972", content="名单整体公示期过短，请延长。")
    ministry = login("ministry")
    page = ministry.get(f"/selection/notices/{notice.pk}/objections/").content.decode()
    assert "13800138000" in page and "lisi@example.cn" in page and "北京市东城区" in page
    assert login("prov_cq").get(f"/selection/notices/{notice.pk}/objections/").status_code == 403
    assert login("prov_cq").get(f"/selection/objections/{objection.pk}/rule/").status_code == 403

    export = ministry.get(f"/selection/notices/{notice.pk}/objections/", {"export": "xlsx"})
    sheet = load_workbook(io.BytesIO(b"".join(export.streaming_content))).active
    cells = [str(c.value) for row in sheet.iter_rows() for c in row]
    assert "138****8000" in cells and "l***@example.cn" in cells
    assert "13800138000" not in cells and "北京市东城区" not in cells
    assert ChangeLog.objects.filter(action=ChangeLog.Action.EXPORT, message__contains="公示异议").exists()

    form = ministry.get(f"/selection/objections/{objection.pk}/rule/").content.decode()
    assert "将所涉基地撤出拟认定名单" in form and "13800138000" in form
    assert "将所涉基地撤出拟认定名单" not in ministry.get(f"/selection/objections/{general.pk}/rule/").content.decode()
    empty = ministry.post(f"/selection/objections/{objection.pk}/rule/", {"status": "upheld", "ruling": ""})
    assert 'id="id_ruling-error"' in empty.content.decode()
    wrong = ministry.post(
        f"/selection/objections/{objection.pk}/rule/",
        {"status": "dismissed", "ruling": "不属实。", "withdraw_entry": "on"},
    )
    assert "只有成立且指向具体基地的异议才能撤出名单" in wrong.content.decode()
    done = ministry.post(
        f"/selection/objections/{objection.pk}/rule/",
        {"status": "upheld", "ruling": "经核查，运营时间不足一年。", "withdraw_entry": "on"},
    )
    assert done["Location"] == f"/selection/notices/{notice.pk}/objections/"
    entry.refresh_from_db()
    objection.refresh_from_db()
    assert entry.withdrawn and objection.status == ObjectionStatus.UPHELD
    detail = ministry.get(f"/selection/notices/{notice.pk}/").content.decode()
    assert "已撤出名单" in detail and "待处理 1 件" in detail


def test_designation_on_the_page_and_the_final_list_in_public(
    world: World, call: Call, apps: list[Application], login
) -> None:
    notice = published(world, call, apps)
    ministry = login("ministry")
    today = timezone.localdate()
    designate = {"document_no": "商电函〔2026〕88号", "date": today.isoformat()}
    running = ministry.post(f"/selection/notices/{notice.pk}/designate/", designate, follow=True).content.decode()
    assert "届满后方可认定" in running
    assert ministry.get(f"/selection/notices/{notice.pk}/list.docx").status_code == 404

    entry = notice.entries.get(application=apps[1])
    objection = do_lodge_objection(
        notice, name="李四", phone="13800138000", content="该园区运营不满一年，请核查。", entry=entry
    )
    set_period(notice, today - 7 * ONE_DAY, today - ONE_DAY)
    pending = ministry.post(f"/selection/notices/{notice.pk}/designate/", designate, follow=True).content.decode()
    assert "尚有 1 件异议未处理" in pending
    ministry.post(
        f"/selection/objections/{objection.pk}/rule/",
        {"status": "upheld", "ruling": "经核查，运营时间不足一年。", "withdraw_entry": "on"},
    )
    assert login("prov_cq").post(f"/selection/notices/{notice.pk}/designate/", designate).status_code == 403
    done = ministry.post(f"/selection/notices/{notice.pk}/designate/", designate, follow=True).content.decode()
    assert "已公布认定" in done
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.DESIGNATED
    world.bases["shapingba"].refresh_from_db()
    assert world.bases["shapingba"].status == BaseStatus.DESIGNATED

    page = Client().get(f"/notices/{notice.pk}/").content.decode()
    assert "商电函〔2026〕88号" in page and "认定结果" in page
    final = page[page.index("认定结果") : page.index("公示原文")]
    assert "沙坪坝电商产业园" in final and "渝中数字经济产业园" not in final
    assert "公示期已届满，不再受理异议" in page
    assert "已公布认定结果" in Client().get("/notices/").content.decode()


def test_the_notice_and_the_final_list_as_word_documents(
    world: World, call: Call, apps: list[Application], login
) -> None:
    ministry = login("ministry")
    notice = drafted(world, call, apps)
    proof = ministry.get(f"/selection/notices/{notice.pk}/notice.docx")  # a draft, to proof it
    assert proof.status_code == 200 and proof["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "沙坪坝电商产业园" in text_of(proof.content)

    notice = do_publish_notice(world.user("ministry"), notice)
    public = Client().get(f"/notices/{notice.pk}/notice.docx")
    assert public.status_code == 200 and "attachment" in public["Content-Disposition"]
    text = text_of(public.content)
    today = timezone.localdate()
    for expected in (
        "关于第二批国家电子商务示范基地拟认定名单的公示",
        "经专家评审，拟认定以下园区。",
        f"公示期：{format_date(today)}至{format_date(today + 6 * ONE_DAY)}",
        "电子商务司 010-85093748",
        "商务部电子商务司",
        format_date(today),
        "沙坪坝电商产业园",
        "渝中数字经济产业园",
        "重庆市沙坪坝区",
        "运营主体",
    ):
        assert expected in text, expected
    assert "88.25" not in text and "91.75" not in text
    assert ChangeLog.objects.filter(action=ChangeLog.Action.EXPORT, message__contains="拟认定名单公示").count() == 2
    assert Client().get(f"/notices/{notice.pk}/list.docx").status_code == 404  # not designated yet

    entry = notice.entries.get(application=apps[1])
    objection = do_lodge_objection(
        notice, name="李四", phone="13800138000", content="该园区运营不满一年，请核查。", entry=entry
    )
    set_period(notice, today - 7 * ONE_DAY, today - ONE_DAY)
    ministry.post(
        f"/selection/objections/{objection.pk}/rule/",
        {"status": "upheld", "ruling": "运营时间不足一年。", "withdraw_entry": "on"},
    )
    ministry.post(
        f"/selection/notices/{notice.pk}/designate/", {"document_no": "商电函〔2026〕88号", "date": today.isoformat()}
    )
    for client in (ministry, Client()):
        url = f"/selection/notices/{notice.pk}/list.docx" if client is ministry else f"/notices/{notice.pk}/list.docx"
        response = client.get(url)
        assert response.status_code == 200
        text = text_of(response.content)
        for expected in (
            "商务部关于公布第二批国家电子商务示范基地名单的通知",
            "商电函〔2026〕88号",
            "沙坪坝电商产业园",
            "商务部",
            format_date(today),
            "共 1 家",
        ):
            assert expected in text, expected
        assert "渝中数字经济产业园" not in text  # withdrawn after the objection
    assert ChangeLog.objects.filter(action=ChangeLog.Action.EXPORT, message__contains="认定名单").exists()
