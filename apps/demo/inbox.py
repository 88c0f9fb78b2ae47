"""The demo users' inboxes as a program running for years leaves them: what the seeders back-fill
happened on its own day and was read then; only what is new and still waits for someone stays
unread. (The services notify as they would today; the demo dates and settles what it back-fills
here, never by changing what they send.)

- `history(at)`: the notifications sent inside were sent at `at` and have been read (and
  e-mailed) since; those older than KEPT are dropped, as a month-old inbox page nobody scrolls.
- `read(link)`: the notifications about one object that its recipients have since handled.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

from django.utils import timezone

from apps.notifications.models import Notification

# The history a demo inbox keeps: older notices would be pages down, long read.
KEPT = timedelta(days=30)
# What happened in the last day is still news to its recipients.
FRESH = timedelta(days=1)


def _ids() -> set[int]:
    return set(Notification.objects.values_list("pk", flat=True))


@contextmanager
def history(at: datetime, *, now: datetime | None = None) -> Iterator[None]:
    """What is notified inside happened at `at` (read since, unless it is from the last day)."""
    now = now or timezone.now()
    before = _ids()
    yield
    if now - at < FRESH:
        return
    sent = Notification.objects.filter(pk__in=_ids() - before)
    if now - at > KEPT:
        sent.delete()
    else:
        sent.update(created_at=at, read_at=at + timedelta(hours=2), emailed_at=at)


def read(link: str, *, at: datetime | None = None, recipients=None) -> int:
    """The notifications about `link`'s object were read: their recipients acted on it."""
    rows = Notification.objects.filter(link=link, read_at__isnull=True)
    if recipients is not None:
        rows = rows.filter(recipient__in=recipients)
    return rows.update(read_at=at or timezone.now())
