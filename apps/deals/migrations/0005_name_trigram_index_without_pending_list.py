"""The name trigram index answers one similarity search per submission, so it must stay fast
to search while rows arrive one by one.

With GIN's default `fastupdate`, new entries wait in an unsorted pending list (up to
`gin_pending_list_limit`, 4 MB) until a vacuum merges them, and every search reads the whole
list: measured on the benchmark's 50,000-registration program, the detection query took 4.5 ms
with the index still in its pending list and 0.6 ms once merged. Without fastupdate each insert
merges its own few trigrams (a small, constant cost) and searches never read a pending list.
"""

from django.db import migrations

INDEX = "deal_name_trgm_idx"


def forwards(apps, schema_editor):
    schema_editor.execute(f"ALTER INDEX IF EXISTS {INDEX} SET (fastupdate = off)")
    # Whatever already waits in the pending list is merged now.
    schema_editor.execute(
        f"SELECT gin_clean_pending_list('{INDEX}'::regclass) "
        f"WHERE to_regclass('{INDEX}') IS NOT NULL"
    )


def backwards(apps, schema_editor):
    schema_editor.execute(f"ALTER INDEX IF EXISTS {INDEX} RESET (fastupdate)")


class Migration(migrations.Migration):
    dependencies = [("deals", "0004_backfill_conflicts")]

    operations = [migrations.RunPython(forwards, backwards)]
