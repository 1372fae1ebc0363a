"""Background jobs on a real Celery worker over the machine's Redis (skipped when Redis is absent)."""

from __future__ import annotations

import io
import socket
import time

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from core.models import Job
from portal.testing.world import build_world, code
from registry.imports.jobs import start_import
from registry.models import Enterprise

REDIS = ("127.0.0.1", 6379)


def redis_up() -> bool:
    try:
        with socket.create_connection(REDIS, timeout=1):
            return True
    except OSError:
        return False


pytestmark = [
    pytest.mark.skipif(not redis_up(), reason="no Redis on 127.0.0.1:6379"),
    pytest.mark.xdist_group("celery"),
]


def roster(base_name: str, n: int) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["统一社会信用代码", "企业名称", "注册地区代码", "是否电商企业", "入驻日期", "所在基地"])
    for i in range(n):
        ws.append([code(7000 + i), f"荣昌队列测试{i}电子商务有限公司", "500153", "是", "2024-01-02", base_name])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


@pytest.mark.django_db(transaction=True)
def test_an_import_runs_on_a_celery_worker(tmp_path) -> None:
    from celery.contrib.testing.worker import start_worker

    from ecbase.celery import app

    world = build_world()
    operator = world.user("operator_rc")
    broker = "redis://127.0.0.1:6379/11"
    app.conf.update(broker_url=broker, result_backend=None, task_always_eager=False)
    with (
        override_settings(CELERY_BROKER_URL=broker, ECBASE_TASKS_EAGER=False, MEDIA_ROOT=str(tmp_path)),
        start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10),
    ):
        upload = SimpleUploadedFile("roster.xlsx", roster(world.bases["rongchang"].name, 30))
        job = start_import(operator, "roster", upload, "all_or_none")
        for _ in range(100):
            job.refresh_from_db()
            if job.status not in (Job.Status.PENDING, Job.Status.RUNNING):
                break
            time.sleep(0.1)
    assert job.status == Job.Status.SUCCEEDED, job.result
    assert Enterprise.objects.filter(name__startswith="荣昌队列测试").count() == 30
