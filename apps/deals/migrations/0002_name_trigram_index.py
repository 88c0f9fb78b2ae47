"""Similar customer names on PostgreSQL: pg_trgm and a GIN trigram index on the name key.

Only on PostgreSQL: TrigramExtension skips other databases by itself, and the index is created by
a RunPython that checks the vendor, so SQLite (the embedded default) still migrates; there the
selectors score similarity in Python instead.
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

INDEX = "deal_name_trgm_idx"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON deals_dealregistration "
        "USING gin (customer_name_key gin_trgm_ops) "
        "WHERE status IN ('submitted', 'approved')"
    )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("deals", "0001_initial")]

    operations = [
        TrigramExtension(),
        migrations.RunPython(create_index, drop_index),
    ]
