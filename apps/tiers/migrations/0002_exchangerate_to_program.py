# The exchange rates now belong to the program app (program 0003 takes the table over as is).

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("tiers", "0001_initial"),
        ("program", "0003_exchangerate"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="ExchangeRate")],
            database_operations=[],
        ),
    ]
