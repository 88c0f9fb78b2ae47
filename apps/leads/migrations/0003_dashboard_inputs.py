"""The triggers that move the token of the dashboard's lead figures (apps/leads/sections.py)."""

from django.db import migrations

from apps.leads import sections


def forwards(apps, schema_editor):
    sections.DASHBOARD_INPUTS.install(schema_editor.connection.cursor())


def backwards(apps, schema_editor):
    sections.DASHBOARD_INPUTS.uninstall(schema_editor.connection.cursor())


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_figure_changes"),
        ("leads", "0002_lead_clock_due"),
        ("partners", "0008_exit_summary"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
