"""Domain events of the partners app (catalogue: docs/ARCHITECTURE.md, "Domain events").

Both are sent inside the transaction that makes the change, with the instances the subscribers
act on: their reactions are part of the change and must commit or roll back with it.
"""

from __future__ import annotations

from django.dispatch import Signal

# A partner exited. sender=Partner; partner=, actor=, reason=, now=. Agreements terminate,
# registrations close and QBRs are cancelled in the subscribers (agreements, deals, qbrs), in the
# exit's transaction: a partner must never be exited with an agreement still active.
partner_exited = Signal()

# A manager or admin set a partner's tier by hand (partner form, API). sender=Partner; partner=
# (tier already written), from_tier_id=, actor=, now=. The tiers app records the change, withdraws
# an overtaken proposal and tells the people concerned, in the same transaction: the history of
# tier changes has no gaps.
partner_tier_set = Signal()
