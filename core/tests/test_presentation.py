"""The change log reads in words (core.presentation): labels, display values, names of people and
related objects, messages in Chinese; the audit-log page's filters; one query per related model."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from core.audit import log_event, save_logged
from core.models import ChangeLog, ChangeLoggedModel
from core.presentation import message_text
from portal.testing.world import World
from registry.actions.bases import do_change_base_status, do_update_base

pytestmark = pytest.mark.django_db

RAW_VALUE = re.compile(r"<(ins|del)>\s*\d{1,4}\s*</(ins|del)>")  # a bare id where a name belongs
FIELD_NAME = re.compile(r"\b[a-z]+_[a-z_]+\b")  # area_m2, quota_unit, is_invented …


def body_of(html: str) -> str:
    """The page's main content, without the menu and header (which carry no log data)."""
    return html.split('<main id="main"', 1)[1].split("</main>", 1)[0]


def rows_of(html: str) -> str:
    """The rows of the log's table."""
    return html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]


def edit_base(world: World) -> None:
    ministry = world.user("ministry")
    ministry.display_name = "王建华"
    ministry.save()
    base = world.bases["rongchang"]
    do_update_base(
        ministry,
        base,
        {"area_m2": Decimal("171682.85"), "quota_unit": world.units["32"], "region": world.regions["320105"]},
    )
    base.is_invented = True
    save_logged(base, actor=ministry, update_fields=["is_invented"])
    do_change_base_status(ministry, base, "warned", date=datetime.date(2025, 3, 1), document_no="商电函〔2025〕1号")


def test_history_of_an_edited_base_shows_labels_and_names_not_codes(world: World, login) -> None:
    edit_base(world)
    page = body_of(login("ministry").get(f"/history/registry/base/{world.bases['rongchang'].pk}/").content.decode())
    for words in (
        "电子商务办公建筑面积",  # the field's label
        "35,000.00",  # the area before, with separators
        "171,682.85",  # and after
        "申报单位",
        "重庆市",  # the quota unit before, by name
        "江苏省",  # and after
        "所在区划",
        "荣昌区",
        "建邺区",
        "演示虚构",
        "否",
        "是",
        "示范基地",  # the status by its words …
        "警示",
        "王建华（商务部电子商务司）",  # the person by name and role
    ):
        assert words in page, words
    for code in ("area_m2", "quota_unit", "is_invented", "designated", "warned", "True", "False", "{", "ministry"):
        assert code not in page, code
    assert not RAW_VALUE.search(page)
    assert not FIELD_NAME.search(re.sub(r"<[^>]+>", " ", page)), FIELD_NAME.findall(re.sub(r"<[^>]+>", " ", page))


def test_the_api_history_carries_the_same_words_beside_the_stored_values(world: World) -> None:
    edit_base(world)
    client = APIClient()
    client.force_authenticate(world.user("ministry"))
    entries = client.get(f"/api/bases/{world.bases['rongchang'].pk}/history/").json()["results"]
    update = next(e for e in entries if any(c["field"] == "area_m2" for c in e["changes"]))
    assert update["after"]["area_m2"] == "171682.85"  # the stored value, for programs
    changes = {c["field"]: c for c in update["changes"]}
    assert changes["area_m2"]["label"] == "电子商务办公建筑面积（平方米）"
    assert (changes["area_m2"]["before"], changes["area_m2"]["after"]) == ("35,000.00", "171,682.85")
    assert (changes["quota_unit"]["before"], changes["quota_unit"]["after"]) == ("重庆市", "江苏省")
    assert update["actor_text"] == "王建华（商务部电子商务司）"
    assert update["object_type_name"] == "示范基地"


def test_every_logged_field_has_a_chinese_label() -> None:
    """A field without a label would show its name in a history (the names of the fields are code)."""
    cjk = re.compile(r"[\u4e00-\u9fff]")
    missing = [
        f"{model._meta.label}.{f.name}"
        for model in apps.get_models()
        if issubclass(model, ChangeLoggedModel)
        for f in model._meta.concrete_fields
        if f.name not in model.audit_exclude and not f.primary_key and not cjk.search(str(f.verbose_name))
    ]
    assert missing == []


def test_export_messages_are_sentences(world: World, login) -> None:
    client = login("prov_js")
    b"".join(client.get("/enterprises/", {"export": "csv", "q": "徐州", "industry": "retail"}).streaming_content)
    entry = ChangeLog.objects.get(action=ChangeLog.Action.EXPORT)
    assert entry.message == "导出 CSV，筛选：搜索“徐州”；行业“零售业”"
    # Messages written before they were worded read the same way on the page.
    log_event(ChangeLog.Action.EXPORT, object_repr="企业", message="xlsx {'q': '直播'}")
    page = body_of(login("auditor").get("/changelog/").content.decode())
    assert "导出 Excel，筛选：关键词“直播”" in page
    assert "{'q'" not in page and "xlsx" not in page


@pytest.mark.parametrize(
    ("stored", "shown"),
    [
        ("xlsx", "导出 Excel（全部）"),
        ("csv {}", "导出 CSV（全部）"),
        ("docx 公示", "导出 Word 文档：公示"),
        ("文件导入：名录.xlsx（任务 3） created=12000 updated=3 residencies=12003", None),
        ("api token", "接口令牌"),
        ("second factor", "动态口令错误"),
        ('政策模拟 2025 年度\n{"store_cap_fen": [{"value": 1}]}', "政策模拟 2025 年度"),
    ],
)
def test_older_messages_read_as_words(stored: str, shown: str | None) -> None:
    text = message_text(stored)
    if shown is None:
        assert text == "文件导入：名录.xlsx（任务 3）：新增 12,000 条，更新 3 条，入驻记录 12,003 条"
    else:
        assert text == shown


def test_actor_is_the_persons_name_and_role_not_the_login_name(world: World, login) -> None:
    prov = world.user("prov_js")
    prov.display_name = "李江苏"
    prov.save()
    b"".join(login("prov_js").get("/enterprises/", {"export": "csv"}).streaming_content)
    page = body_of(login("auditor").get("/changelog/").content.decode())
    assert "李江苏（省级商务主管部门）" in page
    assert "prov_js" not in page
    # The person filter takes the name or the login name.
    assert "李江苏" in body_of(login("auditor").get("/changelog/", {"actor": "李江"}).content.decode())
    assert "李江苏" in body_of(login("auditor").get("/changelog/", {"actor": "prov_js"}).content.decode())
    assert "李江苏" not in body_of(login("auditor").get("/changelog/", {"actor": "王"}).content.decode())


def test_change_log_filters_by_kind_object_time_and_request(world: World, login) -> None:
    edit_base(world)
    auditor = login("auditor")
    page = auditor.get("/changelog/").content.decode()
    assert '<option value="registry.base">示范基地</option>' in page  # kinds by their Chinese names
    only_bases = rows_of(auditor.get("/changelog/", {"object_type": "registry.base"}).content.decode())
    assert "荣昌区电子商务产业园" in only_bases and "基地状态变更" not in only_bases
    by_name = rows_of(auditor.get("/changelog/", {"object": "荣昌区电子"}).content.decode())
    assert "荣昌区电子商务产业园" in by_name and "徐州" not in by_name
    base = world.bases["rongchang"]
    one = rows_of(auditor.get("/changelog/", {"object_type": "registry.base", "object_id": base.pk}).content.decode())
    assert one.count("<tr>") == 3  # the edit, the flag and the status: the rows of that base only

    # Days are days in Beijing time: 16:30 UTC on 1 March is 00:30 on 2 March.
    late = datetime.datetime(2025, 3, 1, 16, 30, tzinfo=datetime.UTC)
    ChangeLog.objects.create(time=late, action=ChangeLog.Action.EXPORT, object_repr="凌晨导出", request_id="ab" * 16)
    assert (
        "凌晨导出" in auditor.get("/changelog/", {"date_from": "2025-03-02", "date_to": "2025-03-02"}).content.decode()
    )
    assert "凌晨导出" not in auditor.get("/changelog/", {"date_to": "2025-03-01"}).content.decode()
    by_request = rows_of(auditor.get("/changelog/", {"request_id": "ab" * 16}).content.decode())
    assert "凌晨导出" in by_request and "荣昌区电子商务产业园" not in by_request


def test_pages_of_the_log_read_related_objects_once_per_model(world: World, login) -> None:
    """No query per row: 3 or 30 entries naming quota units, regions and people cost the same."""
    ministry = world.user("ministry")
    base = world.bases["rongchang"]
    units, regions = [world.units["50"], world.units["32"]], [world.regions["500153"], world.regions["320105"]]

    def edits(n: int) -> None:
        for i in range(n):
            do_update_base(ministry, base, {"quota_unit": units[i % 2], "region": regions[i % 2]})

    def counted(url: str) -> int:
        client = login("ministry")
        client.get(url)  # warm the session and the content-type cache
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    history = f"/history/registry/base/{base.pk}/"
    edits(3)
    few_page, few_log = counted(history), counted("/changelog/?object_type=registry.base")
    edits(30)
    assert counted(history) == few_page
    assert counted("/changelog/?object_type=registry.base") == few_log
    # Session and user, the object, count and page of its log, the personal-data check, one query
    # each for the quota units and the regions named, the menu's check, the session's renewal (3).
    assert (few_page, few_log) == (12, 10)
