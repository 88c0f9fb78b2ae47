"""A wide-reaching action confirmed on what it does: its service computes a plan (what it will
change, in names and counts), the page shows it with the plan's fingerprint, and the service
does the action only if the plan computed anew has the same fingerprint; otherwise it raises
PlanChanged carrying the plan as it is now, which the page shows to confirm again. The exit
(apps.core.exits) works the same way."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from .errors import DomainError


def fingerprint(parts: Iterable[str]) -> str:
    """What a confirmation was given for: the same parts in any order give the same print."""
    return hashlib.sha256("\n".join(sorted(parts)).encode()).hexdigest()


class PlanChanged(DomainError):
    """The plan confirmed is no longer what the action does; `plan` is what it does now."""

    def __init__(self, detail: str, plan: object):
        super().__init__(detail, code="concurrent_change")
        self.plan = plan
