"""The ledger is append-only in the database, and its list pages and API lists cost a fixed number of
queries whatever the number of applications."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from policies.actions.awards import do_approve_application
from policies.actions.ledger import do_pay
from policies.models import AwardApplication, Fund, LedgerEntry, PolicyPack
from policies.tests.conftest import api, enterprise, orders_claim
from portal.testing.world import World

pytestmark = pytest.mark.django_db


def paid_claims(world: World, pack: PolicyPack, start: int, n: int) -> list[AwardApplication]:
    bureau = world.user("bureau_rc")
    out = []
    for i in range(n):
        app = orders_claim(world, pack, enterprise(world, start + i, f"荣昌测试{start + i}电子商务有限公司"), 20_000)
        do_approve_application(bureau, app)
        do_pay(bureau, app, voucher_no=f"V-{start + i}")
        out.append(app)
    return out


def test_ledger_rows_cannot_be_updated_or_deleted_even_with_raw_sql(world: World, pack: PolicyPack, fund: Fund) -> None:
    (app,) = paid_claims(world, pack, 100, 1)
    entry = LedgerEntry.objects.get(application=app)
    for sql in (
        "UPDATE policies_ledgerentry SET amount_fen = 1 WHERE id = %s",
        "DELETE FROM policies_ledgerentry WHERE id = %s",
    ):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [entry.pk])
    with pytest.raises(ValueError):
        entry.save()
    with pytest.raises(ValueError):
        entry.delete()
    with pytest.raises(DatabaseError), transaction.atomic():
        LedgerEntry.objects.filter(pk=entry.pk).update(voucher_no="x")
    with pytest.raises(DatabaseError), transaction.atomic():
        LedgerEntry.objects.all().delete()
    if connection.vendor == "postgresql":
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("TRUNCATE policies_ledgerentry CASCADE")
    stored = LedgerEntry.objects.get(pk=entry.pk)
    assert (stored.amount_fen, stored.voucher_no) == (4_000_000, "V-100")


def test_the_database_refuses_a_second_payment_of_the_same_attempt(world: World, pack: PolicyPack, fund: Fund) -> None:
    (app,) = paid_claims(world, pack, 110, 1)
    entry = LedgerEntry.objects.get(application=app)
    twin = LedgerEntry(
        fund=entry.fund, year=entry.year, application=app, kind="payment", attempt=entry.attempt,
        amount_fen=entry.amount_fen, voucher_no="V-twin",
    )  # fmt: skip
    with pytest.raises(DatabaseError), transaction.atomic():
        twin.save()
    assert LedgerEntry.objects.filter(application=app).count() == 1


@pytest.mark.parametrize(
    ("user", "url"),
    [
        ("bureau_rc", "/policies/applications/"),
        ("bureau_rc", "/policies/applications/?status=paid&year=2025"),
        ("bureau_rc", "/policies/ledger/"),
        ("ministry", "/policies/applications/"),
        ("bureau_rc", "/api/policies/applications/"),
        ("bureau_rc", "/api/policies/ledger/"),
        ("bureau_rc", "/api/policies/funds/"),
    ],
)
def test_list_pages_do_not_grow_with_rows(
    world: World, pack: PolicyPack, fund: Fund, login, user: str, url: str, django_assert_max_num_queries
) -> None:
    from django.test.utils import CaptureQueriesContext

    client = login(user) if not url.startswith("/api/") else api(world.user(user))
    paid_claims(world, pack, 200, 2)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    paid_claims(world, pack, 300, 8)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert response.status_code == 200
    assert len(few.captured_queries) <= 16, [q["sql"][:120] for q in few.captured_queries]


def test_fund_page_and_application_page_are_bounded(
    world: World, pack: PolicyPack, fund: Fund, login, django_assert_max_num_queries
) -> None:
    apps = paid_claims(world, pack, 400, 6)
    client = login("bureau_rc")
    with django_assert_max_num_queries(25):
        assert client.get(f"/policies/funds/{fund.pk}/").status_code == 200
    with django_assert_max_num_queries(40):
        assert client.get(f"/policies/applications/{apps[0].pk}/").status_code == 200
