"""The money figures kept per partner (apps/dashboard/money.py): their tables, the triggers
that mark the partners a write touches, and the first computation for the partners there."""

import django.contrib.postgres.fields
from django.db import migrations, models
from django.utils import timezone

from apps.dashboard import money


def forwards(apps, schema_editor):
    money.rebuild(timezone.now())  # installs the triggers, then computes every partner


def backwards(apps, schema_editor):
    money.uninstall(schema_editor.connection.cursor())


class Migration(migrations.Migration):

    dependencies = [
        ('dashboard', '0005_partner_health'),
    ]

    operations = [
        migrations.CreateModel(
            name='MoneyMark',
            fields=[
                ('partner_id', models.BigIntegerField(primary_key=True, serialize=False)),
            ],
        ),
        migrations.CreateModel(
            name='PartnerMoney',
            fields=[
                ('partner_id', models.BigIntegerField(primary_key=True, serialize=False)),
                ('tier_id', models.BigIntegerField(null=True)),
                ('manager_id', models.BigIntegerField(null=True)),
                ('name', models.CharField(max_length=200)),
                ('pipeline', models.DecimalField(decimal_places=10, max_digits=40, null=True)),
                ('pipeline_n', models.IntegerField()),
                ('pipeline_missing', models.IntegerField()),
                ('pipeline_missing_currencies', django.contrib.postgres.fields.ArrayField(base_field=models.CharField(max_length=3), null=True, size=None)),
                ('won_30', models.DecimalField(decimal_places=10, max_digits=40, null=True)),
                ('won_deals_30', models.IntegerField()),
                ('won_missing_30', models.IntegerField()),
                ('won_missing_currencies_30', django.contrib.postgres.fields.ArrayField(base_field=models.CharField(max_length=3), null=True, size=None)),
                ('won_90', models.DecimalField(decimal_places=10, max_digits=40, null=True)),
                ('won_deals_90', models.IntegerField()),
                ('won_missing_90', models.IntegerField()),
                ('won_missing_currencies_90', django.contrib.postgres.fields.ArrayField(base_field=models.CharField(max_length=3), null=True, size=None)),
                ('won_365', models.DecimalField(decimal_places=10, max_digits=40, null=True)),
                ('won_deals_365', models.IntegerField()),
                ('won_missing_365', models.IntegerField()),
                ('won_missing_currencies_365', django.contrib.postgres.fields.ArrayField(base_field=models.CharField(max_length=3), null=True, size=None)),
                ('computed_at', models.DateTimeField()),
                ('due_at', models.DateTimeField()),
            ],
            options={
                'indexes': [models.Index(fields=['due_at'], name='dash_money_due_idx'), models.Index(fields=['computed_at'], name='dash_money_computed_idx')],
            },
        ),
        migrations.RunPython(forwards, backwards),
    ]
