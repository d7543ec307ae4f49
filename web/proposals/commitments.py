"""Commitments beyond government assignments (e.g. Nordiska rådets rek. 14/2023, seed 001)."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask.typing import ResponseReturnValue

from capabilities.queries.commitments import commitments
from web.db import db_session

bp = Blueprint("commitments", __name__, url_prefix="/commitments")


@bp.get("/")
def index() -> ResponseReturnValue:
    return render_template("proposals/commitments.html", commitments=commitments(db_session()))
