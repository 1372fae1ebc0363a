"""A province checks its file of candidates: each row accepted or refused with every reason."""

from __future__ import annotations

import datetime
import io
import re
from typing import Any

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from core import uscc
from portal.testing.world import World
from regions.models import Region
from selection.checks import params_for
from selection.models import Call

pytestmark = pytest.mark.django_db

HEADER = [
    "推荐顺位",
    "园区名称",
    "所在区划代码",
    "运营主体统一社会信用代码",
    "电子商务办公建筑面积（平方米）",
    "投入运营日期",
    "已报材料",
]


def workbook(rows: list[list[Any]]) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(HEADER)
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_jiangsu_prechecks_its_candidates(world: World, login) -> None:
    deadline = datetime.datetime(2099, 2, 28, 15, 59, 59, tzinfo=datetime.UTC)
    call = Call.objects.create(title="第九批", document_no="x", deadline=deadline, status="open")
    Region.objects.create(code="320106", name="鼓楼区", level=3, parent=world.regions["320100"])  # no base yet
    docs = "、".join(item.label for item in params_for().document_kinds.values())
    good = uscc.make("91320105000000001")
    rows: list[list[Any]] = [
        [1, "南京甲园区", "320106", good, 30000, datetime.date(2013, 1, 1), docs],
        [2, "南京乙园区", "320106", good, 20000, datetime.date(2013, 1, 1), docs],  # exactly 20,000: not 大于
        [3, "徐州丙园区", "320311", good, "25000.5", datetime.date(2013, 1, 1), docs],  # 泉山区 has a base
        [4, "南京丁园区", "320106", good, 30000, datetime.date(2013, 1, 1), "本地电子商务发展规划"],
        ["第五", "南京戊园区", "999999", "91320105000000002X", "很大", "去年", docs],
        [5, "南京己园区", "320106", good, 30000, datetime.date(2013, 1, 1), docs],
        [6, "南京庚园区", "320106", good, 30000, datetime.date(2013, 1, 1), docs],
        [7, "南京辛园区", "320106", good, 30000, datetime.date(2013, 1, 1), docs],
    ]
    client = login("prov_js")
    upload = SimpleUploadedFile("candidates.xlsx", workbook(rows))
    page = client.post(f"/selection/calls/{call.pk}/precheck/", {"file": upload}).content.decode()
    body = page.split("预审结果")[-1]
    verdicts = re.findall(r"<tr><td>\d+</td><td>[^<]*</td><td><span[^>]*>(可受理|不予受理)<", body)
    # Rows 1, 5, 6 pass every condition; of them only three places exist; 7 is the fourth eligible.
    assert verdicts == ["可受理", "不予受理", "不予受理", "不予受理", "不予受理", "可受理", "可受理", "不予受理"]
    assert "20,000" in body and "office_area_not_above_minimum" in body
    assert "covered_by_existing_base" in body
    assert "documents_missing" in body and "缺少" in body
    for rule in (
        "「推荐顺位」：须为正整数",
        "「所在区划代码」：区划代码不存在或已停用",
        "「电子商务办公建筑面积（平方米）」：须填写数字",
    ):
        assert rule in body
    assert "outside_quota" in body


def test_only_officials_precheck_and_hostile_files_are_refused(world: World, login) -> None:
    call = Call.objects.create(
        title="第九批", document_no="x", deadline=datetime.datetime(2099, 1, 1, tzinfo=datetime.UTC), status="open"
    )
    assert login("operator_rc").get(f"/selection/calls/{call.pk}/precheck/").status_code == 403
    page = (
        login("prov_js")
        .post(f"/selection/calls/{call.pk}/precheck/", {"file": SimpleUploadedFile("x.exe", b"MZ")})
        .content.decode()
    )
    assert "只接受 .xlsx 或 .csv 文件" in page


def test_the_result_downloads_as_a_workbook(world: World, login) -> None:
    deadline = datetime.datetime(2099, 1, 1, tzinfo=datetime.UTC)
    call = Call.objects.create(title="第九批", document_no="x", deadline=deadline, status="open")
    rows: list[list[Any]] = [[1, "徐州丙园区", "320311", uscc.make("91320311000000001"), 30000, "2013-01-01", ""]]
    response = login("prov_js").post(
        f"/selection/calls/{call.pk}/precheck/",
        {"file": SimpleUploadedFile("c.xlsx", workbook(rows)), "as": "xlsx"},
    )
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    header, first = list(sheet.iter_rows(values_only=True))[:2]
    assert header[:3] == ("行", "园区名称", "结论")
    assert first[0] == 2 and first[2] == "不予受理"
    assert "covered_by_existing_base" in first[3] and "documents_missing" in first[3]


def test_a_workbook_whose_directory_understates_a_part_is_refused_in_words(world: World, login) -> None:
    """Finding 10: the pre-check (page and API) refuses it with the hostile-file message instead of
    handing it to calamine (which failed with a 500)."""
    from rest_framework.test import APIClient

    from core.testing import hostile

    call = Call.objects.create(
        title="第九批", document_no="x", deadline=datetime.datetime(2099, 1, 1, tzinfo=datetime.UTC), status="open"
    )
    data = hostile.understated_xlsx()
    client = APIClient()
    client.force_authenticate(world.users["prov_js"])
    response = client.post(
        f"/api/calls/{call.pk}/precheck/", {"file": SimpleUploadedFile("c.xlsx", data)}, format="multipart"
    )
    assert response.status_code == 400
    assert response.json() == {"file": ["工作簿中的部件实际大小与声明不符，疑似压缩炸弹，已拒绝。"]}
    assert response["X-Error-Code"] == "zip_size"
    page = login("prov_js").post(f"/selection/calls/{call.pk}/precheck/", {"file": SimpleUploadedFile("c.xlsx", data)})
    assert page.status_code in (200, 400)
    assert "疑似压缩炸弹，已拒绝" in page.content.decode()
