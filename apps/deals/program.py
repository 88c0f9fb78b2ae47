"""The program rules deals follow, read from the program app (tiers, program settings)."""

from __future__ import annotations

DEFAULT_PROTECTION_DAYS = 90


def program_rules():
    """ProgramSettings.get(): review_sla_hours, max_extensions, max_extension_days,
    deal_expiry_reminder_days."""
    from apps.program.models import ProgramSettings

    return ProgramSettings.get()


def protection_days(partner) -> int:
    tier = partner.tier if partner.tier_id else None
    return getattr(tier, "protection_days", None) or DEFAULT_PROTECTION_DAYS


def partner_is_active(partner) -> bool:
    from apps.partners.models import ACTIVE_STAGES

    return partner.stage in ACTIVE_STAGES
