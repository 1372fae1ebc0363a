"""The registry's part of the demo data set: the plan of bases, enterprises, residencies, titles and
the demo accounts, written through the bulk paths with their change log."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.core.management import call_command
from django.utils.translation import gettext as _

from core.appconfig import DemoPart
from regions.models import QuotaUnit, Region
from registry.demo.plan import build_plan
from registry.demo.writer import read_geography, write_plan


class DemoGeographyError(ValueError):
    """The regions on file cannot carry the demo data set."""


def seed_registry(*, seed: int, enterprises: int, log: Callable[[str], None]) -> DemoPart:
    started = time.perf_counter()
    if not Region.objects.exists() or not QuotaUnit.objects.exists():
        log(_("行政区划为空，先载入行政区划和申报单位（load_regions）……"))
        call_command("load_regions", stdout=_Writer(log))
    regions, units = read_geography()
    try:
        plan = build_plan(regions, units, seed=seed, enterprises=enterprises)
    except ValueError as exc:
        raise DemoGeographyError(_("行政区划数据不完整，无法生成演示数据：%(error)s") % {"error": exc}) from exc
    counts = write_plan(plan)
    holding = sum(1 for b in plan.bases if b.status in ("designated", "warned", "rectifying"))
    statuses: dict[str, int] = {}
    for b in plan.bases:
        statuses[b.status] = statuses.get(b.status, 0) + 1
    summary = _(
        "基地 %(bases)d 家（现有示范基地 %(holding)d 家，"
        "其中警示 %(warned)d、整改 %(rectifying)d；后备园区 %(candidate)d；已撤销 %(removed)d），"
        "状态变更 %(changes)d 条，"
        "企业 %(enterprises)d 家，入驻记录 %(residencies)d 条，示范称号 %(titles)d 个，演示账号 %(users)d 个"
        "（用时 %(seconds).1f 秒）"
    ) % {
        "bases": len(plan.bases),
        "holding": holding,
        "warned": statuses.get("warned", 0),
        "rectifying": statuses.get("rectifying", 0),
        "candidate": statuses.get("candidate", 0),
        "removed": statuses.get("removed", 0),
        "changes": counts["status_changes"],
        "enterprises": counts["enterprises"],
        "residencies": counts["residencies"],
        "titles": counts["titles"],
        "users": counts["users"],
        "seconds": time.perf_counter() - started,
    }
    return DemoPart(counts, summary)


class _Writer:
    """A stdout-like object that hands each line to the seeding's log."""

    def __init__(self, log: Callable[[str], None]) -> None:
        self.log = log

    def write(self, text: str) -> None:
        if text.strip():
            self.log(text.rstrip("\n"))

    def flush(self) -> None:
        return None
