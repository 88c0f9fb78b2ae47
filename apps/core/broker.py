"""Publishing a task from inside a user's request without ever making the user wait on the
broker: one short connection attempt, and after a failure this process skips the broker for a
while (with Redis down, every request would otherwise wait for a connection timeout). Whatever
was not published is found later from the database (the beat's sweeps, the next page view)."""

from __future__ import annotations

import logging
import time

log = logging.getLogger(__name__)

BROKER_BACKOFF_SECONDS = 30
_down_until = 0.0  # monotonic time before which this process does not try the broker


def publish(task, *, args: tuple = (), countdown: float | None = None) -> bool:
    """Send `task(*args)`; False when the broker is unreachable (now or recently)."""
    global _down_until
    now = time.monotonic()
    if now < _down_until:
        return False
    try:
        task.apply_async(
            args=args, countdown=countdown, retry=False, ignore_result=True, connect_timeout=1
        )
    except Exception:
        _down_until = now + BROKER_BACKOFF_SECONDS
        log.warning("Broker unavailable; %s not published.", task.name)
        return False
    return True
