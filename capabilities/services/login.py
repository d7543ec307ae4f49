"""Password login with throttling by username and by address (no Flask here)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
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


@dataclass(frozen=True)
class PendingLogin:
    """A recorded attempt (counted as a failure until `finish_login`) and what to verify."""

    attempt_id: int
    user_id: int | None  # None: no such user, or one that may not log in
    password_hash: str | None
    attempted_at: datetime


def _lock_key(text: str) -> int:
    """A signed 64-bit key for pg_advisory_xact_lock."""
    return int.from_bytes(
        hashlib.blake2b(text.encode(), digest_size=8).digest(), "big", signed=True
    )


def _take_turns(session: so.Session, name: str, address: str) -> None:
    """Attempts on one username, or from one address, count and record one at a time.

    Counting and recording are two statements: run side by side, 30 attempts all counted too
    few failures and 20 were evaluated against a limit of 5. On SQLite the caller's write lock
    already serialises them; on PostgreSQL a transaction-scoped advisory lock does (always
    username before address, so two attempts never wait for each other in a circle).
    """
    if session.get_bind().dialect.name != "postgresql":
        return
    for key in (f"login-username:{name}", f"login-address:{address}"):
        session.execute(sa.select(sa.func.pg_advisory_xact_lock(_lock_key(key))))


def start_login(
    session: so.Session, username: str, address: str, now: datetime | None = None
) -> PendingLogin:
    """Check the throttle and record the attempt as a failure, in one step; raises Throttled.

    The caller holds the write lock (SQLite) and commits right after, so the lock is not held
    while the password hash is checked (`password_matches`, no database).
    """
    now = now or utcnow()
    name = (username or "").strip().lower()[:120]
    address = (address or "unknown")[:64]
    _take_turns(session, name, address)
    for condition, limit in (
        (sa.and_(LoginAttempt.username == name, LoginAttempt.address == address), MAX_FAILURES),
        (LoginAttempt.username == name, MAX_FAILURES_PER_USERNAME),
        (LoginAttempt.address == address, MAX_FAILURES_PER_ADDRESS),
    ):
        retry_at = _retry_at(session, condition, limit, now)
        if retry_at is not None:
            raise Throttled(retry_at)
    user = session.scalar(sa.select(User).where(User.username == name))
    attempt = LoginAttempt(username=name, address=address, attempted_at=now, succeeded=False)
    session.add(attempt)
    session.flush()
    may_log_in = user is not None and user.is_active and not user.is_system
    return PendingLogin(
        attempt_id=attempt.id,
        user_id=user.id if user is not None and may_log_in else None,
        password_hash=user.password_hash if user is not None else None,
        attempted_at=now,
    )


def password_matches(pending: PendingLogin, password: str) -> bool:
    """The slow part (argon2), outside any transaction. Unknown users cost the same time."""
    valid = verify_password(pending.password_hash, password or "")
    return valid and pending.user_id is not None


def finish_login(session: so.Session, pending: PendingLogin, password: str) -> User | None:
    """Mark the attempt a success and note the login; None if the account changed meanwhile."""
    user = session.get(User, pending.user_id) if pending.user_id is not None else None
    if (
        user is None
        or not user.is_active
        or user.is_system
        or user.password_hash != pending.password_hash
    ):
        return None
    session.execute(
        sa.update(LoginAttempt).where(LoginAttempt.id == pending.attempt_id).values(succeeded=True)
    )
    _record_login(session, user, pending.attempted_at, password)
    session.flush()
    return user


def authenticate(
    session: so.Session,
    username: str,
    password: str,
    address: str,
    now: datetime | None = None,
) -> User | None:
    """The user when the password is right; None otherwise. Raises Throttled when locked out.

    All in one transaction (the web login commits between the steps instead). Every attempt is
    recorded; the caller commits (also on failure, so failures count).
    """
    pending = start_login(session, username, address, now)
    if not password_matches(pending, password):
        return None
    return finish_login(session, pending, password)


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
