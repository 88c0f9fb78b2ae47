"""The triggers that keep the dashboard's roll-ups (apps/dashboard/rollups.py), and their first
fill from the registrations already there."""

from django.db import migrations

from apps.dashboard import rollups


def forwards(apps, schema_editor):
    rollups.rebuild_with(schema_editor.connection.cursor())  # installs the triggers, then fills


def backwards(apps, schema_editor):
    rollups.uninstall(schema_editor.connection.cursor())


class Migration(migrations.Migration):
    dependencies = [("dashboard", "0003_rollups")]  # and deals 0002, through dashboard 0001

    operations = [migrations.RunPython(forwards, backwards)]
