"""The registration roll-ups the dashboard reads (apps/dashboard/rollups.py): the two tables,
the triggers that keep them, and their first fill from the registrations already there."""

from django.db import migrations, models

from apps.dashboard import rollups


def forwards(apps, schema_editor):
    rollups.rebuild_with(schema_editor.connection.cursor())  # installs the triggers, then fills


def backwards(apps, schema_editor):
    rollups.uninstall(schema_editor.connection.cursor())


class Migration(migrations.Migration):

    dependencies = [
        ('dashboard', '0002_pipeline_index_by_currency'),
        ('deals', '0009_random_ids'),
    ]

    operations = [
        migrations.CreateModel(
            name='RegistrationDay',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('day', models.DateField()),
                ('partner_id', models.BigIntegerField()),
                ('submitted', models.IntegerField(default=0)),
                ('approved', models.IntegerField(default=0)),
                ('rejected', models.IntegerField(default=0)),
                ('won', models.IntegerField(default=0)),
                ('lost', models.IntegerField(default=0)),
            ],
            options={
                'indexes': [models.Index(fields=['day', 'partner_id'], name='dashboard_regday_day')],
                'constraints': [models.UniqueConstraint(fields=('partner_id', 'day'), name='dashboard_regday_key')],
            },
        ),
        migrations.CreateModel(
            name='ReviewTime',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('day', models.DateField()),
                ('partner_id', models.BigIntegerField()),
                ('bucket', models.SmallIntegerField()),
                ('n', models.IntegerField(default=0)),
            ],
            options={
                'indexes': [models.Index(fields=['day', 'partner_id'], name='dashboard_reviewtime_day')],
                'constraints': [models.UniqueConstraint(fields=('partner_id', 'day', 'bucket'), name='dashboard_reviewtime_key')],
            },
        ),
        migrations.RunPython(forwards, backwards),
    ]
