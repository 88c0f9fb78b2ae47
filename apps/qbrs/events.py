"""Domain events of the qbrs app (catalogue: docs/ARCHITECTURE.md, "Domain events")."""

from __future__ import annotations

from django.dispatch import Signal

# A QBR was completed. Sent after commit; sender=QBR, qbr_id=, partner_id=, quarter=, outcome=.
qbr_completed = Signal()
