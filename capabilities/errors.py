"""Domain errors. The web layer maps them to 404/403/422/409 in one place."""

from __future__ import annotations

from typing import Any

from capabilities.i18n import N_


class DomainError(Exception):
    """Base class: carries a user-facing Swedish message."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(DomainError):
    pass


class PermissionDenied(DomainError):
    """Refused for who the user is. `field` names the form field the refusal is about, if
    any, so that a form view can show the message there (with 403) instead of a bare page."""

    def __init__(
        self,
        message: str = N_("Du saknar behörighet för den här åtgärden."),
        *,
        field: str | None = None,
    ) -> None:
        super().__init__(message)
        self.field = field


class ValidationFailed(DomainError):
    """Input was refused; `errors` maps field name to a list of Swedish messages."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        self.errors = errors
        summary = "; ".join(f"{field}: {' '.join(msgs)}" for field, msgs in errors.items())
        super().__init__(f"Uppgifterna kunde inte sparas. {summary}")


class Conflict(DomainError):
    """Someone else saved first. `current` is the state now stored, for showing both versions."""

    def __init__(self, message: str, current: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.current = current or {}
