"""lead_acceptance: the acceptance clock of assigned leads (DESIGN.md section 17).

At half the deadline the partner is reminded once (the lead's `reminded` mark); at the deadline
the lead is recalled as lapsed and routed again (LeadSettings.reroute_on_lapse), or left for a
manager when no partner matches. Due work is read through the partial index lead_clock_due on the lead's next clock
event (clock_due_at: the half-way mark, then the deadline, None once answered): a repeat pass
finds nothing it handled.
Each lead is changed under its row lock (services), so a partner's accept at the same moment
wins or loses cleanly.

lead_counts: routing's kept counts (loads.py) fold their appended changes every minute."""

from __future__ import annotations

from datetime import datetime

from apps.core.sweeps import sweep

from . import loads
from .models import CLOCK_DUE, Lead, LeadSettings
from .services import lead_lapse, lead_remind


@sweep("lead_acceptance")
def lead_acceptance(now: datetime) -> dict:
    reroute = LeadSettings.get().reroute_on_lapse
    due = list(
        Lead.objects.filter(CLOCK_DUE, clock_due_at__lte=now).only("pk", "accept_by").order_by()
    )
    reminded = recalled = 0
    for lead in sorted(due, key=lambda lead: (lead.accept_by, lead.pk)):
        if lead.accept_by is not None and lead.accept_by <= now:
            recalled += lead_lapse(lead=lead, now=now, reroute=reroute)
        else:
            reminded += lead_remind(lead=lead, now=now)
    return {"reminded": reminded, "recalled": recalled}


@sweep("lead_counts")
def lead_counts(now: datetime) -> dict:
    """Fold the counts' appended changes into the partners' rows (loads.py), so routing reads
    few of them. With none appended it deletes nothing from an empty table."""
    return {"folded": loads.fold()}
