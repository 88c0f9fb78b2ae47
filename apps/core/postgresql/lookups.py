"""`field__in=[…]` with a long list, sent to PostgreSQL as one array parameter.

With parameters bound by the server (apps/core/postgresql/base.py) one statement carries at
most 65,535 of them, and Django sends `IN (%s, %s, …)` with one parameter per value: the
sweeps' lookups of every partner's users, say, would fail past 65,535 partners. Above
ANY_ABOVE values the lookup is written `column = ANY(%s)` with the values as one array instead
— the same rows (None is dropped either way), one parameter, one plan whatever the length.
Lists up to ANY_ABOVE, subqueries and composite keys keep Django's own SQL."""

from __future__ import annotations

from django.db.models import Field, lookups
from django.db.models.expressions import ColPairs
from django.db.models.fields.related import ForeignObject
from django.db.models.fields.related_lookups import RelatedIn

ANY_ABOVE = 1_000


class AsArrayAboveLimit(lookups.In):
    """For an In lookup (and, first in the bases, for RelatedIn): `column = ANY(%s)` with one array parameter above ANY_ABOVE values."""

    def as_postgresql(self, compiler, connection):
        if (
            self.rhs_is_direct_value()
            and not isinstance(self.lhs, ColPairs)
            and len(self.rhs) > ANY_ABOVE
        ):
            lhs, lhs_params = self.process_lhs(compiler, connection)
            _, values = self.process_rhs(compiler, connection)  # prepared, deduplicated, no None
            return f"{lhs} = ANY(%s)", (*lhs_params, list(values))
        return self.as_sql(compiler, connection)


class AnyIn(AsArrayAboveLimit, lookups.In):
    pass


class AnyRelatedIn(AsArrayAboveLimit, RelatedIn):
    pass


def register() -> None:
    Field.register_lookup(AnyIn)
    ForeignObject.register_lookup(AnyRelatedIn)
