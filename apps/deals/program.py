"""Kept only while apps/deals/selectors.py and apps/deals/models.py import `program_rules` from
here: the rules live in their homes (ProgramSettings.get(), Partner.protection_days,
Partner.is_active_partner). Delete this module once those two imports are changed."""

from __future__ import annotations

from apps.program.models import ProgramSettings


def program_rules() -> ProgramSettings:
    return ProgramSettings.get()
