"""Sharing what is left of a year's fund among the claims of an approval round (四（五）).

Pure: no ORM, no I/O, no clock; integer fen in, integer fen out, exact (Python integers, no
floating point anywhere). The Django layer (`policies.actions.awards.do_approve_round`) locks the
fund, computes what is left and calls `allocate` inside one transaction.

When the claims of a round fit in what is left, every claim is granted in full, whatever the rule.
When they do not:

- ``pro_rata`` (按比例分配, the pack's default): each claim gets ``available × claim ÷ total``
  rounded down to the fen; the fen left over by the rounding (fewer than the number of claims) go
  one each to the claims with the largest remainders (the largest-remainder method). Ties of
  remainder go to the claim earlier in the round's order. The grants add up to exactly what was
  available, and no claim gets more than it asked.
- ``approval_order`` (按审批顺序): claims are granted in full in the round's order until the fund
  runs out; the first claim that does not fit is granted the remainder (so the fund is used to the
  fen); the claims after it get nothing.
- ``carry_over`` (结转下年度): as ``approval_order``, but the part of each claim that does not fit
  is carried over to the next year's fund (``carried_fen``) instead of being dropped.

The round's order is the caller's: the Django layer orders by submission time, then application id.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass

PRO_RATA = "pro_rata"
APPROVAL_ORDER = "approval_order"
CARRY_OVER = "carry_over"
RULES = (PRO_RATA, APPROVAL_ORDER, CARRY_OVER)


@dataclass(frozen=True)
class Claim:
    key: Hashable  # the application's id, or any label in the YAML cases
    amount_fen: int


@dataclass(frozen=True)
class Grant:
    key: Hashable
    claimed_fen: int
    granted_fen: int
    carried_fen: int = 0  # charged to next year's fund (carry_over only)

    @property
    def dropped_fen(self) -> int:
        return self.claimed_fen - self.granted_fen - self.carried_fen


def _check(claims: Sequence[Claim], available_fen: int, rule: str) -> None:
    if rule not in RULES:
        raise ValueError(f"unknown allocation rule {rule!r}")
    if not isinstance(available_fen, int) or isinstance(available_fen, bool) or available_fen < 0:
        raise ValueError(f"available_fen must be a non-negative integer of fen, got {available_fen!r}")
    keys = set()
    for claim in claims:
        amount = claim.amount_fen
        if not isinstance(amount, int) or isinstance(amount, bool) or amount < 0:
            raise ValueError(f"claim {claim.key!r}: amount_fen must be a non-negative integer of fen, got {amount!r}")
        if claim.key in keys:
            raise ValueError(f"claim {claim.key!r} appears twice in the round")
        keys.add(claim.key)


def allocate(claims: Sequence[Claim], available_fen: int, rule: str) -> list[Grant]:
    """One grant per claim, in the claims' order."""
    _check(claims, available_fen, rule)
    total = sum(c.amount_fen for c in claims)
    if total <= available_fen:
        return [Grant(c.key, c.amount_fen, c.amount_fen) for c in claims]
    if rule == PRO_RATA:
        return _pro_rata(claims, available_fen, total)
    return _in_order(claims, available_fen, carry=rule == CARRY_OVER)


def _pro_rata(claims: Sequence[Claim], available: int, total: int) -> list[Grant]:
    # total > available >= 0, so total > 0 and every share is below its claim.
    shares = [divmod(available * c.amount_fen, total) for c in claims]
    granted = [q for q, _ in shares]
    leftover = available - sum(granted)
    # Largest remainder first; equal remainders: earlier in the round first.
    order = sorted(range(len(claims)), key=lambda i: (-shares[i][1], i))
    for i in order[:leftover]:
        granted[i] += 1
    return [Grant(c.key, c.amount_fen, g) for c, g in zip(claims, granted, strict=True)]


def _in_order(claims: Sequence[Claim], available: int, *, carry: bool) -> list[Grant]:
    left = available
    grants = []
    for c in claims:
        g = min(c.amount_fen, left)
        left -= g
        grants.append(Grant(c.key, c.amount_fen, g, c.amount_fen - g if carry else 0))
    return grants
