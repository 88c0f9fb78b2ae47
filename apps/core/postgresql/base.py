"""Django's PostgreSQL backend, with bulk writes split into statements of bounded size.

With parameters bound by the server (settings: DATABASE_PREPARED_STATEMENTS, on by default) one
statement carries at most 65,535 of them, a limit of PostgreSQL's wire protocol; client-side
binding had none. Django sends a bulk_create() or bulk_update() as one statement on PostgreSQL,
so the tier evaluation's upsert of 10,000 partners' standings (eight values each) would exceed
it. Here bulk writes go in statements of at most 2,000 rows (and 65,535 values), in the same
transaction — which also keeps bulk_update()'s `CASE WHEN pk = … THEN …` from growing
quadratically (22,000 rows in one statement took over three minutes). Long `__in` lists are
the other place Django sends one parameter per value: lookups.py."""

from __future__ import annotations

from django.db.backends.postgresql import base, operations

MAX_PARAMETERS = 65_535
MAX_ROWS = 2_000


class DatabaseOperations(operations.DatabaseOperations):
    def bulk_batch_size(self, fields, objs):
        return max(1, min(MAX_ROWS, MAX_PARAMETERS // max(1, len(fields))))


class DatabaseWrapper(base.DatabaseWrapper):
    ops_class = DatabaseOperations
