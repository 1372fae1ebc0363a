"""`manage.py seed_demo`: the deterministic national demo data set, each app seeding its own part
(declared in its AppConfig) in order, and the demo accounts."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from core.appconfig import ecbase_apps
from core.audit import audit_context
from core.db import vacuum_analyze
from core.models import ChangeLog
from registry.demo.plan import DEFAULT_ENTERPRISES, DEFAULT_SEED
from registry.demo.seeding import DemoGeographyError


class Command(BaseCommand):
    help = (
        "生成全国演示数据（127 家示范基地、后备园区、入驻企业、入驻记录、示范称号、申报与评审、"
        "扶持政策和各角色演示账号）；同一随机种子每次结果相同。"
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
        parts = sorted((c for c in ecbase_apps() if c.demo_order is not None), key=lambda c: c.demo_order or 0)
        if any(c.demo_has_data() for c in parts):
            if options["if_empty"]:
                self.stdout.write(_("数据库中已有基地或企业数据，未生成演示数据。"))
                return
            raise CommandError(_("数据库中已有基地或企业数据：演示数据只能在空数据库中生成（可加 --if-empty 跳过）。"))
        if options["enterprises"] < 1:
            raise CommandError(_("--enterprises 须为正整数。"))
        summaries = []
        with audit_context(source=ChangeLog.Source.COMMAND):
            for config in parts:
                try:
                    part = config.demo_seed(seed=options["seed"], enterprises=options["enterprises"], log=self.log)
                except DemoGeographyError as exc:
                    raise CommandError(str(exc)) from exc
                if part.summary:
                    summaries.append(str(part.summary))
        # Fresh statistics and visibility map after writing every table at once (autovacuum would
        # get there later, where it runs).
        vacuum_analyze(*[m for c in parts for m in c.get_models()], ChangeLog)
        self.stdout.write(
            _("已生成演示数据（随机种子 %(seed)d）：%(parts)s。")
            % {"seed": options["seed"], "parts": "；".join(summaries)}
        )
        self.stdout.write(_("合计用时 %(total).1f 秒。") % {"total": time.perf_counter() - started})

    def log(self, line: str) -> None:
        self.stdout.write(line)
