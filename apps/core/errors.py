"""Domain errors: what a service refuses, in words a user reads, with the API code beside it."""

from __future__ import annotations

from django.utils.functional import Promise


class DomainError(Exception):
    """A refusal because of the state of things (HTTP 409 in the API)."""

    code = "conflict"

    def __init__(
        self,
        detail: str,
        *,
        code: str | None = None,
        unmet: list[str] | None = None,
        extra: dict | None = None,
    ):
        super().__init__(detail)
        self.detail = detail
        if code:
            self.code = code
        self.unmet = list(unmet or [])
        # More for the caller to act on, e.g. {"registration": id} of the one it duplicates.
        self.extra = dict(extra or {})

    def as_dict(self) -> dict[str, object]:
        body: dict[str, object] = {"detail": self.detail, "code": self.code, **self.extra}
        if self.code == "conditions_unmet":
            body["unmet"] = self.unmet
        return body


class TransitionNotAllowed(DomainError):
    code = "transition_not_allowed"


class ConditionsUnmet(DomainError):
    code = "conditions_unmet"


class ConcurrentChange(DomainError):
    code = "concurrent_change"


class InvalidInput(Exception):
    """Bad input found by a service (HTTP 400): {field: [messages]}."""

    def __init__(self, errors: dict[str, list[str]] | str):
        if isinstance(errors, str):
            errors = {"non_field_errors": [errors]}
        super().__init__(str(errors))
        self.errors = errors


class NotPermitted(Exception):
    """The actor's role may not do this (HTTP 403)."""

    def __init__(self, detail: str | Promise = "You do not have permission to do this."):
        # A sentence marked for translation is read now, in the language of the request.
        super().__init__(str(detail))
        self.detail = str(detail)
