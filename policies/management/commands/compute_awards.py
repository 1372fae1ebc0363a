"""`manage.py compute_awards`: every item of a pack for every enterprise of a year, in one run of the
engine over the whole population, from a facts workbook or from the database, into an awards
workbook with amounts and Chinese explanations (docs/policies.md "批量计算").

    manage.py compute_awards --year 2026 --facts facts.xlsx --out awards.xlsx
    manage.py compute_awards --year 2026 --pack rongchang --from-db --out awards.xlsx
    manage.py compute_awards --template --out facts.xlsx

Any bad cell stops the command before anything is written: every error is listed (sheet, row,
column, rule). The output is written to a temporary file beside the target and moved into place
when complete, so a failure never leaves half a workbook. A run against the database is recorded
in the change log (an export event on the pack).
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit_context, log_event
from core.errors import ActionError
from core.models import ChangeLog
from core.money import yuan_text as yuan
from policies.batch.reading import WorkbookError, read_workbook
from policies.batch.writing import write_awards, write_template
from policies.explain import facts_error_text
from policies.packinfo import params_for
from policies.rules import engine
from policies.rules.params import DEFAULT_PACK, ParameterNotInForceError, Params

MAX_SHOWN = 200


def _write_atomically(target: Path, write: Any) -> None:
    """`write(path)` into a temporary file next to `target`, then move it into place."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(prefix=".compute_awards-", suffix=".xlsx", dir=target.parent)
    os.close(fd)
    try:
        write(temp)
        os.replace(temp, target)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


class Command(BaseCommand):
    help = "批量计算扶持政策奖补：由事实工作簿或数据库计算某年度全部企业的各项奖补，写出含金额和计算说明的工作簿。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, help="计算年度，如 2026")
        parser.add_argument("--pack", default=DEFAULT_PACK, help="政策包代码，默认 rongchang")
        source = parser.add_mutually_exclusive_group()
        source.add_argument("--facts", type=Path, help="事实工作簿（.xlsx，每类事实一个工作表）")
        source.add_argument("--from-db", action="store_true", help="从数据库取政策包所在区县全部企业的事实")
        source.add_argument("--template", action="store_true", help="写出空白事实工作簿（含列名和填写说明）")
        parser.add_argument("--out", type=Path, required=True, help="写出的 .xlsx 文件")

    def handle(self, *args: Any, **options: Any) -> None:
        out: Path = options["out"]
        if out.suffix.lower() != ".xlsx":
            raise CommandError(_("输出文件须为 .xlsx：%(path)s") % {"path": out})
        try:
            params = params_for(options["pack"])
        except ActionError as exc:
            raise CommandError(exc.message) from None
        if options["template"]:
            _write_atomically(out, lambda path: write_template(path, params))
            self.stdout.write(_("已写出空白事实工作簿：%(path)s") % {"path": out})
            return
        year = options["year"]
        if year is None:
            raise CommandError(_("请用 --year 指定计算年度。"))
        if not options["facts"] and not options["from_db"]:
            raise CommandError(_("请用 --facts 指定事实工作簿，或用 --from-db 从数据库取事实。"))
        started = time.perf_counter()
        if options["facts"]:
            self._from_workbook(options["facts"], params, year, out)
        else:
            self._from_db(options["pack"], params, year, out)
        self.stdout.write(_("用时 %(s).1f 秒。") % {"s": time.perf_counter() - started})

    def _compute(self, facts: Any, params: Params, year: int) -> Any:
        try:
            return engine.compute(facts, params, year)
        except engine.FactsError as exc:
            raise CommandError(facts_error_text(exc)) from None
        except ParameterNotInForceError:
            raise CommandError(
                _("%(year)s 年度没有施行中的政策参数（本政策自 %(date)s 起施行），未写出任何文件。")
                % {"year": year, "date": params.effective.isoformat()}
            ) from None

    def _report(self, result: dict[str, Any], out: Path, year: int) -> None:
        self.stdout.write(
            _("%(year)s 年度：%(rows)s 行，获奖企业 %(winners)s 家，合计 %(total)s；已写出 %(path)s")
            % {
                "year": year,
                "rows": result["rows"],
                "winners": result["winners"],
                "total": yuan(result["total_fen"]),
                "path": out,
            }
        )

    def _from_workbook(self, path: Path, params: Params, year: int, out: Path) -> None:
        if not path.is_file():
            raise CommandError(_("找不到事实工作簿：%(path)s") % {"path": path})
        try:
            facts, counts = read_workbook(path, params)
        except WorkbookError as exc:
            for e in exc.errors[:MAX_SHOWN]:
                self.stderr.write(e.message)
            if len(exc.errors) > MAX_SHOWN:
                self.stderr.write(_("……另有 %(n)s 处错误未列出。") % {"n": len(exc.errors) - MAX_SHOWN})
            raise CommandError(
                _("事实工作簿 %(path)s 有 %(n)s 处错误，未写出任何文件。") % {"path": path, "n": len(exc.errors)}
            ) from None
        awards = self._compute(facts, params, year)
        source = _("事实工作簿 %(name)s") % {"name": path.name}
        result: dict[str, Any] = {}

        def write(target: str) -> None:
            result.update(
                write_awards(
                    target, awards, facts.enterprises, params, year=year, source=source,
                    generated=timezone.localtime(), counts=counts,
                )
            )  # fmt: skip

        _write_atomically(out, write)
        self._report(result, out, year)

    def _from_db(self, code: str, params: Params, year: int, out: Path) -> None:
        from policies.adapter import gather
        from policies.models import PolicyPack

        pack = PolicyPack.objects.select_related("region").filter(code=code).first()
        if pack is None:
            raise CommandError(_("数据库中没有登记政策包“%(code)s”。") % {"code": code})
        facts = gather(pack)
        awards = self._compute(facts, params, year)
        n = facts.enterprises.height
        source = _("数据库：%(region)s全部企业（%(n)s 家）") % {"region": pack.region.name, "n": n}
        result: dict[str, Any] = {}

        def write(target: str) -> None:
            result.update(
                write_awards(
                    target, awards, facts.enterprises, params, year=year, source=source,
                    generated=timezone.localtime(),
                )
            )  # fmt: skip

        _write_atomically(out, write)
        with audit_context(source=ChangeLog.Source.COMMAND):
            log_event(
                ChangeLog.Action.EXPORT,
                obj=pack,
                message=_(
                    "批量计算 %(year)s 年度奖补：%(n)s 家企业，%(rows)s 行，获奖企业 %(winners)s 家，"
                    "合计 %(total)s，参数版本 %(version)s，写出 %(file)s"
                )
                % {
                    "year": year,
                    "n": n,
                    "rows": result["rows"],
                    "winners": result["winners"],
                    "total": yuan(result["total_fen"]),
                    "version": params.version(),
                    "file": out.name,
                },
            )
        self._report(result, out, year)
