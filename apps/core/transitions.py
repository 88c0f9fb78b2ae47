"""One mechanism for every django-fsm state machine in PartnerOS.

A condition is a function of the object returning True when it holds; it carries the sentence a
user reads when it does not (`@condition("...")`). `describe` lists the transitions of an object
with what blocks each; `apply` runs one, raising a DomainError that says why it cannot. Domain
services wrap `apply` with their own history and side effects.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django_fsm import ConcurrentTransition, can_proceed
from django_fsm import TransitionNotAllowed as FSMTransitionNotAllowed

from .errors import ConcurrentChange, ConditionsUnmet, NotPermitted, TransitionNotAllowed


def condition(message: str | Promise) -> Callable[[Callable[[Any], bool]], Callable[[Any], bool]]:
    def decorate(func: Callable[[Any], bool]) -> Callable[[Any], bool]:
        # The sentence rides on the function django-fsm keeps; typing has no attributes on one.
        # Marked with gettext_lazy, it is read in the language of whoever reads it.
        func.unmet_message = message  # type: ignore[attr-defined]
        return func

    return decorate


def _transitions(obj: models.Model, field: str):
    return list(getattr(obj, f"get_all_{field}_transitions")())


def _by_name(obj: models.Model, field: str) -> dict[str, list]:
    found: dict[str, list] = {}
    for t in _transitions(obj, field):
        found.setdefault(t.name, []).append(t)
    return found


def names(model: type[models.Model] | models.Model, field: str) -> list[str]:
    """Every transition name of the model's machine, in declaration order."""
    obj = model() if isinstance(model, type) else model
    return list(_by_name(obj, field))


def from_current_state(obj: models.Model, field: str) -> set[str]:
    """The names of the transitions that leave the object's current state, conditions aside."""
    state = getattr(obj, field)
    return {t.name for t in _transitions(obj, field) if t.source in (state, "*", "+")}


def unmet_conditions(obj: models.Model, field: str, name: str) -> list[str]:
    state = getattr(obj, field)
    for t in _by_name(obj, field).get(name, []):
        if t.source in (state, "*", "+"):
            return [_unmet(c) for c in t.conditions if not c(obj)]
    return []


def _unmet(c) -> str:
    return str(getattr(c, "unmet_message", c.__name__))


def _permitted(t, obj: models.Model, user) -> bool:
    return user is None or t.has_perm(obj, user)


def permitted(obj: models.Model, field: str, name: str, user) -> bool:
    """Whether `user` may run transition `name`: the django-fsm `permission` declared on the
    transition is the one place a transition's permission is written."""
    return any(_permitted(t, obj, user) for t in _by_name(obj, field).get(name, []))


def state_label(model: type[models.Model] | models.Model, field: str, state: str) -> str:
    """A state's name in a sentence ("approved", "in progress"): the label of the field's
    choices — the one place states are named."""
    state_field = model._meta.get_field(field)
    choices = dict(getattr(state_field, "choices", None) or ())  # a relation has none
    return str(choices.get(state, state)).lower()


def transition_label(obj: models.Model, field: str, name: str) -> str:
    """A transition's name on its button: django-fsm's `custom={"label": ...}` on the
    transition, else its name ("mark_won" → "Mark won")."""
    for t in _by_name(obj, field).get(name, []):
        if t.custom.get("label"):
            return t.custom["label"]
    return name.replace("_", " ").capitalize()


def history_label(
    model: type[models.Model], field: str, name: str, others: Mapping[str, Any] | None = None
) -> str:
    """A recorded step in a history, in words: the transition's `custom={"label": ...}` (the
    words of its button), else what the history model calls its entries that are not
    transitions (`others`: a submission, an edit). The machine name stays in the data and the
    API; a page never shows it."""
    if others and name in others:
        return str(others[name])
    for t in model._meta.get_field(field).get_all_transitions(model):  # type: ignore[union-attr]
        if t.name == name and t.custom.get("label"):
            return str(t.custom["label"])
    return name.replace("_", " ").capitalize()


def _labels(obj: models.Model, field: str, labels: Callable[[str], str] | None):
    return labels or (lambda state: state_label(obj, field, state))


def describe(
    obj: models.Model, field: str, labels: Callable[[str], str] | None = None, user=None
) -> list[dict]:
    """[{name, target, allowed, unmet}] for every transition of the object's machine. States
    are named by `labels` (a phrase), else by `state_label`."""
    labels = _labels(obj, field, labels)
    state = getattr(obj, field)
    rows = []
    for name, variants in _by_name(obj, field).items():
        here = next((t for t in variants if t.source in (state, "*", "+")), None)
        if here is None:
            rows.append(
                {
                    "name": name,
                    "target": variants[0].target,
                    "allowed": False,
                    "unmet": [_("Not possible while %(state)s.") % {"state": labels(state)}],
                }
            )
            continue
        unmet = [_unmet(c) for c in here.conditions if not c(obj)]
        if not _permitted(here, obj, user):
            unmet.insert(0, _("Your role may not do this."))
        rows.append({"name": name, "target": here.target, "allowed": not unmet, "unmet": unmet})
    return rows


def apply(
    obj: models.Model,
    field: str,
    name: str,
    labels: Callable[[str], str] | None = None,
    user=None,
    **kwargs,
):
    """Run transition `name` on obj and save it; the caller holds the transaction.

    `user`, when given, is checked against the transition's django-fsm `permission`. States
    are named in messages by `labels` (a phrase), else by `state_label`.
    """
    labels = _labels(obj, field, labels)
    variants = _by_name(obj, field)
    if name not in variants:
        raise TransitionNotAllowed(no_such_transition(name))
    method = getattr(obj, name)
    state = getattr(obj, field)
    # The transition by the words of its button, in the reader's language.
    action = transition_label(obj, field, name)
    if not can_proceed(method, check_conditions=False):
        raise TransitionNotAllowed(_not_possible(action, labels(state)))
    here = next(t for t in variants[name] if t.source in (state, "*", "+"))
    if not _permitted(here, obj, user):
        raise NotPermitted(_("Your role may not run “%(action)s” on this.") % {"action": action})
    unmet = unmet_conditions(obj, field, name)
    if unmet:
        raise ConditionsUnmet(
            _("“%(action)s” cannot run yet: %(unmet)s")
            % {"action": action, "unmet": " ".join(unmet)},
            unmet=unmet,
        )
    try:
        result = method(**kwargs)
    except FSMTransitionNotAllowed as exc:
        # django-fsm checks the conditions again; another request may have changed what they
        # read in between (a race), so say which no longer holds.
        unmet = unmet_conditions(obj, field, name)
        if unmet:
            raise ConditionsUnmet(
                _("“%(action)s” cannot run: %(unmet)s")
                % {"action": action, "unmet": " ".join(unmet)},
                unmet=unmet,
            ) from exc
        raise TransitionNotAllowed(_not_possible(action, labels(getattr(obj, field)))) from exc
    try:
        obj.save()
    except ConcurrentTransition as exc:
        raise ConcurrentChange(
            _("This record was changed by someone else meanwhile. Reload it and try again.")
        ) from exc
    return result


def no_such_transition(name: str) -> str:
    return _("There is no transition called “%(name)s”.") % {"name": name}


def _not_possible(action: str, state: str) -> str:
    return _("“%(action)s” is not possible while %(state)s.") % {"action": action, "state": state}
