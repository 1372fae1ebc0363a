"""The award process through the pages: the enterprise reports its facts and files an application
with evidence, the system computes and explains it, the bureau approves within the fund and pays,
the ledger shows the payment and the enterprise reads its award, explanation and payment."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from policies.models import AwardApplication, AwardStatus, Fund, LedgerEntry, OrderVolume, PolicyPack
from policies.tests.conftest import YEAR
from portal.testing.world import World

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def test_enterprise_files_bureau_approves_and_pays_enterprise_reads(
    world: World, login, pack: PolicyPack, fund: Fund
) -> None:
    ent = login("ent_rc1")
    # The enterprise reports its orders of the year (item 5: 2万单以上, 2元/单).
    page = ent.post(
        f"/policies/facts/orders/?enterprise={world.enterprises['rc1'].pk}", {"year": YEAR, "orders": 25000}
    )
    assert page.status_code == 302, text(page)
    assert OrderVolume.objects.get().orders == 25000

    form = ent.get("/policies/applications/new/")
    assert form.status_code == 200 and "线上营销荣昌农特产品" in text(form)
    filed = ent.post(
        "/policies/applications/new/",
        {
            "pack": pack.pk, "item": "online_orders", "year": YEAR, "ref": 0, "note": "2025年线上订单",
            "evidence_label": "订单明细", "evidence": SimpleUploadedFile("orders.pdf", PDF, "application/pdf"),
        },
    )  # fmt: skip
    assert filed.status_code == 302, text(filed)
    app = AwardApplication.objects.get()
    assert app.status == AwardStatus.DRAFT and app.computed_amount_fen == 5_000_000
    detail = text(ent.get(f"/policies/applications/{app.pk}/"))
    assert "50,000.00 元" in detail and "orders.pdf" in detail
    assert "25,000" in detail or "25000" in detail  # the explanation names the orders

    assert ent.post(f"/policies/applications/{app.pk}/submit/").status_code == 302
    app.refresh_from_db()
    assert app.status == AwardStatus.SUBMITTED and app.submitted_at is not None

    bureau = login("bureau_rc")
    listing = text(bureau.get("/policies/applications/", {"status": "submitted"}))
    assert "重庆荣昌夏布电子商务有限公司" in listing
    assert "10,000,000.00" in text(bureau.get(f"/policies/applications/{app.pk}/"))  # the fund's remaining
    assert (
        bureau.post(f"/policies/applications/{app.pk}/approve/", {"amount": "", "note": "材料齐全"}).status_code == 302
    )
    app.refresh_from_db()
    assert app.status == AwardStatus.APPROVED and app.approved_amount_fen == 5_000_000 and app.fund == fund
    fund_page = text(bureau.get(f"/policies/funds/{fund.pk}/"))
    assert "995.00万元" in fund_page  # remaining 9,950,000.00 元

    assert bureau.post(f"/policies/applications/{app.pk}/pay/", {"voucher_no": "RC-2025-0001"}).status_code == 302
    app.refresh_from_db()
    assert app.status == AwardStatus.PAID
    entry = LedgerEntry.objects.get()
    assert entry.amount_fen == 5_000_000 and entry.trace["computed_amount_fen"] == 5_000_000
    assert entry.trace["facts"]["orders"][0]["orders"] == 25000
    ledger = text(bureau.get("/policies/ledger/"))
    assert "RC-2025-0001" in ledger and "50,000.00" in ledger

    # The enterprise sees its award, the explanation and the payment.
    mine = text(ent.get(f"/policies/applications/{app.pk}/"))
    assert "已拨付" in mine and "RC-2025-0001" in mine
    assert "50,000.00" in text(ent.get("/policies/ledger/"))
    kinds = list(app.events.values_list("kind", flat=True))
    assert kinds == ["created", "evidence", "computed", "computed", "submitted", "approved", "paid"]


def test_pack_page_shows_items_and_parameters_with_their_references(world: World, login, pack: PolicyPack) -> None:
    page = text(login("bureau_rc").get(f"/policies/packs/{pack.pk}/", {"year": YEAR}))
    assert "电子商务平台项目建设补助" in page and "四（二）3" in page
    assert "单个平台项目补助上限" in page and "30万元" in page and "2015-07-01" in page
    assert "暂定值" in page  # the district has not fixed the store turnover threshold yet
    assert login("ent_rc1").get(f"/policies/packs/{pack.pk}/").status_code == 200


def test_exports_of_applications_and_ledger(world: World, login, pack: PolicyPack, fund: Fund) -> None:
    from policies.actions.awards import do_approve_application
    from policies.actions.ledger import do_pay
    from policies.tests.conftest import orders_claim

    app = orders_claim(world, pack, world.enterprises["rc1"], 20_000)
    do_approve_application(world.user("bureau_rc"), app)
    do_pay(world.user("bureau_rc"), app, voucher_no="V-X1")
    client = login("bureau_rc")
    rows = b"".join(client.get("/policies/applications/", {"export": "csv"}).streaming_content).decode("utf-8-sig")
    assert (
        "重庆荣昌夏布电子商务有限公司" in rows and "40000.00" in rows
    )  # CSV numbers without separators (docs/lists.md)
    ledger = b"".join(client.get("/policies/ledger/", {"export": "csv"}).streaming_content).decode("utf-8-sig")
    assert "V-X1" in ledger and "4000000" in ledger  # exact fen beside the yuan
    # The parameter version as a person reads it, never the fingerprint programs read.
    for export in (rows, ledger):
        assert "年度适用参数" in export and app.params_version not in export
    assert "合计（扣除冲正）40,000.00 元" in text(client.get("/policies/ledger/"))


def test_the_bureau_files_on_behalf_of_an_enterprise_of_its_district(
    world: World, login, pack: PolicyPack, fund: Fund
) -> None:
    rc1 = world.enterprises["rc1"]
    OrderVolume.objects.create(enterprise=rc1, year=YEAR, orders=30_000)
    bureau = login("bureau_rc")
    form = text(bureau.get("/policies/applications/new/", {"enterprise": rc1.credit_code}))
    assert "重庆荣昌夏布电子商务有限公司 申请奖补" in form
    filed = bureau.post(
        "/policies/applications/new/", {"pack": pack.pk, "enterprise": rc1.pk, "item": "online_orders", "year": YEAR}
    )
    assert filed.status_code == 302
    app = AwardApplication.objects.get()
    assert app.filed_by == world.user("bureau_rc") and app.computed_amount_fen == 6_000_000
    assert "区县商务局代企业提出申请" in text(login("ent_rc1").get(f"/policies/applications/{app.pk}/"))
    # Not for an enterprise outside the district.
    assert (
        bureau.get("/policies/applications/new/", {"enterprise": world.enterprises["xz1"].credit_code}).status_code
        == 404
    )


def test_audit_on_the_page_return_correct_reject_and_revoke(world: World, login, pack: PolicyPack, fund: Fund) -> None:
    from policies.actions.awards import do_approve_application
    from policies.tests.conftest import orders_claim

    app = orders_claim(world, pack, world.enterprises["rc1"], 30_000)  # 60,000.00 元
    bureau = login("bureau_rc")
    page = text(bureau.get(f"/policies/applications/{app.pk}/"))
    assert "更正事实" in page and "核准" in page and "退回" in page
    assert bureau.post(f"/policies/applications/{app.pk}/return/", {"message": ""}, follow=True).status_code == 200
    app.refresh_from_db()
    assert app.status == AwardStatus.SUBMITTED  # nothing returned without saying what to correct
    bureau.post(f"/policies/applications/{app.pk}/return/", {"message": "请补充订单平台导出的明细"})
    app.refresh_from_db()
    assert app.status == AwardStatus.DRAFT and app.decision_note == "请补充订单平台导出的明细"
    ent = login("ent_rc1")
    assert "请补充订单平台导出的明细" in text(ent.get(f"/policies/applications/{app.pk}/"))
    ent.post(f"/policies/applications/{app.pk}/submit/")

    # The bureau finds 21,000 documented orders: corrected on the page, with a reason; recomputed.
    order = OrderVolume.objects.get()
    wrong_field = bureau.post(
        f"/policies/applications/{app.pk}/correct/",
        {"fact": f"orders:{order.pk}", "field": "costs:amount_fen", "value": "1", "reason": "x"},
        follow=True,
    )
    assert "所选字段不属于所选的事实记录" in text(wrong_field)
    bureau.post(
        f"/policies/applications/{app.pk}/correct/",
        {
            "fact": f"orders:{order.pk}",
            "field": "orders:orders",
            "value": "21000",
            "reason": "平台导出明细核实为21000单",
        },
    )
    app.refresh_from_db()
    assert app.computed_amount_fen == 4_200_000 and app.corrections.get().reason == "平台导出明细核实为21000单"
    assert "平台导出明细核实为21000单" in text(ent.get(f"/policies/applications/{app.pk}/"))

    refused = bureau.post(f"/policies/applications/{app.pk}/reject/", {"reason": ""}, follow=True)
    assert "请填写不予核准的理由" in text(refused)
    do_approve_application(world.user("bureau_rc"), app)
    revoked = bureau.post(f"/policies/applications/{app.pk}/revoke/", {"reason": "发现重复享受市级补助"}, follow=True)
    assert "已撤销核准" in text(revoked)
    app.refresh_from_db()
    assert app.status == AwardStatus.REVOKED
    assert 'id="fund-remaining">1,000.00万元' in text(bureau.get(f"/policies/funds/{fund.pk}/"))  # back in the fund
    assert ent.post(f"/policies/applications/{app.pk}/approve/", {"amount": ""}).status_code == 403
