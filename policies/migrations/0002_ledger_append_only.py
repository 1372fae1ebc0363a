from django.db import migrations

from core import append_only

# The payment ledger is append-only at the database level, like the change log (core 0002):
# UPDATE, DELETE (and TRUNCATE on PostgreSQL) of policies_ledgerentry are refused by triggers.
# A later migration that makes SQLite rebuild the table must run `append_only.install` again.


class Migration(migrations.Migration):
    dependencies = [("policies", "0001_initial")]
    operations = [migrations.RunPython(append_only.install("policies_ledgerentry"), migrations.RunPython.noop)]
