"""Facts from the database as the contract's frames (`policies.rules.facts`): one query per kind for
a whole population, never one per enterprise.

The population of a pack is every enterprise registered in its district or resident (ever) in a
base located there; `gather(pack, enterprise_ids)` narrows it to some enterprises (an application,
a round). Derived facts:

- ``registered_in_district``: the enterprise's registration region (`Enterprise.region`) lies in the
  pack's district (its GB/T 2260 code starts with the district's prefix);
- ``ecommerce``: `Enterprise.is_ecommerce` (otherwise a traditional enterprise, 传统企业);
- ``association``: an industry association (行业协会) is a social organisation registered with the
  civil affairs authority: its credit code starts with 51 (GB 32100-2015: 5 民政, 1 社会团体);
- residencies: `registry.Residency` rows in bases whose region lies in the district. The registry's
  exit date is the last day of residence (inclusive, docs/architecture.md "Date semantics");
- rates: per cent with four decimals in the database, integer ppm in the frames (× 10,000, exact).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Collection, Iterable
from decimal import Decimal
from typing import Any

import polars as pl
from django.db.models import Q, QuerySet

from policies.models import (
    BrandRecognition,
    CaseAward,
    DemoRecognition,
    FlagshipStore,
    Loan,
    OrderVolume,
    OtherSubsidy,
    OutstandingSelection,
    ParkCost,
    PlatformProject,
    PolicyPack,
    TrainingRecord,
    TransactionVolume,
)
from policies.rules.facts import SCHEMAS, Facts
from registry.models import Enterprise, Residency

ASSOCIATION_PREFIX = "51"


def _ppm(percent: Decimal | None) -> int | None:
    if percent is None:
        return None
    value = percent * 10_000
    if value != value.to_integral_value():
        raise ValueError(f"rate {percent}% is finer than 0.0001 %")
    return int(value)


# kind -> (model, [(frame column, model field path)], post-processing of a row tuple)
Columns = list[tuple[str, str]]
KINDS: dict[str, tuple[type[Any], Columns]] = {
    "costs": (
        ParkCost,
        [("enterprise", "enterprise_id"), ("kind", "cost_kind"), ("period_start", "period_start"),
         ("period_end", "period_end"), ("amount_fen", "amount_fen")],
    ),
    "projects": (
        PlatformProject,
        [("project", "pk"), ("enterprise", "enterprise_id"), ("year", "year"),
         ("investment_fen", "investment_fen"), ("own_funds", "own_funds")],
    ),
    "stores": (
        FlagshipStore,
        [("store", "pk"), ("enterprise", "enterprise_id"), ("platform", "platform"), ("opened_on", "opened_on"),
         ("newly_opened", "newly_opened"), ("running_normally", "running_normally"),
         ("year_turnover_fen", "year_turnover_fen"), ("year_operating_cost_fen", "year_operating_cost_fen")],
    ),
    "outstanding": (
        OutstandingSelection, [("enterprise", "enterprise_id"), ("year", "year"), ("rank", "rank")],
    ),
    "brands": (
        BrandRecognition,
        [("brand", "pk"), ("enterprise", "enterprise_id"), ("year", "year"), ("kind", "brand_kind"),
         ("amount_fen", "amount_fen")],
    ),
    "orders": (OrderVolume, [("enterprise", "enterprise_id"), ("year", "year"), ("orders", "orders")]),
    "transactions": (
        TransactionVolume, [("enterprise", "enterprise_id"), ("year", "year"), ("amount_fen", "amount_fen")],
    ),
    "demo_titles": (
        DemoRecognition, [("enterprise", "enterprise_id"), ("year", "year"), ("level", "level"), ("rank", "rank")],
    ),
    "case_awards": (
        CaseAward,
        [("case", "pk"), ("enterprise", "enterprise_id"), ("year", "year"), ("item", "item"),
         ("amount_fen", "amount_fen"), ("decision_no", "decision_no")],
    ),
    "training": (
        TrainingRecord,
        [("enterprise", "enterprise_id"), ("year", "year"), ("trainees", "trainees"), ("cost_fen", "cost_fen")],
    ),
    "loans": (
        Loan,
        [("loan", "pk"), ("enterprise", "enterprise_id"), ("principal_fen", "principal_fen"),
         ("loan_date", "loan_date"), ("repaid_on", "repaid_on"), ("actual_rate_ppm", "actual_rate"),
         ("benchmark_rate_ppm", "benchmark_rate"), ("recognised", "recognised"), ("own_business", "own_business")],
    ),
    "other_subsidies": (
        OtherSubsidy,
        [("enterprise", "enterprise_id"), ("year", "year"), ("item", "item"), ("source", "source")],
    ),
}  # fmt: skip
CONVERT: dict[str, Callable[[Any], Any]] = {"actual_rate_ppm": _ppm, "benchmark_rate_ppm": _ppm}


def population(pack: PolicyPack) -> QuerySet[Enterprise, Any]:
    """Ids of the enterprises a pack concerns (a subquery)."""
    prefix = pack.region.prefix
    resident = Residency.objects.filter(base__region__code__startswith=prefix).values("enterprise_id")
    return Enterprise.objects.filter(Q(region__code__startswith=prefix) | Q(pk__in=resident)).values("pk")


def _frame(kind: str, columns: list[str], rows: Iterable[tuple[Any, ...]]) -> pl.DataFrame:
    schema = SCHEMAS[kind]
    converters = [CONVERT.get(c) for c in columns]
    data = [tuple(f(v) if f else v for f, v in zip(converters, row, strict=True)) for row in rows]
    return pl.DataFrame(data, schema={c: schema[c] for c in columns}, orient="row")


def gather(pack: PolicyPack, enterprise_ids: Collection[int] | None = None) -> Facts:
    """Every kind of fact for the pack's population (or the given enterprises of it)."""
    prefix = pack.region.prefix
    ids: Any = population(pack) if enterprise_ids is None else list(enterprise_ids)
    enterprises = (
        (pk, name, (code or "").startswith(prefix), bool(ecommerce), (credit or "").startswith(ASSOCIATION_PREFIX))
        for pk, name, code, ecommerce, credit in Enterprise.objects.filter(pk__in=ids)
        .order_by("pk")
        .values_list("pk", "name", "region__code", "is_ecommerce", "credit_code")
    )
    frames: dict[str, pl.DataFrame] = {
        "enterprises": _frame(
            "enterprises", ["enterprise", "name", "registered_in_district", "ecommerce", "association"], enterprises
        ),
        "residencies": _frame(
            "residencies",
            ["enterprise", "entered_on", "left_on"],
            Residency.objects.filter(enterprise_id__in=ids, base__region__code__startswith=prefix)
            .order_by("enterprise_id", "entered_on")
            .values_list("enterprise_id", "entered_on", "left_on"),
        ),
    }
    for kind, (model, columns) in KINDS.items():
        names = [c for c, _ in columns]
        fields = [f for _, f in columns]
        rows = model.objects.filter(enterprise_id__in=ids).order_by("enterprise_id", "pk").values_list(*fields)
        frames[kind] = _frame(kind, names, rows)
    return Facts(**frames)


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def facts_of(facts: Facts, enterprise_id: int) -> dict[str, list[dict[str, Any]]]:
    """The rows of one enterprise, every kind that has any, as JSON (kept on the application and
    copied into the ledger: the facts behind the money)."""
    out: dict[str, list[dict[str, Any]]] = {}
    for kind in SCHEMAS:
        frame: pl.DataFrame = getattr(facts, kind)
        rows = frame.filter(pl.col("enterprise") == enterprise_id).to_dicts()
        if rows:
            out[kind] = [{k: _jsonable(v) for k, v in row.items()} for row in rows]
    return out
