"""The read-only JSON API, /api/v1: the register, history, assignments, actors, measures."""

from __future__ import annotations

from datetime import date

from flask import Blueprint
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from capabilities.errors import NotFound
from capabilities.queries import api as queries
from capabilities.queries.commitments import commitment_as_json, commitments
from capabilities.queries.gap_view import unlinked_as_json
from capabilities.queries.gaps import gap_items
from capabilities.queries.pagination import paginate_list
from capabilities.queries.procurement import (
    proposal_as_json,
    proposal_detail,
    proposal_details,
)
from capabilities.queries.rounds import compare_rounds, round_summary
from web.api import params
from web.api.guard import api_user, authenticate, register_error_handlers, unmatched_api_path
from web.api.openapi import openapi_document
from web.api.responses import json_response
from web.dashboard.kept import kept_gap_view
from web.db import db_session
from web.extensions import csrf

PREFIX = "/api/v1"

bp = Blueprint("api", __name__, url_prefix=PREFIX)
csrf.exempt(bp)  # GET only, and the token is not sent automatically by browsers
bp.before_request(authenticate)
bp.before_request(lambda: params.refuse_unknown_parameters(PREFIX))
register_error_handlers(bp)


@bp.before_app_request
def _json_routing_errors() -> ResponseReturnValue | None:
    return unmatched_api_path(PREFIX)


def _cleared() -> bool:
    return api_user().can_see_confidential


@bp.get("/openapi.json")
def openapi() -> ResponseReturnValue:
    """The OpenAPI 3.0 description of every route; public, it holds no data."""
    return json_response(openapi_document(PREFIX))


@bp.get("/capabilities")
def capabilities() -> ResponseReturnValue:
    page = queries.capability_page(
        db_session(), params.page_request(), as_of=params.as_of(), can_see_confidential=_cleared()
    )
    return json_response(page.as_json())


@bp.get("/capabilities/<number>")
def capability(number: str) -> ResponseReturnValue:
    item = queries.capability_item(
        db_session(), number, as_of=params.as_of(), can_see_confidential=_cleared()
    )
    return json_response(item)


@bp.get("/capabilities/<number>/history")
def capability_history(number: str) -> ResponseReturnValue:
    summary, page = queries.capability_history(
        db_session(), number, params.page_request(), can_see_confidential=_cleared()
    )
    return json_response({"capability": summary, **page.as_json()})


@bp.get("/assignments")
def assignments() -> ResponseReturnValue:
    return json_response(queries.assignment_page(db_session(), params.page_request()).as_json())


@bp.get("/actors")
def actors() -> ResponseReturnValue:
    return json_response(queries.actor_page(db_session(), params.page_request()).as_json())


@bp.get("/measures")
def measures() -> ResponseReturnValue:
    page = queries.measure_page(
        db_session(), params.page_request(), can_see_confidential=_cleared()
    )
    return json_response(page.as_json())


@bp.get("/gaps")
def gaps() -> ResponseReturnValue:
    """Coverage gaps with the same parameters and order as /gaps and `formaga gaps`, plus the
    assignments no capability links to as their own group."""
    request = params.page_request()
    sort, area = params.gap_sort(), params.gap_area()
    view = kept_gap_view(
        as_of=params.as_of() or date.today(),
        stale_months=params.stale_months(),
        can_see_confidential=_cleared(),
        flags=params.gap_flags(),
        area=area,
        sort=sort,
    )
    if area and area not in set(view.frame["area"]):
        raise NotFound(_("Okänt område: %(area)s.", area=area))
    # Cut the page first: only its rows become JSON.
    positions = paginate_list(range(len(view.rows)), request)
    page = positions.with_items(gap_items(view.rows.iloc[list(positions.items)]))
    return json_response(
        {
            **page.as_json(),
            "sort": sort,
            "unlinked_assignments": [unlinked_as_json(item) for item in view.unlinked],
        }
    )


@bp.get("/rounds")
def rounds() -> ResponseReturnValue:
    page = paginate_list(queries.round_items(db_session()), params.page_request())
    return json_response(page.as_json())


@bp.get("/rounds/<int:round_id>")
def round_(round_id: int) -> ResponseReturnValue:
    return json_response(round_summary(db_session(), round_id))


@bp.get("/rounds/<int:round_id>/compare/<other>")
def round_comparison(round_id: int, other: str) -> ResponseReturnValue:
    """A closed round against another closed round, or against the register today."""
    if other != "today" and not (other.isascii() and other.isdigit()):
        raise NotFound(f"Ange ett omgångs-id eller today, inte ”{other}”.")
    comparison = compare_rounds(
        db_session(),
        round_id,
        None if other == "today" else int(other),
        can_see_confidential=_cleared(),
    )
    return json_response(comparison.as_json())


@bp.get("/proposals")
def proposals() -> ResponseReturnValue:
    """Procurement proposals (seed 000), newest first; confidential ones only by id and stage."""
    request = params.page_request()
    items = [
        proposal_as_json(d) for d in proposal_details(db_session(), can_see_confidential=_cleared())
    ]
    return json_response(paginate_list(items, request).as_json())


@bp.get("/proposals/<int:proposal_id>")
def proposal(proposal_id: int) -> ResponseReturnValue:
    detail = proposal_detail(db_session(), proposal_id, can_see_confidential=_cleared())
    return json_response(proposal_as_json(detail))


@bp.get("/commitments")
def commitments_list() -> ResponseReturnValue:
    """Commitments beyond government assignments, with clauses, facts and capability links."""
    request = params.page_request()
    items = [commitment_as_json(c) for c in commitments(db_session())]
    return json_response(paginate_list(items, request).as_json())
