"""Structured logging: one line per request, and one per refused action.

`formaga.request` (INFO) logs every request once as key=value pairs: method, path, status,
user, duration in ms and remote address. `formaga.refused` (WARNING) logs each refusal (400
including CSRF, 401, 403, 409, 413, 422, 429) with who, what and why: the Swedish message the
user was shown. Neither ever logs a query string, a form body, a password, a token or the
content of a record: only paths, names and the app's own messages. Each record also carries
its fields as `record.formaga` for JSON formatters and tests.
"""

from __future__ import annotations

import json
import logging
import re
import time
from collections.abc import Iterable
from typing import Any

from flask import Flask, Response, before_render_template, g, request, request_started
from flask_login import current_user
from wtforms import Form

REQUEST_LOG = logging.getLogger("formaga.request")
REFUSED_LOG = logging.getLogger("formaga.refused")

REFUSED_STATUSES = frozenset({400, 401, 403, 409, 413, 422, 429})
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# Template variables that hold the message shown for a refusal (error page, login, conflicts).
MESSAGE_VARIABLES = ("message", "error", "conflict", "state_conflict")
MAX_MESSAGE = 300
_BARE = re.compile(r"[\w.,:/@+-]+")
# Messages quote what the user typed ("”…” är inte ett datum"): that may be anything, so it
# is left out of the log.
_QUOTED = re.compile(r"”[^”]*”|“[^”]*”|\"[^\"]*\"")


def init_request_log(app: Flask) -> None:
    """Hook the request and refusal log into `app` (called once by create_app)."""
    request_started.connect(_start, app)
    before_render_template.connect(_remember_messages, app)
    app.after_request(_log)


def logfmt(fields: dict[str, Any]) -> str:
    """key=value pairs; values with spaces, quotes or other characters are JSON-quoted."""
    parts = []
    for key, value in fields.items():
        text = f"{value:.1f}" if isinstance(value, float) else str(value)
        if not _BARE.fullmatch(text):
            text = json.dumps(text, ensure_ascii=False)
        parts.append(f"{key}={text}")
    return " ".join(parts)


def _start(_sender: Flask, **_extra: Any) -> None:
    g.formaga_started = time.perf_counter()


def _remember_messages(
    _sender: Flask, template: Any, context: dict[str, Any], **_extra: Any
) -> None:
    """Keep the messages a page shows (never field values): the refusal's "why"."""
    messages: list[str] = g.setdefault("formaga_messages", [])
    for name in MESSAGE_VARIABLES:
        value = context.get(name)
        value = getattr(value, "message", value)  # a ConflictView: its message, not the fields
        if value:
            messages.append(str(value))  # str, Markup or a lazy translation
    for value in context.values():
        if isinstance(value, Form):
            messages.extend(_form_messages(value))
    problems = context.get("problems")
    if isinstance(problems, list) and problems:  # a rejected import: count, not cell values
        messages.append(f"Filen avvisades: {len(problems)} fel.")


def _form_messages(form: Form) -> Iterable[str]:
    """The field errors' messages (they name their field), never the submitted values."""
    for errors in form.errors.values():
        yield from (str(message) for message in errors)


def _user() -> str:
    """Username of whoever made the request (session or API token), else "anonym"."""
    api_user = g.get("api_user")
    if api_user is not None:
        return str(api_user.username)
    try:
        user = current_user._get_current_object()
    except Exception:  # the user loader itself failed (e.g. the database is down)
        return "okänd"
    return str(user.username) if getattr(user, "is_authenticated", False) else "anonym"


def _why(response: Response) -> str:
    messages = list(dict.fromkeys(g.get("formaga_messages", [])))  # unique, in order
    if response.is_json:
        body = response.get_json(silent=True)
        if isinstance(body, dict) and body.get("message"):
            messages.append(str(body["message"]))
    if (
        response.status_code == 400
        and request.method in UNSAFE_METHODS
        and not g.get("csrf_valid", False)
    ):
        messages.insert(0, "CSRF-kontrollen misslyckades (token saknas, är ogiltig eller gammal).")
    shown = (_QUOTED.sub("”…”", m).strip() for m in messages)
    text = " | ".join(m for m in shown if m) or response.status
    return text if len(text) <= MAX_MESSAGE else text[: MAX_MESSAGE - 1] + "…"


def _log(response: Response) -> Response:
    started = g.get("formaga_started")
    fields: dict[str, Any] = {
        "method": request.method,
        "path": request.path,
        "status": response.status_code,
        "user": _user(),
        "duration_ms": (time.perf_counter() - started) * 1000 if started else 0.0,
        "remote": request.remote_addr or "-",
    }
    REQUEST_LOG.info("%s", logfmt(fields), extra={"formaga": fields})
    if response.status_code in REFUSED_STATUSES:
        refusal = {
            "status": response.status_code,
            "user": fields["user"],
            "method": request.method,
            "path": request.path,
            "endpoint": request.endpoint or "-",
            "why": _why(response),
        }
        REFUSED_LOG.warning("%s", logfmt(refusal), extra={"formaga": refusal})
    return response
