"""The funds app's places in the navigation (apps/core/nav.py). "Request funds" is a button on
"My funds", for the roles that request."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from apps.core.access import READS_EARNINGS
from apps.core.nav import Link

LINKS = [
    Link(_("Funds"), "funds:overview", "staff", 45),
    Link(_("My funds"), "portal:funds", "partner", 55),
    # "Payout batches" is a button on "Earnings": the bar stays one line.
    Link(_("Earnings"), "funds:earnings", "staff", 46, covers=("funds:payouts",)),
    Link(_("My earnings"), "portal:earnings", "partner", 56, READS_EARNINGS),
]
