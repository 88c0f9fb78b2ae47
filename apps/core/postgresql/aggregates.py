"""Aggregates PostgreSQL has and Django does not name."""

from __future__ import annotations

from django.db.models import Aggregate


class Median(Aggregate):
    """PostgreSQL's percentile_cont(0.5); `filter=Q(...)` becomes its FILTER (WHERE ...)."""

    function = "PERCENTILE_CONT"
    name = "median"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
