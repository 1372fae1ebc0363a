"""`manage.py load_regions`: load GB/T 2260 regions, quota units and demonstration cities."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils.translation import gettext as _

from core.audit import audit_context
from core.models import ChangeLog
from regions.loading import (
    DEMO_CITIES_FILE,
    QUOTA_UNITS_FILE,
    REGIONS_FILE,
    DataFileError,
    load_demo_cities,
    load_quota_units,
    load_regions,
)


class Command(BaseCommand):
    help = "载入行政区划（GB/T 2260）、申报单位和国家电子商务示范城市；可重复运行，未变化的数据不会改动。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, default=None, help="停用不在文件中的区划代码时记录的年份，默认今年")
        parser.add_argument("--regions", type=Path, default=REGIONS_FILE, help="区划文件 code,name,level,parent_code")
        parser.add_argument(
            "--quota-units",
            type=Path,
            default=QUOTA_UNITS_FILE,
            help="申报单位文件 code,name,kind,region_code,sort_order",
        )
        parser.add_argument(
            "--demo-cities",
            type=Path,
            default=DEMO_CITIES_FILE,
            help="示范城市文件 name,region_code,year_named,batch,document_no",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        year = options["year"]
        started = time.perf_counter()
        try:
            with audit_context(source=ChangeLog.Source.COMMAND), transaction.atomic():
                results = [
                    (_("行政区划"), load_regions(options["regions"], year=year)),
                    (_("申报单位"), load_quota_units(options["quota_units"], year=year)),
                    (_("示范城市"), load_demo_cities(options["demo_cities"], year=year)),
                ]
        except DataFileError as exc:
            raise CommandError(str(exc)) from exc
        for label, r in results:
            line = _("%(label)s：新增 %(created)d，修改 %(updated)d，停用 %(retired)d，未变 %(unchanged)d") % {
                "label": label,
                "created": r.created,
                "updated": r.updated,
                "retired": r.retired,
                "unchanged": r.unchanged,
            }
            if r.not_in_file:
                line += _("，文件中已无但保留 %(count)d") % {"count": r.not_in_file}
            line += _("；日志 %(count)d 条") % {"count": r.logged}
            self.stdout.write(line)
        self.stdout.write(_("用时 %(seconds).2f 秒") % {"seconds": time.perf_counter() - started})
