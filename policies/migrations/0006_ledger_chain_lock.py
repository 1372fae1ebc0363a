from django.db import migrations

from core import append_only

# The ledger's hash chain (core.chain): on PostgreSQL every INSERT into the ledger takes the
# writers' lock the sealer waits for, before it draws an id.


class Migration(migrations.Migration):
    dependencies = [("policies", "0005_fact_ceilings"), ("core", "0008_hash_chain")]
    operations = [
        migrations.RunPython(append_only.write_lock("policies_ledgerentry"), migrations.RunPython.noop)
    ]
