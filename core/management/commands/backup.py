"""`manage.py backup PATH`: the database and the uploaded files in one archive (.tar.gz or .tar)
with a manifest of row counts, chain heads, migrations and checksums (core.backup)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from core import backup
from core.audit import audit_context
from core.models import ChangeLog
from core.money import count


class Command(BaseCommand):
    help = "把数据库和上传文件备份为一个归档文件（.tar.gz 或 .tar），附清单：各表行数、哈希链链尾、迁移状态和校验和。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="归档文件路径，如 /srv/backup/ecbase-20261201.tar.gz")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            with audit_context(source=ChangeLog.Source.COMMAND):
                result = backup.create(options["path"], say=self.stdout.write)
        except backup.BackupError as exc:
            self.stderr.write(str(exc))
            raise SystemExit(1) from exc
        manifest = result.manifest
        self.stdout.write(
            _("备份完成：%(path)s（%(tables)s 张数据表共 %(rows)s 行，%(files)s 个上传文件，用时 %(s).1f 秒）。")
            % {
                "path": result.path,
                "tables": len(manifest["tables"]),
                "rows": count(sum(manifest["tables"].values())),
                "files": manifest["media_files"],
                "s": result.seconds,
            }
        )
