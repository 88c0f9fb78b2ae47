"""Similar customer names: pg_trgm and a GIN trigram index on the name key (declared on the
model since 0006)."""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

INDEX = "deal_name_trgm_idx"


def create_index(apps, schema_editor):
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON deals_dealregistration "
        "USING gin (customer_name_key gin_trgm_ops) "
        "WHERE status IN ('submitted', 'approved')"
    )


def drop_index(apps, schema_editor):
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("deals", "0001_initial")]

    operations = [
        TrigramExtension(),
        migrations.RunPython(create_index, drop_index),
    ]
