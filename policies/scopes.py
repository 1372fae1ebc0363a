"""Who sees which part of the support policies (the rules of the table in docs/policies.md).

A pack belongs to a district (its region). The bureau of that district (or of a region containing
it) sees and acts on everything of the pack; the ministry reads everything, a province (quota unit)
reads the packs of the districts of its unit; an enterprise sees the packs of the district it is
registered or resident in, and only its own applications, awards, explanations and payments.
Everyone else (operators, experts, the three administrators, the public) sees nothing.
"""

from __future__ import annotations

import functools
from typing import Any

from django.db.models import Q, QuerySet

from core.roles import Role
from core.scoping import DELETE, EXPORT, VIEW, Scope

READ = (VIEW, EXPORT)


def unit_regions(quota_unit_id: int | None) -> QuerySet[Any, Any]:
    """Ids of the regions of a quota unit, as a lazy subquery (no query runs until it is used): the
    regions under the unit's own region (a province or municipality: same first two digits; a city
    with separate planning: same first four), without those of the cities with separate planning
    inside a province, which are units of their own. A copy of one built once per unit: building
    it takes 1.3 ms, and a province's menu asks for it three times on every page."""
    return _unit_regions(quota_unit_id or 0).all()


@functools.lru_cache(maxsize=256)
def _unit_regions(quota_unit_id: int) -> QuerySet[Any, Any]:
    # Never evaluated (callers get copies, used as subqueries): it holds no rows, only the query.
    from django.db.models import Exists, OuterRef
    from django.db.models.functions import Substr

    from regions.models import QuotaUnit, QuotaUnitKind, Region, RegionLevel

    unit = QuotaUnit.objects.filter(pk=quota_unit_id).annotate(
        p2=Substr("region__code", 1, 2), p4=Substr("region__code", 1, 4)
    )
    inside = Exists(
        unit.filter(
            Q(region__level=RegionLevel.PROVINCE, p2=Substr(OuterRef("code"), 1, 2))
            | Q(region__level=RegionLevel.PREFECTURE, p4=Substr(OuterRef("code"), 1, 4))
        )
    )
    city = Exists(
        QuotaUnit.objects.filter(kind=QuotaUnitKind.SEPARATE_PLANNING_CITY)
        .exclude(pk=quota_unit_id)
        .annotate(p4=Substr("region__code", 1, 4))
        .filter(p4=Substr(OuterRef("code"), 1, 4))
    )
    return Region.objects.filter(inside).exclude(city).values("id")


def district_q(scope: Scope, action: str, region: str) -> Q | None:
    """The rule for things of a pack, reached through the lookup `region` (the pack's district):
    the bureau of the district acts, the ministry and the province read. Nothing here is deleted."""
    if action == DELETE:
        return None
    if scope.role == Role.BUREAU and scope.region_prefix:
        return Q(**{f"{region}__code__startswith": scope.region_prefix})
    if action not in READ:
        return None
    if scope.role == Role.MINISTRY:
        return Q()
    if scope.role == Role.PROVINCE:
        return Q(**{f"{region}_id__in": unit_regions(scope.quota_unit_id)})
    return None


def enterprise_districts(enterprise_id: int | None) -> Q:
    """Regions an enterprise belongs to for a pack: where it is registered, where it is resident."""
    from registry.models import Enterprise, Residency

    eid = enterprise_id or 0
    return Q(region_id__in=Enterprise.objects.filter(pk=eid).values("region_id")) | Q(
        region_id__in=Residency.objects.filter(enterprise_id=eid).values("base__region_id")
    )
