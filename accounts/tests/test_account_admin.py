"""The system administrator manages accounts (三员分立): creation with a one-time password shown
once and changed at first sign-in, role and scope as User.clean requires them, disabling that ends
sessions and tokens at once, password resets; nobody changes their own role or deletes an account;
every change is logged, and a change to one of the three administrators' accounts says so."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.hashers import check_password
from django.test import Client
from rest_framework.test import APIClient

from accounts.models import ApiToken, User, UserSession
from core.models import ChangeLog
from core.roles import Role
from portal.testing.world import World

pytestmark = pytest.mark.django_db


def create_page(client: Client, **data: str) -> tuple[int, str]:
    form = {"username": "", "display_name": "", "organisation": "", "phone": "", "role": "", "quota_unit": "",
            "region": "", "base": "", "enterprise": "", **data}  # fmt: skip
    response = client.post("/accounts/users/add/", form)
    return response.status_code, response.content.decode()


def one_time_password(page: str) -> str:
    found = re.search(r'data-testid="one-time-password">([^<]+)</code>', page)
    assert found is not None, page[:2000]
    return found.group(1).replace("&amp;", "&").replace("&#x27;", "'")


def test_sysadmin_creates_an_operator_who_must_change_the_one_time_password(world: World, login) -> None:
    status, page = create_page(
        login("sysadmin"), username="op_xz", display_name="徐州运营", organisation="徐州软件园运营公司",
        phone="13912345678", role=Role.OPERATOR, base=str(world.bases["xuzhou"].pk),
    )  # fmt: skip
    assert status == 200 and "初始密码只显示这一次" in page
    password = one_time_password(page)
    user = User.objects.get(username="op_xz")
    # Stored hashed, never in clear; the account is bound to its base and must change the password.
    assert password not in user.password and check_password(password, user.password)
    assert user.base == world.bases["xuzhou"] and user.must_change_password and user.is_active
    entry = ChangeLog.objects.get(action=ChangeLog.Action.CREATE, object_repr="徐州运营")
    assert entry.actor == world.user("sysadmin") and password not in str(entry.after)
    # The account page never shows it again.
    assert password not in login("sysadmin").get(user.get_absolute_url()).content.decode()

    client = Client()
    assert client.post("/accounts/login/", {"username": "op_xz", "password": password}).status_code == 302
    refused = client.get("/bases/")
    assert refused.status_code == 302 and refused["Location"].startswith("/accounts/me/password/")
    assert client.get("/api/bases/").status_code == 403
    page = client.get(refused["Location"]).content.decode()
    assert "初始密码" in page
    # The one-time password cannot be kept as the account's own.
    same = client.post("/accounts/me/password/", {"old_password": password, "new_password1": password,
                                                   "new_password2": password})  # fmt: skip
    assert "最近 5 次使用过的密码" in same.content.decode()
    done = client.post("/accounts/me/password/?next=/bases/", {"old_password": password,
                       "new_password1": "Xuzhou-Base-2026!", "new_password2": "Xuzhou-Base-2026!",
                       "next": "/bases/"})  # fmt: skip
    assert done.status_code == 302 and done["Location"] == "/bases/"
    assert client.get("/bases/").status_code == 200
    user.refresh_from_db()
    assert not user.must_change_password
    assert ChangeLog.objects.filter(action=ChangeLog.Action.UPDATE, actor=user, message="修改初始密码").exists()


def test_the_scope_the_role_needs_is_required_and_named(world: World, login) -> None:
    client = login("sysadmin")
    status, page = create_page(client, username="op2", display_name="无基地", role=Role.OPERATOR)
    assert status == 200 and "角色“基地运营主体”必须指定示范基地。" in page
    status, page = create_page(client, username="bu2", display_name="区县", role=Role.BUREAU, region="999999")
    assert "区划代码 999999 不存在或已停用。" in page
    status, page = create_page(client, username="en2", display_name="企业", role=Role.ENTERPRISE,
                               enterprise="91500153MA00000000")  # fmt: skip
    assert "尚未登记" in page
    assert not User.objects.filter(username__in=["op2", "bu2", "en2"]).exists()
    status, page = create_page(client, username="bu3", display_name="荣昌", role=Role.BUREAU, region="500153",
                               base=str(world.bases["xuzhou"].pk))  # fmt: skip
    bureau = User.objects.get(username="bu3")
    # A scope the role does not use is not kept.
    assert bureau.region == world.regions["500153"] and bureau.base is None
    status, page = create_page(client, username="BU3", display_name="重名", role=Role.EXPERT)
    assert "登录名“BU3”已被使用。" in page


def test_changing_the_role_clears_the_old_scope_and_ends_the_accounts_sessions(world: World, login, password) -> None:
    target = Client()
    target.post("/accounts/login/", {"username": "operator_rc", "password": password})
    assert target.get("/enterprises/").status_code == 200
    operator = world.user("operator_rc")
    client = login("sysadmin")
    form = client.get(f"/accounts/users/{operator.pk}/edit/").content.decode()
    assert 'name="role"' in form
    response = client.post(f"/accounts/users/{operator.pk}/edit/", {
        "display_name": operator.display_name, "organisation": "", "phone": operator.phone, "role": Role.BUREAU,
        "quota_unit": "", "region": "500153", "base": str(operator.base_id), "enterprise": "",
    })  # fmt: skip
    assert response.status_code == 302
    operator.refresh_from_db()
    assert (operator.role, operator.region_id, operator.base_id) == (Role.BUREAU, world.regions["500153"].pk, None)
    entry = ChangeLog.objects.filter(action=ChangeLog.Action.UPDATE, object_id=str(operator.pk)).latest("id")
    assert set(entry.after or ()) >= {"role", "region", "base"} and entry.actor == world.user("sysadmin")
    # Signed out: what the account may see changed.
    assert target.get("/enterprises/").status_code == 302


def test_nobody_changes_their_own_role_or_disables_themselves(world: World, login) -> None:
    sysadmin = world.user("sysadmin")
    client = login("sysadmin")
    form = client.get(f"/accounts/users/{sysadmin.pk}/edit/").content.decode()
    assert re.search(r'<select name="role"[^>]*disabled', form)
    # A forged post of the disabled field changes nothing.
    client.post(f"/accounts/users/{sysadmin.pk}/edit/", {"display_name": "吴强", "role": Role.MINISTRY})
    sysadmin.refresh_from_db()
    assert sysadmin.role == Role.SYSADMIN and sysadmin.display_name == "吴强"
    api = APIClient()
    api.force_authenticate(sysadmin)
    refused = api.patch(f"/api/users/{sysadmin.pk}/", {"role": Role.MINISTRY}, format="json")
    assert refused.status_code == 400 and refused["X-Error-Code"] == "own_role"
    assert "不能修改本人的角色" in refused.json()["role"][0]
    refused = api.patch(f"/api/users/{sysadmin.pk}/", {"is_active": False}, format="json")
    assert refused.status_code == 400 and refused["X-Error-Code"] == "own_account_disable"
    response = client.post(f"/accounts/users/{sysadmin.pk}/disable/")
    assert response.status_code == 302
    sysadmin.refresh_from_db()
    assert sysadmin.is_active and sysadmin.role == Role.SYSADMIN
    # Nobody deletes an account.
    assert api.delete(f"/api/users/{world.user('expert').pk}/").status_code == 403
    assert User.objects.filter(pk=world.user("expert").pk).exists()


def test_disabling_asks_first_then_ends_sessions_and_tokens_and_enabling_undoes(world: World, login, password) -> None:
    target = Client()
    target.post("/accounts/login/", {"username": "bureau_rc", "password": password})
    assert target.get("/bases/").status_code == 200
    token = APIClient().post("/api/auth/token/", {"username": "bureau_rc", "password": password}).json()["token"]
    bureau = world.user("bureau_rc")
    client = login("sysadmin")
    confirm = client.get(f"/accounts/users/{bureau.pk}/disable/")
    assert confirm.status_code == 200 and "确认停用" in confirm.content.decode()
    bureau.refresh_from_db()
    assert bureau.is_active  # asking changed nothing
    assert client.post(f"/accounts/users/{bureau.pk}/disable/").status_code == 302
    bureau.refresh_from_db()
    assert not bureau.is_active
    assert not UserSession.objects.filter(user=bureau).exists() and not ApiToken.objects.filter(user=bureau).exists()
    assert target.get("/bases/").status_code == 302
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert api.get("/api/me/").status_code == 401
    assert Client().post("/accounts/login/", {"username": "bureau_rc", "password": password}).status_code == 200
    entry = ChangeLog.objects.filter(object_id=str(bureau.pk), action=ChangeLog.Action.UPDATE).latest("id")
    assert entry.after == {**entry.after, "is_active": False} and "停用" in entry.message
    assert client.post(f"/accounts/users/{bureau.pk}/enable/").status_code == 302
    assert Client().post("/accounts/login/", {"username": "bureau_rc", "password": password}).status_code == 302


def test_changes_to_the_three_administrators_accounts_are_flagged_for_the_auditor(world: World, login) -> None:
    client = login("sysadmin")
    auditor = world.user("auditor")
    client.post(f"/accounts/users/{auditor.pk}/edit/", {"display_name": "冯磊", "role": Role.AUDITOR})
    client.post(f"/accounts/users/{world.user('expert').pk}/edit/", {"display_name": "专家甲", "role": Role.EXPERT})
    flagged = ChangeLog.objects.get(object_id=str(auditor.pk), action=ChangeLog.Action.UPDATE)
    plain = ChangeLog.objects.get(object_id=str(world.user("expert").pk), action=ChangeLog.Action.UPDATE)
    assert "涉及三员账号" in flagged.message and "涉及三员账号" not in plain.message
    page = login("auditor").get("/changelog/", {"object_type": "accounts.user"}).content.decode()
    assert "涉及三员账号" in page


def test_a_reset_password_is_shown_once_and_must_be_changed(world: World, login, password) -> None:
    ent = world.user("ent_rc1")
    client = login("sysadmin")
    assert client.get(f"/accounts/users/{ent.pk}/reset-password/").status_code == 200
    page = client.post(f"/accounts/users/{ent.pk}/reset-password/").content.decode()
    new = one_time_password(page)
    assert Client().post("/accounts/login/", {"username": "ent_rc1", "password": password}).status_code == 200
    fresh = Client()
    fresh.post("/accounts/login/", {"username": "ent_rc1", "password": new})
    assert fresh.get("/").status_code == 302
    # Not for oneself: one's own password is changed knowing the old one.
    me = world.user("sysadmin")
    assert client.post(f"/accounts/users/{me.pk}/reset-password/").status_code == 302
    assert User.objects.get(pk=me.pk).password == me.password


def test_only_the_system_administrator_manages_accounts(world: World, login) -> None:
    expert = world.user("expert")
    for account in ("secadmin", "auditor", "ministry", "operator_rc"):
        client = login(account)
        assert client.get("/accounts/users/add/").status_code == 403
        assert create_page(client, username="x1", display_name="x", role=Role.EXPERT)[0] == 403
        assert client.get(f"/accounts/users/{expert.pk}/edit/").status_code == 404
        assert client.post(f"/accounts/users/{expert.pk}/disable/").status_code == 404
        assert client.post(f"/accounts/users/{expert.pk}/reset-password/").status_code == 404
    assert not User.objects.filter(username="x1").exists()
    expert.refresh_from_db()
    assert expert.is_active
    # Everyone else reads only their own account.
    rows = login("operator_rc").get("/accounts/users/").content.decode()
    assert "operator_rc" in rows and "bureau_rc" not in rows
    assert login("operator_rc").get(f"/accounts/users/{world.user('bureau_rc').pk}/").status_code == 404


def test_the_api_creates_and_changes_accounts_with_the_same_rules(world: World) -> None:
    api = APIClient()
    api.force_authenticate(world.user("sysadmin"))
    missing = api.post("/api/users/", {"username": "p9", "display_name": "省厅", "role": Role.PROVINCE}, format="json")
    assert missing.status_code == 400 and "必须指定申报单位" in missing.json()["quota_unit"][0]
    created = api.post("/api/users/", {"username": "p9", "display_name": "省厅", "role": Role.PROVINCE,
                                       "quota_unit": "32"}, format="json")  # fmt: skip
    assert created.status_code == 201
    body = created.json()
    user = User.objects.get(username="p9")
    assert check_password(body["initial_password"], user.password) and user.must_change_password
    assert body["scope_display"] == "江苏省" and body["role_display"] == "省级商务主管部门"
    # Shown once: reading the account again does not carry it.
    assert "initial_password" not in api.get(f"/api/users/{user.pk}/").json()
    renamed = api.patch(f"/api/users/{user.pk}/", {"username": "p10"}, format="json")
    assert renamed.status_code == 400 and "创建后不能修改" in renamed.json()["username"][0]
    moved = api.patch(f"/api/users/{user.pk}/", {"role": Role.BUREAU, "region": "320105"}, format="json")
    assert moved.status_code == 200 and moved.json()["quota_unit"] is None and moved.json()["region"] == "320105"
    entries = ChangeLog.objects.filter(object_id=str(user.pk)).order_by("id")
    assert [e.action for e in entries] == [ChangeLog.Action.CREATE, ChangeLog.Action.UPDATE]
    assert all(e.source == ChangeLog.Source.API and e.actor == world.user("sysadmin") for e in entries)
    # The security administrator reads accounts but changes none.
    sec = APIClient()
    sec.force_authenticate(world.user("secadmin"))
    assert sec.get("/api/users/").status_code == 200
    assert sec.patch(f"/api/users/{user.pk}/", {"display_name": "x"}, format="json").status_code == 403
    assert sec.post("/api/users/", {"username": "z", "display_name": "z", "role": "expert"}).status_code == 403
