"""Conflict detection on submission: open registrations of the same domain or a similar name."""

from __future__ import annotations

from django.db import connection

from ..models import OPEN_STATUSES, DealRegistration
from ..selectors import NAME_SIMILARITY

# At most this many similar names are stored per submission (the most similar first): a bound
# on the work a very common name can cause. Same-domain conflicts are bounded the same way.
MAX_STORED_CONFLICTS = 200

_DETECT_SQL = """
WITH by_name AS (
    SELECT id, similarity(customer_name_key, %(key)s) AS s
    FROM deals_dealregistration
    WHERE customer_name_key %% %(key)s
      AND status IN ('submitted', 'approved')
      AND id <> %(id)s
      AND similarity(customer_name_key, %(key)s) >= %(threshold)s
    ORDER BY s DESC, id
    LIMIT %(limit)s
), by_domain AS (
    SELECT id FROM deals_dealregistration
    WHERE customer_domain = %(domain)s AND status IN ('submitted', 'approved') AND id <> %(id)s
    ORDER BY id
    LIMIT %(limit)s
), found AS (
    SELECT id, bool_or(same) AS same, max(s) AS s FROM (
        SELECT id, false AS same, s FROM by_name
        UNION ALL SELECT id, true, NULL FROM by_domain
    ) pairs GROUP BY id
), stored AS (
    INSERT INTO deals_registrationconflict (registration_id, other_id, same_domain, similarity)
    SELECT %(id)s, id, same, s FROM found
    UNION ALL SELECT id, %(id)s, same, s FROM found
    ON CONFLICT (registration_id, other_id) DO NOTHING
)
SELECT id, same, s FROM found
"""


def lock_for_detection(registration: DealRegistration) -> None:
    """Two submissions for the same domain or the same name key detect one after the other,
    so each sees the other (transaction-level advisory locks, released at commit)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(74001, hashtext(%s)), "
            "pg_advisory_xact_lock(74002, hashtext(%s))",
            [registration.customer_domain, registration.customer_name_key],
        )


def record_conflicts(registration: DealRegistration) -> dict[int, tuple[bool, float | None]]:
    """Find the open registrations conflicting with a newly submitted one and store the pairs
    both ways. {other id: (same domain, name similarity or None)}. One query (the trigram GIN
    index through `%`, the domain index, the insert)."""
    if registration.status not in OPEN_STATUSES:
        return {}
    with connection.cursor() as cursor:
        cursor.execute(
            _DETECT_SQL,
            {
                "id": registration.pk,
                "key": registration.customer_name_key,
                "domain": registration.customer_domain,
                "threshold": NAME_SIMILARITY,
                "limit": MAX_STORED_CONFLICTS,
            },
        )
        return {
            other: (same, float(s) if s is not None else None)
            for other, same, s in cursor.fetchall()
        }
