"""Jinja filters and globals: ISO dates, level labels, role names."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from urllib.parse import urlencode

from flask import Flask, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from capabilities import formatting
from capabilities.i18n import Message, translate
from capabilities.services.users import SYSTEM_DISPLAY_NAME
from web.i18n import LANGUAGES

ROLE_LABELS = {"ansvarar": _l("Ansvarar"), "kan_ansvara": _l("Kan ansvara")}
USER_ROLE_LABELS = {"läsare": _l("Läsare"), "medlem": _l("Medlem"), "admin": _l("Administratör")}
TREND_LABELS = {
    "better": _l("Förbättrad"),
    "same": _l("Oförändrad"),
    "worse": _l("Försämrad"),
    None: _l("Ingen tidigare bedömning"),
}
AUDIT_ENTITIES = {
    "capabilities": _l("Delförmåga"),
    "status_assessments": _l("Statusbedömning"),
    "capability_assignments": _l("Koppling till regeringsuppdrag"),
    "responsibilities": _l("Ansvarig aktör"),
    "measures": _l("Åtgärd"),
    "round_entries": _l("Bedömning i uppföljningsomgång"),
    "reporting_rounds": _l("Uppföljningsomgång"),
}
AUDIT_ACTIONS = {
    "create": _l("skapad"),
    "update": _l("ändrad"),
    "link": _l("kopplad"),
    "end": _l("avslutad"),
    "retire": _l("avvecklad"),
    "seed": _l("inläst från rapporten"),
    "seed_update": _l("ändrad i registerdata"),
    "draft": _l("sparad som utkast"),
    "submit": _l("inskickad"),
    "return": _l("återremitterad"),
    "approve": _l("fastställd"),
    "reopen": _l("ändrad efter fastställande (utkast)"),
    "resubmit": _l("ändrad efter fastställande och inskickad"),
    "open": _l("öppnad"),
    "close": _l("stängd"),
    "withdraw": _l("återkallad"),
}
FIELD_LABELS = {
    "number": _l("Nummer"),
    "title": _l("Text"),
    "assignments_note": _l("Anteckning om uppdrag"),
    "retired_on": _l("Avvecklad"),
    "added_on": _l("Tillagd"),
    "level": _l("Nivå"),
    "target_level": _l("Målnivå"),
    "withdrawn_at": _l("Återkallad"),
    "withdrawn_reason": _l("Skäl till återkallelse"),
    "summary": _l("Statusbeskrivning"),
    "justification": _l("Motivering"),
    "organisations": _l("Organisationer"),
    "assessed_on": _l("Bedömd"),
    "confidential": _l("Sekretessmarkerad"),
    "secrecy_ref": _l("Sekretesshänvisning"),
    "partial": _l("Delvis"),
    "note": _l("Anteckning"),
    "role": _l("Roll"),
    "removed_at": _l("Avslutad"),
    "state": _l("Läge"),
    "content_version": _l("Version"),
    "return_comment": _l("Granskarens kommentar"),
    "submitted_at": _l("Inskickad"),
    "decision": _l("Beslut"),
    "comment": _l("Kommentar"),
    "approved_version": _l("Beslutad version"),
    "content_sha256": _l("Kontrollsumma (SHA-256)"),
}
TREND_SYMBOLS = {"better": "↑", "same": "→", "worse": "↓", None: "–"}


def iso(value: date | datetime | None) -> str:
    """ISO 8601: dates as 2026-11-22, times as 2026-11-22 14:05 (local)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.astimezone().strftime("%Y-%m-%d %H:%M")
    return value.isoformat()


def first_line(text: str | None) -> str:
    """The first line of a multi-line register text, with an ellipsis when more follows."""
    lines = [line for line in (text or "").strip().splitlines() if line.strip()]
    if not lines:
        return ""
    return lines[0].strip() + (" …" if len(lines) > 1 else "")


def audit_value(value: Any) -> str:
    """An audit before/after value as a person reads it."""
    if value is None or value == "":
        return "–"
    if value is True:
        return str(_l("Ja"))
    if value is False:
        return str(_l("Nej"))
    if isinstance(value, str) and len(value) >= 19 and value[4] == "-" and value[10] == "T":
        return value[:16].replace("T", " ")  # ISO datetime, minutes are enough
    return str(value)


def url_with(**changes: Any) -> str:
    """The current URL with some query parameters changed (None removes)."""
    args = request.args.to_dict(flat=False)
    for key, value in changes.items():
        if value is None:
            args.pop(key, None)
        else:
            args[key] = [str(value)]
    # The query string is built apart from url_for: a query key named like one of its own
    # arguments (_anchor, endpoint, or a URL variable such as number) must not reach it.
    base = url_for(request.endpoint or "register.overview", **(request.view_args or {}))
    query = urlencode([(key, value) for key, values in args.items() for value in values])
    return f"{base}?{query}" if query else base


def _locale() -> str:
    return str(get_locale() or formatting.DEFAULT_LOCALE)


def percent(value: float | None) -> str:
    """A share in per cent (0–100) in the page's language: "44,0 %" in Swedish, "–" for none."""
    return formatting.percent(value, locale=_locale())


def signed(value: float | None) -> str:
    """A change with its sign and one decimal in the page's language: "+20,0", "–" for none."""
    return formatting.signed(value, locale=_locale())


def decimal(value: float | None) -> str:
    """A number with one decimal in the page's language: "2,5"."""
    return formatting.decimal(value, locale=_locale())


def tr(value: Any) -> Any:
    """A domain message (capabilities.i18n.N_) in the interface language; anything else as is."""
    return translate(value, _) if isinstance(value, Message) else value


def display_name(name: str | None) -> str:
    """A user's name; the seed's system user is named in the interface language."""
    if name == SYSTEM_DISPLAY_NAME:
        return _(SYSTEM_DISPLAY_NAME)
    return name or "–"


def swedish(value: Any) -> Any:
    """Register text (the seed report's wording, users' Swedish) marked `lang="sv"` when the
    interface is in another language, so a screen reader reads it as Swedish (WCAG 3.1.2).
    Only for element content, never inside an attribute."""
    if value is None or value == "" or str(get_locale() or "sv") == "sv":
        return value
    return Markup('<span lang="sv">%s</span>') % value


def register(app: Flask) -> None:
    from web.measures.forms import STATE_LABELS

    # Every {{ value }} passes through here: domain messages are translated wherever they show.
    app.jinja_env.finalize = tr
    app.jinja_env.filters["tr"] = tr
    app.jinja_env.filters["display_name"] = display_name
    app.jinja_env.filters["iso"] = iso
    app.jinja_env.filters["percent"] = percent
    app.jinja_env.filters["signed"] = signed
    app.jinja_env.filters["decimal"] = decimal
    app.jinja_env.filters["audit_value"] = audit_value
    app.jinja_env.filters["first_line"] = first_line
    app.jinja_env.filters["sv"] = swedish
    app.jinja_env.globals.update(
        ROLE_LABELS=ROLE_LABELS,
        USER_ROLE_LABELS=USER_ROLE_LABELS,
        TREND_LABELS=TREND_LABELS,
        TREND_SYMBOLS=TREND_SYMBOLS,
        AUDIT_ENTITIES=AUDIT_ENTITIES,
        AUDIT_ACTIONS=AUDIT_ACTIONS,
        FIELD_LABELS=FIELD_LABELS,
        LANGUAGES=LANGUAGES,
        MEASURE_STATE_LABELS=STATE_LABELS,
        url_with=url_with,
        current_locale=lambda: str(get_locale() or "sv"),
    )
