"""Domain events of the deals app (catalogue: docs/ARCHITECTURE.md, "Domain events").

Sent after commit (apps.core.events.send_after_commit), sender=DealRegistration, with
registration_id=, partner_id=, status= (the state it reached) and actor_id= (None: the system).
"""

from __future__ import annotations

from django.dispatch import Signal

registration_submitted = Signal()  # a partner (or a manager on its behalf) registered a deal
registration_approved = Signal()  # a manager approved it: the customer is protected
registration_won = Signal()  # the deal was recorded as won
registration_lost = Signal()  # the deal was recorded as lost
