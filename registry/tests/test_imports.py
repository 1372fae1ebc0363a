"""Roster and base imports through the pages: real .xlsx/.csv files, real HTTP, real database."""

from __future__ import annotations

import datetime
import io
import re
import zipfile
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from core.models import ChangeLog, Job
from core.testing import hostile
from portal.testing.world import World, code
from regions.models import Region
from registry.imports.columns import ROSTER_COLUMNS
from registry.models import Base, BaseStatus, Enterprise, Residency

pytestmark = pytest.mark.django_db

HEADERS = [c.header for c in ROSTER_COLUMNS[:10]]
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.ECBASE_TASKS_EAGER = True
    return tmp_path


def row(n: int, base: Any = "荣昌区电子商务产业园", **over: Any) -> list[Any]:
    values = {
        "统一社会信用代码": code(100 + n),
        "企业名称": f"荣昌导入测试电子商务有限公司{n}",
        "企业类型": "企业",
        "注册地区代码": "500153",
        "主营业务": "网络零售",
        "是否电商企业": "是",
        "入驻日期": "2023-06-01",
        "年营业收入（万元）": 120.5 + n,
        "从业人数": 10 + n,
        "所在基地": base,
    }
    values.update(over)
    return [values[h] for h in HEADERS]


def xlsx(rows: list[list[Any]], headers: list[str] | None = None) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "入驻企业"
    ws.append(headers or HEADERS)
    for r in rows:
        ws.append(r)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def upload(client: Client, data: bytes, name: str = "roster.xlsx", mode: str = "all_or_none", kind: str = "roster"):
    return client.post(
        f"/imports/{kind}/", {"file": SimpleUploadedFile(name, data, content_type=XLSX_TYPE), "mode": mode}
    )


def job_of(response: Any) -> Job:
    assert response.status_code == 302, getattr(response, "content", b"")[:2000]
    match = re.search(r"/imports/jobs/(\d+)/", response["Location"])
    assert match
    return Job.objects.get(pk=int(match[1]))


def messages(job: Job) -> list[tuple[int, str, str]]:
    return [(e["row"], e["column"], e["message"]) for e in job.result["errors"]]


def test_template_has_headers_and_validation_lists(login: Any) -> None:
    response = login("operator_rc").get("/imports/roster/template.xlsx")
    assert response.status_code == 200
    wb = openpyxl.load_workbook(io.BytesIO(response.content))
    ws = wb.worksheets[0]
    headers = [c.value for c in ws[1]]
    assert headers[:10] == HEADERS
    lists = {str(dv.sqref).split(":")[0]: dv.formula1 for dv in ws.data_validations.dataValidation}
    col = {h: openpyxl.utils.get_column_letter(i + 1) for i, h in enumerate(headers)}
    assert lists[f"{col['是否电商企业']}2"] == '"是,否"'
    assert "个体工商户" in lists[f"{col['企业类型']}2"]
    # The operator's list of bases holds its own base only.
    assert lists[f"{col['所在基地']}2"] == '"荣昌区电子商务产业园"'
    assert "填写说明" in wb.sheetnames


def test_bases_template_is_for_the_ministry_only(login: Any) -> None:
    assert login("ministry").get("/imports/bases/template.xlsx").status_code == 200
    assert login("operator_rc").get("/imports/bases/template.xlsx").status_code == 403
    assert login("bureau_rc").get("/imports/roster/").status_code == 403


def test_good_file_imports_every_row_with_change_log(login: Any, world: World) -> None:
    client = login("operator_rc")
    before_logs = ChangeLog.objects.count()
    page = client.get("/imports/roster/")
    assert "全部正确才导入" in page.content.decode()
    job = job_of(upload(client, xlsx([row(i) for i in range(5)])))
    assert job.status == Job.Status.SUCCEEDED
    assert job.result["created"] == 5 and job.result["residencies"] == 5
    ent = Enterprise.objects.get(credit_code=code(102))
    assert ent.annual_revenue == Decimal("122.50") and ent.employees == 12
    assert ent.region.code == "500153" and ent.category == "enterprise" and ent.is_ecommerce
    assert Residency.objects.get(enterprise=ent).base == world.bases["rongchang"]
    assert Residency.objects.get(enterprise=ent).entered_on == datetime.date(2023, 6, 1)
    creates = ChangeLog.objects.filter(action=ChangeLog.Action.CREATE, actor=world.user("operator_rc"))
    assert creates.count() == 10  # 5 enterprises + 5 residencies
    entry = creates.get(object_id=str(ent.pk), content_type__model="enterprise")
    assert entry.after is not None
    assert entry.after["credit_code"] == code(102) and entry.after["annual_revenue"] == "122.50"
    assert entry.source == ChangeLog.Source.IMPORT
    assert entry.after == ent.snapshot()  # the log holds exactly what was stored (COPY path too)
    stay = Residency.objects.get(enterprise=ent)
    stay_entry = creates.get(object_id=str(stay.pk), content_type__model="residency")
    assert stay_entry.after == stay.snapshot() and stay_entry.object_repr == f"{ent.name} @ 荣昌区电子商务产业园"
    assert ChangeLog.objects.count() - before_logs == 11  # plus one import event
    # The job page shows the outcome; the operator sees the enterprises in its list.
    assert "导入完成" in client.get(f"/imports/jobs/{job.pk}/").content.decode()


def test_reimport_is_idempotent(login: Any) -> None:
    client = login("operator_rc")
    data = xlsx([row(i) for i in range(4)])
    job_of(upload(client, data))
    logs = ChangeLog.objects.exclude(action=ChangeLog.Action.IMPORT).count()
    stamps = list(Enterprise.objects.order_by("pk").values_list("last_updated", flat=True))
    again = job_of(upload(client, data))
    assert again.status == Job.Status.SUCCEEDED
    assert (again.result["created"], again.result["updated"], again.result["unchanged"]) == (0, 0, 4)
    assert again.result["residencies"] == 0
    assert ChangeLog.objects.exclude(action=ChangeLog.Action.IMPORT).count() == logs
    assert list(Enterprise.objects.order_by("pk").values_list("last_updated", flat=True)) == stamps


def test_changed_row_updates_and_logs_before_after(login: Any, world: World) -> None:
    client = login("operator_rc")
    rc1 = world.enterprises["rc1"]
    job = job_of(
        upload(
            client,
            xlsx(
                [
                    row(
                        0,
                        **{
                            "统一社会信用代码": rc1.credit_code,
                            "企业名称": rc1.name,
                            "从业人数": 99,
                            "年营业收入（万元）": "",
                        },
                    )
                ]
            ),
        )
    )
    assert job.result["updated"] == 1 and job.result["residencies"] == 0
    rc1.refresh_from_db()
    assert rc1.employees == 99
    assert rc1.annual_revenue == Decimal("1200.50")  # an empty cell leaves the stored value
    entry = ChangeLog.objects.get(action=ChangeLog.Action.UPDATE, object_id=str(rc1.pk))
    assert entry.before is not None and entry.after is not None
    assert entry.before["employees"] == 25 and entry.after["employees"] == 99
    assert entry.after == rc1.snapshot()


RULES = [
    ("统一社会信用代码", "91500153000000123", "应为 18 位，实为 17 位"),
    ("统一社会信用代码", "91500153000000123I", "不允许的字符"),
    ("统一社会信用代码", None, "校验位错误，应为"),
    ("统一社会信用代码", "", "必填"),
    ("注册地区代码", "990000", "行政区划代码不存在"),
    ("注册地区代码", "500199", "已于 2016 年停用"),
    ("年营业收入（万元）", "很多", "应为数字"),
    ("年营业收入（万元）", -5, "不能为负数"),
    ("从业人数", "十个", "应为数字"),
    ("从业人数", 2.5, "应为整数"),
    ("入驻日期", "2999-01-01", "日期不能晚于今天"),
    ("入驻日期", "去年", "日期无法识别"),
    ("是否电商企业", "也许", "应填写“是”或“否”"),
    ("企业类型", "公司", "应为以下之一"),
    ("所在基地", "不存在的基地", "基地不存在"),
    ("所在基地", "徐州软件园电商基地", "您无权向该基地导入企业"),
    ("企业名称", "", "必填"),
]


@pytest.mark.parametrize(("column", "value", "expected"), RULES)
def test_each_rule_names_row_column_and_rule(login: Any, world: World, column: str, value: Any, expected: str) -> None:
    Region.objects.create(code="500199", name="已撤销县", level=3, since_year=1980, retired_in=2016)
    if value is None:  # a wrong check character
        good = code(777)
        value = good[:17] + ("0" if good[17] != "0" else "1")
    client = login("operator_rc")
    job = job_of(upload(client, xlsx([row(1), row(2, **{column: value}), row(3)])))
    assert job.status == Job.Status.FAILED
    found = messages(job)
    assert len(found) == 1, found
    assert found[0][0] == 3 and found[0][1] == column
    assert found[0][2].startswith(f"第 3 行「{column}」：") and expected in found[0][2]
    assert not Enterprise.objects.filter(credit_code=code(101)).exists()  # all or none
    assert "第 3 行" in client.get(f"/imports/jobs/{job.pk}/").content.decode()


def test_check_character_message_names_the_expected_character(login: Any) -> None:
    good = code(555)
    wrong = good[:17] + ("0" if good[17] != "0" else "1")
    job = job_of(upload(login("operator_rc"), xlsx([row(1, 统一社会信用代码=wrong)])))
    assert messages(job)[0][2] == f"第 2 行「统一社会信用代码」：校验位错误，应为 {good[17]}"


def test_duplicate_within_file_names_both_rows(login: Any) -> None:
    job = job_of(upload(login("operator_rc"), xlsx([row(1), row(2), row(1, 企业名称="重复")])))
    dup = [m for m in messages(job) if "重复" in m[2]]
    assert [m[0] for m in dup] == [2, 4]
    assert all("第 2、4 行" in m[2] for m in dup)


def test_all_or_none_writes_nothing_when_one_row_is_bad(login: Any) -> None:
    client = login("operator_rc")
    enterprises, logs = Enterprise.objects.count(), ChangeLog.objects.count()
    job = job_of(upload(client, xlsx([*[row(i) for i in range(6)], row(9, 从业人数=-1)])))
    assert job.status == Job.Status.FAILED and job.result["written"] is False
    assert Enterprise.objects.count() == enterprises and ChangeLog.objects.count() == logs
    assert job.result["error_count"] == 1


def test_keep_valid_writes_good_rows_and_marks_bad_cells(login: Any) -> None:
    client = login("operator_rc")
    rows = [row(1), row(2, 从业人数="abc", 入驻日期="2999-01-01"), row(3), row(4, 注册地区代码="123456")]
    job = job_of(upload(client, xlsx(rows), mode="keep_valid"))
    assert job.status == Job.Status.SUCCEEDED
    assert job.result["created"] == 2 and job.result["rejected"] == 2
    assert Enterprise.objects.filter(credit_code__in=[code(101), code(103)]).count() == 2
    assert not Enterprise.objects.filter(credit_code__in=[code(102), code(104)]).exists()
    response = client.get(f"/imports/jobs/{job.pk}/errors.xlsx")
    assert response.status_code == 200
    wb = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    ws = wb.worksheets[0]
    headers = [c.value for c in ws[1]]
    assert headers[:10] == HEADERS and headers[-1] == "原行号"
    assert ws.max_row == 3  # header + the two rejected rows
    staff = ws.cell(row=2, column=HEADERS.index("从业人数") + 1)
    assert staff.value == "abc"
    assert staff.fill.fgColor.rgb.endswith("FFC7CE")
    assert "应为数字" in staff.comment.text
    good_cell = ws.cell(row=2, column=HEADERS.index("企业名称") + 1)
    assert good_cell.comment is None and not good_cell.fill.fgColor.rgb.endswith("FFC7CE")
    assert ws.cell(row=2, column=len(headers)).value == 3
    region = ws.cell(row=3, column=HEADERS.index("注册地区代码") + 1)
    assert "行政区划代码不存在" in region.comment.text
    listing = wb["错误清单"]
    assert [c.value for c in listing[1]] == ["行号", "列", "值", "错误说明"]
    assert listing.max_row == 4


def csv_bytes(rows: list[list[Any]], encoding: str) -> bytes:
    lines = [",".join(HEADERS)] + [",".join(str(v) for v in r) for r in rows]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gb18030"])
def test_csv_in_utf8_bom_and_gb18030(login: Any, encoding: str) -> None:
    data = csv_bytes([row(1, 企业名称="榮昌夏布電子商務有限公司"), row(2)], encoding)
    job = job_of(upload(login("operator_rc"), data, name="roster.csv"))
    assert job.status == Job.Status.SUCCEEDED, job.result
    ent = Enterprise.objects.get(credit_code=code(101))
    assert ent.name == "榮昌夏布電子商務有限公司"  # stored as given
    assert ent.name_normalized == "荣昌夏布电子商务有限公司"


def test_traditional_base_name_resolves(login: Any) -> None:
    job = job_of(upload(login("prov_cq"), xlsx([row(1, base="榮昌區電子商務產業園")])))
    assert job.status == Job.Status.SUCCEEDED, job.result


def test_operator_may_leave_base_empty_but_not_name_another(login: Any, world: World) -> None:
    client = login("operator_rc")
    job = job_of(upload(client, xlsx([row(1, base="")])))
    assert job.status == Job.Status.SUCCEEDED
    assert Residency.objects.get(enterprise__credit_code=code(101)).base == world.bases["rongchang"]
    other = job_of(upload(client, xlsx([row(2, base="沙坪坝电商产业园")])))
    assert messages(other) == [(2, "所在基地", "第 2 行「所在基地」：您无权向该基地导入企业")]


def test_operator_cannot_overwrite_enterprise_outside_its_scope(login: Any, world: World) -> None:
    moved = world.enterprises["moved"]  # resident in a Jiangsu base
    job = job_of(upload(login("operator_rc"), xlsx([row(1, 统一社会信用代码=moved.credit_code, 企业名称="改名企图")])))
    assert job.status == Job.Status.FAILED
    assert messages(job)[0][:2] == (2, "统一社会信用代码")
    assert "不在您的管辖范围内" in messages(job)[0][2]
    moved.refresh_from_db()
    assert moved.name == "荣昌外迁电子商务有限公司"
    assert not Residency.objects.filter(enterprise=moved, base=world.bases["rongchang"]).exists()


def test_province_imports_into_its_bases_only(login: Any, world: World) -> None:
    client = login("prov_cq")
    ok = job_of(upload(client, xlsx([row(1, base="沙坪坝电商产业园"), row(2)])))
    assert ok.status == Job.Status.SUCCEEDED and ok.result["created"] == 2
    bad = job_of(upload(client, xlsx([row(3, base="南京建邺电子商务产业园")])))
    assert "您无权向该基地导入企业" in messages(bad)[0][2]


def test_oversize_upload_is_refused(login: Any, settings: Any) -> None:
    settings.ECBASE_MAX_UPLOAD_BYTES = 2000
    response = upload(login("operator_rc"), xlsx([row(i) for i in range(50)]))
    assert response.status_code == 400
    assert "文件超过大小上限" in response.content.decode()
    assert not Job.objects.exists()


def zip_bomb() -> bytes:
    """A valid-looking .xlsx whose sheet unpacks from ~100 KB to 100 MB."""
    buffer = io.BytesIO()
    good = zipfile.ZipFile(io.BytesIO(xlsx([row(1)])))
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as bomb:
        for item in good.infolist():
            if item.filename != "xl/worksheets/sheet1.xml":
                bomb.writestr(item, good.read(item))
        with bomb.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            chunk = b"<row>" + b" " * (1024 * 1024 - 11) + b"</row>"
            for _ in range(100):
                sheet.write(chunk)
    return buffer.getvalue()


def test_zip_bomb_is_refused_before_parsing(login: Any) -> None:
    data = zip_bomb()
    assert len(data) < 1024 * 1024
    response = upload(login("operator_rc"), data)
    assert response.status_code == 400
    assert "疑似压缩炸弹" in response.content.decode()
    assert not Job.objects.exists()


def test_job_is_invisible_to_other_users(login: Any) -> None:
    job = job_of(upload(login("operator_rc"), xlsx([row(1, 从业人数=-3)])))
    assert login("operator_rc").get(f"/imports/jobs/{job.pk}/").status_code == 200
    assert login("ministry").get(f"/imports/jobs/{job.pk}/").status_code == 200
    for other in ("prov_cq", "bureau_rc", "ent_rc1"):
        assert login(other).get(f"/imports/jobs/{job.pk}/").status_code == 404
        assert login(other).get(f"/imports/jobs/{job.pk}/errors.xlsx").status_code == 404


BASE_HEADERS = ["基地名称", "申报单位代码", "所在区划代码", "运营主体", "运营主体统一社会信用代码",
                "电子商务办公建筑面积（平方米）", "投入运营日期", "批次", "认定年份"]  # fmt: skip


def test_ministry_imports_bases_as_candidates_idempotently(login: Any) -> None:
    client = login("ministry")
    rows = [
        ["江苏新建电商园", "32", "320105", "新建运营公司", code(990, "320105"), 20000.5, "2020-01-01", "第五批", ""],
        [
            "沙坪坝电商产业园",
            "50",
            "500106",
            "沙坪坝新运营公司",
            code(902, "500106"),
            35000,
            "2013-05-01",
            "第二批",
            "",
        ],
    ]
    data = xlsx(rows, BASE_HEADERS)
    job = job_of(upload(client, data, kind="bases"))
    assert job.status == Job.Status.SUCCEEDED, job.result
    assert (job.result["created"], job.result["updated"]) == (1, 1)
    new = Base.objects.get(name="江苏新建电商园")
    assert new.status == BaseStatus.CANDIDATE and new.area_m2 == Decimal("20000.50")
    assert Base.objects.get(name="沙坪坝电商产业园").operator_name == "沙坪坝新运营公司"
    again = job_of(upload(client, data, kind="bases"))
    assert (again.result["created"], again.result["updated"], again.result["unchanged"]) == (0, 0, 2)


def test_base_import_rules(login: Any) -> None:
    rows = [["坏基地", "99", "500106", "某公司", "123", -1, "2999-01-01", "", ""]]
    job = job_of(upload(login("ministry"), xlsx(rows, BASE_HEADERS), kind="bases"))
    found = {m[1]: m[2] for m in messages(job)}
    assert "申报单位代码不存在" in found["申报单位代码"]
    assert "应为 18 位" in found["运营主体统一社会信用代码"]
    assert "不能为负数" in found["电子商务办公建筑面积（平方米）"]
    assert "不能晚于今天" in found["投入运营日期"]
    assert not Base.objects.filter(name="坏基地").exists()


# --- Batches: rows are checked and written PROGRESS_EVERY at a time (5,000; 3 here) -------------


@pytest.fixture
def small_batches(monkeypatch: Any) -> None:
    from registry.imports import validate

    monkeypatch.setattr(validate, "PROGRESS_EVERY", 3)


def test_rows_written_in_batches_are_logged_as_stored(login: Any, world: World, small_batches: None) -> None:
    client = login("operator_rc")
    rc1 = world.enterprises["rc1"]
    rows = [row(i) for i in range(8)] + [row(8, 统一社会信用代码=rc1.credit_code, 企业名称=rc1.name, 从业人数=77)]
    job = job_of(upload(client, xlsx(rows)))
    assert job.status == Job.Status.SUCCEEDED, job.result
    assert (job.result["created"], job.result["updated"], job.result["residencies"]) == (8, 1, 8)
    assert job.result["log_rows"] == 17
    assert job.progress == job.total == 9
    for ent in Enterprise.objects.filter(credit_code__in=[code(100 + i) for i in range(8)] + [rc1.credit_code]):
        entries = ChangeLog.objects.filter(object_id=str(ent.pk), content_type__model="enterprise", source="import")
        assert entries.count() == 1 and entries.get().after == ent.snapshot()
    for stay in Residency.objects.filter(enterprise__credit_code__in=[code(100 + i) for i in range(8)]):
        entry = ChangeLog.objects.get(object_id=str(stay.pk), content_type__model="residency", source="import")
        assert entry.after == stay.snapshot()
    again = job_of(upload(client, xlsx(rows)))
    assert (again.result["created"], again.result["updated"], again.result["unchanged"]) == (0, 0, 9)


def test_error_in_a_later_batch_undoes_the_earlier_ones(login: Any, small_batches: None) -> None:
    client = login("operator_rc")
    enterprises, logs = Enterprise.objects.count(), ChangeLog.objects.count()
    rows = [row(i) for i in range(7)] + [row(7, 从业人数=-1)]  # the error is in the third batch
    job = job_of(upload(client, xlsx(rows)))
    assert job.status == Job.Status.FAILED and job.result["written"] is False
    assert (job.result["created"], job.result["residencies"], job.result["log_rows"]) == (0, 0, 0)
    assert messages(job) == [(9, "从业人数", "第 9 行「从业人数」：不能为负数")]
    assert Enterprise.objects.count() == enterprises and ChangeLog.objects.count() == logs


def test_scope_error_in_a_later_batch_undoes_the_earlier_ones(login: Any, world: World, small_batches: None) -> None:
    moved = world.enterprises["moved"]  # resident in a Jiangsu base: not the operator's to change
    rows = [row(i) for i in range(6)] + [row(6, 统一社会信用代码=moved.credit_code, 企业名称="改名企图")]
    job = job_of(upload(login("operator_rc"), xlsx(rows)))
    assert job.status == Job.Status.FAILED and job.result["written"] is False
    assert [m[:2] for m in messages(job)] == [(8, "统一社会信用代码")]
    assert not Enterprise.objects.filter(credit_code=code(100)).exists()


def test_keep_valid_across_batches(login: Any, small_batches: None) -> None:
    rows = [row(0, 入驻日期="去年"), *[row(i) for i in range(1, 7)], row(7, 企业名称="")]
    job = job_of(upload(login("operator_rc"), xlsx(rows), mode="keep_valid"))
    assert job.status == Job.Status.SUCCEEDED
    assert (job.result["created"], job.result["rejected"]) == (6, 2)
    assert [m[0] for m in messages(job)] == [2, 9]
    assert Enterprise.objects.filter(credit_code__in=[code(100 + i) for i in range(1, 7)]).count() == 6


def test_duplicate_rows_in_different_batches_are_both_rejected(login: Any, small_batches: None) -> None:
    rows = [row(1), row(2), row(3), row(4), row(5), row(1, 企业名称="重复")]
    job = job_of(upload(login("operator_rc"), xlsx(rows), mode="keep_valid"))
    assert [m[0] for m in messages(job) if "重复" in m[2]] == [2, 7]
    assert job.result["created"] == 4
    assert not Enterprise.objects.filter(credit_code=code(101)).exists()


@pytest.mark.django_db(transaction=True)
def test_progress_is_visible_while_the_import_transaction_is_open(world: World) -> None:
    """The rows are checked inside the import's transaction (PostgreSQL): the count goes through a
    connection of its own, so that the job page, reading outside, sees it."""
    from django.db import transaction

    from core.tasks import Progress

    job = Job.objects.create(kind="import_roster", owner=world.user("operator_rc"), params={}, total=10_000)
    progress = Progress(job, side=True)
    try:
        with transaction.atomic():
            Enterprise.objects.filter(pk=world.enterprises["rc1"].pk).update(employees=1)  # the transaction writes
            progress(5000)
            assert Job.objects.get(pk=job.pk).progress == 5000
    finally:
        progress.close()
    assert Job.objects.get(pk=job.pk).progress == 5000


def test_credit_codes_checked_at_once_agree_with_the_standard() -> None:
    import random

    from core import uscc

    rnd = random.Random(7)
    alphabet = uscc.ALPHABET + "IOZSVa"
    codes = []
    for _ in range(3000):
        body = rnd.choice("159ANYX0") + "".join(rnd.choice(alphabet) for _ in range(16))
        good = uscc.make(body) if all(c in uscc.ALPHABET for c in body) else body + "0"
        codes.append(good if rnd.random() < 0.5 else good[:17] + rnd.choice(uscc.ALPHABET))
    many = uscc.check_many(codes, normalized=True)
    ok, org_ok = many.ok.tolist(), many.org_code_ok.tolist()
    for text, passed, org in zip(codes, ok, org_ok, strict=True):
        result = uscc.check(text)
        assert passed == (result.ok and result.code == text), text
        if passed:
            assert org == result.org_code_ok, text


def test_yes_and_no_in_the_platform_words(login: Any) -> None:
    """The roster takes the same yes/no words as every file (core.tabular): 是/否, 有/无, √/×,
    Y/N, YES/NO, TRUE/FALSE, 1/0, in any case and full-width."""
    words = {1: "√", 2: "×", 3: "有", 4: "无", 5: "TRUE", 6: "ｎｏ", 7: "y", 8: "0"}
    job = job_of(upload(login("operator_rc"), xlsx([row(n, 是否电商企业=w) for n, w in words.items()])))
    assert job.status == Job.Status.SUCCEEDED, job.result
    stored = dict(
        Enterprise.objects.filter(credit_code__in=[code(100 + n) for n in words]).values_list(
            "credit_code", "is_ecommerce"
        )
    )
    assert stored == {code(100 + n): n in (1, 3, 5, 7) for n in words}


def test_a_workbook_whose_directory_understates_a_part_is_refused_before_any_job(login: Any) -> None:
    """Finding 10: the part declares 1,000 bytes and unpacks to 31 MB; refused up front in words."""
    response = upload(login("operator_rc"), hostile.understated_xlsx())
    assert response.status_code == 400
    assert "实际大小与声明不符，疑似压缩炸弹，已拒绝" in response.content.decode()
    assert not Job.objects.exists()


@pytest.mark.parametrize(
    ("data", "words"),
    [(hostile.csv_with_nul(), "CSV 文件含有二进制内容"), (hostile.csv_utf16(), "CSV 文件为 UTF-16 编码")],
    ids=["nul", "utf16"],
)
def test_a_csv_the_checks_refuse_never_becomes_a_job(login: Any, data: bytes, words: str) -> None:
    """Finding 12: the page runs the CSV checks of the API (core.uploads.check_upload) before it
    creates the job, as docs/imports.md says."""
    response = upload(login("operator_rc"), data, name="roster.csv")
    assert response.status_code == 400
    assert words in response.content.decode()
    assert Job.objects.count() == 0


def test_the_cycle_collector_runs_again_after_an_import(login: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    # An import pauses Python's cycle collector (core.tasks.gc_paused); a server process left
    # without it would grow with every import. It resumes after a good file, a bad file and a crash.
    import gc

    import registry.imports.jobs

    client = login("operator_rc")
    assert gc.isenabled()
    seen: list[bool] = []
    original = registry.imports.jobs.read_table

    def spy(*args: Any, **kwargs: Any) -> Any:
        seen.append(gc.isenabled())
        return original(*args, **kwargs)

    monkeypatch.setattr(registry.imports.jobs, "read_table", spy)
    assert job_of(upload(client, xlsx([row(1)]))).status == Job.Status.SUCCEEDED
    assert job_of(upload(client, xlsx([row(2, 从业人数=-1)]))).status == Job.Status.FAILED
    assert seen == [False, False] and gc.isenabled()

    def crash(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("disk gone")

    monkeypatch.setattr(registry.imports.jobs, "read_table", crash)
    assert job_of(upload(client, xlsx([row(3)]))).status == Job.Status.ERROR
    assert gc.isenabled()
