"""The registration roll-ups the dashboard reads (apps/dashboard/rollups.py): the two tables.
Their covering unique indexes are made at the end of this migration, so the triggers that
upsert on them come in 0004."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('dashboard', '0002_pipeline_index_by_currency'),
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
                'constraints': [models.UniqueConstraint(fields=('partner_id', 'day'), include=('submitted', 'approved', 'rejected', 'won', 'lost'), name='dashboard_regday_key')],
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
                'constraints': [models.UniqueConstraint(fields=('partner_id', 'day', 'bucket'), include=('n',), name='dashboard_reviewtime_key')],
            },
        ),
    ]
