"""Domain events of the enablement app (catalogue: docs/ARCHITECTURE.md, "Domain events").

Sent after commit (apps.core.events.send_after_commit), sender=Certification, with
certification_id=, course_id=, user_id= and partner_id=.
"""

from __future__ import annotations

from django.dispatch import Signal

certification_earned = Signal()  # a partner user passed a course's quiz: certified from now
certification_expired = (
    Signal()
)  # a certification's validity ended (the certification_expiry sweep)
