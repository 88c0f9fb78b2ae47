"""Public identifiers that tell nothing: random integers instead of a sequence.

A sequence id shows a partner how many registrations, notifications, QBRs … the whole program
made between two of its own (DESIGN.md section 1: not even another partner's existence). The
API contract keeps `id` an integer (section 8), so the objects partners see take a random one,
below 2**53 so that JavaScript reads it exactly.
"""

from __future__ import annotations

import secrets

from django.db import IntegrityError, models, router, transaction

ID_BITS = 53
MAX_ID = 2**ID_BITS - 1


def random_id() -> int:
    """A random id in 1 … 2**53 - 1 (JavaScript's safe integers; never 0)."""
    return secrets.randbelow(MAX_ID) + 1


def _is_pk_collision(exc: IntegrityError, model: type[models.Model]) -> bool:
    diag = getattr(exc.__cause__, "diag", None)
    constraint = getattr(diag, "constraint_name", None)
    return constraint == f"{model._meta.db_table}_pkey"


class RandomIdModel(models.Model):
    """A model whose rows are numbered at random (an abstract base; the field is `id`).

    Rows keep an id given to them (the migrations keep the old sequence ids; fixtures and the
    bench seeder may write their own). A new row that draws an id already taken — about one in
    a billion at a billion rows — draws again once."""

    id = models.BigIntegerField(primary_key=True, default=random_id, editable=False)

    class Meta:
        abstract = True

    def save_base(self, *args, **kwargs):
        if not self._state.adding or kwargs.get("force_update"):
            return super().save_base(*args, **kwargs)
        using = kwargs.get("using") or router.db_for_write(type(self), instance=self)
        try:
            with transaction.atomic(using=using):
                return super().save_base(*args, **kwargs)
        except IntegrityError as exc:
            if not _is_pk_collision(exc, type(self)):
                raise
        self.id = random_id()
        return super().save_base(*args, **kwargs)
