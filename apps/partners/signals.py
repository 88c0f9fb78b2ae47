"""Kept only while apps/deals/receivers.py still imports `partner_exited` from here; the events
are declared in apps/partners/events.py. Delete this module once that import is changed."""

from __future__ import annotations

from .events import partner_exited

__all__ = ["partner_exited"]
