"""The shared cache every web process and worker sees: the database by default, Redis when
configured (settings.CACHES, docs/deploy.md).

Counters kept in it (core.throttle) must count the same in every process, so an increment must be
atomic there. Redis's INCR is; Django's database cache reads the value and writes it back, so two
processes incrementing at once both read 4 and both write 5, and `incr` also resets the entry's
expiry to the default timeout. `DatabaseCache` here increments under a row lock (SELECT … FOR
UPDATE on PostgreSQL; on SQLite the transaction is BEGIN IMMEDIATE, which already serialises
writers: settings) and keeps the expiry.

The table (`TABLE`) is made by a migration of core (`0006_cache_table`), so `migrate` is the only step; Django's
`createcachetable` finds it there and does nothing.
"""

from __future__ import annotations

import base64
import pickle
from typing import Any

from django.core.cache.backends.db import DatabaseCache as DjangoDatabaseCache
from django.db import connections, models, router, transaction
from django.utils.timezone import now as tz_now

TABLE = "ecbase_cache"


class DatabaseCache(DjangoDatabaseCache):
    def incr(self, key: Any, delta: int = 1, version: int | None = None) -> Any:
        made = self.make_and_validate_key(key, version=version)
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        q = connection.ops.quote_name
        table = q(self._table)  # type: ignore[attr-defined]  # set by BaseDatabaseCache, not in the stubs
        lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
        with transaction.atomic(using=db), connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {q('value')}, {q('expires')} FROM {table} WHERE {q('cache_key')} = %s{lock}",  # noqa: S608  (quoted names)
                [made],
            )
            row = cursor.fetchone()
            if row is None or self._expired(row[1], connection):
                raise ValueError(f"Key '{key}' not found.")
            value = pickle.loads(base64.b64decode(connection.ops.process_clob(row[0]).encode()))  # noqa: S301  (our own rows)
            new_value = value + delta
            encoded = base64.b64encode(pickle.dumps(new_value, self.pickle_protocol)).decode("latin1")
            cursor.execute(
                f"UPDATE {table} SET {q('value')} = %s WHERE {q('cache_key')} = %s",  # noqa: S608  (quoted names)
                [encoded, made],
            )
        return new_value

    @staticmethod
    def _expired(expires: Any, connection: Any) -> bool:
        expression = models.Expression(output_field=models.DateTimeField())
        for converter in connection.ops.get_db_converters(expression) + expression.get_db_converters(connection):
            expires = converter(expires, expression, connection)
        return bool(expires < tz_now())
