"""Demo data of the support policies, written through the real actions: the 荣昌 pack in force in
荣昌区 (500153) with its funds, a few facts of enterprises resident in the district's park, and
applications at each step of the process — one paid (with its ledger entry), one approved, one
awaiting the bureau's audit, one draft of the demo enterprise. Deterministic. Wiring it into
`seed_demo` is the lead's: call `seed_policies()` after the registry and its accounts exist."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core.errors import ActionError
from core.roles import Role
from policies.actions.awards import do_approve_application, do_file_application, do_submit_application
from policies.actions.facts import do_record_fact
from policies.actions.ledger import do_pay
from policies.actions.packs import do_change_pack_status, do_create_pack, do_set_fund
from policies.models import PackStatus, PolicyPack
from regions.models import Region
from registry.models import Enterprise, Residency

DISTRICT = "500153"  # 荣昌区
PACK = "rongchang"


def _bureau() -> User | None:
    named = User.objects.filter(username="bureau_rongchang", role=Role.BUREAU).first()
    return named or User.objects.filter(role=Role.BUREAU, region__code=DISTRICT).order_by("pk").first()


def _residents() -> list[Enterprise]:
    """Enterprises registered in 荣昌区 and currently resident in a base located there, demo enterprise first."""
    resident = Residency.objects.filter(base__region__code__startswith=DISTRICT, left_on__isnull=True)
    ents = list(
        Enterprise.objects.filter(region__code__startswith=DISTRICT, pk__in=resident.values("enterprise_id"))
        .distinct()
        .order_by("pk")[:40]
    )
    demo = User.objects.filter(username="enterprise_demo").values_list("enterprise_id", flat=True).first()
    ents.sort(key=lambda e: (e.pk != demo, e.pk))
    return ents


def seed_policies(today: datetime.date | None = None) -> dict[str, int]:
    """Write the policy demo; returns counts for the report. Does nothing when a pack exists or when
    the district has no bureau account or no resident enterprise."""
    if PolicyPack.objects.exists():
        return {}
    bureau = _bureau()
    region = Region.objects.filter(code=DISTRICT).first()
    residents = _residents()
    if bureau is None or region is None or not residents:
        return {}
    today = today or timezone.localdate()
    year = today.year - 1  # awards are for last year, whose facts are complete
    with transaction.atomic():
        pack = do_change_pack_status(bureau, do_create_pack(bureau, code=PACK, region=region), PackStatus.ACTIVE)
        fund = do_set_fund(bureau, pack, year, document_no=_("荣商务发〔%(y)s〕8号（演示）") % {"y": year})
        do_set_fund(bureau, pack, today.year, document_no=_("荣商务发〔%(y)s〕3号（演示）") % {"y": today.year})
        counts = {"packs": 1, "funds": 2, "facts": 0, "applications": 0, "payments": 0}

        def fact(kind: str, ent: Enterprise, **values: Any) -> Any:
            counts["facts"] += 1
            return do_record_fact(bureau, kind, ent, values)

        def claim(ent: Enterprise, item: str, ref: int = 0) -> Any:
            counts["applications"] += 1
            return do_file_application(bureau, pack, ent, item=item, year=year, ref=ref, note=_("演示申请"))

        first = residents[0]
        # The demo enterprise: orders of local products (四（二）5) and its transactions (四（二）6).
        fact("orders", first, year=year, orders=26_000)
        fact("transactions", first, year=year - 1, amount_fen=800_000_000)
        fact("transactions", first, year=year, amount_fen=1_260_000_000)
        for quarter in range(4):
            start = datetime.date(year, 3 * quarter + 1, 1)
            end = datetime.date(year, 3 * quarter + 3, 30 if quarter in (1, 2) else 31)
            fact("costs", first, cost_kind="rent", period_start=start, period_end=end, amount_fen=900_000)
        paid = do_submit_application(bureau, claim(first, "online_orders"))
        do_approve_application(bureau, paid, note=_("材料齐全，同意"))
        do_pay(
            bureau, paid, voucher_no=f"RC{year}-0001", document_no=_("荣商务拨〔%(y)s〕1号（演示）") % {"y": year + 1}
        )
        counts["payments"] += 1
        milestone = do_submit_application(bureau, claim(first, "milestone"))
        do_approve_application(bureau, milestone)
        try:
            claim(first, "park_costs")  # a draft, left for the demo enterprise to check and submit
        except ActionError:
            counts["applications"] -= 1
        others = residents[1:]
        online = [e for e in others if e.is_ecommerce]  # platform projects are for e-commerce enterprises
        if online:
            project = fact(
                "projects", online[0], name=_("荣昌特色商品网上商城（演示）"), year=year, investment_fen=62_000_000,
                own_funds=True,
            )  # fmt: skip
            do_submit_application(bureau, claim(online[0], "platform_project", project.pk))
        rest = [e for e in others if not online or e.pk != online[0].pk]
        if rest:
            loan = fact(
                "loans", rest[0], bank=_("重庆农村商业银行荣昌支行"), principal_fen=300_000_000,
                loan_date=datetime.date(year - 1, 7, 1), actual_rate=Decimal("4.3500"),
                benchmark_rate=Decimal("4.7500"), own_business=True, recognised=True,
            )  # fmt: skip
            do_submit_application(bureau, claim(rest[0], "loan_interest", loan.pk))
    counts["fund_year"] = fund.year
    return counts
