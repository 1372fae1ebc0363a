"""Exit 0 when the PostgreSQL server of the given URL accepts connections (to its postgres db)."""

import sys

import psycopg

url = sys.argv[1]
base, _, _db = url.rpartition("/")
try:
    with psycopg.connect(f"{base}/postgres", connect_timeout=3):
        pass
except Exception as exc:  # any failure means: not reachable
    print(f"PostgreSQL not reachable: {exc}", file=sys.stderr)
    sys.exit(1)
