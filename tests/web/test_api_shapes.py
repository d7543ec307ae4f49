"""The API's answers have exactly the keys their declared shapes have (issue 29).

The shapes are TypedDicts in capabilities/queries/api_shapes.py; the OpenAPI component schemas
are generated from them with `additionalProperties: false`. Here every operation is called on
a register with something in every part (a confidential assessment and measure, a withdrawn
assessment, two closed rounds, an open and a confidential proposal), with and without
clearance, and each answer is checked against its schema: a key the builder returns that its
shape lacks (or a declared key it leaves out) fails.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Annotated, Any, Literal, NotRequired, TypedDict

import pytest
import sqlalchemy.orm as so

from capabilities import services
from capabilities.models import MEASURE_STATES, User
from capabilities.queries import api_shapes
from capabilities.queries.api_pages import RESPONSES
from capabilities.queries.api_shapes import Spec
from capabilities.queries.gap_view import SORT_NAMES
from capabilities.queries.gaps import FLAG_NAMES
from capabilities.services import rounds as r
from capabilities.services.assessments import AssessmentInput
from capabilities.services.procurement import create_proposal
from tests.conftest import find_capability
from tests.test_procurement import complete_input
from tests.web.test_api import _plant_secrets
from tests.web.test_api import bearer as bearer
from web.api.schemas import component_schemas


def _world(session: so.Session, make_user: Callable[..., User]) -> None:
    admin = make_user("admin", can_see_confidential=True)
    member = make_user("medlem", can_see_confidential=True)
    _plant_secrets(session, member)
    capability = find_capability(session, "1.1.2")
    mistaken = services.record_assessment(
        session, member, capability, AssessmentInput(level=1, summary="Fel")
    )
    services.withdraw_assessment(session, member, mistaken, reason="Fel delförmåga")
    services.record_assessment(
        session, member, capability, AssessmentInput(level=3, summary="Rätt")
    )
    create_proposal(session, admin, complete_input(session, title="Öppet förslag"))
    create_proposal(
        session,
        admin,
        complete_input(session, title="Hemligt", confidential=True, secrecy_ref="OSL 18:13"),
    )
    for name in ("Lägesbild 2026", "Lägesbild 2027"):
        round_ = r.open_round(
            session,
            admin,
            name=name,
            reference_date="2026-06-30",
            deadline="2026-09-30",
            reviewer_ids=[member.id],
        )
        r.close_round(session, admin, round_)
    session.commit()


def _paths(client: Any, headers: dict[str, str]) -> list[tuple[str, str]]:
    """Each path to call and the OpenAPI path it answers for."""
    rounds = client.get("/api/v1/rounds", headers=headers).get_json()["items"]
    first, second = sorted(item["id"] for item in rounds)
    proposals = client.get("/api/v1/proposals", headers=headers).get_json()["items"]
    paths = [
        (f"/api/v1/{name}?per_page=500", f"/api/v1/{name}")
        for name in (
            "capabilities",
            "assignments",
            "actors",
            "measures",
            "gaps",
            "rounds",
            "proposals",
            "commitments",
        )
    ]
    paths += [
        ("/api/v1/capabilities/1.1.1", "/api/v1/capabilities/{number}"),
        ("/api/v1/capabilities/1.1.1/history", "/api/v1/capabilities/{number}/history"),
        ("/api/v1/capabilities/1.1.2/history", "/api/v1/capabilities/{number}/history"),
        (f"/api/v1/rounds/{first}", "/api/v1/rounds/{round_id}"),
        (f"/api/v1/rounds/{first}/compare/{second}", "/api/v1/rounds/{round_id}/compare/{other}"),
        (f"/api/v1/rounds/{second}/compare/today", "/api/v1/rounds/{round_id}/compare/{other}"),
    ]
    paths += [
        (f"/api/v1/proposals/{p['id']}", "/api/v1/proposals/{proposal_id}") for p in proposals
    ]
    return paths


def _resolve(document: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        node: Any = document
        for part in schema["$ref"].removeprefix("#/").split("/"):
            node = node[part]
        schema = node
    return schema


_TYPES: dict[str, Any] = {
    "string": str,
    "integer": int,
    "number": (int, float),
    "boolean": bool,
    "array": list,
    "object": dict,
}


def mismatches(document: dict[str, Any], schema: dict[str, Any], value: Any, at: str) -> list[str]:
    """Where VALUE departs from SCHEMA: unknown or missing keys, wrong types, null where none
    may be. An empty list when it conforms."""
    schema = _resolve(document, schema)
    if value is None:
        return [] if schema.get("nullable") else [f"{at}: null"]
    if "allOf" in schema:
        return [m for part in schema["allOf"] for m in mismatches(document, part, value, at)]
    expected = _TYPES[schema["type"]]
    if not isinstance(value, expected) or (schema["type"] != "boolean" and value is True):
        return [f"{at}: {value!r} is not {schema['type']}"]
    if "enum" in schema and value not in schema["enum"]:
        return [f"{at}: {value!r} not in {schema['enum']}"]
    if schema["type"] == "array":
        items = schema["items"]
        return [
            m for i, v in enumerate(value) for m in mismatches(document, items, v, f"{at}[{i}]")
        ]
    if schema["type"] != "object":
        return []
    if "properties" not in schema:  # a map: every value of one schema
        every = schema["additionalProperties"]
        return [m for k, v in value.items() for m in mismatches(document, every, v, f"{at}.{k}")]
    found = [f"{at}: undeclared key {key!r}" for key in value if key not in schema["properties"]]
    found += [f"{at}: missing key {key!r}" for key in schema["required"] if key not in value]
    for key, child in schema["properties"].items():
        if key in value:
            found += mismatches(document, child, value[key], f"{at}.{key}")
    return found


@pytest.mark.parametrize("cleared", [False, True], ids=["uncleared", "cleared"])
def test_every_answer_has_exactly_its_declared_keys(
    client: Any,
    session: so.Session,
    make_user: Callable[..., User],
    bearer: Callable[..., dict[str, str]],
    cleared: bool,
) -> None:
    _world(session, make_user)
    headers = bearer("läsare", can_see_confidential=cleared)
    document = client.get("/api/v1/openapi.json").get_json()
    seen: set[str] = set()
    for path, documented in _paths(client, headers):
        response = client.get(path, headers=headers)
        assert response.status_code == 200, (path, response.get_data(as_text=True))
        schema = document["paths"][documented]["get"]["responses"]["200"]["content"]
        body = response.get_json()
        assert mismatches(document, schema["application/json"]["schema"], body, path) == []
        seen.add(documented)
    error = client.get("/api/v1/capabilities/9.9.9", headers=headers)
    assert error.status_code == 404
    error_schema = {"$ref": "#/components/schemas/Error"}
    assert mismatches(document, error_schema, error.get_json(), "404") == []
    # every data operation was called
    assert seen == {path for path in document["paths"] if not path.endswith("openapi.json")}


def test_the_checker_refuses_an_undeclared_key() -> None:
    """The check above is only as good as this: an extra key, a missing one, a wrong type."""
    document = {"components": {"schemas": component_schemas([api_shapes.CapabilitySummary])}}
    summary = {"$ref": "#/components/schemas/CapabilitySummary"}
    good = {"number": "1.1.1", "title": "T", "retired_on": None}
    assert mismatches(document, summary, good, "x") == []
    assert mismatches(document, summary, {**good, "extra": 1}, "x") == ["x: undeclared key 'extra'"]
    assert mismatches(document, summary, {"number": "1", "title": "T"}, "x") == [
        "x: missing key 'retired_on'"
    ]
    assert mismatches(document, summary, {**good, "title": None}, "x") == ["x.title: null"]


class _Inner(TypedDict):
    """Inre."""

    name: str


class _Example(TypedDict):
    text: str
    count: Annotated[int, Spec(minimum=0, description="Antal.")]
    share: float
    flag: bool
    day: date
    moment: datetime
    iso: api_shapes.IsoDate
    maybe: str | None
    kind: Literal["a", "b"]
    tags: list[str]
    counts: dict[str, int]
    inner: _Inner
    maybe_inner: _Inner | None
    later: NotRequired[int]


def test_the_generator_maps_python_types_to_json_schema() -> None:
    schemas = component_schemas([_Example])
    assert schemas["_Inner"] == {
        "type": "object",
        "properties": {"name": {"type": "string"}},
        "required": ["name"],
        "additionalProperties": False,
        "description": "Inre.",
    }
    example = schemas["_Example"]
    assert example["additionalProperties"] is False and "description" not in example
    assert example["required"] == [key for key in example["properties"] if key != "later"]
    inner = {"$ref": "#/components/schemas/_Inner"}
    assert example["properties"] == {
        "text": {"type": "string"},
        "count": {"type": "integer", "minimum": 0, "description": "Antal."},
        "share": {"type": "number"},
        "flag": {"type": "boolean"},
        "day": {"type": "string", "format": "date"},
        "moment": {"type": "string", "format": "date-time"},
        "iso": {"type": "string", "format": "date"},
        "maybe": {"type": "string", "nullable": True},
        "kind": {"type": "string", "enum": ["a", "b"]},
        "tags": {"type": "array", "items": {"type": "string"}},
        "counts": {"type": "object", "additionalProperties": {"type": "integer"}},
        "inner": inner,
        "maybe_inner": {"allOf": [inner], "nullable": True},
        "later": {"type": "integer"},
    }


def test_shapes_written_beside_the_domain_keep_in_step_with_it() -> None:
    """The gap record's flags and measure counts, and the sort names, are the analysis's own."""
    from capabilities.queries.gaps import _columns

    assert list(api_shapes.Gap.__annotations__) == _columns()
    keys = set(api_shapes.Gap.__annotations__)
    assert set(FLAG_NAMES) <= keys and {f"measures_{s}" for s in MEASURE_STATES} <= keys
    schemas = component_schemas(RESPONSES)
    assert schemas["GapPage"]["properties"]["sort"]["enum"] == SORT_NAMES
