"""The user's profile (e-mail, reminders), calendar feed links, and the feed itself."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, Response, abort, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from capabilities import services
from capabilities.queries.tokens import user_tokens
from capabilities.services.tokens import find_token_user
from web.access import acting_user
from web.db import db_session, write_lock
from web.deadlines.feed import feed_bytes
from web.deadlines.forms import FeedForm, ProfileForm
from web.forms import submit
from web.tokens.routes import Created, create_view, revoke_view

bp = Blueprint("deadlines", __name__)

FEED_ENDPOINT = "deadlines.feed"  # public: the secret token in the URL is the credential


@bp.route("/account/profile", methods=["GET", "POST"])
def profile() -> ResponseReturnValue:
    """E-mail address and the reminders switch; every reminder's unsubscribe link leads here."""
    user = acting_user()
    form = ProfileForm(obj=user)

    def saved(_user: object) -> str:
        if user.reminders_enabled:
            return _("Sparat. Påminnelser skickas till %(email)s.", email=user.email)
        return _("Sparat. Du får inga påminnelser med e-post.")

    return submit(
        form,
        lambda: services.update_own_profile(
            db_session(),
            user,
            email=form.email.data,
            reminders_enabled=bool(form.reminders_enabled.data),
        ),
        render=lambda _conflict: render_template("deadlines/profile.html", form=form),
        success=saved,
        redirect_to=url_for(".profile"),
    )


def _render_calendar(form: FeedForm, created: Created | None = None) -> str:
    plain = created[1] if created else None
    feed_url = url_for(FEED_ENDPOINT, token=plain, _external=True) if plain else None
    # webcal: is the subscription scheme calendar programs register for (same host and path)
    webcal_url = "webcal:" + feed_url.split(":", 1)[1] if feed_url else None
    return render_template(
        "deadlines/calendar.html",
        form=form,
        feeds=user_tokens(db_session(), acting_user().id, "calendar"),
        feed_url=feed_url,
        webcal_url=webcal_url,
    )


@bp.route("/account/calendar", methods=["GET", "POST"])
def calendar() -> ResponseReturnValue:
    """The user's calendar links; a new one is shown on this response only."""
    return create_view(FeedForm(), "calendar", _render_calendar)


@bp.post("/account/calendar/<int:token_id>/revoke")
def revoke_feed(token_id: int) -> ResponseReturnValue:
    return revoke_view(token_id, "calendar", back=url_for(".calendar"))


@bp.get("/calendar/feed.ics")
def feed() -> ResponseReturnValue:
    """The iCalendar feed of the token's user. Unknown, revoked or inactive: 404, nothing more.

    The token travels in the query string, which the request log never records.
    """
    token = request.args.get("token", "")
    # A bad token is refused from a read transaction; only a good one waits for the write lock.
    found = find_token_user(db_session(), token, kind="calendar") if token else None
    db = write_lock() if found is not None else db_session()
    user = services.authenticate_token(db, token, kind="calendar") if found else None
    if user is None or user.is_system:
        db.rollback()
        abort(404)
    body = feed_bytes(db, user, today=date.today())
    db.commit()
    return Response(
        body,
        mimetype="text/calendar",
        headers={
            "Content-Disposition": 'inline; filename="formagaregistret.ics"',
            "X-Robots-Tag": "noindex",
        },
    )
