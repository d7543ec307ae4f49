"""/api/: the OpenAPI document as an interactive page (Swagger UI, served from web/static)."""

from __future__ import annotations

from flask import Blueprint, render_template, url_for
from flask.typing import ResponseReturnValue

bp = Blueprint("apidocs", __name__, url_prefix="/api")


@bp.get("/")
def index() -> ResponseReturnValue:
    """For logged-in users: they read the API here and try it with their own token."""
    return render_template("api/docs.html", spec=url_for("api.openapi"))
