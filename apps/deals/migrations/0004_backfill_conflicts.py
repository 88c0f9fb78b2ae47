"""Store the conflicts of the registrations open today (new ones are stored on submission).

In set-based SQL: the distinct name keys of the open registrations get their own
small trigram index, similar keys are paired there (one probe per distinct key, not per
registration), and the pairs are expanded back to registrations by key, together with the
same-domain pairs — a few statements whatever the table size, measured at ~115,000 open
registrations of 1,000,000. Not atomic, idempotent (ON CONFLICT DO NOTHING): safe to re-run.
"""

from django.db import migrations, transaction

NAME_SIMILARITY = 0.5  # selectors.NAME_SIMILARITY, frozen here

PG_SQL = [
    f"SELECT set_config('pg_trgm.similarity_threshold', '{NAME_SIMILARITY}', true)",
    "CREATE TEMP TABLE conflict_open ON COMMIT DROP AS SELECT id, customer_name_key AS k, "
    "customer_domain AS d FROM deals_dealregistration WHERE status IN ('submitted', 'approved')",
    "CREATE INDEX ON conflict_open (k)",
    "CREATE INDEX ON conflict_open (d)",
    "CREATE TEMP TABLE conflict_keys ON COMMIT DROP AS SELECT DISTINCT k FROM conflict_open",
    "CREATE INDEX ON conflict_keys USING gin (k gin_trgm_ops)",
    "ANALYZE conflict_open",
    "ANALYZE conflict_keys",
    f"""CREATE TEMP TABLE conflict_key_pairs ON COMMIT DROP AS
        SELECT a.k AS ka, b.k AS kb, similarity(a.k, b.k) AS s
        FROM conflict_keys a JOIN conflict_keys b
          ON b.k % a.k AND similarity(a.k, b.k) >= {NAME_SIMILARITY}""",
    "CREATE INDEX ON conflict_key_pairs (ka)",
    "ANALYZE conflict_key_pairs",
    """INSERT INTO deals_registrationconflict (registration_id, other_id, same_domain, similarity)
        SELECT a, b, bool_or(same), max(s) FROM (
            SELECT r1.id AS a, r2.id AS b, false AS same, p.s AS s
            FROM conflict_open r1
            JOIN conflict_key_pairs p ON p.ka = r1.k
            JOIN conflict_open r2 ON r2.k = p.kb
            WHERE r1.id <> r2.id
            UNION ALL
            SELECT r1.id, r2.id, true, NULL
            FROM conflict_open r1 JOIN conflict_open r2 ON r2.d = r1.d
            WHERE r1.id <> r2.id
        ) pairs
        GROUP BY a, b
        ON CONFLICT (registration_id, other_id) DO NOTHING""",
]


def backfill(apps, schema_editor):
    connection = schema_editor.connection
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        for sql in PG_SQL:
            cursor.execute(sql)

class Migration(migrations.Migration):
    atomic = False

    dependencies = [("deals", "0003_stored_conflicts")]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
