"""The dashboard's roll-ups: what the registration figures read instead of the registrations.

Kept by PostgreSQL triggers on the registrations table (apps/dashboard/rollups.py), in the
transaction of the write whatever made it — a service, a django-fsm transition, a sweep, a CSV
import, QuerySet.update(), COPY — and recomputed from the source rows by
`manage.py rebuild_rollups`. `partner_id` 0 holds the whole program's row of a day (partner ids
are positive), so the program's figures read O(days) rows and a manager's O(days × partners).
"""

from __future__ import annotations

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import F

# The rolling periods the dashboard offers, in days: the money store keeps a won value for each.
PERIODS = (30, 90, 365)

ALL_PARTNERS = 0


class RegistrationDay(models.Model):
    """What happened to registrations on one (local) day, for one partner or for all (0)."""

    day = models.DateField()
    partner_id = models.BigIntegerField()
    submitted = models.IntegerField(default=0)  # by submitted_at
    approved = models.IntegerField(default=0)  # by approved_at
    rejected = models.IntegerField(default=0)  # rejected now, by reviewed_at
    won = models.IntegerField(default=0)  # won now, by closed_at
    lost = models.IntegerField(default=0)  # lost now, by closed_at

    class Meta:
        constraints = [
            # Covering: the figures read a period's rows from the index alone.
            models.UniqueConstraint(
                fields=["partner_id", "day"],
                include=["submitted", "approved", "rejected", "won", "lost"],
                name="dashboard_regday_key",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.day} partner {self.partner_id or 'all'}"


class ReviewTime(models.Model):
    """How many registrations reviewed on `day` waited how long (a fixed histogram bucket of
    reviewed_at − submitted_at: apps/dashboard/rollups.py, BUCKETS)."""

    day = models.DateField()
    partner_id = models.BigIntegerField()
    bucket = models.SmallIntegerField()
    n = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["partner_id", "day", "bucket"],
                include=["n"],
                name="dashboard_reviewtime_key",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.day} partner {self.partner_id or 'all'} bucket {self.bucket}: {self.n}"


class PartnerHealth(models.Model):
    """One active partner's health score and the signals behind it, as of `computed_at`
    (apps/dashboard/health.py): the dashboard reads the lowest through an index instead of
    scoring every partner. Recomputed when a write marks the partner (HealthMark) and when
    `due_at` passes — the next moment the score may change with the clock alone."""

    partner_id = models.BigIntegerField(primary_key=True)
    manager_id = models.BigIntegerField(null=True)
    name = models.CharField(max_length=200)
    score = models.IntegerField()
    activity = models.SmallIntegerField()
    wins = models.SmallIntegerField()
    satisfaction = models.SmallIntegerField()
    overdue = models.SmallIntegerField()
    stage_time = models.SmallIntegerField()
    leads = models.SmallIntegerField()
    enablement = models.SmallIntegerField()
    won = models.IntegerField()
    lost = models.IntegerField()
    last_score = models.SmallIntegerField(null=True)
    previous_score = models.SmallIntegerField(null=True)
    work = models.IntegerField()
    answered = models.IntegerField()
    lapsed = models.IntegerField()
    certified_people = models.IntegerField()
    computed_at = models.DateTimeField()
    due_at = models.DateTimeField()

    class Meta:
        indexes = [
            # The page: the lowest scores of the program, or of one manager's partners.
            models.Index(fields=["score", "name", "partner_id"], name="dash_health_low_idx"),
            models.Index(
                fields=["manager_id", "score", "name", "partner_id"],
                name="dash_health_mgr_low_idx",
            ),
            # The refresh: the scores the clock has made due; and the latest computation.
            models.Index(fields=["due_at"], name="dash_health_due_idx"),
            models.Index(fields=["computed_at"], name="dash_health_computed_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.name}: {self.score}"


class HealthMark(models.Model):
    """A partner whose health signals a write has changed since its score was computed (written
    by the triggers of apps/dashboard/health.py; partner 0 stands for every partner).

    Appended, never upserted: a partner may be marked many times until the next refresh takes
    them all. A unique partner_id made a writer wait for another writer's (or a refresh's)
    transaction holding the same partner's mark (INSERT … ON CONFLICT waits for the holder)."""

    id = models.BigAutoField(primary_key=True)
    partner_id = models.BigIntegerField()

    def __str__(self) -> str:
        return f"partner {self.partner_id or 'all'}"


def _amount():
    # Exact: registration values have 2 decimals and rates 8, so a converted amount has 10.
    return models.DecimalField(max_digits=40, decimal_places=10, null=True)


class PartnerMoney(models.Model):
    """One partner's approved pipeline (at today's rate) and won value over the last 30, 90 and
    365 days (at the rate of each close date), in the base currency, as of `computed_at`
    (apps/dashboard/money.py); kept like PartnerHealth: marked by writes, due by the clock."""

    partner_id = models.BigIntegerField(primary_key=True)
    tier_id = models.BigIntegerField(null=True)
    manager_id = models.BigIntegerField(null=True)
    name = models.CharField(max_length=200)
    pipeline = _amount()
    pipeline_n = models.IntegerField()
    pipeline_missing = models.IntegerField()
    pipeline_missing_currencies = ArrayField(models.CharField(max_length=3), null=True)
    won_30 = _amount()
    won_deals_30 = models.IntegerField()
    won_missing_30 = models.IntegerField()
    won_missing_currencies_30 = ArrayField(models.CharField(max_length=3), null=True)
    won_90 = _amount()
    won_deals_90 = models.IntegerField()
    won_missing_90 = models.IntegerField()
    won_missing_currencies_90 = ArrayField(models.CharField(max_length=3), null=True)
    won_365 = _amount()
    won_deals_365 = models.IntegerField()
    won_missing_365 = models.IntegerField()
    won_missing_currencies_365 = ArrayField(models.CharField(max_length=3), null=True)
    computed_at = models.DateTimeField()
    due_at = models.DateTimeField()

    class Meta:
        indexes = [
            models.Index(fields=["due_at"], name="dash_money_due_idx"),
            models.Index(fields=["computed_at"], name="dash_money_computed_idx"),
            # The page's ten best of each period, read in order instead of sorting every partner.
            *(
                models.Index(
                    F(f"won_{days}").desc(),
                    F("pipeline").desc(),
                    "partner_id",
                    name=f"dash_money_best_{days}_idx",
                )
                for days in PERIODS
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}: {self.won_90}"


class MoneyMark(models.Model):
    """A partner whose money figures a write has changed since they were computed (partner 0:
    every partner); appended like HealthMark."""

    id = models.BigAutoField(primary_key=True)
    partner_id = models.BigIntegerField()

    def __str__(self) -> str:
        return f"partner {self.partner_id or 'all'}"
