"""The award process through the pages: the enterprise reports its facts and files an application
with evidence, the system computes and explains it, the bureau approves within the fund and pays,
the ledger shows the payment and the enterprise reads its award, explanation and payment."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from core.testing.world import World
from policies.models import AwardApplication, AwardStatus, Fund, LedgerEntry, OrderVolume, PolicyPack
from policies.tests.conftest import YEAR

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
