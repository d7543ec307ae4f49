"""Personal tokens: shown once, stored as SHA-256, revocable.

One machinery for both kinds: `api` tokens open the read-only JSON API, `calendar` tokens one
user's calendar feed URL. A token opens only what its kind says.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import date, timedelta

import sqlalchemy as sa
import sqlalchemy.orm as so

from capabilities.db import utcnow
from capabilities.errors import NotFound, PermissionDenied
from capabilities.i18n import N_
from capabilities.models import TOKEN_KINDS, ApiToken, User
from capabilities.services.base import Errors, add_audited, change_audited

TOKEN_PREFIX = "fr_"
# The prefix says what a token opens, so a leaked one is recognised for what it is.
PREFIXES = {"api": TOKEN_PREFIX, "calendar": "frk_"}
MAX_VALIDITY = timedelta(days=5 * 366)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(
    session: so.Session,
    user: User,
    *,
    name: str,
    kind: str = "api",
    expires_on: date | str | None = None,
    today: date | None = None,
) -> tuple[ApiToken, str]:
    """Return the stored token row and the plain token (the only time it exists).

    `expires_on` (optional) is the last day the token works: today at the earliest, at most
    five years ahead."""
    if kind not in TOKEN_KINDS:
        raise ValueError(f"unknown token kind {kind!r}")
    if not user.is_active or user.is_system:
        raise PermissionDenied(N_("Inaktiva användare kan inte skapa API-nycklar."))
    errors = Errors()
    label = errors.text("name", name, label="Namn", required=True, max_length=120)
    last_day = errors.date_value("expires_on", expires_on, label="Gäller till och med")
    today = today or date.today()
    if last_day is not None and last_day < today:
        errors.add("expires_on", N_("Slutdatumet kan inte ligga före i dag."))
    elif last_day is not None and last_day > today + MAX_VALIDITY:
        errors.add("expires_on", N_("En API-nyckel kan gälla i högst fem år."))
    errors.raise_if_any()
    prefix = PREFIXES[kind]
    plain = prefix + secrets.token_urlsafe(32)
    token = ApiToken(
        user_id=user.id,
        name=label,
        kind=kind,
        token_hash=_digest(plain),
        prefix=plain[: len(prefix) + 7],
        expires_on=last_day,
    )
    return add_audited(session, user, token), plain


def revoke_token(session: so.Session, user: User, token: ApiToken) -> ApiToken:
    if token.user_id != user.id and not user.is_admin:
        raise NotFound(N_("API-nyckeln finns inte."))
    if token.revoked_at is None:
        change_audited(
            session,
            user,
            token,
            {"revoked_at": utcnow()},
            what=None,
            action="revoke",
            audit_unchanged=True,
        )
    return token


def _valid_token(session: so.Session, plain: str, kind: str, today: date | None) -> ApiToken | None:
    if not plain or not plain.startswith(PREFIXES[kind]) or len(plain) > 200:
        return None
    token = session.scalar(
        sa.select(ApiToken)
        .where(
            ApiToken.token_hash == _digest(plain),
            ApiToken.kind == kind,
            ApiToken.revoked_at.is_(None),
        )
        .options(so.joinedload(ApiToken.user))
    )
    if token is None or not token.user.is_active or token.is_expired(today or date.today()):
        return None
    return token


def find_token_user(
    session: so.Session, plain: str, *, kind: str = "api", today: date | None = None
) -> User | None:
    """The active user behind a valid token, reading only: a bad token needs no write lock."""
    token = _valid_token(session, plain, kind, today)
    return token.user if token is not None else None


def authenticate_token(
    session: so.Session, plain: str, *, kind: str = "api", today: date | None = None
) -> User | None:
    """The active user behind a valid, unrevoked, unexpired token of this kind; records use."""
    token = _valid_token(session, plain, kind, today)
    if token is None:
        return None
    token.last_used_at = utcnow()
    return token.user
