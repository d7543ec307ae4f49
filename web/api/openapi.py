"""The OpenAPI 3.0 document for /api/v1: paths and parameters written here and checked against
the URL map, response schemas generated from the declared shapes (web/api/schemas.py).

tests/web/test_api.py fails when a route is added without a path here (or the reverse);
tests/web/test_api_shapes.py when an answer holds a key its shape does not declare.
"""

from __future__ import annotations

from typing import Any

from capabilities.queries import api_pages
from capabilities.queries.gap_view import DEFAULT_SORT, SORT_NAMES, SORTS
from capabilities.queries.gaps import FLAG_NAMES
from web.api.schemas import component_schemas, ref

JSON = "application/json"

#: Generated from the shapes the query functions return (capabilities/queries/api_shapes.py).
SCHEMAS: dict[str, Any] = component_schemas(api_pages.RESPONSES)

PARAMETERS: dict[str, Any] = {
    "page": {
        "name": "page",
        "in": "query",
        "required": False,
        "description": "Sidnummer, från 1 (högst 999999999).",
        "schema": {"type": "integer", "minimum": 1, "maximum": 999_999_999, "default": 1},
    },
    "per_page": {
        "name": "per_page",
        "in": "query",
        "required": False,
        "description": "Poster per sida, 1–500.",
        "schema": {"type": "integer", "minimum": 1, "maximum": 500, "default": 100},
    },
    "as_of": {
        "name": "as_of",
        "in": "query",
        "required": False,
        "description": "Registret som det såg ut vid slutet av denna dag (ÅÅÅÅ-MM-DD).",
        "schema": {"type": "string", "format": "date"},
    },
    "stale_months": {
        "name": "stale_months",
        "in": "query",
        "required": False,
        "description": "En bedömning äldre än så många månader räknas som gammal (1–240).",
        "schema": {"type": "integer", "minimum": 1, "maximum": 240, "default": 12},
    },
    "flag": {
        "name": "flag",
        "in": "query",
        "required": False,
        "description": "Bara delförmågor med alla angivna flaggor (upprepa för flera). "
        "Uppdrag utan kopplad delförmåga tas med när ingen annan flagga än "
        "milestone_overdue är vald och inget område.",
        "style": "form",
        "explode": True,
        "schema": {"type": "array", "items": {"type": "string", "enum": FLAG_NAMES}},
    },
    "area": {
        "name": "area",
        "in": "query",
        "required": False,
        "description": "Bara delförmågor i detta område, t.ex. 3.2 (404 om det inte finns).",
        "schema": {"type": "string", "pattern": "^[0-9]{1,3}[.][0-9]{1,3}$"},
    },
    "sort": {
        "name": "sort",
        "in": "query",
        "required": False,
        "description": "Ordning, svagast först: "
        + "; ".join(f"{name} = {label.lower()}" for name, (label, _keys) in SORTS.items())
        + ". Okända värden (ej bedömd, ingen målnivå, sekretess) sist; lika i registerordning.",
        "schema": {"type": "string", "enum": SORT_NAMES, "default": DEFAULT_SORT},
    },
    "round_id": {
        "name": "round_id",
        "in": "path",
        "required": True,
        "description": "Uppföljningsomgångens id.",
        "schema": {"type": "integer"},
    },
    "other": {
        "name": "other",
        "in": "path",
        "required": True,
        "description": "Id för en stängd omgång att jämföra med, eller today (registret nu).",
        "schema": {"type": "string", "pattern": "^([0-9]+|today)$"},
    },
    "proposal_id": {
        "name": "proposal_id",
        "in": "path",
        "required": True,
        "description": "Förslagets id.",
        "schema": {"type": "integer", "minimum": 1},
    },
    "number": {
        "name": "number",
        "in": "path",
        "required": True,
        "description": "Delförmågans nummer, t.ex. 1.1.1 eller 3.2.10.",
        "schema": {"type": "string"},
    },
}


def _error(description: str) -> dict[str, Any]:
    return {"description": description, "content": {JSON: {"schema": ref("Error")}}}


RESPONSES: dict[str, Any] = {
    "BadRequest": _error(
        "Felaktig eller okänd parameter (en parameter som adressen inte tar avvisas); "
        "meddelandet namnger den."
    ),
    "Unauthorized": _error(
        "API-nyckel saknas, är ogiltig eller återkallad, eller användaren är inaktiv."
    ),
    "NotFound": _error("Finns inte."),
}


def _param(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/parameters/{name}"}


def _response(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/responses/{name}"}


def _get(
    summary: str,
    operation_id: str,
    schema: str,
    parameters: list[str],
    *,
    not_found: bool = False,
) -> dict[str, Any]:
    responses: dict[str, Any] = {
        "200": {"description": "OK", "content": {JSON: {"schema": ref(schema)}}},
        "400": _response("BadRequest"),
        "401": _response("Unauthorized"),
    }
    if not_found:
        responses["404"] = _response("NotFound")
    return {
        "get": {
            "summary": summary,
            "operationId": operation_id,
            "parameters": [_param(p) for p in parameters],
            "responses": responses,
        }
    }


def openapi_document(prefix: str) -> dict[str, Any]:
    """The whole document; paths are absolute (they include the /api/v1 prefix)."""
    paths: dict[str, Any] = {
        f"{prefix}/capabilities": _get(
            "Delförmågorna i registerordning med aktuell status",
            "listCapabilities",
            "CapabilityPage",
            ["as_of", "page", "per_page"],
        ),
        f"{prefix}/capabilities/{{number}}": _get(
            "En delförmåga med aktuell status",
            "getCapability",
            "Capability",
            ["number", "as_of"],
            not_found=True,
        ),
        f"{prefix}/capabilities/{{number}}/history": _get(
            "En delförmågas alla statusbedömningar, nyaste först, med trend",
            "getCapabilityHistory",
            "HistoryPage",
            ["number", "page", "per_page"],
            not_found=True,
        ),
        f"{prefix}/assignments": _get(
            "Regeringsuppdragen", "listAssignments", "AssignmentPage", ["page", "per_page"]
        ),
        f"{prefix}/actors": _get("Aktörerna", "listActors", "ActorPage", ["page", "per_page"]),
        f"{prefix}/measures": _get(
            "Förmågehöjande åtgärder", "listMeasures", "MeasurePage", ["page", "per_page"]
        ),
        f"{prefix}/gaps": _get(
            "Täckningsluckor per delförmåga (flaggor), som i formaga gaps",
            "listGaps",
            "GapPage",
            ["as_of", "stale_months", "flag", "area", "sort", "page", "per_page"],
            not_found=True,
        ),
        f"{prefix}/rounds": _get(
            "Uppföljningsomgångarna, nyaste först", "listRounds", "RoundPage", ["page", "per_page"]
        ),
        f"{prefix}/rounds/{{round_id}}": _get(
            "En uppföljningsomgång med framsteg och kontrollsumma",
            "getRound",
            "Round",
            ["round_id"],
            not_found=True,
        ),
        f"{prefix}/rounds/{{round_id}}/compare/{{other}}": _get(
            "Jämför en stängd omgång med en annan stängd omgång eller med registret i dag",
            "compareRounds",
            "RoundComparison",
            ["round_id", "other"],
            not_found=True,
        ),
        f"{prefix}/proposals": _get(
            "Förslag till nationell upphandling",
            "listProposals",
            "ProposalPage",
            ["page", "per_page"],
        ),
        f"{prefix}/proposals/{{proposal_id}}": _get(
            "Ett förslag till nationell upphandling med svar, beslut och kontakter",
            "getProposal",
            "Proposal",
            ["proposal_id"],
            not_found=True,
        ),
        f"{prefix}/commitments": _get(
            "Åtaganden utöver regeringsuppdrag",
            "listCommitments",
            "CommitmentPage",
            ["page", "per_page"],
        ),
        f"{prefix}/openapi.json": {
            "get": {
                "summary": "Det här dokumentet",
                "operationId": "getOpenApi",
                "security": [],
                "responses": {
                    "200": {
                        "description": "OpenAPI 3.0",
                        "content": {JSON: {"schema": {"type": "object"}}},
                    },
                    "400": _response("BadRequest"),
                },
            }
        },
    }
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "Förmågeregistret API",
            "version": "1",
            "description": (
                "Skrivskyddat JSON-API för förmågestrukturen för försörjningsberedskap. "
                "Skapa en personlig API-nyckel under API-nycklar och skicka den i huvudet "
                "`Authorization: Bearer <din API-nyckel>`. "
                "Nyckeln har användarens roll och behörighet till sekretessmarkerade "
                "uppgifter; utan behörighet ersätts innehållet med "
                "'Sekretessmarkerad uppgift'. Datum anges enligt ISO 8601."
            ),
        },
        "servers": [{"url": "/"}],
        "security": [{"bearerAuth": []}],
        "paths": paths,
        "components": {
            "securitySchemes": {
                "bearerAuth": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "Personlig API-nyckel (börjar med fr_).",
                }
            },
            "schemas": SCHEMAS,
            "parameters": PARAMETERS,
            "responses": RESPONSES,
        },
    }
