"""The triggers that move the return on funds' token (apps/funds/freshness.py)."""

from django.db import migrations

from apps.funds import freshness


def forwards(apps, schema_editor):
    freshness.RETURN.install(schema_editor.connection.cursor())


def backwards(apps, schema_editor):
    freshness.RETURN.uninstall(schema_editor.connection.cursor())


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_figure_changes"),
        ("funds", "0004_earnings"),
        # The tables the triggers watch, as they are now.
        ("deals", "0013_extension_decisions"),
        ("leads", "0002_lead_clock_due"),
        ("program", "0009_tier_certified_people"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
