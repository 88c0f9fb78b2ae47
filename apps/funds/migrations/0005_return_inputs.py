"""The return on funds' freshness token (apps/funds/freshness.py): its row and the triggers
that move it."""

import uuid

from django.db import migrations, models

from apps.funds import freshness


def forwards(apps, schema_editor):
    apps.get_model("funds", "ReturnInputs").objects.create(token=uuid.uuid4())
    freshness.install(schema_editor.connection.cursor())


def backwards(apps, schema_editor):
    freshness.uninstall(schema_editor.connection.cursor())


class Migration(migrations.Migration):

    dependencies = [
        # The tables the triggers watch, as they are now.
        ('deals', '0013_extension_decisions'),
        ('leads', '0002_lead_clock_due'),
        ('program', '0009_tier_certified_people'),
        ('funds', '0004_earnings'),
    ]

    operations = [
        migrations.CreateModel(
            name='ReturnInputs',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('token', models.UUIDField()),
            ],
        ),
        migrations.RunPython(forwards, backwards),
    ]
