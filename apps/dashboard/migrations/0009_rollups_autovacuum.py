"""Autovacuum for the roll-ups at 2% of their rows instead of PostgreSQL's 20%: every write of
a registration updates today's rows (a new row version each), and the dashboard reads them
index-only; the marks tables are appended to and emptied all day and stay small."""

from django.db import migrations

TABLES = ("dashboard_registrationday", "dashboard_reviewtime")
SETTINGS = "autovacuum_vacuum_scale_factor = 0.02, autovacuum_analyze_scale_factor = 0.02"
NAMES = "autovacuum_vacuum_scale_factor, autovacuum_analyze_scale_factor"


class Migration(migrations.Migration):
    dependencies = [("dashboard", "0008_appended_marks")]

    operations = [
        migrations.RunSQL(
            [f"ALTER TABLE {t} SET ({SETTINGS})" for t in TABLES],
            [f"ALTER TABLE {t} RESET ({NAMES})" for t in TABLES],
        )
    ]
