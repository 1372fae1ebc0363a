"""`manage.py verify_chain`: seal what can be sealed, then recompute the hash chains of the change
log and the payment ledger (core.chain) and report every break in Chinese: a changed row, a
deleted row, rows removed with their links, a row inserted among the sealed ones, a cut tail, a
different key. Exit status 1 when anything is broken. The check is recorded and shown to the
auditor (/changelog/integrity/)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from core import chain
from core.audit import audit_context
from core.models import ChangeLog
from core.money import count


class Command(BaseCommand):
    help = "校验操作日志和拨付台账的哈希链（先封存新记录），报告改动、删除和插入；发现异常时退出码为 1。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--no-seal", action="store_true", help="不先封存新记录，只把它们报告为未封存")
        parser.add_argument("--wait", type=float, default=60.0, help="封存前等待仍在写入的事务结束的最长秒数，默认 60")

    def handle(self, *args: Any, **options: Any) -> None:
        with audit_context(source=ChangeLog.Source.COMMAND):
            check = chain.run_check(
                source=ChangeLog.Source.COMMAND, do_seal=not options["no_seal"], wait=options["wait"]
            )
        if check.sealed:
            self.stdout.write(_("本次封存 %(n)s 条新记录。") % {"n": count(check.sealed)})
        for line in chain.report_lines(check):
            self.stdout.write(line)
        if check.ok:
            self.stdout.write(
                _("校验通过：%(rows)s 条记录未发现改动、删除或插入（用时 %(s)s 秒）。")
                % {"rows": count(check.rows), "s": check.seconds}
            )
            return
        self.stderr.write(_("校验未通过：发现 %(n)s 处异常，详见上文。") % {"n": count(check.breaks)})
        raise SystemExit(1)
