"""core.bulk.BulkWriter: rows of any model and their change log, together or not at all, on
SQLite and on PostgreSQL (run the suite with DATABASE_URL for the latter)."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db import IntegrityError, transaction

from core.audit import audit_context
from core.bulk import BulkWriter, rows_of
from core.models import ChangeLog, ChangeLoggedModel
from portal.testing.world import World
from regions.models import QuotaUnit, Region

pytestmark = pytest.mark.django_db

PIPELINES = [True, False]


def regions(*codes: str, **extra: Any) -> list[dict[str, Any]]:
    return [{"code": c, "name": f"测试区{c}", "level": 3, "since_year": 2020, **extra} for c in codes]


def log_of(obj: ChangeLoggedModel) -> list[ChangeLog]:
    return list(ChangeLog.objects.filter(object_id=str(obj.pk), object_repr=str(obj)).order_by("id"))


@pytest.mark.parametrize("pipeline", PIPELINES)
def test_insert_writes_the_rows_and_one_log_row_each(world: World, pipeline: bool) -> None:
    actor = world.users["ministry"]
    parent = world.regions["500153"]
    context = audit_context(actor=actor, source=ChangeLog.Source.IMPORT, request_id="bulk-test")
    with context, transaction.atomic(), BulkWriter(actor=actor, message="批量写入", pipeline=pipeline) as bulk:
        bulk.reserve(Region, 2)
        ids = bulk.insert(Region, regions("990101", "990102", "990103", parent_id=parent.pk))
    assert bulk.log_rows == 3
    written = Region.objects.filter(code__in=["990101", "990102", "990103"]).order_by("code")
    assert [r.pk for r in written] == ids  # ids in the order of the rows
    for region in written:
        assert region.parent == parent and region.source == ""  # a column left out takes its default
        [entry] = log_of(region)
        assert entry.action == ChangeLog.Action.CREATE and entry.before is None
        assert entry.after == region.snapshot()  # the log holds what was stored
        assert (entry.actor_name, entry.source, entry.request_id, entry.message) == (
            "ministry",
            ChangeLog.Source.IMPORT,
            "bulk-test",
            "批量写入",
        )
        assert abs(region.created - entry.time) < datetime.timedelta(seconds=5)


@pytest.mark.parametrize("pipeline", PIPELINES)
def test_batches_of_one_model_one_after_the_other_are_all_written(world: World, pipeline: bool) -> None:
    with transaction.atomic(), BulkWriter(pipeline=pipeline) as bulk:
        first = bulk.insert(Region, regions("990401", "990402"))
        second = bulk.insert(Region, regions("990403"))  # before the first batch is sent
        bulk.send()
        third = bulk.insert(Region, regions("990404", "990405"))
    assert bulk.log_rows == 5
    codes = dict(Region.objects.filter(pk__in=first + second + third).values_list("pk", "code"))
    assert [codes[pk] for pk in first + second + third] == ["990401", "990402", "990403", "990404", "990405"]


@pytest.mark.parametrize("pipeline", PIPELINES)
def test_update_writes_and_logs_only_rows_that_change(world: World, pipeline: bool) -> None:
    unit = world.units["50"]
    stored = {
        r["id"]: r for r in rows_of(QuotaUnit, QuotaUnit.objects.filter(code__in=["50", "32"]))
    }  # every column, as read
    by_code = {r["code"]: r for r in stored.values()}
    before_32 = QuotaUnit.objects.get(code="32").last_updated
    with transaction.atomic(), BulkWriter(actor=world.users["ministry"], pipeline=pipeline) as bulk:
        changed = bulk.update(
            QuotaUnit,
            [
                (by_code["50"], {"name": "重庆市（改）", "sort_order": 9}),
                (by_code["32"], {"name": by_code["32"]["name"]}),
            ],
        )
    assert changed == 1 and bulk.log_rows == 1
    unit.refresh_from_db()
    assert (unit.name, unit.sort_order) == ("重庆市（改）", 9)
    [entry] = ChangeLog.objects.filter(action=ChangeLog.Action.UPDATE, object_id=str(unit.pk))
    assert (entry.before or {}).get("name") == "重庆市" and entry.after == unit.snapshot()
    assert QuotaUnit.objects.get(code="32").last_updated == before_32  # unchanged: not written
    assert not ChangeLog.objects.filter(action=ChangeLog.Action.UPDATE, object_id=str(by_code["32"]["id"])).exists()


@pytest.mark.parametrize("pipeline", PIPELINES)
def test_a_database_error_leaves_no_row_and_no_log_row(world: World, pipeline: bool) -> None:
    logs = ChangeLog.objects.count()
    with pytest.raises(IntegrityError), transaction.atomic(), BulkWriter(pipeline=pipeline) as bulk:
        bulk.insert(Region, regions("990201", "990202"))
        bulk.update(QuotaUnit, [(rows_of(QuotaUnit, [world.units["50"]])[0], {"name": "不应保存"})])
        bulk.insert(Region, regions("990203", "500153"))  # 500153 exists: the unique code refuses it
    assert not Region.objects.filter(code__in=["990201", "990202", "990203"]).exists()
    assert QuotaUnit.objects.get(code="50").name == "重庆市"
    assert ChangeLog.objects.count() == logs


def test_an_error_of_the_caller_after_the_writes_undoes_them(world: World) -> None:
    logs = ChangeLog.objects.count()
    with pytest.raises(RuntimeError, match="later"), transaction.atomic(), BulkWriter() as bulk:
        bulk.insert(Region, regions("990301"))
        raise RuntimeError("a check failed later")
    assert not Region.objects.filter(code="990301").exists()
    assert ChangeLog.objects.count() == logs


@pytest.mark.django_db(transaction=True)
def test_writes_happen_inside_the_callers_transaction_only() -> None:
    with pytest.raises(RuntimeError, match="atomic"):
        BulkWriter()


def _described_rows(table: str) -> float:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = %s", [table])
        return float(cursor.fetchone()[0])


def test_statistics_are_refreshed_after_a_load_that_changes_a_table_enough(world: World) -> None:
    # The list pages right after an import are planned with the new row counts; a load that is a
    # small part of a large table leaves them as they are (autovacuum's own rule), and so does a
    # small load.
    from django.db import connection

    from core.db import ANALYZE_THRESHOLD, analyze, analyze_after_load

    if connection.vendor != "postgresql":
        assert analyze_after_load({Region: 10**6}) == []
        return
    analyze(Region)
    stored = Region.objects.count()
    assert _described_rows("regions_region") == stored
    with transaction.atomic(), BulkWriter() as bulk:
        bulk.insert(Region, regions(*(f"98{i:04d}" for i in range(stored + 10))))
    assert analyze_after_load({Region: ANALYZE_THRESHOLD - 1}) == []  # too few rows to matter
    assert _described_rows("regions_region") == stored
    assert analyze_after_load({Region: ANALYZE_THRESHOLD}) == ["regions_region"]  # vs what it describes
    assert _described_rows("regions_region") == 2 * stored + 10
    with connection.cursor() as cursor:  # a table whose statistics describe many more rows
        cursor.execute("UPDATE pg_class SET reltuples = %s WHERE relname = 'regions_region'", [ANALYZE_THRESHOLD * 11])
    assert analyze_after_load({Region: ANALYZE_THRESHOLD}) == []


@pytest.mark.django_db(transaction=True)
def test_vacuum_after_a_first_load_marks_every_page_visible() -> None:
    # Index-only scans (a deep page's seek, COUNT over the smallest index) read the table too
    # unless the visibility map says its pages are all visible: the demo seed vacuums what it
    # wrote, as autovacuum would later.
    from django.db import connection

    from core.db import vacuum_analyze

    with transaction.atomic(), BulkWriter() as bulk:
        bulk.insert(Region, regions(*(f"97{i:04d}" for i in range(2000))))
    vacuum_analyze(Region)
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT relpages, relallvisible FROM pg_class WHERE relname = 'regions_region'")
        pages, visible = cursor.fetchone()
    assert pages > 0 and visible == pages
