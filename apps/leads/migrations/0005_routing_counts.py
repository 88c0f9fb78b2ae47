"""The counts routing reads (apps/leads/loads.py); 0006 installs their triggers and counts."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('leads', '0004_written_labels'),
        ('partners', '0009_written_labels'),
    ]

    operations = [
        migrations.CreateModel(
            name='PartnerLeadLoad',
            fields=[
                ('partner', models.OneToOneField(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, primary_key=True, related_name='lead_load', serialize=False, to='partners.partner')),
                ('open_leads', models.IntegerField(default=0)),
            ],
        ),
        migrations.CreateModel(
            name='LeadCountChange',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('rule_id', models.BigIntegerField(null=True)),
                ('n', models.IntegerField()),
                ('partner', models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='lead_count_changes', to='partners.partner')),
            ],
            options={
                'indexes': [models.Index(fields=['partner', 'rule_id'], include=('n',), name='leads_change_key')],
            },
        ),
        migrations.CreateModel(
            name='RuleShare',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('received', models.IntegerField(default=0)),
                ('partner', models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='lead_rule_shares', to='partners.partner')),
                ('rule', models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='leads.routingrule')),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('rule', 'partner'), include=('received',), name='leads_ruleshare_key')],
            },
        ),
    ]
