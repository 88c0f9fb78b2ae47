"""Sending domain events (docs/ARCHITECTURE.md, "Domain events").

A domain event is a `django.dispatch.Signal` declared in the owning app's `events.py`. Most are
announcements: `send_after_commit` sends them once the transaction that made the change commits
(never for a change that rolled back), with a small payload of ids and state names, and a failing
subscriber is logged without undoing the change it heard of. An event whose reaction must be
atomic with the change (a partner's exit closes its agreements, registrations and QBRs) is sent
with `Signal.send` inside the transaction instead, and says so where it is declared.
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.dispatch import Signal

log = logging.getLogger(__name__)


def send_after_commit(signal: Signal, sender: type, **payload) -> None:
    """Send `signal` when the current transaction commits (at once outside one)."""
    transaction.on_commit(lambda: _send(signal, sender, payload))


def _send(signal: Signal, sender: type, payload: dict) -> None:
    for receiver, result in signal.send_robust(sender=sender, **payload):
        if isinstance(result, Exception):
            log.error("Subscriber %r failed on %s", receiver, sender.__name__, exc_info=result)
