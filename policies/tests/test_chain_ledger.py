"""The payment ledger's hash chain (core.chain): a payment deleted or its amount changed behind the
application's back (triggers off, raw SQL) is found by `manage.py verify_chain` and shown on the
auditor's page — to the auditor without the money, to the ministry with it."""

from __future__ import annotations

from typing import Any

import pytest

from core import chain
from core.testing.tamper import behind_the_back, verify
from core.tests.test_chain import auditor_page
from policies.models import Fund, LedgerEntry, PolicyPack
from policies.tests.test_process_ledger import paid_claims
from portal.testing.world import World

pytestmark = pytest.mark.django_db


def page_after_checking(login: Any, key: str) -> str:
    return auditor_page(login, key)


def test_a_payment_deleted_behind_the_back_is_found(world: World, pack: PolicyPack, fund: Fund, login: Any) -> None:
    apps = paid_claims(world, pack, 300, 3)
    chain.seal()
    entry = LedgerEntry.objects.get(application=apps[1])
    behind_the_back("DELETE FROM policies_ledgerentry WHERE id = %s", [entry.pk], ("policies_ledgerentry",))
    status, out = verify()
    assert status == 1
    assert f"拨付台账第 {entry.pk} 条记录已封存，现已不在表中" in out
    page = page_after_checking(login, "auditor")
    assert f"拨付台账第 {entry.pk} 条记录已封存，现已不在表中" in page and 'data-kind="deleted"' in page


def test_an_amount_changed_behind_the_back_is_found_and_worded_for_each_reader(
    world: World, pack: PolicyPack, fund: Fund, login: Any
) -> None:
    (app,) = paid_claims(world, pack, 310, 1)
    chain.seal()
    entry = LedgerEntry.objects.get(application=app)
    behind_the_back(
        "UPDATE policies_ledgerentry SET amount_fen = 9900000 WHERE id = %s", [entry.pk], ("policies_ledgerentry",)
    )
    status, out = verify()
    assert status == 1 and f"拨付台账第 {entry.pk} 条记录的内容与封存时不一致" in out
    ministry = page_after_checking(login, "ministry")
    assert f"第 {entry.pk} 条记录的内容与封存时不一致" in ministry and "99,000.00元" in ministry
    auditor = login("auditor").get("/changelog/integrity/").content.decode()
    assert f"第 {entry.pk} 条记录的内容与封存时不一致" in auditor
    assert "99,000.00" not in auditor and "V-310" not in auditor  # the three administrators: no business values


def test_untouched_payments_verify_clean(world: World, pack: PolicyPack, fund: Fund) -> None:
    paid_claims(world, pack, 320, 2)
    status, out = verify()
    assert status == 0, out
    assert "拨付台账：共 2 条，已封存 2 条" in out
