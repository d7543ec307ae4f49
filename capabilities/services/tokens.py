"""Personal API tokens: shown once, stored as SHA-256, revocable."""

from __future__ import annotations

import hashlib
import secrets

import sqlalchemy as sa
import sqlalchemy.orm as so

from capabilities.db import utcnow
from capabilities.errors import NotFound, PermissionDenied
from capabilities.models import ApiToken, User
from capabilities.services.base import Errors, audit, snapshot

TOKEN_PREFIX = "fr_"


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(session: so.Session, user: User, *, name: str) -> tuple[ApiToken, str]:
    """Return the stored token row and the plain token (the only time it exists)."""
    if not user.is_active or user.is_system:
        raise PermissionDenied("Inaktiva användare kan inte skapa API-nycklar.")
    errors = Errors()
    label = errors.text("name", name, label="Namn", required=True, max_length=120)
    errors.raise_if_any()
    plain = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user_id=user.id, name=label, token_hash=_digest(plain), prefix=plain[:10])
    session.add(token)
    session.flush()
    audit(session, user, token, "create", after=snapshot(token))
    session.flush()
    return token, plain


def revoke_token(session: so.Session, user: User, token: ApiToken) -> ApiToken:
    if token.user_id != user.id and not user.is_admin:
        raise NotFound("API-nyckeln finns inte.")
    if token.revoked_at is None:
        before = snapshot(token)
        token.revoked_at = utcnow()
        session.flush()
        audit(session, user, token, "revoke", before=before, after=snapshot(token))
        session.flush()
    return token


def authenticate_token(session: so.Session, plain: str) -> User | None:
    """The active user behind a valid, unrevoked token; records last use."""
    if not plain or not plain.startswith(TOKEN_PREFIX) or len(plain) > 200:
        return None
    token = session.scalar(
        sa.select(ApiToken)
        .where(ApiToken.token_hash == _digest(plain), ApiToken.revoked_at.is_(None))
        .options(so.joinedload(ApiToken.user))
    )
    if token is None or not token.user.is_active:
        return None
    token.last_used_at = utcnow()
    return token.user
