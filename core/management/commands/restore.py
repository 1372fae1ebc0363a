"""`manage.py restore PATH`: restore an archive of `manage.py backup` into the configured database,
which must be empty (a new database, before `migrate`), and the upload folder; then compare rows,
migrations, the hash chains and the files with the archive's manifest (core.backup). Exit status 1
when anything is refused or differs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from core import backup


class Command(BaseCommand):
    help = "把 backup 生成的归档恢复到当前配置的空数据库和上传文件目录，并与备份清单逐项核对。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="归档文件路径")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = backup.restore(options["path"], say=self.stdout.write)
        except backup.BackupError as exc:
            self.stderr.write(_("未恢复：%(reason)s") % {"reason": exc})
            raise SystemExit(1) from exc
        for line in result.lines:
            self.stdout.write(line)
        if not result.ok:
            self.stderr.write(_("恢复后的核对未通过，详见上文。"))
            raise SystemExit(1)
        self.stdout.write(_("恢复完成：数据库、哈希链和上传文件均与备份一致。"))
