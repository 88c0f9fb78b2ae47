"""Demo data for `make run`: each app adds its part in `apps/<app>/demo.py` (`seed(ctx)`)."""

from __future__ import annotations

from importlib import import_module

from django.core.management.base import BaseCommand
from django.db import transaction

DEMO_APPS = ["accounts", "partners", "agreements", "deals", "qbrs", "program", "tiers"]


class Command(BaseCommand):
    help = "Create the demo program (idempotent: does nothing if it exists) and print the logins."

    def handle(self, *args, **options):
        from apps.accounts.demo import LOGINS, already_seeded

        if already_seeded():
            self.stdout.write("Demo data already present.")
        else:
            ctx: dict = {}
            with transaction.atomic():
                for app in DEMO_APPS:
                    try:
                        module = import_module(f"apps.{app}.demo")
                    except ModuleNotFoundError as exc:
                        if exc.name != f"apps.{app}.demo":
                            raise
                        continue
                    module.seed(ctx)
            self.stdout.write(self.style.SUCCESS("Demo data created."))
        self.stdout.write("\nDemo logins (username / password):")
        for role, username, password in LOGINS:
            self.stdout.write(f"  {role:<28} {username:<10} / {password}")
