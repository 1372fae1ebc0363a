"""Writing a demo plan to the database: bulk inserts in batches, the change log for every row.

`bulk_create` skips `save()`, so the writer sets what `save()` would: `name_normalized` (with the
same `core.text.normalize_name`: OpenCC measured 0.08 s for 57,600 names, so there is nothing to
gain by skipping it) and the enterprise category.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db import models, transaction
from django.utils.translation import gettext as _

from core import uscc
from core.audit import BulkChange, audit_context, bulk_log
from core.models import ChangeLog, ChangeLoggedModel
from core.text import normalize_name
from regions.models import QuotaUnit, Region
from registry.demo import catalogue as cat
from registry.demo.accounts import create_demo_accounts
from registry.demo.plan import DemoPlan, RegionRow, UnitRow
from registry.models import Base, BaseStatusChange, Enterprise, Residency, Title

BATCH = 2000


def read_geography() -> tuple[list[RegionRow], list[UnitRow]]:
    """The regions in force and the quota units, as the pure generator takes them."""
    regions = [
        RegionRow(code, name, level, parent)
        for code, name, level, parent in Region.objects.filter(retired_in__isnull=True)
        .order_by("code")
        .values_list("code", "name", "level", "parent__code")
    ]
    units = [
        UnitRow(code, name, kind, region)
        for code, name, kind, region in QuotaUnit.objects.order_by("code").values_list(
            "code", "name", "kind", "region__code"
        )
    ]
    return regions, units


def _insert_logged(model: type[models.Model], objs: Sequence[ChangeLoggedModel], message: str) -> int:
    model._default_manager.bulk_create(objs, batch_size=BATCH)
    changes: Iterable[BulkChange] = (
        BulkChange(obj.pk, str(obj), ChangeLog.Action.CREATE, None, obj.snapshot()) for obj in objs
    )
    return bulk_log(model, changes, message=message)


def write_plan(plan: DemoPlan) -> dict[str, Any]:
    """Insert the whole plan and the demo accounts in one transaction; returns counts."""
    region_ids = dict(Region.objects.values_list("code", "id"))
    unit_ids = dict(QuotaUnit.objects.values_list("code", "id"))
    message = _("演示数据生成（seed_demo，随机种子 %(seed)s）") % {"seed": plan.seed}
    counts: dict[str, Any] = {}
    with audit_context(source=ChangeLog.Source.COMMAND), transaction.atomic():
        bases = []
        for pb in plan.bases:
            base = Base(
                name=pb.name,
                name_normalized=normalize_name(pb.name),
                quota_unit_id=unit_ids[pb.unit_code],
                region_id=region_ids[pb.region_code],
                address=pb.address,
                operator_name=pb.operator_name,
                operator_credit_code=pb.operator_credit_code,
                area_m2=pb.area_m2,
                operating_since=pb.operating_since,
                batch=pb.batch,
                designated_year=pb.designated_year,
                is_invented=pb.is_invented,
                description=pb.description,
                status=pb.status,  # where its history of changes ends (plan._tell_story, checked by BASE_TRANSITIONS)
            )
            bases.append(base)
        counts["bases"] = _insert_logged(Base, bases, message)

        status_changes = [
            BaseStatusChange.build(
                bases[i],
                None,
                ch.to_status,
                ch.note,
                from_status=ch.from_status,
                date=ch.date,
                document_no=ch.document_no,
            )
            for i, pb in enumerate(plan.bases)
            for ch in pb.changes
        ]
        counts["status_changes"] = _insert_logged(BaseStatusChange, status_changes, message)

        enterprises = [
            Enterprise(
                credit_code=pe.credit_code,
                org_code_ok=uscc.org_code_check(pe.credit_code[8:17]),
                name=pe.name,
                name_normalized=normalize_name(pe.name),
                category=pe.category,
                region_id=region_ids[pe.region_code],
                is_ecommerce=pe.is_ecommerce,
                main_business=pe.main_business,
                industry=pe.industry,
                annual_revenue=pe.annual_revenue,
                employees=pe.employees,
                figures_year=cat.FIGURES_YEAR,
                contact_name=pe.contact_name,
                contact_phone=pe.contact_phone,
            )
            for pe in plan.enterprises
        ]
        counts["enterprises"] = _insert_logged(Enterprise, enterprises, message)

        residencies = [
            Residency(
                enterprise=enterprises[r.enterprise],
                base=bases[r.base],
                entered_on=r.entered_on,
                left_on=r.left_on,
                note=r.note,
            )
            for r in plan.residencies
        ]
        counts["residencies"] = _insert_logged(Residency, residencies, message)

        titles = [
            Title(
                enterprise=enterprises[t.enterprise],
                level=t.level,
                name=t.name,
                year=t.year,
                issuer=t.issuer,
                document_no=t.document_no,
            )
            for t in plan.titles
        ]
        counts["titles"] = _insert_logged(Title, titles, message)

        users = create_demo_accounts(
            base=bases[plan.demo_base], enterprise=enterprises[plan.demo_enterprise], message=message
        )
        counts["users"] = len(users)
    return counts
