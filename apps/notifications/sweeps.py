from __future__ import annotations

from datetime import datetime

from apps.core.sweeps import sweep

from .services import deliver_outbox


@sweep("notification_delivery")
def notification_delivery(now: datetime) -> dict:
    return deliver_outbox(now=now)
