# The exchange rates move from the tiers app to the program (money is program configuration,
# DESIGN.md section 12). The table keeps its name: only Django's state changes.

import django.core.validators
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("program", "0002_default_program"),
        ("tiers", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="ExchangeRate",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "currency",
                            models.CharField(
                                max_length=3,
                                validators=[
                                    django.core.validators.RegexValidator(
                                        "^[A-Z]{3}\\Z", "Use a three-letter ISO 4217 code, e.g. EUR."
                                    )
                                ],
                            ),
                        ),
                        (
                            "rate_to_base",
                            models.DecimalField(
                                decimal_places=8,
                                max_digits=18,
                                validators=[django.core.validators.MinValueValidator(0)],
                            ),
                        ),
                        ("effective_date", models.DateField()),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                    ],
                    options={
                        "db_table": "tiers_exchangerate",
                        "ordering": ["currency", "-effective_date"],
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("currency", "effective_date"),
                                name="one_rate_per_currency_per_day",
                            ),
                            models.CheckConstraint(
                                condition=models.Q(("rate_to_base__gt", 0)),
                                name="rate_to_base_positive",
                            ),
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
