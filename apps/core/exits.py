"""A partner's exit, shown before it is done and done as shown.

Each app that holds something of a partner's declares, in its `exit.py`, what the exit does to
it: `exit_effects(partner, *, now) -> list[Effect]` (read only: the preview) and `ORDER` (its
place in the list, lower first). The same app's `partner_exited` receiver performs exactly the
effects that function returns (`perform(...)` below) and answers them, so the preview and the
exit cannot differ: one function decides both. The apps are discovered from INSTALLED_APPS
(apps.core.discovery), as sections and sweeps are: the partners app announces the exit without
knowing who closes what.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from datetime import datetime
from types import ModuleType
from typing import Any

from .discovery import app_modules


@dataclass(frozen=True)
class Effect:
    """One thing an exit does, in words a manager reads before confirming."""

    app: str  # the app that does it: "agreements"
    action: str  # what happens to it: "terminate", "withdraw", "expire", "cancel", "lose_access"
    object_id: int
    group: str  # the heading it is listed under: "Agreements to terminate"
    label: str  # the thing and its consequence: "Reseller 2026 — notice period 30 days, …"
    link: str = ""

    @property
    def key(self) -> str:
        return f"{self.app}:{self.action}:{self.object_id}"

    def as_record(self) -> dict[str, Any]:
        return asdict(self)


def exit_modules() -> list[ModuleType]:
    """Every app's `exit` module, in list order (a module without ORDER fails here)."""
    return sorted(app_modules("exit"), key=lambda module: module.ORDER)


def preview(partner, *, now: datetime) -> list[Effect]:
    """What exiting `partner` at `now` would do, every app's part in list order; writes nothing."""
    return [effect for module in exit_modules() for effect in module.exit_effects(partner, now=now)]


def grouped(effects: Iterable[Effect]) -> dict[str, list[Effect]]:
    """The effects under their headings, in first-seen order (what the preview pages list)."""
    groups: dict[str, list[Effect]] = {}
    for effect in effects:
        groups.setdefault(effect.group, []).append(effect)
    return groups


def fingerprint(effects: Iterable[Effect]) -> str:
    """What a confirmation was given for: the exit goes ahead only if it still does exactly this."""
    return hashlib.sha256("\n".join(sorted(e.key for e in effects)).encode()).hexdigest()


def perform(
    exit_effects: Callable[..., list[Effect]],
    do: Callable[[Effect], object],
    partner,
    *,
    now: datetime,
) -> list[Effect]:
    """A receiver's part of the exit: its own `exit_effects`, each done by `do`; answers them."""
    effects = exit_effects(partner, now=now)
    for effect in effects:
        do(effect)
    return effects


def in_order(answers: Iterable[tuple[object, object]]) -> list[Effect]:
    """The effects the `partner_exited` receivers answered (Signal.send's pairs), in the
    preview's order, whatever order the receivers ran in."""
    done = [e for _, answer in answers if isinstance(answer, list) for e in answer]
    rank = {module.__name__.split(".")[1]: i for i, module in enumerate(exit_modules())}
    return sorted(done, key=lambda e: rank.get(e.app, len(rank)))
