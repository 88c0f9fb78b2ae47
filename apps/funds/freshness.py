"""When the return on funds must be computed again (apps/core/freshness.py): its inputs are the
funds' periods, allocations, requests and attributions, exchange rates and the program's
settings (any write), and the registrations and leads credited to an activity (only those).

Computing the return reads every attribution of the period with its registration (300 ms and
more at 50,000 attributions), but almost every write of a busy program — a new registration, a
review, a lead — touches nothing it reads; the dashboard's part (sections.dashboard) is kept
until the token moves or the day changes (open registrations are valued at today's rate).
"""

from __future__ import annotations

from apps.core.freshness import Inputs, Watch
from apps.deals.models import DealRegistration
from apps.program.models import ExchangeRate, ProgramSettings

from .models import Attribution, FundAllocation, FundPeriod, FundRequest

ATTRIBUTIONS = Attribution._meta.db_table
LEADS = "leads_lead"  # the database's name only: funds does not import its sibling app


def _credited(rows: str) -> str:
    """SQL true when a registration of `rows` is credited to an activity (directly or through
    a lead it was converted from)."""
    return f"""EXISTS (
        SELECT FROM {rows} r WHERE EXISTS (
            SELECT FROM {ATTRIBUTIONS} a WHERE a.registration_id = r.id
        ) OR EXISTS (
            SELECT FROM {LEADS} l JOIN {ATTRIBUTIONS} a ON a.lead_id = l.id
            WHERE l.registration_id = r.id
        )
    )"""  # noqa: S608 — table names from _meta


def _lead_credited(rows: str) -> str:
    return f"EXISTS (SELECT FROM {rows} l JOIN {ATTRIBUTIONS} a ON a.lead_id = l.id)"  # noqa: S608


def _watches() -> list[Watch]:
    every_write = (FundPeriod, FundAllocation, FundRequest, Attribution, ExchangeRate)
    return [
        *(Watch(m._meta.db_table) for m in (*every_write, ProgramSettings)),
        Watch(DealRegistration._meta.db_table, when=_credited),
        Watch(LEADS, when=_lead_credited),
    ]


RETURN = Inputs("funds_return", _watches)
