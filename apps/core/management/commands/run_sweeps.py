from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from apps.core import sweeps


class Command(BaseCommand):
    help = "Run the periodic sweeps now (all, or those named with --only), printing what each did."

    def add_arguments(self, parser):
        parser.add_argument("--now", help="ISO-8601 time to run the sweeps as of (default: now)")
        parser.add_argument("--only", nargs="+", metavar="NAME", help="sweeps to run")

    def handle(self, *args, now=None, only=None, **options):
        when = timezone.now()
        if now:
            parsed = parse_datetime(now)
            if parsed is None:
                raise CommandError(f"--now {now!r} is not an ISO-8601 date and time.")
            when = timezone.make_aware(parsed) if timezone.is_naive(parsed) else parsed
        names = only or sorted(sweeps.REGISTRY)
        unknown = [n for n in names if n not in sweeps.REGISTRY]
        if unknown:
            raise CommandError(
                f"Unknown sweep(s): {', '.join(unknown)}. Known: {', '.join(sorted(sweeps.REGISTRY))}."
            )
        for name in names:
            result = sweeps.run(name, when)
            summary = ", ".join(f"{k}={v}" for k, v in result.items()) or "nothing due"
            self.stdout.write(f"{name}: {summary}")
