"""Writes on deal registrations, by sub-domain: input checks (`validation`), conflict detection
(`conflicts`), registering (`submission`), transitions and their announcements (`review`),
extension requests (`extensions`), the conversation: comments, internal notes and attachments
(`conversation`); a partner's exit is declared in `apps/deals/exit.py`.
`registration_transition` is the one way a status changes, whichever door it came through
(manager page, portal, API, sweep, exit).
The public functions are re-exported here so callers import them from `apps.deals.services`."""

from __future__ import annotations

from .conflicts import MAX_STORED_CONFLICTS, record_conflicts
from .conversation import attachment_add, comment_create, may_write
from .extensions import (
    extension_request_create,
    extension_request_decline,
    extension_request_grant,
)
from .review import DomainProtected, registration_transition
from .submission import EXTENDED, DuplicateRegistration, PartnerInactive, registration_create
from .validation import (
    CREATE_FIELDS,
    MAX_REASON,
    clean_close_date,
    clean_domain,
    registration_validate,
)

__all__ = [
    "EXTENDED",
    "CREATE_FIELDS",
    "MAX_REASON",
    "MAX_STORED_CONFLICTS",
    "DomainProtected",
    "DuplicateRegistration",
    "PartnerInactive",
    "attachment_add",
    "comment_create",
    "may_write",
    "clean_close_date",
    "clean_domain",
    "extension_request_create",
    "extension_request_decline",
    "extension_request_grant",
    "record_conflicts",
    "registration_create",
    "registration_transition",
    "registration_validate",
]
