"""The triggers that move the tokens of the lifecycle and onboarding figures
(apps/dashboard/snapshot.py: LIFECYCLE, ONBOARDING)."""

from django.db import migrations

from apps.dashboard import snapshot


def forwards(apps, schema_editor):
    for inputs in (snapshot.LIFECYCLE, snapshot.ONBOARDING):
        inputs.install(schema_editor.connection.cursor())


def backwards(apps, schema_editor):
    for inputs in (snapshot.LIFECYCLE, snapshot.ONBOARDING):
        inputs.uninstall(schema_editor.connection.cursor())


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_figure_changes"),
        ("dashboard", "0006_partner_money"),
        # The tables the triggers watch, as they are now.
        ("deals", "0013_extension_decisions"),
        ("partners", "0008_exit_summary"),
        ("program", "0009_tier_certified_people"),
        ("qbrs", "0003_reminder_due_indexes"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
