"""The JSON API: bearer tokens, shapes, pagination, errors, confidentiality, OpenAPI, queries."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
import sqlalchemy.orm as so

from capabilities import services
from capabilities.models import Actor, Assignment, Capability, User
from capabilities.queries.register import register_rows
from capabilities.services.actors import ActorInput
from capabilities.services.assessments import AssessmentInput
from capabilities.services.assignments import AssignmentInput
from capabilities.services.measures import MeasureInput
from tests.conftest import find_capability

LISTS = ("/api/v1/capabilities", "/api/v1/assignments", "/api/v1/actors", "/api/v1/measures")
PATHS = (
    *LISTS,
    "/api/v1/capabilities/3.2.10",
    "/api/v1/capabilities/3.2.10/history",
)
PAGE_KEYS = {"items", "page", "per_page", "total", "pages"}
MARKER = "HEMLIG-MARKÖR-7f3a9c"

Bearer = Callable[..., dict[str, str]]


@pytest.fixture
def bearer(session: so.Session, make_user: Callable[..., User]) -> Bearer:
    """bearer('läsare', can_see_confidential=True) → headers with a fresh token for a new user."""

    def make(role: str = "läsare", **extra: Any) -> dict[str, str]:
        user = make_user(role, **extra)
        _token, plain = services.create_token(session, user, name="Test")
        session.flush()
        return {"Authorization": f"Bearer {plain}"}

    return make


def _get(client: Any, path: str, headers: dict[str, str], status: int = 200) -> Any:
    response = client.get(path, headers=headers)
    assert response.status_code == status, (path, response.get_data(as_text=True))
    assert response.mimetype == "application/json"
    return response.get_json()


def _assert_error(body: Any, error: str) -> None:
    assert set(body) == {"error", "message"}
    assert body["error"] == error
    assert body["message"]


# --- authentication ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "header",
    [
        None,
        "Bearer",
        "Bearer fr_finns-inte",
        "Bearer nonsense",
        "Basic dXNlcjpwYXNz",
        "fr_utan-schema",
    ],
)
def test_missing_or_bad_token_is_401(client: Any, header: str | None) -> None:
    headers = {"Authorization": header} if header else {}
    for path in PATHS:
        response = client.get(path, headers=headers)
        assert response.status_code == 401, path
        _assert_error(response.get_json(), "unauthorized")
        assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_revoked_token_stops_working(
    client: Any, session: so.Session, make_user: Callable[..., User]
) -> None:
    user = make_user("medlem")
    token, plain = services.create_token(session, user, name="Skript")
    session.flush()
    headers = {"Authorization": f"Bearer {plain}"}
    assert client.get("/api/v1/actors", headers=headers).status_code == 200
    services.revoke_token(session, user, token)
    session.flush()
    response = client.get("/api/v1/actors", headers=headers)
    assert response.status_code == 401
    _assert_error(response.get_json(), "unauthorized")


def test_deactivated_user_token_is_401(
    client: Any, session: so.Session, make_user: Callable[..., User]
) -> None:
    admin = make_user("admin")
    user = make_user("läsare")
    _token, plain = services.create_token(session, user, name="Skript")
    session.flush()
    headers = {"Authorization": f"Bearer {plain}"}
    assert client.get("/api/v1/capabilities", headers=headers).status_code == 200
    services.deactivate_user(session, admin, user)
    session.flush()
    assert client.get("/api/v1/capabilities", headers=headers).status_code == 401


def test_session_cookie_alone_is_401(client: Any, as_role: Callable[..., User]) -> None:
    as_role("admin", can_see_confidential=True)
    assert client.get("/").status_code in (200, 302)  # the browser session works
    for path in PATHS:
        response = client.get(path)
        assert response.status_code == 401, path
        _assert_error(response.get_json(), "unauthorized")


def test_use_records_last_used_at(
    client: Any, session: so.Session, make_user: Callable[..., User]
) -> None:
    user = make_user("läsare")
    token, plain = services.create_token(session, user, name="Skript")
    session.flush()
    assert token.last_used_at is None
    client.get("/api/v1/actors", headers={"Authorization": f"Bearer {plain}"})
    session.refresh(token)
    assert token.last_used_at is not None


def test_scheme_is_case_insensitive(client: Any, bearer: Bearer) -> None:
    plain = bearer()["Authorization"].split(" ", 1)[1]
    response = client.get("/api/v1/actors", headers={"Authorization": f"bearer  {plain} "})
    assert response.status_code == 200


# --- endpoints -------------------------------------------------------------------------------


def test_capabilities_are_the_register_in_order(
    client: Any, session: so.Session, bearer: Bearer
) -> None:
    body = _get(client, "/api/v1/capabilities", bearer())
    assert set(body) == PAGE_KEYS
    assert body["total"] == 62 and body["pages"] == 1 and body["page"] == 1
    assert body["per_page"] == 100
    numbers = [item["number"] for item in body["items"]]
    assert len(numbers) == 62
    assert numbers.index("3.2.10") == numbers.index("3.2.9") + 1
    assert numbers[0] == "1.1.1"
    # The same shape as `formaga register --format json`.
    assert body["items"] == [row.as_json() for row in register_rows(session)]
    first = body["items"][0]
    assert set(first) == {
        "number",
        "title",
        "area",
        "main_group",
        "retired_on",
        "assignments_note",
        "assignments",
        "responsibilities",
        "current_status",
    }


def test_capabilities_as_of(
    client: Any, session: so.Session, make_user: Callable[..., User]
) -> None:
    member = make_user("medlem")
    today = date.today()
    services.record_assessment(
        session,
        member,
        find_capability(session, "1.1.1"),
        AssessmentInput(
            level=4, summary="Ny bedömning i dag", assessed_on=today - timedelta(days=3)
        ),
    )
    session.flush()
    headers = {"Authorization": f"Bearer {services.create_token(session, member, name='x')[1]}"}
    session.flush()
    now = _get(client, "/api/v1/capabilities", headers)["items"][0]
    assert now["current_status"]["summary"] == "Ny bedömning i dag"
    assert now["current_status"]["assessed_on"] == (today - timedelta(days=3)).isoformat()
    earlier = (today - timedelta(days=30)).isoformat()
    then = _get(client, f"/api/v1/capabilities?as_of={earlier}", headers)["items"][0]
    assert then["number"] == "1.1.1"
    assert (then["current_status"] or {}).get("summary") != "Ny bedömning i dag"
    one = _get(client, f"/api/v1/capabilities/1.1.1?as_of={earlier}", headers)
    assert one == then


def test_one_capability(client: Any, bearer: Bearer) -> None:
    headers = bearer()
    body = _get(client, "/api/v1/capabilities/3.2.10", headers)
    assert body["number"] == "3.2.10"
    assert body["area"]["number"] == "3.2"
    assert body["main_group"]["number"] == "3"
    listed = _get(client, "/api/v1/capabilities", headers)["items"]
    assert body == next(item for item in listed if item["number"] == "3.2.10")


def test_unknown_capability_is_404_json(client: Any, bearer: Bearer) -> None:
    headers = bearer()
    for path in ("/api/v1/capabilities/9.9.9", "/api/v1/capabilities/9.9.9/history"):
        body = _get(client, path, headers, 404)
        _assert_error(body, "not_found")
        assert "9.9.9" in body["message"]


def test_history_newest_first_with_trend(
    client: Any, session: so.Session, make_user: Callable[..., User]
) -> None:
    member = make_user("medlem")
    capability = find_capability(session, "2.1.1")
    today = date.today()
    for days, level, summary in ((20, 2, "Äldre"), (10, 3, "Nyare"), (5, 3, "Nyast")):
        services.record_assessment(
            session,
            member,
            capability,
            AssessmentInput(
                level=level,
                summary=summary,
                justification=f"Motivering {summary}",
                target_level=4,
                assessed_on=today - timedelta(days=days),
            ),
        )
    _token, plain = services.create_token(session, member, name="x")
    session.flush()
    body = _get(client, "/api/v1/capabilities/2.1.1/history", {"Authorization": f"Bearer {plain}"})
    assert set(body) == PAGE_KEYS | {"capability"}
    assert body["capability"]["number"] == "2.1.1"
    mine = [item for item in body["items"] if item["summary"] in ("Äldre", "Nyare", "Nyast")]
    assert [item["summary"] for item in mine] == ["Nyast", "Nyare", "Äldre"]
    assert [item["trend"] for item in mine[:2]] == ["same", "better"]
    newest = mine[0]
    assert set(newest) == {
        "level",
        "label",
        "summary",
        "justification",
        "target_level",
        "organisations",
        "assessed_on",
        "assessed_by",
        "approved_by",
        "approved_in_round",
        "trend",
        "confidential",
        "secrecy_ref",
        "withdrawn",
    }
    assert newest["withdrawn"] is None
    assert newest["approved_by"] is None and newest["approved_in_round"] is None
    assert newest["level"] == 3 and newest["target_level"] == 4
    assert newest["label"] == "Utvecklad förmåga"
    assert newest["justification"] == "Motivering Nyast"
    assert newest["assessed_on"] == (today - timedelta(days=5)).isoformat()
    assert newest["assessed_by"] == member.display_name


def test_assignments_shape(client: Any, bearer: Bearer) -> None:
    body = _get(client, "/api/v1/assignments", bearer())
    assert set(body) == PAGE_KEYS
    assert body["total"] == 41
    ids = [item["id"] for item in body["items"]]
    assert ids == sorted(ids)
    item = body["items"][0]
    assert set(item) == {
        "id",
        "title",
        "dnrs",
        "diary_numbers",
        "ministry",
        "status",
        "status_source",
        "decided_on",
        "decided_printed",
        "url",
        "description",
        "recipients",
        "milestones",
        "reports",
        "capability_numbers",
    }
    assert any(i["ministry"] == "Socialdepartementet" for i in body["items"])
    assert any(i["capability_numbers"] for i in body["items"])
    assert any(i["recipients"] for i in body["items"])
    for entry in body["items"]:
        for milestone in entry["milestones"]:
            assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", milestone["due_on"])
        for dnr in entry["dnrs"]:
            assert " " not in dnr


def test_assignment_links_and_milestones(
    client: Any, session: so.Session, make_user: Callable[..., User]
) -> None:
    member = make_user("medlem")
    lead = session.scalars(sa.select(Actor).order_by(Actor.id)).first()
    assert lead is not None
    assignment = services.create_assignment(
        session,
        member,
        AssignmentInput(
            title="Uppdrag om API-test",
            dnrs="S2030/00001",
            recipient_ids=[lead.id],
            lead_actor_id=lead.id,
        ),
    )
    services.add_milestone(
        session, member, assignment, due_on=date(2031, 3, 31), kind="slutredovisning"
    )
    services.link_assignment(
        session, member, find_capability(session, "3.2.10"), assignment, partial=True
    )
    services.link_assignment(session, member, find_capability(session, "3.2.9"), assignment)
    _token, plain = services.create_token(session, member, name="x")
    session.flush()
    body = _get(client, "/api/v1/assignments", {"Authorization": f"Bearer {plain}"})
    item = next(i for i in body["items"] if i["id"] == assignment.id)
    assert item["dnrs"] == ["S2030/00001"]
    assert item["ministry"] == "Socialdepartementet"
    assert item["status"] == "pågående"
    assert item["capability_numbers"] == ["3.2.9", "3.2.10"]
    assert item["milestones"] == [
        {
            "due_on": "2031-03-31",
            "kind": "slutredovisning",
            "is_done": False,
            "done_on": None,
            "report_reference": None,
            "source": None,
        }
    ]
    assert item["recipients"] == [
        {
            "actor_id": lead.id,
            "name": lead.name,
            "short_name": lead.short_name,
            "is_lead": True,
            "role": "mottagare",
        }
    ]


def test_actors_shape(client: Any, session: so.Session, make_user: Callable[..., User]) -> None:
    member = make_user("medlem")
    actor = session.scalars(sa.select(Actor).order_by(Actor.id)).first()
    assert actor is not None
    services.add_responsibility(
        session, member, find_capability(session, "3.2.10"), actor, role="ansvarar"
    )
    services.add_responsibility(
        session,
        member,
        find_capability(session, "1.1.1"),
        actor,
        role="kan_ansvara",
        note="Efter beslut",
    )
    _token, plain = services.create_token(session, member, name="x")
    session.flush()
    body = _get(client, "/api/v1/actors", {"Authorization": f"Bearer {plain}"})
    assert set(body) == PAGE_KEYS
    assert body["total"] == session.scalar(sa.select(sa.func.count()).select_from(Actor))
    ids = [item["id"] for item in body["items"]]
    assert ids == sorted(ids)
    item = next(i for i in body["items"] if i["id"] == actor.id)
    assert set(item) == {
        "id",
        "name",
        "short_name",
        "kind",
        "is_public",
        "is_beredskapsmyndighet",
        "description",
        "source",
        "retired_on",
        "responsibilities",
    }
    assert item["name"] == actor.name and item["kind"] == actor.kind
    assert item["source"] == actor.source and item["source"].startswith("002:")
    assert item["responsibilities"] == [
        {"capability_number": "1.1.1", "role": "kan_ansvara", "note": "Efter beslut"},
        {"capability_number": "3.2.10", "role": "ansvarar", "note": None},
    ]


def test_measures_shape(client: Any, session: so.Session, make_user: Callable[..., User]) -> None:
    member = make_user("medlem")
    actor = session.scalars(sa.select(Actor).order_by(Actor.id)).first()
    assert actor is not None
    measure = services.create_measure(
        session,
        member,
        MeasureInput(
            title="Gemensam upphandling",
            description="Regionerna upphandlar tillsammans.",
            state="beslutad",
            priority="hög",
            due_on="2027-06-30",
            capability_ids=[
                find_capability(session, "3.2.10").id,
                find_capability(session, "1.1.1").id,
            ],
            actor_ids=[actor.id],
        ),
    )
    _token, plain = services.create_token(session, member, name="x")
    session.flush()
    body = _get(client, "/api/v1/measures", {"Authorization": f"Bearer {plain}"})
    assert set(body) == PAGE_KEYS
    item = next(i for i in body["items"] if i["id"] == measure.id)
    assert item["title"] == "Gemensam upphandling"
    assert item["state"] == "beslutad" and item["priority"] == "hög"
    assert item["due_on"] == "2027-06-30"
    assert item["capability_numbers"] == ["1.1.1", "3.2.10"]
    assert item["actors"] == [{"id": actor.id, "name": actor.name, "short_name": actor.short_name}]
    assert item["confidential"] is False and item["redacted"] is False
    assert re.match(r"\d{4}-\d{2}-\d{2}T", item["created_at"])


# --- pagination and errors ---------------------------------------------------------------------


def test_pagination_is_stable_and_complete(
    client: Any, session: so.Session, bearer: Bearer
) -> None:
    headers = bearer()
    actors = session.scalar(sa.select(sa.func.count()).select_from(Actor))
    for path, total in (("/api/v1/capabilities", 62), ("/api/v1/actors", actors)):
        everything = _get(client, f"{path}?per_page=500", headers)["items"]
        assert len(everything) == total
        collected = []
        for page in range(1, 8):
            body = _get(client, f"{path}?page={page}&per_page=10", headers)
            assert body["page"] == page and body["per_page"] == 10
            assert body["total"] == total and body["pages"] == (total + 9) // 10
            collected.extend(body["items"])
        assert collected == everything
        beyond = _get(client, f"{path}?page=99&per_page=10", headers)
        assert beyond["items"] == [] and beyond["total"] == total


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("page=0", "page"),
        ("page=-1", "page"),
        ("page=abc", "page"),
        ("page=1.5", "page"),
        ("per_page=0", "per_page"),
        ("per_page=501", "per_page"),
        ("per_page=abc", "per_page"),
        ("as_of=garbage", "as_of"),
        ("as_of=2024-13-01", "as_of"),
        ("as_of=20240101", "as_of"),
    ],
)
def test_bad_parameters_are_400(client: Any, bearer: Bearer, query: str, parameter: str) -> None:
    headers = bearer()
    paths = ["/api/v1/capabilities"]
    if parameter != "as_of":
        paths += ["/api/v1/assignments", "/api/v1/actors", "/api/v1/measures"]
        paths += ["/api/v1/capabilities/1.1.1/history"]
    else:
        paths += ["/api/v1/capabilities/1.1.1"]
    for path in paths:
        body = _get(client, f"{path}?{query}", headers, 400)
        _assert_error(body, "bad_request")
        assert parameter in body["message"], body["message"]


def test_unknown_path_and_method_are_json(client: Any, bearer: Bearer) -> None:
    headers = bearer()
    for path in ("/api/v1/finns-inte", "/api/v1/capabilities/1.1.1/extra", "/api/v1", "/api/v1/"):
        _assert_error(_get(client, path, headers, 404), "not_found")
    response = client.post("/api/v1/capabilities", headers=headers)
    assert response.status_code == 405
    _assert_error(response.get_json(), "method_not_allowed")
    assert "GET" in response.headers["Allow"]
    # Outside the API, the HTML error page is untouched.
    assert client.get("/finns-inte").mimetype != "application/json"


# --- confidentiality -------------------------------------------------------------------------


def _plant_secrets(session: so.Session, member: User) -> None:
    capability = find_capability(session, "1.1.1")
    services.record_assessment(
        session,
        member,
        capability,
        AssessmentInput(
            level=2,
            summary=f"Sammanfattning {MARKER}",
            justification=f"Motivering {MARKER}",
            organisations=f"Organisation {MARKER}",
            target_level=5,
            confidential=True,
            secrecy_ref="OSL 18:13",
        ),
    )
    services.create_measure(
        session,
        member,
        MeasureInput(
            title=f"Åtgärd {MARKER}",
            description=f"Beskrivning {MARKER}",
            cost_effectiveness=f"Kostnad {MARKER}",
            legal_assessment=f"Juridik {MARKER}",
            capability_ids=[capability.id],
            actor_ids=[session.scalars(sa.select(Actor.id).order_by(Actor.id)).first()],
            confidential=True,
            secrecy_ref="OSL 18:13",
        ),
    )
    session.flush()


def _every_response(client: Any, headers: dict[str, str]) -> str:
    paths = [f"{path}?per_page=500" for path in LISTS]
    paths += ["/api/v1/capabilities/1.1.1", "/api/v1/capabilities/1.1.1/history"]
    return "\n".join(client.get(p, headers=headers).get_data(as_text=True) for p in paths)


def test_confidential_content_needs_clearance(
    client: Any, session: so.Session, make_user: Callable[..., User], bearer: Bearer
) -> None:
    _plant_secrets(session, make_user("medlem", can_see_confidential=True))

    uncleared = bearer("admin")  # role alone gives no clearance
    text = _every_response(client, uncleared)
    assert MARKER not in text
    assert "Sekretessmarkerad uppgift" in text

    status = _get(client, "/api/v1/capabilities/1.1.1", uncleared)["current_status"]
    assert status["confidential"] is True
    assert status["level"] is None and status["summary"] is None
    assert status["label"] == "Sekretessmarkerad uppgift"
    newest = _get(client, "/api/v1/capabilities/1.1.1/history", uncleared)["items"][0]
    assert newest["confidential"] is True
    assert newest["level"] is None and newest["summary"] is None
    assert newest["justification"] is None and newest["target_level"] is None
    assert newest["label"] == "Sekretessmarkerad uppgift" and newest["trend"] is None
    measure = next(
        m
        for m in _get(client, "/api/v1/measures?per_page=500", uncleared)["items"]
        if m["confidential"]
    )
    assert measure["redacted"] is True and measure["title"] == "Sekretessmarkerad uppgift"
    assert measure["description"] is None and measure["cost_effectiveness"] is None
    assert measure["capability_numbers"] == ["1.1.1"]

    cleared = bearer("läsare", can_see_confidential=True)
    text = _every_response(client, cleared)
    for part in ("Sammanfattning", "Motivering", "Organisation", "Åtgärd", "Beskrivning"):
        assert f"{part} {MARKER}" in text, part
    status = _get(client, "/api/v1/capabilities/1.1.1", cleared)["current_status"]
    assert status["level"] == 2 and status["confidential"] is True


# --- OpenAPI ---------------------------------------------------------------------------------


def _resolve(document: dict[str, Any], ref: str) -> Any:
    node: Any = document
    for part in ref.removeprefix("#/").split("/"):
        node = node[part]
    return node


def _refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        found = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
        return found + [r for value in node.values() for r in _refs(value)]
    if isinstance(node, list):
        return [r for value in node for r in _refs(value)]
    return []


def test_openapi_is_public_and_complete(app: Any, client: Any) -> None:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = response.get_json()
    assert document["openapi"].startswith("3.0")
    assert document["components"]["securitySchemes"]["bearerAuth"] == {
        "type": "http",
        "scheme": "bearer",
        "description": document["components"]["securitySchemes"]["bearerAuth"]["description"],
    }
    assert document["security"] == [{"bearerAuth": []}]
    assert set(document["components"]["schemas"]["Error"]["properties"]) == {"error", "message"}
    for ref in _refs(document):
        assert _resolve(document, ref) is not None, ref

    rules = {
        re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule)
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/v1")
    }
    documented = set(document["paths"])
    assert rules - documented == set(), "routes missing from openapi.json"
    assert documented - rules == set(), "openapi.json documents routes that do not exist"

    for path, item in document["paths"].items():
        operation = item["get"]
        names = (
            {_resolve(document, p["$ref"])["name"] for p in operation["parameters"]}
            if ("parameters" in operation)
            else set()
        )
        assert set(re.findall(r"{(\w+)}", path)) <= names, path
        if path != "/api/v1/openapi.json":
            assert "401" in operation["responses"], path
    listed = document["paths"]["/api/v1/capabilities"]["get"]["parameters"]
    assert {_resolve(document, p["$ref"])["name"] for p in listed} == {"page", "per_page", "as_of"}


# --- query counts ----------------------------------------------------------------------------


def _grow(session: so.Session, admin: User) -> None:
    """Thirty more of everything the lists show, with links."""
    capabilities = session.scalars(sa.select(Capability).order_by(Capability.id).limit(30)).all()
    for i, capability in enumerate(capabilities):
        actor = services.create_actor(
            session, admin, ActorInput(name=f"Tillväxtaktör {i}", kind="företag")
        )
        services.add_responsibility(session, admin, capability, actor, role="ansvarar")
        assignment = services.create_assignment(
            session,
            admin,
            AssignmentInput(
                title=f"Tillväxtuppdrag {i}",
                dnrs=f"S2031/{i + 1:05d}",
                recipient_ids=[actor.id],
                lead_actor_id=actor.id,
            ),
        )
        services.add_milestone(
            session, admin, assignment, due_on=date(2032, 1, 1), kind="delredovisning"
        )
        services.link_assignment(session, admin, capability, assignment)
        services.record_assessment(
            session, admin, capability, AssessmentInput(level=(i % 5) + 1, summary=f"Tillväxt {i}")
        )
        services.record_assessment(
            session,
            admin,
            find_capability(session, "1.1.1"),
            AssessmentInput(level=(i % 5) + 1, summary=f"Historik {i}"),
        )
        services.create_measure(
            session,
            admin,
            MeasureInput(
                title=f"Tillväxtåtgärd {i}",
                capability_ids=[capability.id],
                actor_ids=[actor.id],
                confidential=i % 2 == 0,
                secrecy_ref="OSL 18:13" if i % 2 == 0 else None,
            ),
        )
    session.flush()


def test_query_counts_do_not_grow(
    client: Any,
    session: so.Session,
    make_user: Callable[..., User],
    count_queries: Callable[[], Any],
) -> None:
    admin = make_user("admin", can_see_confidential=True)
    _token, plain = services.create_token(session, admin, name="x")
    session.flush()
    headers = {"Authorization": f"Bearer {plain}"}
    paths = (
        *LISTS,
        "/api/v1/capabilities?as_of=2024-01-01",
        "/api/v1/capabilities/1.1.1",
        "/api/v1/capabilities/1.1.1/history",
    )
    for path in paths:  # warm up
        assert client.get(path, headers=headers).status_code == 200
    before = {}
    for path in paths:
        with count_queries() as counter:
            assert client.get(path, headers=headers).status_code == 200
        before[path] = counter.count
    _grow(session, admin)
    assert session.scalar(sa.select(sa.func.count()).select_from(Assignment)) == 71
    for path in paths:
        with count_queries() as counter:
            body = client.get(path, headers=headers).get_json()
        assert counter.count == before[path], (path, before[path], counter.count)
        if "items" in body and path != "/api/v1/capabilities?as_of=2024-01-01":
            assert body["total"] >= 30, path


def test_gaps_endpoint_matches_the_cli_analysis(client: Any, session: Any, make_user: Any) -> None:
    import yaml

    from capabilities.services import create_token

    user = make_user("läsare")
    _token, plain = create_token(session, user, name="gaps")
    session.commit()
    headers = {"Authorization": f"Bearer {plain}"}
    body = client.get("/api/v1/gaps?per_page=500", headers=headers).get_json()
    assert body["total"] == 62 and len(body["items"]) == 62
    assert all(item["not_assessed"] for item in body["items"])
    with open("data/capabilities.yaml", encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    expected = {c["number"] for c in data if not c["assignments"] and not c.get("assignments_note")}
    assert {i["number"] for i in body["items"] if i["no_linked_assignment"]} == expected
    assert client.get("/api/v1/gaps?stale_months=0", headers=headers).status_code == 400
    assert client.get("/api/v1/gaps").status_code == 401


LEVEL_KEYS = {"level", "target_level", "gap", "previous_level", "days_since_assessment"}


def _numbers(value: Any, path: str = "") -> list[tuple[str, Any]]:
    """Every level-like value anywhere in a JSON body, with where it was."""
    found: list[tuple[str, Any]] = []
    if isinstance(value, dict):
        for key, item in value.items():
            if key in LEVEL_KEYS:
                found.append((f"{path}.{key}", item))
            found += _numbers(item, f"{path}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += _numbers(item, f"{path}[{index}]")
    return found


def test_levels_are_integers_or_null(
    client: Any, session: so.Session, make_user: Callable[..., User]
) -> None:
    """Analysts get 3, never 3.0 or NaN, also where other capabilities have no level."""
    member = make_user("medlem")
    for number, level, target in (("1.1.1", 2, 4), ("1.1.2", 5, None)):
        services.record_assessment(
            session,
            member,
            find_capability(session, number),
            AssessmentInput(
                level=level,
                target_level=target,
                summary="Bedömd för API-testet",
                assessed_on=date.today() - timedelta(days=10),
            ),
        )
    session.flush()
    headers = {"Authorization": f"Bearer {services.create_token(session, member, name='x')[1]}"}
    session.flush()
    bodies = [
        _get(client, "/api/v1/capabilities?per_page=500", headers),
        _get(client, "/api/v1/gaps?per_page=500", headers),
        _get(client, "/api/v1/capabilities/1.1.1/history", headers),
    ]
    found = [pair for body in bodies for pair in _numbers(body)]
    assert found and all(value is None or type(value) is int for _path, value in found), [
        pair for pair in found if pair[1] is not None and type(pair[1]) is not int
    ][:5]
    levels = {value for path, value in found if path.endswith(".level")}
    assert {2, 5, None} <= levels
