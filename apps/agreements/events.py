"""Domain events of the agreements app (catalogue: docs/ARCHITECTURE.md, "Domain events").

Sent after commit (apps.core.events.send_after_commit), sender=Agreement, with agreement_id=,
partner_id=, status= (the state it reached) and actor_id= (None: the system).
"""

from __future__ import annotations

from django.dispatch import Signal

agreement_signed = Signal()  # the partner signed an agreement: it is active now
