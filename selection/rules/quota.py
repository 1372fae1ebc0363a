"""Quotas of notice 767 (一 末段): each quota unit recommends at most its quota, in its own rank order.

原则上每省可申报不超过3个，直辖市、计划单列市和新疆生产建设兵团不超过2个；已有3个以上国家电子商务
示范城市的省可酌情增加1个 — the extra slot counts only when the ministry has approved it (酌情).
A city with separate planning is a unit of its own beside its province (大连 beside 辽宁).
Pure: no Django, no ORM. Plain loops: there are 37 units.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from selection.rules.params import Params


@dataclass(frozen=True)
class UnitRecommendations:
    quota_unit: str
    kind: str  # province, autonomous_region, municipality, separate_planning_city, xpcc
    demo_cities: int  # national e-commerce demonstration cities already in the unit
    extra_approved: bool  # the ministry agreed to the discretionary extra slot
    ranked: Sequence[tuple[str, int]]  # (application_id, rank 1..n)


@dataclass(frozen=True)
class QuotaDecision:
    application_id: str
    quota_unit: str
    rank: int
    inside: bool
    code: str  # within_quota, within_extra_slot, outside_quota
    # Why, with the numbers: {"why": extra_not_approved | too_few_demo_cities | quota_full (outside only),
    # "base", "total", "demo_cities", "min_cities"}; selection.messages renders it in Chinese.
    values: dict[str, Any]


@dataclass(frozen=True)
class UnitQuota:
    base: int
    extra_eligible: bool  # enough demonstration cities for the extra slot
    extra: int  # extra slots that count (eligible and approved)

    @property
    def total(self) -> int:
        return self.base + self.extra


def unit_quota(params: Params, on: datetime.date, kind: str, demo_cities: int, extra_approved: bool) -> UnitQuota:
    by_kind: dict[str, int] = params.value("quota_by_kind", on)
    if kind not in by_kind:
        raise ValueError(f"unknown quota unit kind {kind!r}")
    eligible = kind in params.value("extra_slot_kinds", on) and demo_cities >= int(
        params.value("extra_slot_min_demo_cities", on)
    )
    extra = int(params.value("extra_slot_count", on)) if eligible and extra_approved else 0
    return UnitQuota(int(by_kind[kind]), eligible, extra)


def allocate(units: Sequence[UnitRecommendations], params: Params, on: datetime.date) -> list[QuotaDecision]:
    """Inside or outside quota for every ranked recommendation of every unit.

    Ranks must be exactly 1..n inside a unit (ValueError otherwise); each unit is counted alone.
    """
    decisions: list[QuotaDecision] = []
    min_cities = int(params.value("extra_slot_min_demo_cities", on))
    for unit in units:
        ranks = sorted(rank for _, rank in unit.ranked)
        if ranks != list(range(1, len(ranks) + 1)):
            raise ValueError(f"{unit.quota_unit}: ranks must be 1..{len(ranks)} without gaps or ties, got {ranks}")
        quota = unit_quota(params, on, unit.kind, unit.demo_cities, unit.extra_approved)
        for application_id, rank in sorted(unit.ranked, key=lambda item: item[1]):
            values: dict[str, Any] = {
                "base": quota.base, "total": quota.total, "demo_cities": unit.demo_cities, "min_cities": min_cities,
            }  # fmt: skip
            if rank <= quota.base:
                code, inside = "within_quota", True
            elif rank <= quota.total:
                code, inside = "within_extra_slot", True
            else:
                code, inside = "outside_quota", False
                if (
                    quota.extra_eligible
                    and not unit.extra_approved
                    and rank <= quota.base + int(params.value("extra_slot_count", on))
                ):
                    values["why"] = "extra_not_approved"
                elif unit.kind in params.value("extra_slot_kinds", on) and not quota.extra_eligible:
                    values["why"] = "too_few_demo_cities"
                else:
                    values["why"] = "quota_full"
            decisions.append(QuotaDecision(application_id, unit.quota_unit, rank, inside, code, values))
    return decisions
