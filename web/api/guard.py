"""Bearer-token authentication and JSON error handling for the API blueprint.

The API never looks at the session cookie: a logged-in browser without a token gets 401,
so a page on another site cannot read the register with a member's cookie.
"""

from __future__ import annotations

from flask import Blueprint, Response, g, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException, MethodNotAllowed
from werkzeug.exceptions import NotFound as RouteNotFound

from capabilities.db import is_lock_timeout
from capabilities.errors import DomainError, NotFound, PermissionDenied
from capabilities.models import User
from capabilities.services import authenticate_token
from capabilities.services.tokens import find_token_user
from web.api.params import BadParameter
from web.api.responses import api_error, default_message
from web.db import db_session, discard_session, write_lock

PUBLIC_API_ENDPOINTS = {"api.openapi"}
REALM = 'Bearer realm="formaga-api"'


def api_user() -> User:
    """The user behind this request's token (set by `authenticate`)."""
    user: User = g.api_user
    return user


def _bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _sep, token = header.strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def authenticate() -> ResponseReturnValue | None:
    """Before every API view: a valid, unrevoked token of an active user, or 401."""
    if request.endpoint in PUBLIC_API_ENDPOINTS:
        return None
    token = _bearer_token()
    # Look the token up in a read transaction: a bad token is refused without waiting for the
    # write lock; only a good one takes it, to record its use.
    user = find_token_user(db_session(), token) if token else None
    if user is not None:
        db = write_lock()
        user = authenticate_token(db, token or "")  # again: it may be revoked by now
        if user is not None:
            db.commit()  # records the token's last use
            g.api_user = user
            return None
    db_session().rollback()
    if token is None:
        message = _("API-nyckel saknas. Ange den i huvudet Authorization: Bearer <nyckel>.")
        challenge = REALM
    else:
        message = _("API-nyckeln är ogiltig, återkallad eller tillhör en inaktiv användare.")
        challenge = f'{REALM}, error="invalid_token"'
    return api_error(401, message, {"WWW-Authenticate": challenge})


def unmatched_api_path(prefix: str) -> ResponseReturnValue | None:
    """Unknown paths and methods under the API answer in JSON, not with the HTML error page.

    Flask gives routing errors to the app's handlers only (no blueprint matched), so this
    runs as an app-wide hook, before the login guard, and only for the API's own prefix.
    """
    error = request.routing_exception
    if request.path != prefix and not request.path.startswith(prefix + "/"):
        return None
    if isinstance(error, MethodNotAllowed):
        allowed = ", ".join(sorted(error.valid_methods or ()))
        return api_error(405, default_message(405), {"Allow": allowed} if allowed else None)
    if isinstance(error, RouteNotFound):
        return api_error(404, default_message(404))
    return None


def register_error_handlers(bp: Blueprint) -> None:
    """Every error under the API is JSON, including the domain's NotFound and PermissionDenied."""

    @bp.errorhandler(BadParameter)
    def bad_parameter(exc: BadParameter) -> Response:
        return api_error(400, exc.message)

    @bp.errorhandler(NotFound)
    def not_found(exc: NotFound) -> Response:
        return api_error(404, exc.message)

    @bp.errorhandler(PermissionDenied)
    def forbidden(exc: PermissionDenied) -> Response:
        db_session().rollback()
        return api_error(403, exc.message)

    @bp.errorhandler(DomainError)
    def domain_error(exc: DomainError) -> Response:
        db_session().rollback()
        return api_error(400, exc.message)

    @bp.errorhandler(OperationalError)
    def database_busy(exc: OperationalError) -> Response:
        discard_session()
        if is_lock_timeout(exc):
            message = _(
                "Databasen är upptagen av en annan ändring just nu. Försök igen om en stund."
            )
        else:
            message = _("Databasen går inte att nå just nu. Försök igen om en stund.")
        return api_error(503, message, {"Retry-After": "5"})

    def http_error(exc: HTTPException) -> Response:
        status = exc.code or 500
        if status >= 500:
            db_session().rollback()
        headers = {}
        if isinstance(exc, MethodNotAllowed) and exc.valid_methods:
            headers["Allow"] = ", ".join(sorted(exc.valid_methods))
        return api_error(status, default_message(status), headers)

    for status in (400, 401, 403, 404, 405, 500):
        bp.register_error_handler(status, http_error)
