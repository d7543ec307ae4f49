"""A user's own API tokens: list, create (the plain token is shown once), revoke."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l

from capabilities import services
from capabilities.models import ApiToken
from capabilities.queries.lookup import one_or_not_found
from capabilities.queries.tokens import user_tokens
from web.access import acting_user
from web.db import db_session
from web.forms import confirmed, save, submit
from web.tokens.forms import RevokeForm, TokenForm

bp = Blueprint("tokens", __name__, url_prefix="/account/tokens")


def _render(form: TokenForm, plain: str | None = None, created: ApiToken | None = None) -> str:
    return render_template(
        "tokens/index.html",
        form=form,
        tokens=user_tokens(db_session(), acting_user().id, "api"),
        plain=plain,
        created=created,
        today=date.today(),
    )


@bp.route("/", methods=["GET", "POST"])
def index() -> ResponseReturnValue:
    """The list and the create form; a created token is shown on this response only."""
    form = TokenForm()
    return submit(
        form,
        lambda: services.create_token(
            db_session(),
            acting_user(),
            name=form.name.data or "",
            expires_on=form.expires_on.data or None,
        ),
        render=lambda _conflict: _render(form),
        # Not a redirect: the plain token exists only in this response, never in the session.
        respond=lambda created: _render(
            TokenForm(formdata=None), plain=created[1], created=created[0]
        ),
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
