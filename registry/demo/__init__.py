"""The deterministic national demo data set (`manage.py seed_demo`) and the demo accounts.

- `names`: word pools and the generators of place short names, company, person and base names.
- `catalogue`: the bases whose real names and provinces are known (REFERENCE.md, seed 000) and the
  programme's story (batches, evaluations, removals) that the demo data follows.
- `plan`: the pure generator: regions and quota units in, a complete plan of bases, status
  changes, enterprises, residencies and titles out. No Django import, so two runs can be compared
  in memory.
- `writer`: writes a plan to the database with bulk inserts and the change log.
- `accounts`: the demo accounts (one per role plus a few scoped ones) and their shared password.
"""
