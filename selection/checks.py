"""Adapter between the applications in the database and the pure rules engine of notice 767."""

from __future__ import annotations

import dataclasses
import datetime
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

import polars as pl
from django.utils import timezone

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


def frame(applications: Sequence[Application], at: datetime.datetime) -> pl.DataFrame:
    covering = coverage()
    rows: list[dict[str, Any]] = []
    for app in applications:
        others = covering.get(app.base.region_id, set()) - {app.base_id}
        rows.append(
            {
                "application_id": app.pk,
                "quota_unit": app.quota_unit.code,
                "quota_kind": app.quota_unit.kind,
                "operating_since": app.operating_since,
                "submitted_at": app.submitted_at or at,
                "area_m2": str(app.area_m2),
                "operator_credit_code": app.base.operator_credit_code,
                "covered_by_existing_base": bool(others),
                "documents": sorted({d.kind for d in app.documents.all()}),
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


def check(applications: Sequence[Application], at: datetime.datetime | None = None) -> dict[int, list[dict[str, Any]]]:
    """The computed conditions for each application, as stored on it and shown on its page."""
    if not applications:
        return {}
    moment = at or timezone.now()
    call = applications[0].call
    params = params_for(applications[0])
    evaluated = evaluate(frame(applications, moment), params, on=call.deadline.date(), deadline=call.deadline)
    return {
        int(row["application_id"]): [dataclasses.asdict(r) for r in results(row)]
        for row in evaluated.iter_rows(named=True)
    }


def allocate_ranked(call: Any, ranked: Sequence[tuple[Any, int, int]], params: Params) -> dict[int, Any]:
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
    return {int(d.application_id): d for d in allocate(units, params, call.deadline.date())}


def quota_decisions(call: Any, applications: Sequence[Application]) -> dict[int, Any]:
    """The quota decision for every recommended or submitted application of the call."""
    from selection.models import ApplicationStatus

    ranked = [
        (a.quota_unit, a.province_rank, a.pk)
        for a in applications
        if a.province_rank is not None and a.status in (ApplicationStatus.RECOMMENDED, ApplicationStatus.SUBMITTED)
    ]
    return allocate_ranked(call, ranked, params_for()) if ranked else {}
