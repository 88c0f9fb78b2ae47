"""Domain events of the tiers app (catalogue: docs/ARCHITECTURE.md, "Domain events")."""

from __future__ import annotations

from django.dispatch import Signal

# A partner's tier changed (by hand, an approved proposal, or an automatic promotion). Sent after
# commit; sender=TierChange, change_id=, partner_id=, from_tier_id=, to_tier_id=, direction=.
tier_changed = Signal()
