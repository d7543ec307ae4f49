"""A user's own API tokens: list, create (the plain token is shown once), revoke."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any, TypeVar

from flask import Blueprint, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm

from capabilities import services
from capabilities.models import ApiToken
from capabilities.queries.lookup import one_or_not_found
from capabilities.queries.tokens import user_tokens
from web.access import acting_user
from web.db import db_session
from web.forms import confirmed, save, submit
from web.tokens.forms import RevokeForm, TokenForm

F = TypeVar("F", bound=FlaskForm)
Created = tuple[ApiToken, str]  # the stored token and the plain one (shown once)

bp = Blueprint("tokens", __name__, url_prefix="/account/tokens")


def _render(form: TokenForm, created: Created | None = None) -> str:
    return render_template(
        "tokens/index.html",
        form=form,
        tokens=user_tokens(db_session(), acting_user().id, "api"),
        plain=created[1] if created else None,
        created=created[0] if created else None,
        today=date.today(),
    )


@bp.route("/", methods=["GET", "POST"])
def index() -> ResponseReturnValue:
    """The list and the create form; a created token is shown on this response only."""
    form = TokenForm()
    return create_view(form, "api", _render, lambda: {"expires_on": form.expires_on.data or None})


def create_view(
    form: F,
    kind: str,
    render: Callable[[F, Created | None], str],
    options: Callable[[], dict[str, Any]] = dict,
) -> ResponseReturnValue:
    """A page of the user's tokens of `kind` with the form that creates one (`options`: what
    else the form sets). The answer to a creation shows the plain token, once: it is not a
    redirect, so the token exists only in this response, never in the session."""
    return submit(
        form,
        lambda: services.create_token(
            db_session(), acting_user(), name=form.name.data or "", kind=kind, **options()
        ),
        render=lambda _conflict: render(form, None),
        respond=lambda created: render(type(form)(formdata=None), created),
    )


@bp.post("/<int:token_id>/revoke")
def revoke(token_id: int) -> ResponseReturnValue:
    return revoke_view(token_id, "api", back=url_for(".index"))


# Each kind's words on its page: "no such token" and "revoked" (with the token's name).
REVOKE_TEXTS = {
    "api": (
        _l("API-nyckeln finns inte."),
        _l("API-nyckeln ”%(name)s” är återkallad och fungerar inte längre."),
    ),
    "calendar": (
        _l("Kalenderlänken finns inte."),
        _l("Kalenderlänken ”%(name)s” är återkallad och fungerar inte längre."),
    ),
}


def revoke_view(token_id: int, kind: str, *, back: str) -> ResponseReturnValue:
    """Revoke one of the user's own tokens of `kind` (an API key, a calendar link)."""
    form = confirmed(RevokeForm())
    missing, revoked = REVOKE_TEXTS[kind]
    db = db_session()
    token = one_or_not_found(db, ApiToken, token_id, str(missing), kind=kind)
    return save(
        form,
        lambda: services.revoke_token(db, acting_user(), token),
        back=back,
        success=str(revoked) % {"name": token.name},
        redirect_to=back,
    )
