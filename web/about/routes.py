"""Tillgänglighetsredogörelse: the accessibility statement the law requires.

Lagen (2018:1937) om tillgänglighet till digital offentlig service requires a statement with the
service's conformance, its known shortcomings, a way to report problems and the enforcement
body, reachable from every page whether logged in or not. Its form follows DIGG's model. The
contact address is configurable (FORMAGA_ACCESSIBILITY_CONTACT); the known shortcomings are
listed here, beside the code they describe, and kept true by the tests.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import Blueprint, current_app, render_template
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l

bp = Blueprint("about", __name__)

#: When the service was last assessed (self-assessment with axe-core in the test suite and a
#: manual review) and when this statement was last updated.
ASSESSED_ON = date(2026, 12, 6)
UPDATED_ON = date(2026, 12, 6)

DEFAULT_CONTACT = "registrator@socialstyrelsen.se"
DIGG_REPORT_URL = "https://www.digg.se/anmal-bristande-tillganglighet"


@dataclass(frozen=True)
class Shortcoming:
    """One known failure to meet a success criterion of WCAG 2.1 AA, and where it occurs."""

    where: object
    what: object
    criteria: str


SHORTCOMINGS = (
    Shortcoming(
        _l("Den interaktiva API-sidan (/api/)"),
        _l(
            "Sidan visar den inbäddade programvaran Swagger UI. Dess rubriker för anropen "
            "hoppar över en rubriknivå. API-beskrivningen finns också som maskinläsbar fil "
            "(/api/v1/openapi.json)."
        ),
        "1.3.1",
    ),
    Shortcoming(
        _l("Registrets texter i det engelska gränssnittet"),
        _l(
            "Registrets texter visas på svenska även när gränssnittet är på engelska. "
            "Delförmågornas, områdenas och regeringsuppdragens texter och vägledningens frågor "
            "är märkta som svenska för skärmläsare; fritext som användare skriver "
            "(bedömningar, åtgärder, anteckningar) är ännu inte märkt."
        ),
        "3.1.2",
    ),
    Shortcoming(
        _l("Excel-filer"),
        _l(
            "Arbetsboken för rapport och uppdatering är gjord för Excel och kan vara svår att "
            "läsa med skärmläsare. Samma uppgifter finns på webbsidorna och i PDF-rapporten, "
            "som är taggad."
        ),
        "1.3.1",
    ),
)


@bp.route("/tillganglighet")
def accessibility() -> ResponseReturnValue:
    contact = current_app.config.get("ACCESSIBILITY_CONTACT") or DEFAULT_CONTACT
    return render_template(
        "about/accessibility.html",
        contact=contact,
        shortcomings=SHORTCOMINGS,
        assessed_on=ASSESSED_ON,
        updated_on=UPDATED_ON,
        digg_url=DIGG_REPORT_URL,
    )
