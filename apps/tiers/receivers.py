"""What the tiers app does when other apps announce something (docs/ARCHITECTURE.md)."""

from __future__ import annotations

from django.dispatch import receiver

from apps.partners.events import partner_tier_set

from .services.changes import record_tier_set_by_hand


@receiver(partner_tier_set, dispatch_uid="tiers.record_tier_set_by_hand")
def record_tier_set(sender, partner, from_tier_id, actor, now, **kwargs):
    record_tier_set_by_hand(partner=partner, from_tier_id=from_tier_id, actor=actor, now=now)
