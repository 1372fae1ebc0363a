"""Who sees and does what: the bureau of the pack's district acts on everything of its pack; an
enterprise sees only its own applications, awards, explanations and payments; the ministry and the
province read; everyone else sees nothing. Outside the scope an object is a 404, never a hint."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from policies.actions.awards import do_approve_application, do_attach_evidence
from policies.actions.ledger import do_pay
from policies.models import AwardApplication, Fund, LedgerEntry, PolicyPack
from policies.tests.conftest import api, enterprise_user, orders_claim, other_bureau
from portal.testing.world import World

pytestmark = pytest.mark.django_db


@pytest.fixture
def paid(world: World, pack: PolicyPack, fund: Fund) -> AwardApplication:
    app = orders_claim(world, pack, world.enterprises["rc1"], 20_000)
    do_attach_evidence(world.user("ent_rc1"), app, SimpleUploadedFile("a.pdf", b"%PDF-1.4 x", "application/pdf"))
    bureau = world.user("bureau_rc")
    do_approve_application(bureau, app)
    do_pay(bureau, app, voucher_no="V-9")
    return app


def pages(app: AwardApplication, fund: Fund, pack: PolicyPack) -> list[str]:
    evidence = app.evidence.get()
    return [
        f"/policies/applications/{app.pk}/",
        f"/policies/applications/{app.pk}/evidence/{evidence.pk}/",
        f"/policies/funds/{fund.pk}/",
        f"/policies/packs/{pack.pk}/",
    ]


def test_another_districts_bureau_gets_404_and_sees_nothing(
    world: World, login, paid: AwardApplication, fund: Fund, pack: PolicyPack
) -> None:
    other_bureau(world)
    client = login("bureau_spb")
    for url in pages(paid, fund, pack):
        assert client.get(url).status_code == 404, url
    for step in ("approve", "reject", "pay", "return"):
        assert client.post(f"/policies/applications/{paid.pk}/{step}/", {"reason": "x"}).status_code == 404, step
    assert "重庆荣昌夏布" not in client.get("/policies/applications/").content.decode()
    assert "V-9" not in client.get("/policies/ledger/").content.decode()
    rest = api(world.user("bureau_spb"))
    assert rest.get(f"/api/policies/applications/{paid.pk}/").status_code == 404
    assert rest.post(f"/api/policies/applications/{paid.pk}/approve/", {}).status_code == 404
    entry = LedgerEntry.objects.get()
    assert rest.post(f"/api/policies/ledger/{entry.pk}/reverse/", {"voucher_no": "x", "reason": "x"}).status_code == 404
    assert rest.get("/api/policies/ledger/").json()["count"] == 0
    assert rest.get("/api/policies/funds/").json()["count"] == 0


def test_another_enterprise_gets_404_and_sees_only_its_own(
    world: World, login, paid: AwardApplication, fund: Fund, pack: PolicyPack
) -> None:
    enterprise_user(world, "rc2")
    client = login("ent_rc2")
    for url in pages(paid, fund, pack)[:3]:
        assert client.get(url).status_code == 404, url
    assert client.get(f"/policies/packs/{pack.pk}/").status_code == 200  # its district's policy, in force
    assert "重庆荣昌夏布" not in client.get("/policies/applications/").content.decode()
    assert "V-9" not in client.get("/policies/ledger/").content.decode()
    rest = api(world.user("ent_rc2"))
    assert rest.get(f"/api/policies/applications/{paid.pk}/").status_code == 404
    assert rest.get("/api/policies/applications/").json()["count"] == 0
    assert rest.get("/api/policies/ledger/").json()["count"] == 0
    # The applicant itself sees its application, explanation, payment.
    own = api(world.user("ent_rc1"))
    detail = own.get(f"/api/policies/applications/{paid.pk}/").json()
    assert detail["status"] == "paid" and detail["explanation"]
    assert own.get("/api/policies/ledger/").json()["count"] == 1
    assert login("ent_rc1").get(pages(paid, fund, pack)[1]).status_code == 200  # its evidence file


def test_ministry_and_province_read_others_nothing(
    world: World, login, paid: AwardApplication, fund: Fund, pack: PolicyPack
) -> None:
    for key in ("ministry", "prov_cq"):
        client = login(key)
        for url in pages(paid, fund, pack):
            assert client.get(url).status_code == 200, (key, url)
        assert client.post(f"/policies/applications/{paid.pk}/revoke/", {"reason": "x"}).status_code == 403
        rest = api(world.user(key))
        assert rest.get("/api/policies/ledger/").json()["count"] == 1
        assert rest.post(f"/api/policies/applications/{paid.pk}/approve/", {}).status_code == 403
    js = api(world.user("prov_js"))
    assert js.get(f"/api/policies/applications/{paid.pk}/").status_code == 404
    assert js.get("/api/policies/packs/").json()["count"] == 0
    for key in ("operator_rc", "expert", "auditor", "sysadmin"):
        client = login(key)
        assert client.get(f"/policies/applications/{paid.pk}/").status_code == 404, key
        assert api(world.user(key)).get("/api/policies/applications/").status_code == 403  # no scope at all
        menu = client.get("/").content.decode()
        assert "奖补申请" not in menu and "拨付台账" not in menu, key
    assert "拨付台账" in login("bureau_rc").get("/").content.decode()
    assert "我的奖补申请" in login("ent_rc1").get("/").content.decode()


def test_drafts_stay_with_the_enterprise_and_its_bureau(world: World, pack: PolicyPack, fund: Fund) -> None:
    draft = orders_claim(world, pack, world.enterprises["rc1"], 20_000, submit=False)
    assert api(world.user("ministry")).get(f"/api/policies/applications/{draft.pk}/").status_code == 404
    assert api(world.user("bureau_rc")).get(f"/api/policies/applications/{draft.pk}/").status_code == 200
    # The bureau cannot approve a draft, the enterprise cannot file for another enterprise.
    refused = api(world.user("bureau_rc")).post(f"/api/policies/applications/{draft.pk}/approve/", {}, format="json")
    assert refused.status_code == 400 and "只有已提交待审核的申请可以核准" in refused.content.decode()
    other = api(world.user("ent_rc1")).post(
        "/api/policies/applications/",
        {"pack": pack.pk, "enterprise": world.enterprises["rc2"].pk, "item": "online_orders", "year": 2025},
        format="json",
    )
    assert other.status_code == 403
