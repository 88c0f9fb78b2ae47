"""The health scores kept per partner (apps/dashboard/health.py): their tables, the triggers
that mark the partners a write touches, and the first scoring of the partners already there."""

from django.db import migrations, models
from django.utils import timezone

from apps.dashboard import health


def forwards(apps, schema_editor):
    health.rebuild(timezone.now())  # installs the triggers, then scores every active partner


def backwards(apps, schema_editor):
    health.uninstall(schema_editor.connection.cursor())


class Migration(migrations.Migration):
    dependencies = [
        ("dashboard", "0004_rollup_triggers"),
        # The tables the triggers watch and the columns the score reads, as they are now.
        ("deals", "0013_extension_decisions"),
        ("partners", "0008_exit_summary"),
        ("qbrs", "0003_reminder_due_indexes"),
        ("leads", "0002_lead_clock_due"),
        ("enablement", "0003_courses_and_certifications"),
        ("program", "0009_tier_certified_people"),
    ]

    operations = [
        migrations.CreateModel(
            name="HealthMark",
            fields=[
                ("partner_id", models.BigIntegerField(primary_key=True, serialize=False)),
            ],
        ),
        migrations.CreateModel(
            name="PartnerHealth",
            fields=[
                ("partner_id", models.BigIntegerField(primary_key=True, serialize=False)),
                ("manager_id", models.BigIntegerField(null=True)),
                ("name", models.CharField(max_length=200)),
                ("score", models.IntegerField()),
                ("activity", models.SmallIntegerField()),
                ("wins", models.SmallIntegerField()),
                ("satisfaction", models.SmallIntegerField()),
                ("overdue", models.SmallIntegerField()),
                ("stage_time", models.SmallIntegerField()),
                ("leads", models.SmallIntegerField()),
                ("enablement", models.SmallIntegerField()),
                ("won", models.IntegerField()),
                ("lost", models.IntegerField()),
                ("last_score", models.SmallIntegerField(null=True)),
                ("previous_score", models.SmallIntegerField(null=True)),
                ("work", models.IntegerField()),
                ("answered", models.IntegerField()),
                ("lapsed", models.IntegerField()),
                ("certified_people", models.IntegerField()),
                ("computed_at", models.DateTimeField()),
                ("due_at", models.DateTimeField()),
            ],
            options={
                "indexes": [
                    models.Index(
                        fields=["score", "name", "partner_id"], name="dash_health_low_idx"
                    ),
                    models.Index(
                        fields=["manager_id", "score", "name", "partner_id"],
                        name="dash_health_mgr_low_idx",
                    ),
                    models.Index(fields=["due_at"], name="dash_health_due_idx"),
                    models.Index(fields=["computed_at"], name="dash_health_computed_idx"),
                ],
            },
        ),
        migrations.RunPython(forwards, backwards),
    ]
