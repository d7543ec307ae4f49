"""Load one row or answer NotFound: the one idiom for "get, then check for None".

microblog writes `db.first_or_404(...)` everywhere; here the domain raises its own `NotFound`,
which web/app.py turns into a Swedish 404 page (and the API into a JSON 404), so a view, the
API and a query load a row the same way. An id out of the INTEGER range is simply not found
(capabilities/ids.py), never a database error.
"""

from __future__ import annotations

from typing import Any, TypeVar

import sqlalchemy as sa
import sqlalchemy.orm as so

from capabilities.db import Base
from capabilities.errors import NotFound
from capabilities.i18n import N_
from capabilities.ids import is_row_id
from capabilities.models import Capability

M = TypeVar("M", bound=Base)

#: What a plain 404 says (the same words as the web's own 404 page).
NOT_FOUND = N_("Sidan finns inte.")


def one_or_not_found(
    session: so.Session,
    model: type[M],
    ident: int,
    message: str = NOT_FOUND,
    **expected: Any,
) -> M:
    """The `model` row with primary key `ident`, or NotFound(message).

    `expected` attribute values are part of the address: a row of another parent
    (`capability_id=cap.id`) or of another kind (`kind="api"`) is not found either, so a URL
    cannot reach a row through a parent it does not belong to.
    """
    row = session.get(model, ident) if is_row_id(ident) else None
    if row is None or any(getattr(row, name) != value for name, value in expected.items()):
        raise NotFound(message)
    return row


def capability_or_not_found(
    session: so.Session, number: str, message: str = NOT_FOUND
) -> Capability:
    """The capability with this number ("1.2.3"), or NotFound(message)."""
    capability = session.scalar(sa.select(Capability).where(Capability.number == number))
    if capability is None:
        raise NotFound(message)
    return capability


def chosen_row(session: so.Session, model: type[M], ident: int | None) -> M | None:
    """The row a picker on a form chose (its id already parsed), or None: a choice that is not
    in the list is the form's error on that field, not a 404."""
    return session.get(model, ident) if ident is not None and is_row_id(ident) else None
