"""The approved-pipeline index keyed by partner and currency (it was by partner only).

The money figure sums the approved registrations per partner and currency, then converts each
sum; with both in the key PostgreSQL reads the index in that order and aggregates as it goes
(no hash table, which at 1,000,000 registrations spilled to disk), and the planner no longer
weighs it against the other partial index of approved registrations (by expiry).
Built CONCURRENTLY under a new name before the old one is dropped.
"""

from django.db import migrations

TABLE = "deals_dealregistration"
OLD = ("dash_deal_pipeline_idx", "(partner_id) INCLUDE (currency, estimated_value)")
NEW = ("dash_deal_pipeline_cur_idx", "(partner_id, currency) INCLUDE (estimated_value)")
WHERE = "WHERE status = 'approved'"


def _swap(schema_editor, create, drop):
    name, spec = create
    schema_editor.execute(
        f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {name} ON {TABLE} {spec} {WHERE}"
    )
    schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {drop[0]}")


def forwards(apps, schema_editor):
    _swap(schema_editor, NEW, OLD)


def backwards(apps, schema_editor):
    _swap(schema_editor, OLD, NEW)


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("dashboard", "0001_deal_dashboard_indexes")]

    operations = [migrations.RunPython(forwards, backwards, atomic=False)]
