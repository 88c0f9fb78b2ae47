"""Signals any app may send.

`bulk_written`: Django sends post_save and post_delete for Model.save() and delete(), but
nothing for QuerySet.update(), bulk_create(), bulk_update() or raw SQL. Whoever keeps figures
derived from a model's rows (the dashboard's cache) listens to this signal as it listens to
post_save, so the code that writes in bulk calls `rows_written(Model)` once per bulk write —
once per statement or batch, never once per row — and need not know who listens.
"""

from __future__ import annotations

from django.dispatch import Signal

bulk_written = Signal()  # sender: the model whose rows changed


def rows_written(model) -> None:
    """Announce that rows of `model` changed in bulk (call once per bulk write, after it)."""
    bulk_written.send(sender=model)
