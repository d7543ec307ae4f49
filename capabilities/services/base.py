"""Shared pieces of every service: permission checks, validation, versions, audit."""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime
from typing import Any, TypeVar

import sqlalchemy as sa
import sqlalchemy.orm as so

from capabilities.errors import Conflict, PermissionDenied, ValidationFailed
from capabilities.i18n import N_, Message
from capabilities.models import AuditEvent, User
from capabilities.redaction import is_hidden

MAX_TITLE = 300
MAX_TEXT = 20_000
MAX_SHORT = 200
MAX_SECRECY_REF = 80  # the secrecy_ref columns are VARCHAR(80)

E = TypeVar("E")


def require_editor(user: User) -> None:
    """Medlem or admin, and active."""
    if not user.can_edit:
        raise PermissionDenied(
            N_("Du behöver rollen medlem eller admin för att ändra i registret.")
        )


def require_clearance_for(user: User, confidential: bool | None, message: Message) -> None:
    """Confidential content is changed only by users who may read it (the same test as
    `redaction.is_hidden`, so that what a user cannot see, they cannot overwrite)."""
    if is_hidden(confidential, user.can_see_confidential):
        raise PermissionDenied(message)


def require_admin(user: User) -> None:
    if not user.is_admin:
        raise PermissionDenied(N_("Endast administratörer kan göra den här ändringen."))


class Errors:
    """Collects Swedish messages per field so that all problems are reported at once."""

    def __init__(self) -> None:
        self.by_field: dict[str, list[str]] = {}

    def add(self, field: str, message: str) -> None:
        self.by_field.setdefault(field, []).append(message)

    def __bool__(self) -> bool:
        return bool(self.by_field)

    def raise_if_any(self) -> None:
        if self.by_field:
            raise ValidationFailed(self.by_field)

    def text(
        self,
        field: str,
        value: str | None,
        *,
        label: str,
        required: bool = False,
        max_length: int = MAX_TEXT,
    ) -> str | None:
        """Strip a text; report it when required and empty, or too long. NUL is dropped: no
        text means it, and PostgreSQL cannot store it (a 500 there, issue 23 F10)."""
        cleaned = (value or "").replace("\x00", "").strip()
        name = _label(label)
        if not cleaned:
            if required:
                self.add(field, N_("%(label)s måste fyllas i.", label=name))
            return None
        if len(cleaned) > max_length:
            self.add(
                field,
                N_(
                    "%(label)s får vara högst %(max)s tecken (nu %(n)s).",
                    label=name,
                    max=max_length,
                    n=len(cleaned),
                ),
            )
        return cleaned

    def choice(
        self, field: str, value: Any, choices: Iterable[Any], *, label: str, required: bool = True
    ) -> Any:
        options = list(choices)
        name = _label(label)
        if value in (None, ""):
            if required:
                self.add(field, N_("%(label)s måste väljas.", label=name))
            return None
        if value not in options:
            shown = ", ".join(str(o) for o in options)
            self.add(
                field,
                N_(
                    "Ogiltigt värde för %(label)s: ”%(value)s”. Välj bland: %(options)s.",
                    label=name.lower(),
                    value=value,
                    options=shown,
                ),
            )
            return None
        return value

    def date_value(
        self, field: str, value: Any, *, label: str, required: bool = False
    ) -> date | None:
        if value in (None, ""):
            if required:
                self.add(field, N_("%(label)s måste anges.", label=_label(label)))
            return None
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(str(value).strip())
        except ValueError:
            self.add(
                field,
                N_(
                    "%(label)s ska vara ett datum som ÅÅÅÅ-MM-DD, inte ”%(value)s”.",
                    label=_label(label),
                    value=value,
                ),
            )
            return None


def _label(label: str) -> Message:
    """A field name as a message, so the edge translates it with the sentence around it."""
    return label if isinstance(label, Message) else N_(label)


def check_version(obj: Any, expected_version: int | None, what: str) -> None:
    """Refuse an edit based on a stale version (optimistic concurrency)."""
    if expected_version is not None and obj.version != expected_version:
        raise Conflict(
            N_(
                "%(what)s har ändrats av någon annan sedan du öppnade den "
                "(version %(expected)s, nu %(now)s). Jämför och spara igen.",
                what=N_(what),
                expected=expected_version,
                now=obj.version,
            ),
            current=snapshot(obj),
        )


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    return value


def snapshot(obj: Any, exclude: Iterable[str] = ("password_hash", "token_hash")) -> dict[str, Any]:
    """Column values of a row as JSON-friendly data, for audit before/after."""
    skip = set(exclude)
    mapper = sa.inspect(obj).mapper
    return {
        attr.key: _jsonable(getattr(obj, attr.key))
        for attr in mapper.column_attrs
        if attr.key not in skip
    }


def audit(
    session: so.Session,
    user: User,
    entity: Any,
    action: str,
    *,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    capability_id: int | None = None,
    confidential: bool = False,
) -> AuditEvent:
    """Record who did what to which row. Call after flush so the entity has an id."""
    event = AuditEvent(
        user_id=user.id,
        entity_type=entity.__tablename__,
        entity_id=_primary_key(entity),
        capability_id=capability_id,
        action=action,
        before=before,
        after=after,
        confidential=confidential,
    )
    session.add(event)
    return event


def _primary_key(entity: Any) -> int | None:
    identity = sa.inspect(entity).identity
    return int(identity[0]) if identity else None


def flush_versioned(session: so.Session, what: str) -> None:
    """Flush, turning a concurrent write of the same row into a Conflict."""
    try:
        session.flush()
    except so.exc.StaleDataError as exc:
        raise Conflict(
            N_("%(what)s ändrades av någon annan samtidigt. Ladda om och försök igen.", what=what)
        ) from exc


def add_audited(
    session: so.Session,
    user: User,
    entity: E,
    *,
    action: str = "create",
    capability_id: int | None = None,
    confidential: bool = False,
    after: Callable[[E], dict[str, Any]] = snapshot,
) -> E:
    """Add a new row, flush for its id, audit it with its values, flush: how every create ends.

    `after` is how the row is recorded (a row with child rows records those too).
    """
    session.add(entity)
    session.flush()
    audit(
        session,
        user,
        entity,
        action,
        after=after(entity),
        capability_id=capability_id,
        confidential=confidential,
    )
    session.flush()
    return entity


def change_audited(
    session: so.Session,
    user: User,
    entity: E,
    values: Mapping[str, Any],
    *,
    what: str | None,
    action: str = "update",
    audit_unchanged: bool = False,
    capability_id: int | None = None,
    confidential: bool = False,
) -> E:
    """Set `values` on a row and audit the change with its values before and after.

    The flush comes before the audit: with `what` (a versioned row) a concurrent write of the
    same row is a Conflict naming it. An edit that changed nothing is not audited unless
    `audit_unchanged` (an event such as a retirement is recorded as such).
    """
    before = snapshot(entity)
    for key, value in values.items():
        setattr(entity, key, value)
    if what is None:
        session.flush()
    else:
        flush_versioned(session, what)
    after = snapshot(entity)
    if audit_unchanged or after != before:
        audit(
            session,
            user,
            entity,
            action,
            before=before,
            after=after,
            capability_id=capability_id,
            confidential=confidential,
        )
        session.flush()
    return entity
