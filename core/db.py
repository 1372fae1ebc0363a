"""Database helpers that every bulk path shares."""

from __future__ import annotations

from collections.abc import Mapping

from django.db import connection, models, transaction

# Below this many written rows autovacuum's own ANALYZE keeps up soon enough.
ANALYZE_THRESHOLD = 5000
# ... and below this share of the rows a table's statistics describe (autovacuum's own scale
# factor): the planner scales its row counts to the table's current size, and the distributions
# of the other 90 % still hold.
ANALYZE_SHARE = 0.1
# Statistics target after a load (the sample is 300 times it): 9,000 rows instead of 30,000. The
# list pages' 70 queries keep their plans (measured on 60,000 enterprises; at 10 the provinces'
# scope query changes plan), and ANALYZE of 60,000 enterprises takes 0.06 s instead of 0.2 s.
AFTER_LOAD = 30
# Statistics target for tables read only through their indexes (the change log): a 3,000-row
# sample instead of the default 30,000 (ANALYZE of the log after a 60,000-row import: 0.06 s
# instead of 0.5 s, measured on a busy machine).
COARSE = 10


def analyze(*model_classes: type[models.Model], statistics: int | None = None) -> None:
    """Refresh PostgreSQL's planner statistics after a bulk load.

    Without it the planner keeps the row counts of before the load and picks sorts over the
    whole table for deep pages (measured: 26 ms after, 59 ms before, page 500 of 60,000).
    JSON columns (the change log's before/after) are left out: no query filters or sorts on
    them, and their statistics cost the most to gather. `statistics` sets the statistics target
    (the sample is 300 times it) for tables whose queries only look rows up through an index.
    """
    if connection.vendor != "postgresql":
        return
    with transaction.atomic(), connection.cursor() as cursor:
        if statistics is not None:
            cursor.execute("SET LOCAL default_statistics_target = %s", [int(statistics)])
        for model in model_classes:
            fields = model._meta.concrete_fields
            columns = [f'"{f.column}"' for f in fields if not isinstance(f, models.JSONField)]
            listed = f" ({', '.join(columns)})" if len(columns) < len(fields) else ""
            cursor.execute(f'ANALYZE "{model._meta.db_table}"{listed}')
        if statistics is not None:  # the caller's transaction may go on
            cursor.execute("SET LOCAL default_statistics_target TO DEFAULT")


def vacuum_analyze(*model_classes: type[models.Model]) -> None:
    """VACUUM (ANALYZE) after a large first load, what autovacuum does some time later: besides
    the statistics, it sets the visibility map, without which an index-only scan reads the table
    too (the seek of the ministry's page 500 over 25,000 credit codes visits 25,000 rows: 35–44 ms
    instead of 3–5 ms, and COUNT(*) scans the table instead of its smallest index, measured on a
    busy machine). VACUUM cannot run in a transaction: inside one, ANALYZE alone."""
    if connection.vendor != "postgresql":
        return
    if connection.in_atomic_block:
        analyze(*model_classes)
        return
    with connection.cursor() as cursor:
        for model in model_classes:
            cursor.execute(f'VACUUM (ANALYZE) "{model._meta.db_table}"')


def analyze_after_load(written: Mapping[type[models.Model], int], *, statistics: int = AFTER_LOAD) -> list[str]:
    """ANALYZE (PostgreSQL) the tables that a load changed enough to mislead the planner: at
    least ANALYZE_THRESHOLD rows written, and at least ANALYZE_SHARE of the rows their
    statistics describe (every table never analyzed). `written` maps each model to the rows
    written (inserted or updated); returns the tables analyzed."""
    if connection.vendor != "postgresql":
        return []
    loaded = {m._meta.db_table: (m, n) for m, n in written.items() if n >= ANALYZE_THRESHOLD}
    if not loaded:
        return []
    with connection.cursor() as cursor:
        cursor.execute("SELECT relname, reltuples FROM pg_class WHERE oid = ANY(%s::regclass[])", [list(loaded)])
        described = dict(cursor.fetchall())
    tables = [t for t, (_m, n) in loaded.items() if described.get(t, -1) < 0 or n >= ANALYZE_SHARE * described[t]]
    if tables:
        analyze(*(loaded[t][0] for t in tables), statistics=statistics)
    return tables
