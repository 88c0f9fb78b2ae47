"""`Constant`: a value written into the statement's text instead of bound as a parameter.

With parameters bound by the server and statements prepared (apps/core/postgresql/base.py),
PostgreSQL plans a statement's first five runs on a connection with the values given, then may
keep one generic plan for every value. A generic plan cannot prove a partial index's predicate
from a parameter: `status = $1` never matches an index `WHERE status = 'submitted'`, so the
review queue's page went from that index's first 50 rows to sorting every registration (66 ms
instead of 23 at 50,000 registrations, growing with the table). Written as a constant the
predicate is in the text, and every plan, custom or generic, can use the index.

Use it for a value the code chose or a validated choice, in a filter a partial index serves:
`qs.filter(status=Constant(Status.SUBMITTED))`. PostgreSQL's driver quotes it (psycopg's
mogrify), so any text is safe; each distinct value is a distinct statement to prepare."""

from __future__ import annotations

from django.db.models import Value


class Constant(Value):
    def as_sql(self, compiler, connection):
        sql, params = super().as_sql(compiler, connection)
        if not params:
            return sql, params
        return connection.ops.compose_sql(sql, params), []
