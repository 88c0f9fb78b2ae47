"""The product's settings for the drills: the broker's visibility timeout is short, so a task
whose worker was killed is redelivered in seconds rather than an hour; delivery nudges on."""

import os

from partneros.settings import *  # noqa: F403
from partneros.settings import env_bool

CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": int(os.environ.get("DRILL_VISIBILITY_TIMEOUT", "5"))
}
NOTIFY_NUDGE_DELIVERY = env_bool("NOTIFY_NUDGE_DELIVERY", True)
