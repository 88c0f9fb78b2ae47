"""The health and money marks become an appended log (an id of their own, partner_id repeated)
instead of one row per partner: a writer marking a partner no longer waits for another
transaction that marked the same partner (INSERT … ON CONFLICT waited for it to end)."""

from django.db import migrations, models

from apps.dashboard import health, money
from apps.dashboard.models import ALL_PARTNERS


def forwards(apps, schema_editor):
    cursor = schema_editor.connection.cursor()
    for store in (health.STORE, money.STORE):
        store.install(cursor)
        # The marks pending before the change were dropped with their table: everyone is
        # recomputed by the next refresh.
        cursor.execute(f"INSERT INTO {store.marks_table} (partner_id) VALUES (%s)", [ALL_PARTNERS])


class Migration(migrations.Migration):
    dependencies = [("dashboard", "0007_kept_figures")]

    operations = [
        migrations.DeleteModel(name="HealthMark"),
        migrations.DeleteModel(name="MoneyMark"),
        migrations.CreateModel(
            name="HealthMark",
            fields=[
                ("id", models.BigAutoField(primary_key=True, serialize=False)),
                ("partner_id", models.BigIntegerField()),
            ],
        ),
        migrations.CreateModel(
            name="MoneyMark",
            fields=[
                ("id", models.BigAutoField(primary_key=True, serialize=False)),
                ("partner_id", models.BigIntegerField()),
            ],
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
