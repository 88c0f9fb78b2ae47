"""The dashboard's indexes on deal registrations (issue 8: the dashboard in well under a second at
1,000,000 registrations).

Every registration figure is bounded to the period by a range on one timestamp, and each range
here has its own index whose INCLUDE columns cover what the figure reads, so PostgreSQL answers
with index-only scans of the period's rows instead of scanning the table (the health score's
12-month closings read the closed-at one too). The per-partner one serves the ramp time's first
approval after onboarding began (one index descent per onboarded partner).

Built CONCURRENTLY (no write lock on a live table; the migration is therefore not atomic).
Declared on the deals model since deals' migration 0006, which records them in its state.
"""

from django.db import migrations

TABLE = "deals_dealregistration"
INDEXES = {
    # Weekly submitted in the period.
    "dash_deal_submitted_idx": "(submitted_at) INCLUDE (partner_id)",
    # Weekly approved in the period.
    "dash_deal_approved_idx": "(approved_at) INCLUDE (partner_id) WHERE approved_at IS NOT NULL",
    # Weekly rejected, review times against the SLA, reviewed late — all of the reviewed rows.
    "dash_deal_reviewed_idx": (
        "(reviewed_at) INCLUDE (submitted_at, status, partner_id) WHERE reviewed_at IS NOT NULL"
    ),
    # Win rate and won value of the registrations closed in the period.
    "dash_deal_closed_idx": (
        "(closed_at) INCLUDE (status, partner_id, currency, estimated_value, actual_value) "
        "WHERE status IN ('won', 'lost')"
    ),
    # The approved pipeline now, per partner (replaced by one keyed by partner and currency in
    # migration 0002).
    "dash_deal_pipeline_idx": (
        "(partner_id) INCLUDE (currency, estimated_value) WHERE status = 'approved'"
    ),
    # Ramp time: a partner's first approval after its onboarding started.
    "dash_deal_partner_approved_idx": (
        "(partner_id, approved_at) WHERE approved_at IS NOT NULL"
    ),
}


def create(apps, schema_editor):
    for name, spec in INDEXES.items():
        schema_editor.execute(f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {name} ON {TABLE} {spec}")


def drop(apps, schema_editor):
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {name}")


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("deals", "0002_name_trigram_index")]

    operations = [migrations.RunPython(create, drop, atomic=False)]
