"""Print the error codes of every domain as the Markdown table docs/api.md carries, or write it
there (`--write docs/api.md`: the block between the error-codes markers is replaced)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.errors import codes_markdown

START, END = "<!-- error-codes:start -->", "<!-- error-codes:end -->"


def replace_block(text: str, table: str) -> str:
    before, start, rest = text.partition(START)
    _old, end, after = rest.partition(END)
    if not start or not end:
        raise ValueError(f"{START} … {END} not found")
    return f"{before}{START}\n{table}{END}{after}"


class Command(BaseCommand):
    help = "Print the error codes per domain (Markdown), or write them into a document between its markers."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--write", metavar="PATH", help="the document to update, e.g. docs/api.md")

    def handle(self, *args: Any, **options: Any) -> None:
        table = codes_markdown()
        if not options["write"]:
            self.stdout.write(table, ending="")
            return
        path = Path(options["write"])
        try:
            path.write_text(replace_block(path.read_text(encoding="utf-8"), table), encoding="utf-8")
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"{path}: error codes written")
