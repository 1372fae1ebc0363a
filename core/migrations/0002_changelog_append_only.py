from django.db import migrations

# Append-only at the database level: no interface (admin, API, shell, raw SQL through the app's
# connection) can alter or erase the audit trail.
SQLITE = [
    "DROP TRIGGER IF EXISTS core_changelog_no_update",
    "DROP TRIGGER IF EXISTS core_changelog_no_delete",
    """CREATE TRIGGER core_changelog_no_update BEFORE UPDATE ON core_changelog
       BEGIN SELECT RAISE(ABORT, 'core_changelog is append-only'); END""",
    """CREATE TRIGGER core_changelog_no_delete BEFORE DELETE ON core_changelog
       BEGIN SELECT RAISE(ABORT, 'core_changelog is append-only'); END""",
]
POSTGRESQL = [
    """CREATE OR REPLACE FUNCTION core_changelog_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN RAISE EXCEPTION 'core_changelog is append-only'; END $$""",
    "DROP TRIGGER IF EXISTS core_changelog_no_change ON core_changelog",
    "DROP TRIGGER IF EXISTS core_changelog_no_truncate ON core_changelog",
    """CREATE TRIGGER core_changelog_no_change BEFORE UPDATE OR DELETE ON core_changelog
       FOR EACH ROW EXECUTE FUNCTION core_changelog_append_only()""",
    """CREATE TRIGGER core_changelog_no_truncate BEFORE TRUNCATE ON core_changelog
       FOR EACH STATEMENT EXECUTE FUNCTION core_changelog_append_only()""",
]


def forwards(apps, schema_editor):
    """Idempotent: a later migration that makes SQLite rebuild the table must call it again."""
    for sql in {"sqlite": SQLITE, "postgresql": POSTGRESQL}.get(schema_editor.connection.vendor, []):
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
