"""`manage.py seed_demo`: the deterministic national demo data set and the demo accounts."""

from __future__ import annotations

import time
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from core.db import analyze
from core.models import ChangeLog
from regions.models import QuotaUnit, Region
from registry.demo.plan import DEFAULT_ENTERPRISES, DEFAULT_SEED, build_plan
from registry.demo.writer import read_geography, write_plan
from registry.models import Base, BaseStatusChange, Enterprise, Residency, Title


class Command(BaseCommand):
    help = (
        "生成全国演示数据（127 家示范基地、后备园区、入驻企业、入驻记录、示范称号和各角色演示账号）；"
        "同一随机种子每次结果相同。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"随机种子，默认 {DEFAULT_SEED}")
        parser.add_argument(
            "--enterprises",
            type=int,
            default=DEFAULT_ENTERPRISES,
            help=f"入驻企业数量，默认 {DEFAULT_ENTERPRISES}",
        )
        parser.add_argument("--if-empty", action="store_true", help="数据库中已有基地或企业时什么也不做")

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        if Base.objects.exists() or Enterprise.objects.exists():
            if options["if_empty"]:
                self.stdout.write(_("数据库中已有基地或企业数据，未生成演示数据。"))
                return
            raise CommandError(_("数据库中已有基地或企业数据：演示数据只能在空数据库中生成（可加 --if-empty 跳过）。"))
        if options["enterprises"] < 1:
            raise CommandError(_("--enterprises 须为正整数。"))
        if not Region.objects.exists() or not QuotaUnit.objects.exists():
            self.stdout.write(_("行政区划为空，先载入行政区划和申报单位（load_regions）……"))
            call_command("load_regions", stdout=self.stdout, stderr=self.stderr)
        loaded = time.perf_counter()

        regions, units = read_geography()
        try:
            plan = build_plan(regions, units, seed=options["seed"], enterprises=options["enterprises"])
        except ValueError as exc:
            raise CommandError(_("行政区划数据不完整，无法生成演示数据：%(error)s") % {"error": exc}) from exc
        planned = time.perf_counter()
        counts = write_plan(plan)
        from core.audit import audit_context
        from policies.demo import seed_policies
        from selection.demo import seed_selection

        with audit_context(source=ChangeLog.Source.COMMAND):
            selection_counts = seed_selection(plan.seed)
            policy_counts = seed_policies()
        analyze(Base, BaseStatusChange, Enterprise, Residency, Title, ChangeLog)
        written = time.perf_counter()

        holding = sum(1 for b in plan.bases if b.status in ("designated", "warned", "rectifying"))
        statuses: dict[str, int] = {}
        for b in plan.bases:
            statuses[b.status] = statuses.get(b.status, 0) + 1
        self.stdout.write(
            _(
                "已生成演示数据（随机种子 %(seed)d）：基地 %(bases)d 家（现有示范基地 %(holding)d 家，"
                "其中警示 %(warned)d、整改 %(rectifying)d；后备园区 %(candidate)d；已撤销 %(removed)d），"
                "状态变更 %(changes)d 条，"
                "企业 %(enterprises)d 家，入驻记录 %(residencies)d 条，示范称号 %(titles)d 个，演示账号 %(users)d 个；"
                "申报批次 %(calls)d 个（其中 1 个在初步评议中：申报 %(applications)d 份，"
                "专家 %(experts)d 人，已提交评分表 %(sheets)d 份）；"
                "扶持政策 %(packs)d 套（事实 %(facts)d 条，兑现申请 %(awards)d 份，已支付 %(payments)d 笔）。"
            )
            % {
                "seed": plan.seed,
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
                "calls": selection_counts.get("calls", 0),
                "applications": selection_counts.get("applications", 0),
                "experts": selection_counts.get("experts", 0),
                "sheets": selection_counts.get("sheets", 0),
                "packs": policy_counts.get("packs", 0),
                "facts": policy_counts.get("facts", 0),
                "awards": policy_counts.get("applications", 0),
                "payments": policy_counts.get("payments", 0),
            }
        )
        self.stdout.write(
            _(
                "用时：载入区划 %(load).1f 秒，生成 %(plan).1f 秒，"
                "写入（含操作日志）%(write).1f 秒，合计 %(total).1f 秒。"
            )
            % {
                "load": loaded - started,
                "plan": planned - loaded,
                "write": written - planned,
                "total": written - started,
            }
        )
