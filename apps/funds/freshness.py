"""When the return on funds must be computed again: `token()` changes, in the transaction of
the write, whenever a row the return reads changes (models.ReturnInputs).

Computing the return reads every attribution of the period with its registration (300 ms and
more at 50,000 attributions), but almost every write of a busy program — a new registration, a
review, a lead — touches nothing it reads. So statement-level PostgreSQL triggers give the token
a new random value on any write to the funds' periods, allocations, requests and attributions,
to exchange rates and the program's settings, to a lead credited to an activity, and to a
registration credited to one directly or through its lead; the dashboard's part
(sections.dashboard) keeps its figures in the cache under the token and the day, and computes
them again only when either moves. Every door is covered by construction (services, transitions,
sweeps, imports, QuerySet.update(), COPY). A random value, not a counter: a rolled-back
transaction (a test's, say) cannot bring an old value back to match a kept figure.
"""

from __future__ import annotations

import uuid

from apps.deals.models import DealRegistration
from apps.program.models import ExchangeRate, ProgramSettings

from .models import Attribution, FundAllocation, FundPeriod, FundRequest, ReturnInputs

INPUTS = ReturnInputs._meta.db_table
ATTRIBUTIONS = Attribution._meta.db_table
LEADS = "leads_lead"  # the database's name only: funds does not import its sibling app
_BUMP = f"UPDATE {INPUTS} SET token = gen_random_uuid();"  # noqa: S608 — table name from _meta


def _any_change() -> str:
    return f"""
CREATE OR REPLACE FUNCTION funds_return_inputs_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  {_BUMP}
  RETURN NULL;
END
$$
"""


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


def _when(name: str, condition) -> str:
    return f"""
CREATE OR REPLACE FUNCTION {name}() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF {condition("new_rows")} OR {condition("old_rows")} THEN
    {_BUMP}
  END IF;
  RETURN NULL;
END
$$
"""


def _tables() -> list[str]:
    return [
        m._meta.db_table
        for m in (FundPeriod, FundAllocation, FundRequest, Attribution, ExchangeRate)
    ] + [ProgramSettings._meta.db_table]


_EVENTS = ("INSERT", "UPDATE", "DELETE", "TRUNCATE")


def install(cursor) -> None:
    cursor.execute(_any_change())
    for table in _tables():
        for event in _EVENTS:
            name = f"funds_return_{event.lower()}"
            cursor.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
            cursor.execute(
                f"CREATE TRIGGER {name} AFTER {event} ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION funds_return_inputs_changed()"
            )
    # A registration or a lead matters only when credited: an update (a deletion of a credited
    # one deletes its attribution, which bumps; a new one is credited by a new attribution).
    registrations = DealRegistration._meta.db_table
    for table, function, condition in (
        (registrations, "funds_return_registration_changed", _credited),
        (LEADS, "funds_return_lead_changed", _lead_credited),
    ):
        cursor.execute(_when(function, condition))
        cursor.execute(f"DROP TRIGGER IF EXISTS funds_return_update ON {table}")
        cursor.execute(
            f"CREATE TRIGGER funds_return_update AFTER UPDATE ON {table} "
            "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {function}()"
        )


def uninstall(cursor) -> None:
    for table in _tables():
        for event in _EVENTS:
            cursor.execute(f"DROP TRIGGER IF EXISTS funds_return_{event.lower()} ON {table}")
    for table in (DealRegistration._meta.db_table, LEADS):
        cursor.execute(f"DROP TRIGGER IF EXISTS funds_return_update ON {table}")
    for function in (
        "funds_return_inputs_changed",
        "funds_return_registration_changed",
        "funds_return_lead_changed",
    ):
        cursor.execute(f"DROP FUNCTION IF EXISTS {function}()")


def token() -> str:
    """The current token (read before computing: a write committed meanwhile moves it again,
    so a figure computed from older rows is never kept under a newer token)."""
    found = ReturnInputs.objects.values_list("token", flat=True).first()
    if found is None:  # emptied (a flush): a new row, and a new token no kept figure matches
        found = ReturnInputs.objects.get_or_create(pk=1, defaults={"token": uuid.uuid4()})[0].token
    return str(found)
