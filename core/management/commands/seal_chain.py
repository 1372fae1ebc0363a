"""`manage.py seal_chain`: seal the rows written since the last seal into the hash chains of the
change log and the payment ledger (core.chain). Run it from cron every few minutes (docs/deploy.md);
background jobs and every verification seal too."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from core import chain
from core.money import count


class Command(BaseCommand):
    help = "将新写入的操作日志和拨付台账记录封存进哈希链。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--wait", type=float, default=60.0, help="等待仍在写入的事务结束的最长秒数，默认 60")

    def handle(self, *args: Any, **options: Any) -> None:
        result = chain.seal(wait=options["wait"])
        for spec in chain.chains():
            self.stdout.write(
                _("%(book)s：本次封存 %(n)s 条。") % {"book": spec.label, "n": count(result.sealed.get(spec.name, 0))}
            )
        if result.deferred:
            self.stdout.write(_("有事务仍在写入，其记录留待下次封存。"))
        if result.refused:
            books = "、".join(chain.label_of(n) for n in result.refused)
            self.stderr.write(
                _("%(books)s的封存记录未通过校验，未再封存；请运行 verify_chain 查看。") % {"books": books}
            )
            raise SystemExit(1)
