"""The table of the database cache (core.cache.TABLE): made by `migrate`, so that no deployment,
test run or `make run` needs a separate `createcachetable` step. Made whichever cache backend is
configured, so that switching to the database cache later needs nothing either."""

from __future__ import annotations

from typing import Any

from django.core.management.commands.createcachetable import Command as CreateCacheTable
from django.db import migrations

TABLE = "ecbase_cache"  # core.cache.TABLE, spelled here: a migration does not follow later renames


def create(apps: Any, schema_editor: Any) -> None:
    command = CreateCacheTable()
    command.verbosity = 0
    command.create_table(schema_editor.connection.alias, TABLE, dry_run=False)


def drop(apps: Any, schema_editor: Any) -> None:
    schema_editor.execute(f"DROP TABLE IF EXISTS {schema_editor.quote_name(TABLE)}")


class Migration(migrations.Migration):
    dependencies = [("core", "0005_request_id_index_without_pattern_ops")]

    operations = [migrations.RunPython(create, drop)]
