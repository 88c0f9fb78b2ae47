"""Domain events of the people app (catalogue: docs/ARCHITECTURE.md, "Domain events")."""

from __future__ import annotations

from django.dispatch import Signal

# An invitee accepted their invitation and has a portal user. sender=Invitation; invitation_id=,
# partner_id=, user_id=, at=. Sent after commit (apps.core.events.send_after_commit).
invitation_accepted = Signal()
