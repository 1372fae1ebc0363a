"""Expert pool and conflict-of-interest rules, computed from registry facts and fail-closed:
an expert whose home province or affiliations are unknown is not assignable until they are known."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _


@dataclass(frozen=True)
class Conflict:
    code: str
    message: str


def conflicts(expert: Any, application: Any) -> list[Conflict]:
    """Every reason the expert may not review the application; empty means assignable."""
    found: list[Conflict] = []
    if not expert.profile_complete:
        found.append(Conflict("profile_incomplete", _("专家的籍贯省份或任职单位未登记，暂不能分配（从严）")))
        return found
    unit = application.quota_unit
    unit_province = unit.region.code[:2] if unit.region is not None else unit.code[:2]
    if expert.home_province_id is not None and expert.home_province.code[:2] == unit_province:
        found.append(Conflict("same_province", _("专家与申报单位同属 %(p)s") % {"p": expert.home_province.name}))
    operator_code = application.base.operator_credit_code
    affiliations = {a.strip().upper() for a in expert.affiliation_codes}
    if operator_code.upper() in affiliations:
        found.append(Conflict("affiliation", _("专家任职单位即申报园区运营主体")))
    if application.base_id in set(expert.declared_conflict_bases.values_list("pk", flat=True)):
        found.append(Conflict("declared", _("专家已声明与该园区存在利益关系")))
    return found
