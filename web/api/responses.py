"""JSON responses and errors of the API: always `{"error": ..., "message": ...}` on failure."""

from __future__ import annotations

import json
from typing import Any

from flask import Response
from flask_babel import gettext as _

from capabilities.queries.api_shapes import ERROR_CODES, Error


def json_response(data: Any, status: int = 200) -> Response:
    """UTF-8 JSON in the order the keys were built (Swedish text stays readable)."""
    response = Response(
        json.dumps(data, ensure_ascii=False), status=status, mimetype="application/json"
    )
    # Answers may hold confidential content for a cleared token: never cache them.
    response.headers["Cache-Control"] = "no-store"
    response.headers["Vary"] = "Authorization"
    return response


def api_error(status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    body: Error = {"error": ERROR_CODES.get(status, "error"), "message": message}
    response = json_response(body, status)
    response.headers.update(headers or {})
    return response


def default_message(status: int) -> str:
    """The Swedish message for an HTTP error that carries none of its own."""
    messages: dict[int, str] = {
        400: _("Begäran kunde inte tolkas."),
        401: _("Ange en giltig API-nyckel i huvudet Authorization: Bearer <nyckel>."),
        403: _("Du saknar behörighet för den här uppgiften."),
        404: _("Adressen finns inte i API:t."),
        405: _("API:t är skrivskyddat och stöder bara GET på den här adressen."),
        500: _("Något gick fel hos oss. Försök igen om en stund."),
    }
    return str(messages.get(status) or _("Begäran kunde inte utföras."))
