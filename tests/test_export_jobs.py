"""A long export becomes a background job (core.exportjobs, run through core.tasks; synchronous in
tests): above ECBASE_EXPORT_JOB_ROWS rows the list answers with the job's page, which shows the
progress and then a download of the same file a direct export gives — the owner's scope, filters
and sort. Only the owner reaches the job and its file. Under the threshold the file comes at once.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import openpyxl
import pytest
from django.test import override_settings

from core.models import ChangeLog, Job
from portal.testing.world import World

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _eager_jobs_media_in_tmp(tmp_path: Path) -> Iterator[None]:
    with override_settings(MEDIA_ROOT=str(tmp_path / "media"), ECBASE_TASKS_EAGER=True, ECBASE_TASKS_RAISE=True):
        yield


def csv_rows(body: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def direct(client, url: str, params: dict[str, str]) -> bytes:
    with override_settings(ECBASE_EXPORT_JOB_ROWS=10_000):
        response = client.get(url, params)
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    return b"".join(response.streaming_content)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_long_export_is_a_job_whose_file_holds_what_the_page_shows(world: World, login, fmt: str) -> None:
    client = login("prov_js")
    params = {"export": fmt, "q": "电子商务", "sort": "-name"}
    with override_settings(ECBASE_EXPORT_JOB_ROWS=1):
        response = client.get("/enterprises/", params)
    job = Job.objects.get(kind="export")
    assert response.status_code == 302 and response["Location"] == f"/exports/{job.pk}/"
    assert job.owner == world.user("prov_js") and job.status == Job.Status.SUCCEEDED
    assert job.progress == job.total == 2  # 徐州彭城 and 荣昌外迁 (resident in 徐州): 江苏's, matching "电子商务"

    page = client.get(f"/exports/{job.pk}/").content.decode()
    assert "已完成" in page and "导出完成，共 2 行。" in page
    assert f'href="/exports/{job.pk}/file/"' in page
    assert "/enterprises/?q=" in page and "sort=-name" in page  # back to the same list

    download = client.get(f"/exports/{job.pk}/file/")
    assert download.status_code == 200
    assert f"filename*=UTF-8''{quote('企业')}-" in download["Content-Disposition"]
    body = b"".join(download.streaming_content)
    expected = direct(client, "/enterprises/", params)
    if fmt == "csv":
        assert csv_rows(body) == csv_rows(expected)
        names = [r[1] for r in csv_rows(body)[1:]]
    else:
        got = openpyxl.load_workbook(io.BytesIO(body))
        want = openpyxl.load_workbook(io.BytesIO(expected))
        assert got.sheetnames == want.sheetnames == ["企业"]
        assert list(got["企业"].values) == list(want["企业"].values)
        names = [r[1] for r in list(got["企业"].values)[1:]]
    assert names == ["荣昌外迁电子商务有限公司", "徐州彭城电子商务有限公司"]  # sorted by name, descending

    logged = ChangeLog.objects.filter(action=ChangeLog.Action.EXPORT, actor_name="prov_js").order_by("id")
    assert "电子商务" in logged[0].message and f"后台任务 {job.pk}" in logged[0].message


def test_only_the_owner_reaches_an_export_job(world: World, login) -> None:
    with override_settings(ECBASE_EXPORT_JOB_ROWS=1):
        login("prov_js").get("/enterprises/", {"export": "csv"})
    job = Job.objects.get(kind="export")
    for account in ("ministry", "prov_cq", "operator_rc"):
        other = login(account)
        assert other.get(f"/exports/{job.pk}/").status_code == 404
        assert other.get(f"/exports/{job.pk}/file/").status_code == 404
    assert login("prov_js").get(f"/exports/{job.pk}/file/").status_code == 200


def test_the_job_reads_the_scope_of_its_owner(world: World, login) -> None:
    with override_settings(ECBASE_EXPORT_JOB_ROWS=0):
        login("bureau_rc").get("/bases/", {"export": "csv", "all_statuses": "on"})
    job = Job.objects.get(kind="export")
    rows = csv_rows(b"".join(login("bureau_rc").get(f"/exports/{job.pk}/file/").streaming_content))
    assert [r[0] for r in rows[1:]] == ["荣昌区电子商务产业园"]


def test_under_the_threshold_the_file_comes_at_once(world: World, login) -> None:
    response = login("ministry").get("/bases/", {"export": "xlsx"})
    assert response.status_code == 200
    assert not Job.objects.filter(kind="export").exists()
    wb = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert wb.sheetnames == ["示范基地"]


def test_the_list_says_when_an_export_will_be_a_job(world: World, login) -> None:
    client = login("ministry")
    with override_settings(ECBASE_EXPORT_JOB_ROWS=3):
        assert "超过 3 行的导出转为后台任务" in client.get("/enterprises/").content.decode()
    assert "转为后台任务" not in client.get("/enterprises/").content.decode()


def test_a_running_job_shows_its_progress_and_no_file_yet(world: World, login) -> None:
    owner = world.user("prov_js")
    job = Job.objects.create(
        kind="export", owner=owner, status=Job.Status.RUNNING, progress=2_000, total=57_600,
        params={"title": "企业", "format": "xlsx", "path": "/enterprises/", "query": "", "filename": "企业.xlsx"},
    )  # fmt: skip
    page = login("prov_js").get(f"/exports/{job.pk}/").content.decode()
    assert '<meta http-equiv="refresh" content="2">' in page
    assert (
        '<progress max="100" value="3">' in page and "2000 / 57,600" in page
    )  # counts group from five digits (docs/lists.md)
    assert "/file/" not in page
    assert login("prov_js").get(f"/exports/{job.pk}/file/").status_code == 404


def test_a_failed_job_says_so_and_offers_no_file(world: World, login, monkeypatch: pytest.MonkeyPatch) -> None:
    from core import exports

    def broken(*args: object, **kwargs: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(exports, "write_csv", broken)
    client = login("prov_js")
    with override_settings(ECBASE_EXPORT_JOB_ROWS=0, ECBASE_TASKS_RAISE=False):
        client.get("/enterprises/", {"export": "csv"})
    job = Job.objects.get(kind="export")
    assert job.status == Job.Status.ERROR
    page = client.get(f"/exports/{job.pk}/").content.decode()
    assert "出错" in page and "处理过程中出现系统错误" in page and "/file/" not in page
    assert client.get(f"/exports/{job.pk}/file/").status_code == 404
