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


def _api(world: World, key: str):
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(world.users[key])
    return client


def test_the_log_masks_phones_for_officials_and_hides_business_values_from_three_admins(world: World, login) -> None:
    """Issue 10, finding 6: the auditor read contact phones and revenue in the API's snapshots
    (403 on the enterprises themselves), the ministry full phones."""
    ent = world.enterprises["rc1"]
    changed = _api(world, "operator_rc").patch(
        f"/api/enterprises/{ent.pk}/", {"contact_phone": "13911112222", "annual_revenue": "4321.5"}, format="json"
    )
    assert changed.status_code == 200, changed.content
    query = {"object_type": "registry.enterprise", "action": "update"}

    auditor = _api(world, "auditor").get("/api/changelog/", query)
    assert auditor.status_code == 200 and auditor.json()["results"]
    body = auditor.content.decode()
    assert "13911112222" not in body and "139****2222" not in body and "4321" not in body
    entry = auditor.json()["results"][0]
    assert entry["actor_text"] and {c["label"] for c in entry["changes"]} >= {"联系电话"}
    assert {c["after"] for c in entry["changes"]} == {"（不向本角色显示）"}
    assert set(entry["after"].values()) == {"（不向本角色显示）"}

    ministry = _api(world, "ministry").get("/api/changelog/", query).json()["results"][0]
    assert ministry["after"]["contact_phone"] == "139****2222"
    assert "13911112222" not in str(ministry["changes"]) and "139****2222" in str(ministry["changes"])

    page = login("auditor").get("/changelog/", query).content.decode()
    assert "联系电话" in page and "13911112222" not in page and "139****2222" not in page and "4321" not in page
    assert "13911112222" not in login("ministry").get("/changelog/", query).content.decode()


def test_the_auditor_reads_what_the_administrators_did_to_accounts(world: World) -> None:
    """Accounts are what the three administrators run: their changes stay readable, phones masked."""
    from core.audit import save_logged

    user = world.users["prov_js"]
    user.organisation, user.phone = "江苏省商务厅电子商务处", "13700001111"
    save_logged(user, actor=world.users["sysadmin"], update_fields=["organisation", "phone"])
    entry = _api(world, "auditor").get("/api/changelog/", {"object_type": "accounts.user"}).json()["results"][0]
    shown = {c["label"]: c["after"] for c in entry["changes"]}
    assert shown["单位"] == "江苏省商务厅电子商务处" and shown["手机号码"] == "137****1111"
