"""Log in, log out, change one's own password."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from capabilities.services import change_own_password
from capabilities.services.login import Throttled, finish_login, password_matches, start_login
from capabilities.services.users import log_out_everywhere
from web.access import acting_user
from web.auth.forms import LoginForm, PasswordForm
from web.db import db_session, reads_first, write_lock
from web.forms import submit
from web.security import is_safe_next

bp = Blueprint("auth", __name__)


@bp.route("/login", methods=["GET", "POST"])
@reads_first
def login() -> ResponseReturnValue:
    if current_user.is_authenticated:
        return redirect(url_for("dashboard.index"))
    form = LoginForm()
    next_url = request.args.get("next")
    if form.validate_on_submit():
        password = form.password.data or ""
        # Count and record the attempt under the write lock, check the password (slow by
        # design) with no transaction open, then take the lock again only to note a success.
        db = write_lock()
        try:
            pending = start_login(db, form.username.data or "", request.remote_addr or "unknown")
        except Throttled as exc:
            db.commit()
            return render_template("auth/login.html", form=form, error=exc.message), 429
        db.commit()
        user = None
        if password_matches(pending, password):
            db = write_lock()
            user = finish_login(db, pending, password)
            db.commit()
        if user is None:
            return render_template(
                "auth/login.html", form=form, error=_("Fel användarnamn eller lösenord.")
            ), 401
        session.clear()  # renew the session: nothing from before login survives
        login_user(user)
        return redirect(next_url if is_safe_next(next_url) else url_for("dashboard.index"))
    return render_template("auth/login.html", form=form, error=None), (
        422 if form.is_submitted() else 200
    )


@bp.post("/logout")
def logout() -> ResponseReturnValue:
    if current_user.is_authenticated:
        db = db_session()
        log_out_everywhere(db, acting_user())
        db.commit()
    logout_user()
    session.clear()
    flash(_("Du är utloggad."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def password() -> ResponseReturnValue:
    form = PasswordForm()
    db = db_session()

    def changed(_none: None) -> ResponseReturnValue:
        # every other session of this user has ended; this one continues in the new generation
        login_user(acting_user())
        flash(_("Ditt lösenord är bytt."), "success")
        return redirect(url_for("dashboard.index"))

    return submit(
        form,
        lambda: change_own_password(
            db,
            acting_user(),
            current_password=form.current_password.data or "",
            new_password=form.new_password.data or "",
        ),
        render=lambda _conflict: render_template("auth/password.html", form=form),
        respond=changed,
    )
