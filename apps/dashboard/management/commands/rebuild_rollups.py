from __future__ import annotations

import time

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from apps.dashboard import health, money, rollups
from apps.dashboard.models import PartnerHealth, PartnerMoney, RegistrationDay, ReviewTime
from apps.leads import loads
from apps.leads.models import PartnerLeadLoad


class Command(BaseCommand):
    help = (
        "Recompute the dashboard's roll-ups from the registrations, and every partner's health "
        "score and money figures from their source rows, and the counts lead routing reads (after "
        "writing with the triggers off, or after changing TIME_ZONE). Writes to registrations, "
        "leads and assignments wait meanwhile."
    )

    def handle(self, *args, **options):
        started = time.monotonic()
        with transaction.atomic():
            rollups.rebuild()
            health.rebuild(timezone.now())
            money.rebuild(timezone.now())
            loads.rebuild()
        self.stdout.write(
            self.style.SUCCESS(
                f"Rebuilt {RegistrationDay.objects.count():,} day rows and "
                f"{ReviewTime.objects.count():,} review-time rows, "
                f"scored {PartnerHealth.objects.count():,} active partners, "
                f"summed the money of {PartnerMoney.objects.count():,} partners, "
                f"counted the open leads of {PartnerLeadLoad.objects.count():,} partners "
                f"in {time.monotonic() - started:.1f} s."
            )
        )
