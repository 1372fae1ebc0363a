"""Concurrency against PostgreSQL, on real connections from parallel threads: approvals racing for a
fund that can hold only some of them never approve more than the fund; payment attempts racing for
one award write one payment.

Skipped on SQLite: SQLite has one writer at a time (every transaction is BEGIN IMMEDIATE here), so
there is no race to prove; the row locks (SELECT … FOR UPDATE) that make this hold are PostgreSQL's."""

from __future__ import annotations

import threading
from collections.abc import Callable
from functools import partial
from typing import Any

import pytest
from django.db import connection, connections

from core.errors import ActionError
from policies.actions.awards import do_approve_application, do_approve_round
from policies.actions.ledger import do_pay
from policies.actions.packs import do_set_fund
from policies.models import AwardApplication, AwardStatus, LedgerEntry, PolicyPack
from policies.tests.conftest import YEAR, enterprise, orders_claim
from portal.testing.world import World

ON_POSTGRESQL = connection.vendor == "postgresql"
pytestmark = [
    pytest.mark.skipif(
        not ON_POSTGRESQL,
        reason="row locks and concurrent writers need PostgreSQL; SQLite serialises every writing transaction",
    ),
    # Real transactions, committed, so that other connections see them (marked only where the tests
    # run: a skipped test has no database to flush).
    *([pytest.mark.django_db(transaction=True)] if ON_POSTGRESQL else []),
]


def race(calls: list[Callable[[], Any]]) -> list[Any]:
    """Run the calls in parallel threads released together; each thread has its own connection.
    Returns each call's result or the ActionError it raised."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(i: int) -> None:
        try:
            barrier.wait()
            results[i] = calls[i]()
        except ActionError as exc:
            results[i] = exc
        except Exception as exc:  # a database error would be a failure of the guarantee: report it
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results


def claims(world: World, pack: PolicyPack, n: int, start: int) -> list[AwardApplication]:
    return [
        orders_claim(world, pack, enterprise(world, start + i, f"荣昌并发{i}电子商务有限公司"), 20_000)
        for i in range(n)
    ]


def test_parallel_approvals_never_exceed_the_fund(world: World, pack: PolicyPack) -> None:
    bureau = world.user("bureau_rc")
    do_set_fund(bureau, pack, YEAR, amount_fen=15_000_000)  # 150,000.00 元: room for three claims of 40,000
    apps = claims(world, pack, 10, 500)
    results = race([partial(do_approve_application, bureau, a) for a in apps])

    refused = [r for r in results if isinstance(r, ActionError)]
    others = [r for r in results if isinstance(r, Exception) and not isinstance(r, ActionError)]
    assert others == []
    assert {r.code for r in refused} == {"fund_exceeded"}
    approved = AwardApplication.objects.filter(status=AwardStatus.APPROVED)
    total = sum(a.approved_amount_fen or 0 for a in approved)
    assert approved.count() == 3 and total == 12_000_000 <= 15_000_000
    assert len(refused) == 7


def test_parallel_rounds_and_approvals_never_exceed_the_fund(world: World, pack: PolicyPack) -> None:
    bureau = world.user("bureau_rc")
    fund = do_set_fund(bureau, pack, YEAR, amount_fen=10_000_000, allocation_rule="pro_rata")  # 100,000.00 元
    apps = claims(world, pack, 8, 600)
    rounds = [apps[0:3], apps[3:6]]
    singles = apps[6:]
    calls: list[Callable[[], Any]] = [partial(do_approve_round, bureau, fund, r) for r in rounds]
    calls += [partial(do_approve_application, bureau, a) for a in singles]
    results = race(calls)
    assert [r for r in results if isinstance(r, Exception) and not isinstance(r, ActionError)] == []
    total = sum(a.approved_amount_fen or 0 for a in AwardApplication.objects.filter(status=AwardStatus.APPROVED))
    assert total <= 10_000_000
    assert total == 10_000_000  # a pro-rata round always uses what is left, to the fen


def test_parallel_payments_pay_once(world: World, pack: PolicyPack) -> None:
    bureau = world.user("bureau_rc")
    do_set_fund(bureau, pack, YEAR)
    (app,) = claims(world, pack, 1, 700)
    do_approve_application(bureau, app)
    results = race([partial(do_pay, bureau, app, voucher_no=f"V-{i}") for i in range(8)])
    paid = [r for r in results if isinstance(r, LedgerEntry)]
    refused = [r for r in results if isinstance(r, ActionError)]
    assert len(paid) == 1 and len(refused) == 7
    assert {r.code for r in refused} == {"already_paid"}
    assert LedgerEntry.objects.filter(application=app).count() == 1
    app.refresh_from_db()
    assert app.status == AwardStatus.PAID
