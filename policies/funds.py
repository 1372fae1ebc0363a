"""What a fund holds: the year's amount, what is approved (committed), paid and left; per item."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Q, Sum

from policies.models import COMMITTED, AwardApplication, Fund, LedgerEntry


@dataclass(frozen=True)
class ItemFigures:
    item: str
    approved_fen: int
    paid_fen: int
    awards: int


@dataclass(frozen=True)
class FundFigures:
    amount_fen: int
    approved_fen: int  # approved awards charged to the fund (paid or not)
    paid_fen: int  # net of reversals
    remaining_fen: int  # amount − approved: what new approvals may still use
    unpaid_fen: int  # approved, not yet paid
    items: list[ItemFigures] = field(default_factory=list)


def approved_fen(fund: Fund) -> int:
    """Inside an approval's transaction, after the fund row is locked: the committed total."""
    total = AwardApplication.objects.filter(fund=fund, status__in=COMMITTED).aggregate(s=Sum("approved_amount_fen"))
    return int(total["s"] or 0)


def remaining_fen(fund: Fund) -> int:
    return fund.amount_fen - approved_fen(fund)


def figures(fund: Fund, *, per_item: bool = True) -> FundFigures:
    approved = approved_fen(fund)
    paid = int(LedgerEntry.objects.filter(fund=fund).aggregate(s=Sum("amount_fen"))["s"] or 0)
    items: list[ItemFigures] = []
    if per_item:
        committed = Q(status__in=COMMITTED)
        rows = (
            AwardApplication.objects.filter(fund=fund)
            .values("item")
            .annotate(
                approved=Sum("approved_amount_fen", filter=committed),
                awards=Count("id", filter=committed),
            )
            .order_by("item")
        )
        paid_by_item = dict(
            LedgerEntry.objects.filter(fund=fund)
            .values("application__item")
            .annotate(s=Sum("amount_fen"))
            .values_list("application__item", "s")
        )
        items = [
            ItemFigures(r["item"], int(r["approved"] or 0), int(paid_by_item.get(r["item"]) or 0), r["awards"])
            for r in rows
        ]
    return FundFigures(fund.amount_fen, approved, paid, fund.amount_fen - approved, approved - paid, items)
