"""A user's API tokens and calendar links, for the pages that list them."""

from __future__ import annotations

import sqlalchemy as sa
import sqlalchemy.orm as so

from capabilities.models import ApiToken


def user_tokens(session: so.Session, user_id: int, kind: str) -> list[ApiToken]:
    """The user's tokens of one kind ("api" or "calendar"), newest first: one query."""
    return list(
        session.scalars(
            sa.select(ApiToken)
            .where(ApiToken.user_id == user_id, ApiToken.kind == kind)
            .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
        )
    )
