"""The admin-kept list of rejection reasons, seeded with the usual ones."""

from django.db import migrations, models

# A fresh installation's rejection reasons (issue 19); admins keep the list from then on.
DEFAULT_REASONS = [
    "Customer already in an active sales cycle with us",
    "Insufficient information",
    "Outside the partner's territory",
    "Duplicate of an existing registration",
]


def seed(apps, schema_editor):
    RejectionReason = apps.get_model("program", "RejectionReason")
    for order, label in enumerate(DEFAULT_REASONS, start=1):
        RejectionReason.objects.get_or_create(label=label, defaults={"order": order * 10})


class Migration(migrations.Migration):

    dependencies = [
        ('program', '0005_default_completing_events'),
    ]

    operations = [
        migrations.CreateModel(
            name='RejectionReason',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('label', models.CharField(help_text='Shown to the partner exactly as written. Name no other partner.', max_length=200, unique=True, verbose_name='reason')),
                ('active', models.BooleanField(default=True, verbose_name='offered to managers')),
                ('order', models.PositiveSmallIntegerField(default=0)),
            ],
            options={
                'ordering': ['order', 'id'],
            },
        ),
        migrations.RunPython(seed, migrations.RunPython.noop),
    ]
