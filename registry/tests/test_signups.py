"""An enterprise asks for its own account (issue 10): refused when the registry does not know it
or the name does not match, held until the operator of its base (or the district bureau, for an
enterprise in no base) confirms, and then signed in with the password it chose itself."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client

from accounts.models import User
from core.models import ChangeLog
from core.roles import Role
from portal.testing.world import World, code
from registry.models import Enterprise, Residency, Signup, SignupStatus

pytestmark = pytest.mark.django_db
CHOSEN = "Xiabu-Shop-2026!"


def ask(client: Client, world: World, key: str = "rc2", **changes: str):
    ent = world.enterprises[key]
    data = {
        "credit_code": ent.credit_code,
        "enterprise_name": ent.name,
        "contact_name": "李四",
        "contact_phone": "13900001111",
        "username": f"shop_{key}",
        "password": CHOSEN,
        "password2": CHOSEN,
        **changes,
    }
    return client.post("/register/", data, REMOTE_ADDR="10.1.1.1")


def sign_in(username: str) -> Client:
    client = Client()
    client.post("/accounts/login/", {"username": username, "password": CHOSEN})
    return client


def test_the_registry_must_know_the_enterprise_under_that_name(world: World) -> None:
    client = Client()
    page = ask(client, world, credit_code="91500153000000999X").content.decode()
    assert "统一社会信用代码校验未通过" in page or "登记库中没有" in page
    assert "名称与登记库" in ask(client, world, enterprise_name="别的公司").content.decode()
    assert "两次输入的密码不一致" in ask(client, world, password2="Other-Pass-2026!").content.decode()
    assert "密码" in ask(client, world, password="123", password2="123").content.decode()
    assert not Signup.objects.exists()


def test_the_operator_of_its_base_confirms_and_the_enterprise_signs_in(world: World, login) -> None:
    done = ask(Client(), world)
    assert "账号申请已提交" in done.content.decode()
    signup = Signup.objects.get()
    assert signup.status == SignupStatus.PENDING and signup.password != CHOSEN  # hashed
    # Nothing to sign in with until it is confirmed.
    assert sign_in("shop_rc2").get("/enterprises/").status_code == 302
    # A second request for the same enterprise waits for the first.
    assert "待确认" in ask(Client(), world, username="shop_rc2_b").content.decode()

    # Another base's operator, the bureau (the firm is in a base) and the province see nothing to confirm.
    assert login("bureau_rc").get(f"/signups/{signup.pk}/").status_code == 404
    assert login("prov_cq").get(f"/signups/{signup.pk}/").status_code == 404
    operator = login("operator_rc")
    assert "荣昌陶器网络科技有限公司" in operator.get("/signups/").content.decode()
    # Confirming needs the acknowledgement.
    operator.post(f"/signups/{signup.pk}/decide/", {"decision": "confirm"})
    assert Signup.objects.get().status == SignupStatus.PENDING
    operator.post(f"/signups/{signup.pk}/decide/", {"decision": "confirm", "checked": "on"})
    signup.refresh_from_db()
    user = User.objects.get(username="shop_rc2")
    assert (
        signup.status == SignupStatus.CONFIRMED
        and signup.user == user
        and signup.decided_by == world.user("operator_rc")
    )
    assert user.role == Role.ENTERPRISE and user.enterprise == world.enterprises["rc2"] and user.is_active
    assert ChangeLog.objects.filter(action="create", object_id=str(user.pk), actor_name="operator_rc").exists()
    enterprise = sign_in("shop_rc2")
    assert "荣昌陶器网络科技有限公司" in enterprise.get("/enterprises/").content.decode()
    # The enterprise now has an account: a new request is refused.
    assert "该企业已有账号" in ask(Client(), world, username="shop_rc2_c").content.decode()


def test_the_bureau_confirms_an_enterprise_in_no_base_and_may_refuse_with_a_reason(world: World, login) -> None:
    ent = Enterprise.objects.create(
        credit_code=code(77, "500153"),
        name="荣昌独立网店有限公司",
        category="enterprise",
        region=world.regions["500153"],
    )
    world.enterprises["solo"] = ent
    ask(Client(), world, "solo")
    signup = Signup.objects.get()
    assert login("operator_rc").get(f"/signups/{signup.pk}/").status_code == 404
    bureau = login("bureau_rc")
    page = bureau.get(f"/signups/{signup.pk}/").content.decode()
    assert "确认开通" in page
    bureau.post(f"/signups/{signup.pk}/decide/", {"decision": "refuse", "note": ""})
    assert Signup.objects.get().status == SignupStatus.PENDING  # a refusal needs its reason
    bureau.post(f"/signups/{signup.pk}/decide/", {"decision": "refuse", "note": "电话核实非本企业人员"})
    signup.refresh_from_db()
    assert signup.status == SignupStatus.REFUSED and signup.note == "电话核实非本企业人员"
    assert not User.objects.filter(username="shop_solo").exists()
    # Once the firm moves into a base, its operator (not the bureau) confirms its next request.
    Residency.objects.create(enterprise=ent, base=world.bases["rongchang"], entered_on=datetime.date(2026, 1, 1))
    ask(Client(), world, "solo", username="shop_solo2")
    again = Signup.objects.get(status=SignupStatus.PENDING)
    assert login("bureau_rc").get(f"/signups/{again.pk}/").status_code == 404
    assert login("operator_rc").get(f"/signups/{again.pk}/").status_code == 200


def test_requests_without_an_account_are_limited_per_address(world: World) -> None:
    from django.core.cache import cache

    cache.clear()  # the other tests' requests came from the same address
    client = Client()
    for i in range(5):
        ask(client, world, username=f"probe{i}", enterprise_name="不对的名称")
    # Refused requests do not count; accepted ones do — five accepted, then the sixth waits.
    for i, key in enumerate(("rc2", "spb1", "xz1", "nj1", "sy1")):
        ask(client, world, key, username=f"ok{i}user")
    assert Signup.objects.count() == 5
    sixth = ask(client, world, "dl1", username="sixth_user").content.decode()
    assert "请一小时后再试" in sixth and Signup.objects.count() == 5
