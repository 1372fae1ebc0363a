"""Adapter between the applications in the database and the pure rules engine of notice 767."""

from __future__ import annotations

import dataclasses
import datetime
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import polars as pl
from django.utils import timezone

from regions.models import QuotaUnit
from registry.models import PUBLIC_STATUSES, Base
from selection.models import Application
from selection.rules.conditions import evaluate, results
from selection.rules.params import Params, load_params


def params_for(application: Application | None = None) -> Params:
    """The call's parameters; every call so far runs on notice 767's file."""
    return load_params()


def coverage() -> dict[int, set[int]]:
    """region id -> ids of the bases (designated, warned or rectifying) that cover it."""
    covering: dict[int, set[int]] = defaultdict(set)
    bases = Base.objects.filter(status__in=PUBLIC_STATUSES).prefetch_related("covered_regions")
    for base in bases:
        covering[base.region_id].add(base.pk)
        for region in base.covered_regions.all():
            covering[region.pk].add(base.pk)
    return covering


@dataclass(frozen=True)
class Candidate:
    """What the engine is given for one application: a saved one, or values typed into a form."""

    key: int
    quota_unit: QuotaUnit
    base: Base
    area_m2: Decimal | None
    operating_since: datetime.date | None
    submitted_at: datetime.datetime
    documents: frozenset[str]


def documents_of(applications: Sequence[Application], params: Params | None = None) -> dict[int, frozenset[str]]:
    """Document kinds each application has: the files uploaded, plus the roster of resident
    enterprises when its base has at least one current resident in the registry (the roster is
    linked, not retyped; an uploaded roster file counts too)."""
    from selection.roster import ROSTER_KIND, linked_bases

    kinds = (params or params_for()).document_kinds
    linked = linked_bases(a.base_id for a in applications) if ROSTER_KIND in kinds else set()
    return {
        a.pk: frozenset({d.kind for d in a.documents.all()} | ({ROSTER_KIND} if a.base_id in linked else set()))
        for a in applications
    }


def candidates(applications: Sequence[Application], at: datetime.datetime) -> list[Candidate]:
    docs = documents_of(applications)
    return [
        Candidate(
            key=app.pk,
            quota_unit=app.quota_unit,
            base=app.base,
            area_m2=app.area_m2,
            operating_since=app.operating_since,
            submitted_at=app.submitted_at or at,
            documents=docs[app.pk],
        )
        for app in applications
    ]


def frame(items: Sequence[Candidate]) -> pl.DataFrame:
    covering = coverage()
    rows: list[dict[str, Any]] = []
    for c in items:
        others = covering.get(c.base.region_id, set()) - {c.base.pk}
        rows.append(
            {
                "application_id": c.key,
                "quota_unit": c.quota_unit.code,
                "quota_kind": c.quota_unit.kind,
                "operating_since": c.operating_since,
                "submitted_at": c.submitted_at,
                "area_m2": None if c.area_m2 is None else str(c.area_m2),
                "operator_credit_code": c.base.operator_credit_code,
                "covered_by_existing_base": bool(others),
                "documents": sorted(c.documents),
            }
        )
    return pl.DataFrame(
        rows,
        schema={
            "application_id": pl.Int64,
            "quota_unit": pl.String,
            "quota_kind": pl.String,
            "operating_since": pl.Date,
            "submitted_at": pl.Datetime(time_zone="UTC"),
            "area_m2": pl.String,
            "operator_credit_code": pl.String,
            "covered_by_existing_base": pl.Boolean,
            "documents": pl.List(pl.String),
        },
    )


def evaluate_candidates(call: Any, items: Sequence[Candidate]) -> dict[int, list[dict[str, Any]]]:
    """The computed conditions of the call for each candidate (keyed by `Candidate.key`)."""
    if not items:
        return {}
    from selection.messages import condition_message

    params = params_for()
    evaluated = evaluate(frame(items), params, on=call.deadline.date(), deadline=call.deadline)
    return {
        int(row["application_id"]): [
            {**dataclasses.asdict(r), "message": condition_message(r, params)} for r in results(row)
        ]
        for row in evaluated.iter_rows(named=True)
    }


def check(applications: Sequence[Application], at: datetime.datetime | None = None) -> dict[int, list[dict[str, Any]]]:
    """The computed conditions for each application, as stored on it and shown on its page."""
    if not applications:
        return {}
    return evaluate_candidates(applications[0].call, candidates(applications, at or timezone.now()))


@dataclasses.dataclass(frozen=True)
class Placed:
    """A recommendation's place against its unit's quota, with the sentence that explains it."""

    inside: bool
    code: str
    rank: int
    message: str


def allocate_ranked(call: Any, ranked: Sequence[tuple[Any, int, int]], params: Params) -> dict[int, Placed]:
    """Inside or outside its unit's quota for each (quota unit, rank, key): each unit counts alone,
    in its rank order (gaps such as 1, 3 keep their order). The ministry's consent to the
    discretionary extra slot (酌情增加) is kept per call in `params["extra_slot_units"]`."""
    from regions.models import DemoCity
    from selection.rules.quota import UnitRecommendations, allocate

    by_unit: dict[Any, list[tuple[int, int]]] = defaultdict(list)
    for unit, rank, key in ranked:
        by_unit[unit].append((rank, key))
    approved = set(call.params.get("extra_slot_units", []))
    units = []
    for unit, items in by_unit.items():
        prefix = unit.region.prefix if unit.region is not None else "-"
        cities = DemoCity.objects.filter(region__code__startswith=prefix, revoked_in__isnull=True).count()
        order = [key for _rank, key in sorted(items)]
        units.append(
            UnitRecommendations(
                quota_unit=unit.code,
                kind=unit.kind,
                demo_cities=cities,
                extra_approved=unit.code in approved,
                ranked=[(str(key), i) for i, key in enumerate(order, start=1)],
            )
        )
    from selection.messages import quota_message

    return {
        int(d.application_id): Placed(d.inside, d.code, d.rank, quota_message(d))
        for d in allocate(units, params, call.deadline.date())
    }


def quota_decisions(call: Any, applications: Sequence[Application]) -> dict[int, Placed]:
    """The quota decision for every recommended or submitted application of the call."""
    from selection.models import ApplicationStatus

    ranked = [
        (a.quota_unit, a.province_rank, a.pk)
        for a in applications
        if a.province_rank is not None and a.status in (ApplicationStatus.RECOMMENDED, ApplicationStatus.SUBMITTED)
    ]
    return allocate_ranked(call, ranked, params_for()) if ranked else {}


def live_check(
    call: Any,
    base: Base,
    *,
    area_m2: Decimal | None,
    operating_since: datetime.date | None,
    application: Application | None = None,
) -> tuple[list[dict[str, Any]], Any]:
    """The computed conditions and the quota for values typed into a form, nothing saved.

    Values are judged as if submitted at the call's deadline (the last moment a submission is
    accepted): a condition refused here is refused on any submission in time. The deadline itself
    is therefore not a result of the live check. The quota places the application after the unit's
    current recommendations (or at its own rank once recommended)."""
    from selection.models import ApplicationStatus
    from selection.roster import ROSTER_KIND, linked_bases

    key = application.pk if application is not None else 0
    if application is not None:
        documents = documents_of([application])[application.pk]
    else:
        linked = ROSTER_KIND in params_for().document_kinds and bool(linked_bases([base.pk]))
        documents = frozenset({ROSTER_KIND} if linked else set())
    unit = QuotaUnit.objects.select_related("region").get(pk=base.quota_unit_id)
    item = Candidate(key, unit, base, area_m2, operating_since, call.deadline, documents)
    found = [c for c in evaluate_candidates(call, [item])[key] if c["condition"] != "deadline"]

    others = (
        Application.objects.filter(
            call=call,
            quota_unit=unit,
            province_rank__isnull=False,
            status__in=(ApplicationStatus.RECOMMENDED, ApplicationStatus.SUBMITTED),
        )
        .exclude(pk=key)
        .values_list("province_rank", "pk")
    )
    ranked: list[tuple[Any, int, int]] = [(unit, int(rank), pk) for rank, pk in others if rank is not None]
    placed = application is not None and application.status in (
        ApplicationStatus.RECOMMENDED,
        ApplicationStatus.SUBMITTED,
    )
    own_rank = application.province_rank if application is not None and placed else None
    if own_rank is None:
        own_rank = max((r for _u, r, _k in ranked), default=0) + 1
    ranked.append((unit, own_rank, key))
    decision = allocate_ranked(call, ranked, params_for()).get(key)
    return found, decision
