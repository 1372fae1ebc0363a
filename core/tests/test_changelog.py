"""The audit trail is append-only at the database level and records sign-ins and exports."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from core.audit import log_event
from core.models import ChangeLog
from portal.testing.world import World

pytestmark = pytest.mark.django_db


def test_log_rows_cannot_be_updated_or_deleted_even_with_raw_sql(world: World) -> None:
    entry = log_event(ChangeLog.Action.EXPORT, object_repr="企业")
    for sql in (
        "UPDATE core_changelog SET actor_name = 'x' WHERE id = %s",
        "DELETE FROM core_changelog WHERE id = %s",
    ):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [entry.pk])
    with pytest.raises(ValueError):
        entry.delete()
    with pytest.raises(ValueError):
        entry.save()
    with pytest.raises(DatabaseError), transaction.atomic():
        ChangeLog.objects.filter(pk=entry.pk).update(actor_name="x")
    with pytest.raises(DatabaseError), transaction.atomic():
        ChangeLog.objects.all().delete()
    assert ChangeLog.objects.get(pk=entry.pk).actor_name == ""


def test_sign_in_and_failed_sign_in_are_logged_with_address(world: World, client, password: str) -> None:
    client.post("/accounts/login/", {"username": "prov_js", "password": "wrong-password"}, REMOTE_ADDR="10.1.2.3")
    client.post("/accounts/login/", {"username": "prov_js", "password": password}, REMOTE_ADDR="10.1.2.3")
    failed = ChangeLog.objects.get(action=ChangeLog.Action.LOGIN_FAILED)
    assert failed.object_repr == "prov_js" and failed.result == ChangeLog.Result.FAILURE and failed.ip == "10.1.2.3"
    ok = ChangeLog.objects.get(action=ChangeLog.Action.LOGIN)
    assert ok.actor_name == "prov_js" and ok.result == ChangeLog.Result.SUCCESS


def test_exports_are_logged_with_their_filters(world: World, login) -> None:
    client = login("prov_js")
    response = client.get("/enterprises/", {"export": "csv", "q": "徐州"})
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "徐州彭城电子商务有限公司" in body
    entry = ChangeLog.objects.get(action=ChangeLog.Action.EXPORT)
    assert entry.actor_name == "prov_js" and "徐州" in entry.message


def test_audit_log_page_is_for_the_auditor_not_for_others(world: World, login) -> None:
    log_event(ChangeLog.Action.EXPORT, object_repr="企业")
    assert login("auditor").get("/changelog/").status_code == 200
    assert login("prov_js").get("/changelog/").status_code == 403
    assert login("sysadmin").get("/changelog/").status_code == 403
    sec = login("secadmin").get("/changelog/").content.decode()
    assert "导出" not in sec.split("<tbody>")[1]  # the security administrator sees sign-in events only
