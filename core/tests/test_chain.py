"""The hash chain over the change log (core.chain): an untouched log verifies clean; a row updated,
deleted or inserted behind the application's back (triggers dropped, raw SQL) is found by
`manage.py verify_chain` and shown on the auditor's page; rows written in bulk are sealed; the
sealer never seals past a row a running transaction may still add (PostgreSQL)."""

from __future__ import annotations

import threading
from typing import Any

import psycopg
import pytest
from django.apps import apps
from django.db import connection, transaction
from django.test import override_settings
from django.utils import timezone

from core import append_only, chain, tasks
from core.audit import audit_context, log_event, save_logged
from core.bulk import BulkWriter
from core.models import ChainCheck, ChainLink, ChangeLog, Job
from core.testing.tamper import behind_the_back, leave_a_gap, verify
from portal.testing.world import World
from regions.models import Region

FORGED = (
    "INSERT INTO core_changelog (id, time, actor_name, source, request_id, action, result, object_id,"
    " object_repr, message) VALUES (%s, %s, 'ministry', 'web', '', 'delete', 'success', '', '伪造的记录', '')"
)


def some_history(world: World, n: int = 3) -> list[ChangeLog]:
    """Log rows as the application writes them: events and an edit with its before/after."""
    rows = [log_event(ChangeLog.Action.EXPORT, object_repr="企业", message=f"导出 {i}") for i in range(n)]
    ent = world.enterprises["rc1"]
    ent.contact_phone = f"139{ChangeLog.objects.count():08d}"  # a new number each time
    entry = save_logged(ent, actor=world.users["operator_rc"], update_fields=["contact_phone"])
    assert entry is not None
    return [*rows, entry]


def links_of(rows: list[ChangeLog]) -> set[int]:
    return set(
        ChainLink.objects.filter(chain="core.changelog", row_id__in=[r.pk for r in rows]).values_list(
            "row_id", flat=True
        )
    )


def auditor_page(login: Any, key: str = "auditor") -> str:
    """The auditor presses 立即校验, confirms, and reads the page (the job runs at once)."""
    client = login(key)
    checks = ChainCheck.objects.count()
    asked = client.post("/changelog/integrity/verify/")
    assert "确定现在校验吗" in asked.content.decode()
    assert ChainCheck.objects.count() == checks  # nothing runs before the confirmation
    with override_settings(ECBASE_TASKS_EAGER=True):
        done = client.post("/changelog/integrity/verify/", {"confirmed": "1"})
    assert done.status_code == 302
    made = ChainCheck.objects.order_by("-id")[0]
    assert ChainCheck.objects.count() == checks + 1 and made.actor is not None and made.actor.username == key
    return client.get("/changelog/integrity/").content.decode()


@pytest.mark.django_db
def test_an_untouched_log_verifies_clean_and_the_page_says_so(world: World, login: Any) -> None:
    rows = some_history(world)
    status, out = verify()
    assert status == 0, out
    assert "校验通过" in out
    assert links_of(rows) == {r.pk for r in rows}  # verify sealed them first
    page = auditor_page(login)
    assert "通过：未发现改动、删除或插入" in page and 'data-ok="1"' in page
    assert ChainCheck.objects.order_by("-id")[0].ok


@pytest.mark.django_db
def test_an_update_of_a_rows_after_behind_the_back_is_found(world: World, login: Any) -> None:
    rows = some_history(world)
    chain.seal()
    edit = rows[-1]
    behind_the_back("UPDATE core_changelog SET after = %s WHERE id = %s", ['{"contact_phone": "13800000000"}', edit.pk])
    status, out = verify()
    assert status == 1
    assert f"操作日志第 {edit.pk} 条记录的内容与封存时不一致" in out
    assert "operator_rc" in out  # the row in words: who did it
    page = auditor_page(login)
    assert f"第 {edit.pk} 条记录的内容与封存时不一致" in page
    assert 'data-kind="changed"' in page and "内容被改动" in page
    assert "core.changelog" not in page  # no internal names


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("time", "2020-01-01 00:00:00+00:00"),
        ("actor_name", "someone"),
        ("ip", "10.9.9.9"),
        ("message", "改过的说明"),
        ("before", None),
    ],
)
def test_every_column_is_covered(world: World, column: str, value: Any) -> None:
    rows = some_history(world)
    chain.seal()
    sql = f"UPDATE core_changelog SET {column} = %s WHERE id = %s"  # noqa: S608  (a column of the test's list)
    behind_the_back(sql, [value, rows[-1].pk])
    status, out = verify()
    assert status == 1 and f"第 {rows[-1].pk} 条记录的内容与封存时不一致" in out


@pytest.mark.django_db
def test_a_deleted_row_is_found(world: World, login: Any) -> None:
    rows = some_history(world)
    chain.seal()
    behind_the_back("DELETE FROM core_changelog WHERE id = %s", [rows[1].pk])
    status, out = verify()
    assert status == 1
    assert f"操作日志第 {rows[1].pk} 条记录已封存，现已不在表中" in out
    assert 'data-kind="deleted"' in auditor_page(login)


@pytest.mark.django_db
def test_a_row_deleted_with_its_link_leaves_a_gap(world: World) -> None:
    rows = some_history(world)
    chain.seal()
    behind_the_back("DELETE FROM core_changelog WHERE id = %s", [rows[1].pk])
    behind_the_back(
        "DELETE FROM core_chainlink WHERE chain = 'core.changelog' AND row_id = %s", [rows[1].pk], ("core_chainlink",)
    )
    status, out = verify()
    assert status == 1
    assert f"第 {rows[0].pk} 条与第 {rows[2].pk} 条之间的记录连同其封存信息被删除" in out


@pytest.mark.django_db
def test_a_forged_row_inserted_among_the_sealed_ones_is_found(world: World, login: Any) -> None:
    before = some_history(world, 2)
    leave_a_gap("core_changelog")  # sequences have gaps: rolled-back transactions, reserved ids
    after = some_history(world, 2)
    chain.seal()
    forged = before[-1].pk + 2
    assert forged < after[0].pk
    behind_the_back(FORGED, [forged, timezone.now()])
    status, out = verify()
    assert status == 1
    assert f"操作日志第 {forged} 条记录不在哈希链中" in out and "伪造的记录" in out
    page = auditor_page(login)
    assert 'data-kind="inserted"' in page and "事后插入的记录" in page


@pytest.mark.django_db
def test_a_forged_row_after_the_last_sealed_one_is_reported_unsealed_without_sealing(world: World) -> None:
    rows = some_history(world, 2)
    chain.seal()
    behind_the_back(FORGED, [rows[-1].pk + 1000, timezone.now()])
    status, out = verify("--no-seal")
    assert status == 0 and "未封存 1 条" in out


@pytest.mark.django_db
def test_a_cut_tail_is_found(world: World) -> None:
    rows = some_history(world)
    chain.seal()
    last = rows[-1].pk
    behind_the_back("DELETE FROM core_changelog WHERE id = %s", [last])
    behind_the_back(
        "DELETE FROM core_chainlink WHERE chain = 'core.changelog' AND row_id = %s", [last], ("core_chainlink",)
    )
    status, out = verify("--no-seal")
    assert status == 1 and f"曾封存至第 {last} 条" in out


@pytest.mark.django_db
def test_rows_resealed_after_their_links_were_removed_are_found(world: World) -> None:
    """Links removed, the row altered, and the sealer run again: the seal records still hold the
    old head, so neither the removal nor the new content pass."""
    rows = some_history(world)
    chain.seal()
    edit = rows[-1]
    behind_the_back(
        "DELETE FROM core_chainlink WHERE chain = 'core.changelog' AND row_id = %s", [edit.pk], ("core_chainlink",)
    )
    behind_the_back("UPDATE core_changelog SET message = 'x' WHERE id = %s", [edit.pk])
    status, out = verify()  # seals first
    assert status == 1 and f"第 {edit.pk} 条记录不在哈希链中" in out


@pytest.mark.django_db
def test_another_key_cannot_verify_and_says_so(world: World) -> None:
    some_history(world)
    chain.seal()
    with override_settings(ECBASE_CHAIN_KEY="another-key"):
        status, out = verify()
    assert status == 1 and "密钥与本系统现在配置的不同" in out


@pytest.mark.django_db
@pytest.mark.parametrize("pipeline", [True, False])
def test_bulk_written_rows_are_sealed_and_verified(world: World, pipeline: bool) -> None:
    first = ChangeLog.objects.order_by("-id").values_list("id", flat=True).first() or 0
    actor = world.users["ministry"]
    rows = [{"code": f"99{i:04d}", "name": f"测试区{i}", "level": 3, "since_year": 2020} for i in range(300)]
    with audit_context(actor=actor), transaction.atomic(), BulkWriter(actor=actor, pipeline=pipeline) as bulk:
        ids = bulk.insert(Region, rows)
        bulk.send()
        stored = [
            {f.attname: getattr(r, f.attname) for f in Region._meta.concrete_fields}
            for r in Region.objects.filter(pk__in=ids[:50])
        ]
        bulk.update(Region, [(s, {"name": s["name"] + "（改）"}) for s in stored])
    written = list(ChangeLog.objects.filter(id__gt=first))
    assert len(written) == 350
    result = chain.seal()
    assert result.sealed["core.changelog"] >= 350
    assert links_of(written) == {r.pk for r in written}
    status, out = verify()
    assert status == 0, out
    behind_the_back("UPDATE core_changelog SET after = NULL WHERE id = %s", [written[100].pk])
    status, out = verify()
    assert status == 1 and f"第 {written[100].pk} 条记录的内容与封存时不一致" in out


@pytest.mark.django_db
def test_the_page_is_for_the_auditor_and_the_ministry(world: World, login: Any) -> None:
    assert "尚未校验过" in login("auditor").get("/changelog/integrity/").content.decode()
    assert login("ministry").get("/changelog/integrity/").status_code == 200
    for key in ("secadmin", "sysadmin", "prov_js", "operator_rc"):
        assert login(key).get("/changelog/integrity/").status_code == 403
        assert login(key).post("/changelog/integrity/verify/", {"confirmed": "1"}).status_code == 403
    assert not ChainCheck.objects.exists()
    assert login("auditor").get("/changelog/integrity/verify/").status_code == 405  # a GET never verifies
    assert "日志完整性校验" in login("auditor").get("/").content.decode()  # in the menu


@pytest.mark.django_db
def test_a_verification_under_way_shows_and_is_not_started_twice(world: World, login: Any) -> None:
    client = login("auditor")
    with override_settings(ECBASE_TASKS_EAGER=False):  # a worker will take it (not in this test)
        client.post("/changelog/integrity/verify/", {"confirmed": "1"})
        again = client.post("/changelog/integrity/verify/", {"confirmed": "1"}, follow=True).content.decode()
    assert "已有一次校验正在进行" in again
    assert Job.objects.filter(kind="verify_chain").count() == 1
    page = client.get("/changelog/integrity/").content.decode()
    assert "校验进行中" in page and 'http-equiv="refresh"' in page


@pytest.mark.django_db
def test_chained_models_hash_every_column_and_are_append_only() -> None:
    specs = chain.chains()
    assert [s.name for s in specs] == ["core.changelog", "policies.ledgerentry"]
    for spec in specs:
        assert set(spec.fields) == {f.attname for f in spec.model._meta.concrete_fields}, spec.name
        assert spec.table in append_only.TABLES
    for table in ("core_chainlink", "core_chainseal", "core_chaincheck"):
        assert table in append_only.TABLES
    assert apps.get_model("core", "ChainLink")._meta.db_table == "core_chainlink"


# --- after commit: jobs seal, the sealer waits for running writers ---------------------------------


def write_rows_job(job: Job) -> None:
    """A background job that writes log rows (core.tasks runs it by its path)."""
    with transaction.atomic(), BulkWriter(actor=job.owner) as bulk:
        bulk.insert(
            Region, [{"code": f"98{i:04d}", "name": f"任务区{i}", "level": 3, "since_year": 2020} for i in range(20)]
        )


@pytest.mark.django_db(transaction=True)
def test_a_background_job_seals_what_it_wrote() -> None:
    from accounts.models import User

    user = User.objects.create(username="jobowner", role="ministry")
    job = Job.objects.create(kind="test", owner=user)
    with override_settings(ECBASE_TASKS_EAGER=False):
        tasks.run(job.pk, "core.tests.test_chain.write_rows_job")
    written = list(ChangeLog.objects.filter(object_repr__startswith="任务区"))
    assert len(written) == 20
    assert links_of(written) == {r.pk for r in written}


def _other_connection() -> psycopg.Connection[Any]:
    s = connection.settings_dict
    return psycopg.connect(
        dbname=s["NAME"], user=s["USER"], password=s["PASSWORD"] or None, host=s["HOST"], port=s["PORT"] or None
    )


@pytest.mark.django_db(transaction=True)
def test_the_sealer_waits_for_a_transaction_holding_a_lower_id() -> None:
    """Transaction A draws an id, B draws the next one and commits first. Sealing B's row then
    would leave A's, when it commits, below the head: an 'inserted' row that nobody forged. The
    sealer waits for A (or leaves both for later), so the chain verifies clean."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has one writer at a time")
    log_event(ChangeLog.Action.EXPORT, object_repr="之前")
    chain.seal()
    with _other_connection() as other:
        inserted = other.execute(
            "INSERT INTO core_changelog (time, actor_name, source, request_id, action, result, object_id, object_repr,"
            " message) VALUES (now(), 'a', 'web', '', 'export', 'success', '', '事务甲', '') RETURNING id"
        ).fetchone()
        assert inserted is not None
        low = inserted[0]
        high = log_event(ChangeLog.Action.EXPORT, object_repr="事务乙")  # committed at once
        assert high.pk > low
        waiting = chain.seal(wait=0.3)
        assert waiting.deferred and not ChainLink.objects.filter(row_id__in=[low, high.pk]).exists()
        finished = threading.Timer(0.3, other.commit)
        finished.start()
        sealed = chain.seal(wait=10)  # waits for A's commit
        finished.join()
    assert not sealed.deferred
    assert set(
        ChainLink.objects.filter(chain="core.changelog", row_id__in=[low, high.pk]).values_list("row_id", flat=True)
    ) == {low, high.pk}
    status, out = verify()
    assert status == 0, out
