"""Application factory."""

from __future__ import annotations

import logging
import os
import re
import secrets
from collections.abc import Callable
from typing import Any

from flask import Flask, Response, g, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy.exc import OperationalError
from werkzeug.routing import IntegerConverter, Map

from capabilities.db import database_url, is_lock_timeout, private_instance_dir
from capabilities.errors import Conflict, DomainError, NotFound, PermissionDenied
from capabilities.i18n import label_language
from capabilities.ids import MAX_ID
from capabilities.jinja_cache import SHARED as SHARED_BYTECODE
from capabilities.models import User
from web import filters
from web.db import db_session, discard_session, init_db
from web.extensions import babel, csrf, login_manager
from web.i18n import COOKIE, LANGUAGES, select_locale
from web.reports.pending import prune_at_startup
from web.request_log import init_request_log
from web.security import init_security

# The calendar feed authenticates with the secret token in its URL, never the session.
PUBLIC_ENDPOINTS = {"auth.login", "static", "deadlines.feed", "about.accessibility"}


class BoundedIntConverter(IntegerConverter):
    """<int:…> that matches only ids a 32-bit integer column can hold (PostgreSQL's INTEGER)."""

    def __init__(self, map: Map, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


_SESSION_ID = re.compile(r"[0-9]{1,18}\.[0-9]{1,18}")

log = logging.getLogger(__name__)


def instance_secret_key() -> str:
    """The session signing key kept in instance/secret_key, made on first use (mode 0600).

    Without SECRET_KEY in the environment a key made per start would end every session at each
    restart, and two processes would not accept each other's sessions; this one is shared by
    every process on the machine and survives restarts.
    """
    path = private_instance_dir() / "secret_key"
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        pass
    key = secrets.token_hex(32)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process made it first: use theirs
        return path.read_text().strip()
    with os.fdopen(descriptor, "w") as handle:
        handle.write(key + "\n")
    return key


def create_app(config: dict[str, Any] | None = None) -> Flask:
    app = Flask(__name__)
    app.jinja_options = {**app.jinja_options, "bytecode_cache": SHARED_BYTECODE}
    app.config.update(
        DATABASE_URL=database_url(),
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=os.environ.get("FORMAGA_HTTPS", "") == "1",
        PREFERRED_URL_SCHEME="https" if os.environ.get("FORMAGA_HTTPS", "") == "1" else "http",
        TRUSTED_PROXIES=os.environ.get("FORMAGA_TRUSTED_PROXIES", ""),
        MAX_CONTENT_LENGTH=10 * 1024 * 1024,
        BABEL_DEFAULT_LOCALE="sv",
        BABEL_DEFAULT_TIMEZONE="Europe/Stockholm",
        WTF_CSRF_TIME_LIMIT=None,
        PAGE_SIZE=100,
        ACCESSIBILITY_CONTACT=os.environ.get("FORMAGA_ACCESSIBILITY_CONTACT", ""),
    )
    if config:
        app.config.update(config)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = os.environ.get("SECRET_KEY") or instance_secret_key()
    init_db(app)
    prune_at_startup(app)
    init_security(app)
    init_request_log(app)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = ""
    filters.register(app)
    # Ids in URLs fit the database's integer column: a larger one is a 404, not a 500.
    app.url_map.converters["int"] = BoundedIntConverter
    _register_blueprints(app)
    _register_guards(app)
    _register_error_handlers(app)
    return app


@login_manager.user_loader
def _load_user(user_id: str) -> User | None:
    """Reload every request: a deactivated user, or a session from an ended generation, is out.

    The session stores "id.generation" (User.get_id); logout, a password change or reset and a
    change of role, clearance or active state bump the generation in the database, which ends
    every session of that user in every process at once.
    """
    if not _SESSION_ID.fullmatch(user_id):
        return None
    ident, _dot, generation = user_id.partition(".")
    user = db_session().get(User, int(ident))
    if user is None or not user.is_active or user.is_system:
        return None
    return user if user.session_generation == int(generation) else None


def _register_blueprints(app: Flask) -> None:
    from web.about.routes import bp as about_bp
    from web.actors.routes import bp as actors_bp
    from web.admin.routes import bp as admin_bp
    from web.api.docs import bp as apidocs_bp
    from web.api.routes import bp as api_bp
    from web.assignments.confirmation import bp as confirmation_bp
    from web.assignments.routes import bp as assignments_bp
    from web.auth.routes import bp as auth_bp
    from web.dashboard import gaps as _gaps  # noqa: F401  (its routes join the blueprint)
    from web.dashboard.routes import bp as dashboard_bp
    from web.deadlines.routes import bp as deadlines_bp
    from web.measures.routes import bp as measures_bp
    from web.proposals.commitments import bp as commitments_bp
    from web.proposals.routes import bp as proposals_bp
    from web.register.routes import bp as register_bp
    from web.reports.routes import bp as reports_bp
    from web.rounds.routes import bp as rounds_bp
    from web.tokens.routes import bp as tokens_bp

    blueprints = (
        auth_bp,
        about_bp,
        dashboard_bp,
        register_bp,
        assignments_bp,
        confirmation_bp,
        actors_bp,
        measures_bp,
        proposals_bp,
        commitments_bp,
        reports_bp,
        rounds_bp,
        admin_bp,
        tokens_bp,
        deadlines_bp,
        api_bp,
        apidocs_bp,
    )
    for blueprint in blueprints:
        app.register_blueprint(blueprint)


def _register_guards(app: Flask) -> None:
    @app.before_request
    def require_login() -> ResponseReturnValue | None:
        if request.blueprint == "api":
            return None  # the API checks its own bearer token, never the session
        if request.endpoint in PUBLIC_ENDPOINTS or current_user.is_authenticated:
            return None
        if request.endpoint is None:
            return None  # 404 for unknown URLs
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))

    @app.before_request
    def choose_label_language() -> None:
        """Level labels follow the interface language; the API and the files stay Swedish."""
        english = request.blueprint not in ("api", "reports") and str(get_locale()) == "en"
        g.label_language_token = label_language.set("en" if english else "sv")

    @app.teardown_request
    def restore_label_language(_exc: BaseException | None) -> None:
        """The request's choice ends with it: a thread that served an English page (or a test
        that made a request) then runs a CLI command or the next request in Swedish."""
        token = g.pop("label_language_token", None)
        if token is not None:
            label_language.reset(token)

    @app.after_request
    def remember_language(response: Response) -> Response:
        wanted = request.args.get("lang")
        if wanted in LANGUAGES:
            response.set_cookie(
                COOKIE,
                wanted,
                max_age=365 * 24 * 3600,
                samesite="Lax",
                httponly=True,
                secure=app.config["SESSION_COOKIE_SECURE"],
            )
        return response


def busy_message() -> str:
    return _(
        "Databasen är upptagen av en annan ändring just nu, så inget sparades. "
        "Vänta en stund och försök igen."
    )


def unavailable_message() -> str:
    return _(
        "Databasen går inte att nå just nu. Det du skickade sparades troligen inte: "
        "kontrollera det och försök igen om en stund."
    )


def _register_error_handlers(app: Flask) -> None:
    def page(status: int, title: str, message: str) -> tuple[str, int]:
        return render_template("error.html", status=status, title=title, message=message), status

    def refusal(
        status: int, title: Any, rollback: bool
    ) -> Callable[[DomainError], ResponseReturnValue]:
        """A service's refusal as a page with its message; what it may have written is undone."""

        def handle(exc: DomainError) -> ResponseReturnValue:
            if rollback:
                db_session().rollback()
            return page(status, str(title), exc.message)

        return handle

    # Flask picks the handler of the most specific class: DomainError is the base of the others.
    for error, status, title, rollback in (
        (NotFound, 404, _l("Hittades inte"), False),
        (PermissionDenied, 403, _l("Behörighet saknas"), True),
        (Conflict, 409, _l("Någon annan har ändrat"), True),
        (DomainError, 400, _l("Felaktig uppgift"), True),
    ):
        app.register_error_handler(error, refusal(status, title, rollback))

    @app.errorhandler(OperationalError)
    def database_busy(exc: OperationalError) -> ResponseReturnValue:
        """SQLite's write lock stayed taken for the whole busy timeout, or the database could
        not be reached or written (a restart, a read-only file): 503, try again."""
        discard_session()
        if is_lock_timeout(exc):
            response = page(503, _("Databasen är upptagen"), busy_message())
        else:
            log.warning("Database unavailable: %s", exc)
            response = page(503, _("Databasen går inte att nå"), unavailable_message())
        return response[0], 503, {"Retry-After": "5"}

    for status, title, message in (
        (
            400,
            _l("Felaktig begäran"),
            _l("Begäran kunde inte tolkas. Ladda om sidan och försök igen."),
        ),
        (403, _l("Behörighet saknas"), _l("Du saknar behörighet för den här sidan.")),
        (404, _l("Hittades inte"), _l("Sidan finns inte.")),
        (405, _l("Metoden stöds inte"), _l("Den här adressen stöder inte den metoden.")),
        (413, _l("Filen är för stor"), _l("Filen är större än tillåtet (högst 10 MB).")),
        (500, _l("Internt fel"), _l("Något gick fel hos oss. Försök igen om en stund.")),
    ):
        app.register_error_handler(
            status, lambda _exc, s=status, t=title, m=message: page(s, str(t), str(m))
        )
