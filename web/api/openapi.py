"""The OpenAPI 3.0 document for /api/v1, written by hand and checked against the URL map.

tests/web/test_api.py fails when a route is added without a path here (or the reverse).
"""

from __future__ import annotations

from typing import Any

from capabilities.models import PROPOSAL_STAGES
from capabilities.queries.gap_view import DEFAULT_SORT, SORT_NAMES, SORTS
from capabilities.queries.gaps import FLAG_NAMES

JSON = "application/json"


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    """OpenAPI 3.0 cannot mark a $ref nullable directly; wrap it."""
    if "$ref" in schema:
        return {"allOf": [schema], "nullable": True}
    return {**schema, "nullable": True}


def _string(**extra: Any) -> dict[str, Any]:
    return {"type": "string", **extra}


def _date(description: str | None = None) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "string", "format": "date"}
    if description:
        schema["description"] = description
    return schema


def _object(properties: dict[str, Any], description: str | None = None) -> dict[str, Any]:
    schema: dict[str, Any] = {
        "type": "object",
        "properties": properties,
        "required": list(properties),
    }
    if description:
        schema["description"] = description
    return schema


def _array(items: dict[str, Any]) -> dict[str, Any]:
    return {"type": "array", "items": items}


def _page_of(name: str, extra: dict[str, Any] | None = None) -> dict[str, Any]:
    return _object(
        {
            **(extra or {}),
            "items": _array(_ref(name)),
            "page": {"type": "integer", "minimum": 1},
            "per_page": {"type": "integer", "minimum": 1, "maximum": 500},
            "total": {"type": "integer", "minimum": 0},
            "pages": {"type": "integer", "minimum": 1},
        },
        "En sida av listan. Ordningen är stabil: registerordning för delförmågor, annars id.",
    )


SCHEMAS: dict[str, Any] = {
    "Error": _object(
        {
            "error": _string(
                enum=[
                    "bad_request",
                    "unauthorized",
                    "forbidden",
                    "not_found",
                    "method_not_allowed",
                    "internal_error",
                ]
            ),
            "message": _string(description="Förklaring på svenska."),
        }
    ),
    "CurrentStatus": _object(
        {
            "level": _nullable({"type": "integer", "minimum": 1, "maximum": 5}),
            "label": _string(
                description="Nivåns benämning, eller 'Sekretessmarkerad uppgift' när den är dold."
            ),
            "summary": _nullable(_string()),
            "assessed_on": _date(),
            "confidential": {"type": "boolean"},
        },
        "Aktuell statusbedömning. Sekretessmarkerat innehåll är null utan behörighet.",
    ),
    "Capability": _object(
        {
            "number": _string(example="3.2.10"),
            "title": _string(),
            "area": _object({"number": _string(), "title": _string()}),
            "main_group": _object({"number": _string(), "title": _string()}),
            "retired_on": _nullable(_date()),
            "assignments_note": _nullable(_string()),
            "assignments": _array(
                _object(
                    {"title": _string(), "dnrs": _array(_string()), "partial": {"type": "boolean"}}
                )
            ),
            "responsibilities": _array(
                _object({"actor": _string(), "role": _string(enum=["ansvarar", "kan_ansvara"])})
            ),
            "current_status": _nullable(_ref("CurrentStatus")),
        },
        "Delförmåga, i samma form som `formaga register --format json`.",
    ),
    "HistoryEntry": _object(
        {
            "level": _nullable({"type": "integer", "minimum": 1, "maximum": 5}),
            "label": _string(),
            "summary": _nullable(_string()),
            "justification": _nullable(_string()),
            "target_level": _nullable({"type": "integer", "minimum": 1, "maximum": 5}),
            "organisations": _nullable(_string()),
            "assessed_on": _date(),
            "assessed_by": _string(
                description="Namnet på den som skrev bedömningen (även när den fastställts "
                "i en uppföljningsomgång)."
            ),
            "approved_by": _nullable(
                _string(description="Granskaren som fastställde bedömningen i en omgång.")
            ),
            "approved_in_round": _nullable(
                _string(description="Uppföljningsomgången där bedömningen fastställdes.")
            ),
            "trend": _nullable(
                _string(
                    enum=["better", "same", "worse"],
                    description="Jämfört med föregående bedömning; null för den första "
                    "eller när någon av nivåerna är sekretessmarkerad.",
                )
            ),
            "confidential": {"type": "boolean"},
            "secrecy_ref": _nullable(_string(example="OSL 18:13")),
            "withdrawn": _nullable(
                _object(
                    {
                        "at": _string(format="date-time"),
                        "by": _string(),
                        "reason": _nullable(_string()),
                    },
                    "Återkallad bedömning: räknas inte från och med tidpunkten.",
                )
            ),
        },
        "En statusbedömning. Sekretessmarkerat innehåll är null utan behörighet.",
    ),
    "CapabilitySummary": _object(
        {"number": _string(), "title": _string(), "retired_on": _nullable(_date())}
    ),
    "Assignment": _object(
        {
            "id": {"type": "integer"},
            "title": _string(),
            "dnrs": _array(_string(example="S2022/04550")),
            "diary_numbers": _array(
                _object(
                    {
                        "number": _string(example="S2023/01047"),
                        "printed": _nullable(_string(example="S2023/01047 (delvis)")),
                        "partial": {"type": "boolean"},
                    }
                )
            ),
            "ministry": _nullable(_string(example="Socialdepartementet")),
            "status": _string(enum=["pågående", "redovisat", "avslutat"]),
            "status_source": _nullable(_string(example="002:1894")),
            "decided_on": _nullable(_date()),
            "decided_printed": _nullable(_string(example="juli 2022")),
            "url": _nullable(_string()),
            "description": _nullable(_string()),
            "recipients": _array(
                _object(
                    {
                        "actor_id": {"type": "integer"},
                        "name": _string(),
                        "short_name": _nullable(_string()),
                        "is_lead": {"type": "boolean"},
                        "role": _string(enum=["mottagare", "samarbetspart"]),
                    }
                )
            ),
            "milestones": _array(
                _object(
                    {
                        "due_on": _date(),
                        "kind": _string(enum=["delredovisning", "slutredovisning"]),
                        "is_done": {"type": "boolean"},
                        "done_on": _nullable(_date()),
                        "report_reference": _nullable(_string()),
                        "source": _nullable(_string()),
                    }
                )
            ),
            "reports": _array(
                _object(
                    {
                        "reference": _string(),
                        "reported_on": _nullable(_date()),
                        "reported_printed": _nullable(_string(example="februari 2023")),
                        "is_final": {"type": "boolean"},
                        "source": _nullable(_string()),
                    }
                )
            ),
            "capability_numbers": _array(_string()),
        },
        "Regeringsuppdrag med diarienummer, mottagare, redovisningar och kopplade delförmågor.",
    ),
    "Actor": _object(
        {
            "id": {"type": "integer"},
            "name": _string(),
            "short_name": _nullable(_string()),
            "kind": _string(),
            "is_public": {"type": "boolean"},
            "is_beredskapsmyndighet": _nullable({"type": "boolean"}),
            "description": _nullable(_string()),
            "source": _nullable(_string(description="Var underlaget nämner aktören (fil:rad).")),
            "retired_on": _nullable(_date()),
            "responsibilities": _array(
                _object(
                    {
                        "capability_number": _string(),
                        "role": _string(enum=["ansvarar", "kan_ansvara"]),
                        "note": _nullable(_string()),
                    }
                )
            ),
        },
        "Aktör med nuvarande ansvar för delförmågor.",
    ),
    "Measure": _object(
        {
            "id": {"type": "integer"},
            "title": _string(
                description="'Sekretessmarkerad uppgift' när åtgärden är dold för nyckeln."
            ),
            "description": _nullable(_string()),
            "state": _string(
                enum=["förslag", "prioriterad", "beslutad", "pågående", "genomförd", "avförd"]
            ),
            "priority": _nullable(_string(enum=["hög", "medel", "låg"])),
            "cost_effectiveness": _nullable(_string()),
            "legal_assessment": _nullable(_string()),
            "due_on": _nullable(_date()),
            "confidential": {"type": "boolean"},
            "redacted": {
                "type": "boolean",
                "description": "Sant när innehållet är dolt (sekretess utan behörighet).",
            },
            "secrecy_ref": _nullable(_string()),
            "created_at": _string(format="date-time"),
            "updated_at": _string(format="date-time"),
            "capability_numbers": _array(_string()),
            "actors": _array(
                _object(
                    {
                        "id": {"type": "integer"},
                        "name": _string(),
                        "short_name": _nullable(_string()),
                    }
                )
            ),
        },
        "Förmågehöjande åtgärd. Sekretessmarkerat innehåll är null utan behörighet.",
    ),
    "CapabilityPage": _page_of("Capability"),
    "HistoryPage": _page_of("HistoryEntry", {"capability": _ref("CapabilitySummary")}),
    "AssignmentPage": _page_of("Assignment"),
    "ActorPage": _page_of("Actor"),
    "MeasurePage": _page_of("Measure"),
    "Gap": _object(
        {
            "number": _string(),
            "title": _string(),
            "area": _string(),
            "main_group": _string(),
            "level": _nullable({"type": "integer"}),
            "target_level": _nullable({"type": "integer"}),
            "gap": _nullable(
                {"type": "integer", "minimum": 0, "description": "Steg under målnivån."}
            ),
            "above_target": _nullable(
                {"type": "boolean", "description": "Sant när nivån är över målnivån."}
            ),
            "assessed_on": _nullable(_date()),
            "days_since_assessment": _nullable({"type": "integer"}),
            "trend": _nullable(_string(enum=["better", "same", "worse"])),
            "assignments": {"type": "integer"},
            "actors_ansvarar": {"type": "integer"},
            "actors_kan_ansvara": {"type": "integer"},
            **{name: _nullable({"type": "boolean"}) for name in FLAG_NAMES},
            "flag_count": {"type": "integer", "minimum": 0, "description": "Antal satta flaggor."},
        },
        "En delförmåga med flaggor; null när flaggan beror på en sekretessmarkerad nivå.",
    ),
    "UnlinkedAssignment": _object(
        {
            "assignment_id": {"type": "integer"},
            "dnrs": _array(_string()),
            "title": _string(),
            "status": _string(enum=["pågående", "redovisat", "avslutat"]),
            "next_due_on": _nullable(_date("Nästa redovisning som inte är registrerad.")),
            "next_kind": _nullable(_string(enum=["delredovisning", "slutredovisning"])),
            "milestone_overdue": {"type": "boolean"},
        },
        "Ett regeringsuppdrag som ingen delförmåga är kopplad till (gruppen "
        "”Uppdrag utan kopplad delförmåga”), med nästa redovisning.",
    ),
    "GapPage": _page_of(
        "Gap",
        {
            "sort": _string(enum=SORT_NAMES),
            "unlinked_assignments": _array(_ref("UnlinkedAssignment")),
        },
    ),
    "RoundListItem": _object(
        {
            "id": {"type": "integer"},
            "name": _string(),
            "status": _string(enum=["öppen", "stängd"]),
            "reference_date": _date("Lägesdatum."),
            "deadline": _date("Sista dag för inskick."),
            "closed_at": _nullable(_string(format="date-time")),
            "sha256": _nullable(_string(description="Ögonblicksbildens SHA-256 när stängd.")),
        },
        "En uppföljningsomgång.",
    ),
    "RoundPage": _page_of("RoundListItem"),
    "Round": _object(
        {
            "id": {"type": "integer"},
            "name": _string(),
            "status": _string(enum=["öppen", "stängd"]),
            "reference_date": _date("Lägesdatum."),
            "deadline": _date("Sista dag för inskick."),
            "opened_at": _string(format="date-time"),
            "closed_at": _nullable(_string(format="date-time")),
            "reviewers": _array(_string()),
            "area_organisations": _array(_object({"area": _string(), "organisation": _string()})),
            "capabilities": {"type": "integer"},
            "counts": {
                "type": "object",
                "additionalProperties": {"type": "integer"},
                "description": "Antal delförmågor per läge (ej påbörjad, utkast, inskickad, "
                "återremitterad, fastställd).",
            },
            "completion_percent": {"type": "number"},
            "sha256": _nullable(_string()),
            "sha256_verified": _nullable(
                {
                    "type": "boolean",
                    "description": "Sant när den lagrade ögonblicksbilden fortfarande har "
                    "kontrollsumman sha256.",
                }
            ),
        },
        "En uppföljningsomgång med framsteg och kontrollsumma.",
    ),
    "RoundScore": _object(
        {
            "kind": _string(enum=["main_group", "area"]),
            "number": _string(),
            "title": _string(),
            "assessed": {"type": "integer"},
            "total": {"type": "integer"},
            "mean_level": _nullable({"type": "number"}),
            "score_percent": _nullable({"type": "number"}),
        },
        "Poäng enligt e-SPAR: medelnivå / 5 × 100 %, med antal bedömda.",
    ),
    "RoundComparison": _object(
        {
            "before": _object(
                {"label": _string(), "round_id": {"type": "integer"}, "sha256": _string()}
            ),
            "after": _object(
                {
                    "label": _string(),
                    "round_id": _nullable({"type": "integer"}),
                    "sha256": _nullable(_string()),
                }
            ),
            "capabilities": _array(
                _object(
                    {
                        "number": _string(),
                        "title": _string(),
                        "area": _string(),
                        "state_before": _nullable(_string()),
                        "state_after": _nullable(_string()),
                        "level_before": _nullable({"type": "integer"}),
                        "level_after": _nullable({"type": "integer"}),
                        "direction": _nullable(_string(enum=["↑", "↓", "="])),
                        "target_before": _nullable({"type": "integer"}),
                        "target_after": _nullable({"type": "integer"}),
                        "target_changed": {"type": "boolean"},
                        "confidential_hidden": {"type": "boolean"},
                        "assignments_added": _array(_string()),
                        "assignments_ended": _array(_string()),
                        "measures_added": _array(_string()),
                        "measures_ended": _array(_string()),
                    }
                )
            ),
            "scores": _array(
                _object(
                    {
                        "kind": _string(enum=["main_group", "area"]),
                        "number": _string(),
                        "title": _string(),
                        "before": _nullable(_ref("RoundScore")),
                        "after": _nullable(_ref("RoundScore")),
                        "change_percent_points": _nullable({"type": "number"}),
                    }
                )
            ),
        },
        "Jämförelse av två stängda omgångar, eller en stängd omgång och registret i dag. "
        "Sekretessmarkerade nivåer är null utan behörighet (confidential_hidden).",
    ),
    "Proposal": {
        "type": "object",
        "description": (
            "Förslag till nationell upphandling (vägledningen för NPO/NAG). Ett sekretessmarkerat "
            "förslag visar utan behörighet bara id, steg och redacted=true."
        ),
        "properties": {
            "id": {"type": "integer"},
            "measure_id": {"type": "integer"},
            "stage": _string(enum=list(PROPOSAL_STAGES)),
            "confidential": {"type": "boolean"},
            "redacted": {"type": "boolean"},
            "title": _nullable(_string()),
            "proposing_group": _nullable(_string()),
            "procured_by": _nullable(_string()),
            "unanswered": _array({"type": "integer", "minimum": 1, "maximum": 10}),
            "answers": _array(
                _object(
                    {
                        "number": {"type": "integer"},
                        "question": _string(),
                        "answer": _array(_string()),
                    }
                )
            ),
            "capabilities": _array(_string()),
            "steps": _array(
                _object(
                    {
                        "from": _string(enum=list(PROPOSAL_STAGES)),
                        "to": _string(enum=list(PROPOSAL_STAGES)),
                        "decided_on": _date(),
                        "decided_by": _string(),
                        "decision": _string(),
                    }
                )
            ),
            "industry_contacts": {"type": "integer", "minimum": 0},
        },
        "required": ["id", "measure_id", "stage", "confidential", "redacted", "title"],
    },
    "ProposalPage": _page_of("Proposal"),
    "Commitment": _object(
        {
            "key": _string(),
            "code": _string(),
            "title": _string(),
            "issuer": _string(),
            "addressee": _nullable(_string()),
            "status": _string(),
            "status_text": _nullable(_string()),
            "source": _string(),
            "clauses": _array(
                _object({"number": {"type": "integer"}, "text": _string(), "source": _string()})
            ),
            "facts": _array(_object({"text": _string(), "source": _string()})),
            "capabilities": _array(_object({"number": _string(), "reason": _string()})),
        },
        "Ett åtagande utöver regeringsuppdrag (t.ex. Nordiska rådets rek. 14/2023).",
    ),
    "CommitmentPage": _page_of("Commitment"),
}

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
    return {"description": description, "content": {JSON: {"schema": _ref("Error")}}}


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
        "200": {"description": "OK", "content": {JSON: {"schema": _ref(schema)}}},
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
