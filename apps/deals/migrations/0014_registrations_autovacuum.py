"""Autovacuum for the registrations table at 2% of its rows instead of PostgreSQL's 20%.

The review queue's count, the portal lists and the dashboard's edges are index-only scans: they
stay index-only while the visibility map is current. Every review, expiry and reminder updates
registrations; at the default 20%, a table of a million rows waits for 200,000 dead rows before
it is vacuumed, and meanwhile each of those scans visits the heap (the review queue's count of
17,819 waiting registrations: 45 ms with 76,000 dead rows, 3.8 ms after a vacuum)."""

from django.db import migrations

TABLE = "deals_dealregistration"
SETTINGS = (
    "autovacuum_vacuum_scale_factor = 0.02, autovacuum_analyze_scale_factor = 0.02, "
    "autovacuum_vacuum_insert_scale_factor = 0.02"
)
NAMES = (
    "autovacuum_vacuum_scale_factor, autovacuum_analyze_scale_factor, "
    "autovacuum_vacuum_insert_scale_factor"
)


class Migration(migrations.Migration):
    dependencies = [("deals", "0013_extension_decisions")]

    operations = [
        migrations.RunSQL(
            f"ALTER TABLE {TABLE} SET ({SETTINGS})", f"ALTER TABLE {TABLE} RESET ({NAMES})"
        )
    ]
