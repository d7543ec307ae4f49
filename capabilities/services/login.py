"""Password login with throttling by username and by address (no Flask here)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import cast

import sqlalchemy as sa
import sqlalchemy.orm as so

from capabilities.db import utcnow
from capabilities.errors import DomainError
from capabilities.models import LoginAttempt, User
from capabilities.passwords import hash_password, needs_rehash, verify_password

WINDOW = timedelta(minutes=15)
# Failures within WINDOW before a lock: one username from one address is locked soon; one
# username from anywhere a little later (a spread guessing attack); one address only at a
# much higher count, because behind a proxy or NAT a whole organisation shares it.
MAX_FAILURES = 5  # per username + address
MAX_FAILURES_PER_USERNAME = 20
MAX_FAILURES_PER_ADDRESS = 100


class Throttled(DomainError):
    """Too many failures; `retry_at` says when the next attempt is allowed."""

    def __init__(self, retry_at: datetime) -> None:
        self.retry_at = retry_at
        super().__init__(
            "För många misslyckade inloggningsförsök. "
            f"Försök igen efter kl. {retry_at.astimezone().strftime('%H:%M')}."
        )


def _retry_at(
    session: so.Session, condition: sa.ColumnElement[bool], limit: int, now: datetime
) -> datetime | None:
    """When the `limit`-th newest failure matching `condition` leaves the window, or None.

    The attempts live in the database, so every app process sees the same count.
    """
    failures = list(
        session.scalars(
            sa.select(LoginAttempt.attempted_at)
            .where(
                condition,
                LoginAttempt.succeeded.is_(False),
                LoginAttempt.attempted_at > now - WINDOW,
            )
            .order_by(LoginAttempt.attempted_at.desc())
            .limit(limit)
        )
    )
    if len(failures) < limit:
        return None
    return failures[-1] + WINDOW


def authenticate(
    session: so.Session,
    username: str,
    password: str,
    address: str,
    now: datetime | None = None,
) -> User | None:
    """The user when the password is right; None otherwise. Raises Throttled when locked out.

    Every attempt is recorded; the caller commits (also on failure, so failures count).
    """
    now = now or utcnow()
    name = (username or "").strip().lower()[:120]
    address = (address or "unknown")[:64]
    for condition, limit in (
        (sa.and_(LoginAttempt.username == name, LoginAttempt.address == address), MAX_FAILURES),
        (LoginAttempt.username == name, MAX_FAILURES_PER_USERNAME),
        (LoginAttempt.address == address, MAX_FAILURES_PER_ADDRESS),
    ):
        retry_at = _retry_at(session, condition, limit, now)
        if retry_at is not None:
            raise Throttled(retry_at)
    user = session.scalar(sa.select(User).where(User.username == name))
    valid = verify_password(user.password_hash if user else None, password or "")
    ok = bool(valid and user is not None and user.is_active and not user.is_system)
    session.add(LoginAttempt(username=name, address=address, attempted_at=now, succeeded=ok))
    if not ok or user is None:
        session.flush()
        return None
    _record_login(session, user, now, password)
    session.flush()
    return user


def _record_login(session: so.Session, user: User, now: datetime, password: str) -> None:
    """Note the login time (and upgrade an old hash) without bumping the user's version.

    A login is not an edit: an admin who has the user's edit page open must not get a conflict.
    A Core UPDATE skips the ORM's version counter; the loaded object is kept in step.
    """
    values: dict[str, object] = {"last_login_at": now}
    if user.password_hash and needs_rehash(user.password_hash):
        values["password_hash"] = hash_password(password)
    table = cast(sa.Table, User.__table__)
    session.execute(sa.update(table).where(table.c.id == user.id).values(**values))
    for key, value in values.items():
        so.attributes.set_committed_value(user, key, value)
