"""The triggers that keep the counts routing reads (apps/leads/loads.py), and their first count
from the leads already there. A migration of its own: the counts' unique index is created at the
end of 0005, and the triggers' upsert needs it."""

from django.db import migrations

from apps.leads import loads


def forwards(apps, schema_editor):
    loads.rebuild_with(schema_editor.connection.cursor())  # installs the triggers, then counts


def backwards(apps, schema_editor):
    loads.uninstall(schema_editor.connection.cursor())


class Migration(migrations.Migration):
    dependencies = [("leads", "0005_routing_counts")]

    operations = [migrations.RunPython(forwards, backwards)]
