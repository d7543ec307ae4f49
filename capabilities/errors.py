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
    def __init__(self, message: str = N_("Du saknar behörighet för den här åtgärden.")) -> None:
        super().__init__(message)


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
