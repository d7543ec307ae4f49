"""Jinja filters and globals: ISO dates, level labels, role names."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from flask import Flask, request, url_for
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from web.i18n import LANGUAGES

ROLE_LABELS = {"ansvarar": _l("Ansvarar"), "kan_ansvara": _l("Kan ansvara")}
USER_ROLE_LABELS = {"läsare": _l("Läsare"), "medlem": _l("Medlem"), "admin": _l("Administratör")}
TREND_LABELS = {
    "better": _l("Förbättrad"),
    "same": _l("Oförändrad"),
    "worse": _l("Försämrad"),
    None: _l("Ingen tidigare bedömning"),
}
TREND_SYMBOLS = {"better": "↑", "same": "→", "worse": "↓", None: "–"}


def iso(value: date | datetime | None) -> str:
    """ISO 8601: dates as 2026-11-22, times as 2026-11-22 14:05 (local)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.astimezone().strftime("%Y-%m-%d %H:%M")
    return value.isoformat()


def url_with(**changes: Any) -> str:
    """The current URL with some query parameters changed (None removes)."""
    args = request.args.to_dict(flat=False)
    for key, value in changes.items():
        if value is None:
            args.pop(key, None)
        else:
            args[key] = [str(value)]
    return url_for(request.endpoint or "register.overview", **(request.view_args or {}), **args)


def register(app: Flask) -> None:
    app.jinja_env.filters["iso"] = iso
    app.jinja_env.globals.update(
        ROLE_LABELS=ROLE_LABELS,
        USER_ROLE_LABELS=USER_ROLE_LABELS,
        TREND_LABELS=TREND_LABELS,
        TREND_SYMBOLS=TREND_SYMBOLS,
        LANGUAGES=LANGUAGES,
        url_with=url_with,
        current_locale=lambda: str(get_locale() or "sv"),
    )
