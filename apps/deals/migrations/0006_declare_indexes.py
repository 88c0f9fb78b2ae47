"""The trigram index and the dashboard's covering indexes, declared on the model.

They already exist: created by this app's migrations 0002 and 0005 and, CONCURRENTLY on a live
table, by the dashboard's 0001 and 0002, with exactly these definitions. This migration only
records them in the model state (no SQL), so the model says what the database has and later
changes to them are ordinary AddIndex/RemoveIndex migrations.
"""

import django.contrib.postgres.indexes
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('deals', '0005_name_trigram_index_without_pending_list'),
        # The indexes it declares are built there (a later change to them must find them).
        ('dashboard', '0002_pipeline_index_by_currency'),
        ('partners', '0002_lifecycle'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
        migrations.AddIndex(
            model_name='dealregistration',
            index=django.contrib.postgres.indexes.GinIndex(django.contrib.postgres.indexes.OpClass('customer_name_key', name='gin_trgm_ops'), condition=models.Q(('status__in', ['submitted', 'approved'])), fastupdate=False, name='deal_name_trgm_idx'),
        ),
        migrations.AddIndex(
            model_name='dealregistration',
            index=models.Index(fields=['submitted_at'], include=('partner',), name='dash_deal_submitted_idx'),
        ),
        migrations.AddIndex(
            model_name='dealregistration',
            index=models.Index(condition=models.Q(('approved_at__isnull', False)), fields=['approved_at'], include=('partner',), name='dash_deal_approved_idx'),
        ),
        migrations.AddIndex(
            model_name='dealregistration',
            index=models.Index(condition=models.Q(('reviewed_at__isnull', False)), fields=['reviewed_at'], include=('submitted_at', 'status', 'partner'), name='dash_deal_reviewed_idx'),
        ),
        migrations.AddIndex(
            model_name='dealregistration',
            index=models.Index(condition=models.Q(('status__in', ['won', 'lost'])), fields=['closed_at'], include=('status', 'partner', 'currency', 'estimated_value', 'actual_value'), name='dash_deal_closed_idx'),
        ),
        migrations.AddIndex(
            model_name='dealregistration',
            index=models.Index(condition=models.Q(('status', 'approved')), fields=['partner', 'currency'], include=('estimated_value',), name='dash_deal_pipeline_cur_idx'),
        ),
        migrations.AddIndex(
            model_name='dealregistration',
            index=models.Index(condition=models.Q(('approved_at__isnull', False)), fields=['partner', 'approved_at'], name='dash_deal_partner_approved_idx'),
        ),
            ],
        ),
    ]
