"""A customer is its registrable domain (`shop.acme.co.uk` → `acme.co.uk`).

Recomputes every registration's stored customer with `normalize_domain`, one UPDATE per changed
domain batch, then the stored conflicts (same-domain flags, and the new same-customer pairs by
the set-based backfill of 0004). Where the coarser customer makes two open registrations claim
one customer — two partners' approved protections, or one partner's two open registrations —
nothing is changed silently: the later one is set aside (`duplicate_of`, outside the unique
indexes) with a ProtectionDispute row that admins decide on the disputes page. Then the unique
indexes (one approved registration per customer; one open registration per partner and
customer) hold for every new approval and submission.
"""

import importlib

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

from apps.deals.normalize import InvalidDomain, normalize_domain

# Open registrations that claim a customer another registration claimed first: for each
# customer, approved registrations beyond the earliest approved; for each partner and customer,
# open registrations beyond the first (its approved one, else its earliest).
_SET_ASIDE_SQL = '''
WITH open_regs AS (
    SELECT id, partner_id, customer_domain, status,
           ROW_NUMBER() OVER (
               PARTITION BY customer_domain, status ORDER BY approved_at, id
           ) AS approved_rank,
           FIRST_VALUE(id) OVER (
               PARTITION BY customer_domain
               ORDER BY (status = 'approved') DESC, approved_at, id
           ) AS first_approved,
           ROW_NUMBER() OVER (
               PARTITION BY partner_id, customer_domain
               ORDER BY (status = 'approved') DESC, approved_at, submitted_at, id
           ) AS partner_rank,
           FIRST_VALUE(id) OVER (
               PARTITION BY partner_id, customer_domain
               ORDER BY (status = 'approved') DESC, approved_at, submitted_at, id
           ) AS partner_first
    FROM deals_dealregistration
    WHERE status IN ('submitted', 'approved')
),
aside AS (
    SELECT id, customer_domain,
           CASE WHEN status = 'approved' AND approved_rank > 1 THEN first_approved
                ELSE partner_first END AS holder
    FROM open_regs
    WHERE (status = 'approved' AND approved_rank > 1) OR partner_rank > 1
),
marked AS (
    UPDATE deals_dealregistration r SET duplicate_of_id = a.holder
    FROM aside a WHERE r.id = a.id
    RETURNING r.id, a.holder, a.customer_domain
)
INSERT INTO deals_protectiondispute (holder_id, challenger_id, customer_domain, created_at, decision)
SELECT holder, id, customer_domain, now(), '' FROM marked
'''


def recompute_customers(apps, schema_editor):
    Registration = apps.get_model("deals", "DealRegistration")
    connection = schema_editor.connection
    changed = []
    for domain in Registration.objects.values_list("customer_domain", flat=True).distinct():
        try:
            customer = normalize_domain(domain)
        except InvalidDomain:
            continue  # e.g. a host that is itself a public suffix: left as it was
        if customer != domain:
            changed.append((domain, customer))
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMPORARY TABLE customer_map (old text PRIMARY KEY, new text)")
        for i in range(0, len(changed), 5000):
            cursor.executemany("INSERT INTO customer_map VALUES (%s, %s)", changed[i : i + 5000])
        cursor.execute(
            "UPDATE deals_dealregistration r SET customer_domain = m.new "
            "FROM customer_map m WHERE r.customer_domain = m.old"
        )
        cursor.execute("DROP TABLE customer_map")
        cursor.execute(_SET_ASIDE_SQL)
        # Pairs stored before: the same customer now where their hosts differed.
        cursor.execute(
            "UPDATE deals_registrationconflict c SET same_domain = true "
            "FROM deals_dealregistration r, deals_dealregistration o "
            "WHERE r.id = c.registration_id AND o.id = c.other_id "
            "AND r.customer_domain = o.customer_domain AND NOT c.same_domain"
        )
    # New pairs of one customer, by the set-based backfill (idempotent: ON CONFLICT DO NOTHING).
    importlib.import_module("apps.deals.migrations.0004_backfill_conflicts").backfill(
        apps, schema_editor
    )
    with connection.cursor() as cursor:
        # Check the deferred foreign keys now: the unique indexes that follow cannot be built
        # on a table with pending trigger events.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


class Migration(migrations.Migration):

    dependencies = [
        ('deals', '0007_iso_codes_from_pycountry'),
        ('partners', '0002_lifecycle'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='ProtectionDispute',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('customer_domain', models.CharField(max_length=253)),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('decision', models.CharField(blank=True, choices=[('keep_holder', 'Keep the earlier registration'), ('keep_challenger', 'Keep the later registration')], max_length=20)),
                ('decided_at', models.DateTimeField(blank=True, null=True)),
            ],
            options={
                'ordering': ['created_at', 'id'],
            },
        ),
        migrations.RemoveConstraint(
            model_name='dealregistration',
            name='deal_one_approved_per_domain',
        ),
        migrations.AddField(
            model_name='dealregistration',
            name='duplicate_of',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='deals.dealregistration'),
        ),
        migrations.AddField(
            model_name='protectiondispute',
            name='challenger',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='deals.dealregistration'),
        ),
        migrations.AddField(
            model_name='protectiondispute',
            name='decided_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='protectiondispute',
            name='holder',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='deals.dealregistration'),
        ),
        migrations.AddConstraint(
            model_name='protectiondispute',
            constraint=models.UniqueConstraint(fields=('challenger',), name='deal_dispute_one_per_challenger'),
        ),
        migrations.RunPython(recompute_customers, migrations.RunPython.noop, elidable=False),
        migrations.AddConstraint(
            model_name='dealregistration',
            constraint=models.UniqueConstraint(condition=models.Q(('duplicate_of__isnull', True), ('status', 'approved')), fields=('customer_domain',), name='deal_one_approved_per_domain'),
        ),
        migrations.AddConstraint(
            model_name='dealregistration',
            constraint=models.UniqueConstraint(condition=models.Q(('duplicate_of__isnull', True), ('status__in', ['submitted', 'approved'])), fields=('partner', 'customer_domain'), name='deal_one_open_per_partner_customer'),
        ),
    ]
