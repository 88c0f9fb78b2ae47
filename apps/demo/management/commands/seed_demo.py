"""Demo data for `make run`: one module per app in `apps/demo/` (`seed(ctx)`), run in order."""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.db import transaction

from apps.core.discovery import app_modules
from apps.demo import (
    accounts,
    agreements,
    applications,
    deals,
    decisions,
    earnings,
    funds,
    leads,
    library,
    partners,
    people,
    qbrs,
    tiers,
)

# Order matters: the people and partners first, then what each domain builds on them.
SEEDERS = [
    accounts, partners, people, agreements, deals, decisions, qbrs, tiers, applications, leads,
    library, funds, earnings,
]  # fmt: skip


class Command(BaseCommand):
    help = "Create the demo program (idempotent: does nothing if it exists) and print the logins."

    def handle(self, *args, **options):
        if accounts.already_seeded():
            self.stdout.write("Demo data already present.")
        else:
            ctx: dict = {}
            with transaction.atomic():
                for seeder in SEEDERS:
                    seeder.seed(ctx)
                # Then the apps of the demo's own floor, which it may not import: each app's
                # `demo.py` (apps/locator/demo.py), found like nav.py or sweeps.py.
                for module in app_modules("demo"):
                    module.seed(ctx)
            self.stdout.write(self.style.SUCCESS("Demo data created."))
        self.stdout.write("\nDemo logins (username / password):")
        for role, username, password in accounts.LOGINS:
            self.stdout.write(f"  {role:<28} {username:<10} / {password}")
