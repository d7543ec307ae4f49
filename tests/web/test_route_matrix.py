"""Generated from the URL map: every route × anonymous/läsare/medlem/admin/token, and CSRF.

A route that is not in ACCESS, or has a URL argument ARGUMENTS does not know, fails the suite
loudly: whoever adds a route must say here who may use it. Every request runs inside a
savepoint that is rolled back, so the routes that write cannot disturb each other.

(a) test_every_state_changing_route_refuses_a_missing_or_wrong_csrf_token
(b) test_route_matrix: GET and POST of every rule for every role, with the expected status
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
import sqlalchemy.orm as so

from capabilities import services
from capabilities.models import (
    Actor,
    Assignment,
    AuditEvent,
    Capability,
    CapabilityAssignment,
    Milestone,
    User,
)
from capabilities.services.assessments import AssessmentInput
from capabilities.services.measures import MeasureInput
from capabilities.services.users import NewUser
from tests.conftest import login

ROLES = ("anonymous", "läsare", "medlem", "admin", "token")
STATE_CHANGING = {"POST", "PUT", "PATCH", "DELETE"}

# Who may use each endpoint: public (no login), reader (any logged-in user), member (medlem or
# admin), admin, api (a bearer token; the session is ignored). A new route fails the suite
# until it is listed here.
ACCESS: dict[str, str] = {
    "static": "public",
    "auth.login": "public",
    "confirmation.index": "admin",
    "confirmation.missed": "admin",
    "about.accessibility": "public",
    "auth.logout": "reader",
    "auth.password": "reader",
    "tokens.index": "reader",
    "tokens.revoke": "reader",
    "deadlines.profile": "reader",
    "deadlines.calendar": "reader",
    "deadlines.revoke_feed": "reader",
    "deadlines.feed": "public",  # the secret token in its URL is the credential
    "apidocs.index": "reader",
    "dashboard.index": "reader",
    "dashboard.gaps": "reader",
    "dashboard.gaps_xlsx": "reader",
    "dashboard.gaps_csv": "reader",
    "register.overview": "reader",
    "register.capability": "reader",
    "register.new_assessment": "member",
    "register.withdraw_assessment": "member",
    "register.link_assignment": "member",
    "register.end_assignment_link": "member",
    "register.new_responsibility": "member",
    "register.end_responsibility": "member",
    "register.new_capability": "admin",
    "register.edit_capability": "admin",
    "register.retire_capability": "admin",
    "assignments.index": "reader",
    "assignments.detail": "reader",
    "assignments.new": "member",
    "assignments.edit": "member",
    "assignments.add_milestone": "member",
    "assignments.complete_milestone": "member",
    "actors.index": "reader",
    "actors.detail": "reader",
    "actors.new": "admin",
    "actors.edit": "admin",
    "actors.retire": "admin",
    "measures.index": "reader",
    "measures.detail": "reader",
    "measures.new": "member",
    "measures.edit": "member",
    "measures.change_state": "member",
    "reports.index": "reader",
    "reports.export": "reader",
    "reports.upload": "member",
    "reports.confirm": "member",
    "admin.index": "admin",
    "admin.users": "admin",
    "admin.new_user": "admin",
    "admin.edit_user": "admin",
    "admin.deactivate_user": "admin",
    "admin.set_password": "admin",
    "admin.scale": "admin",
    "admin.rename_level": "admin",
    "rounds.index": "reader",
    "rounds.show": "reader",
    "rounds.new": "admin",
    "rounds.entry": "reader",  # GET shows the entry; POST needs medlem (OVERRIDES)
    "rounds.decide": "member",
    "rounds.close": "admin",
    "rounds.compare": "reader",
    "rounds.compare_xlsx": "reader",
    "rounds.report": "reader",
    "api.openapi": "api",
    "api.capabilities": "api",
    "api.capability": "api",
    "api.capability_history": "api",
    "api.assignments": "api",
    "api.actors": "api",
    "api.measures": "api",
    "api.gaps": "api",
    "api.rounds": "api",
    "api.round_": "api",
    "api.round_comparison": "api",
    "api.commitments_list": "api",
    "api.proposals": "api",
    "api.proposal": "api",
    "commitments.index": "reader",
    "proposals.index": "reader",
    "proposals.detail": "reader",
    "proposals.document": "reader",
    "proposals.new": "member",
    "proposals.edit": "member",
    "proposals.step": "member",
    "proposals.new_contact": "member",
}

# (endpoint, method, role) → the status when it differs from what ACCESS implies.
OVERRIDES: dict[tuple[str, str, str], int] = {
    # a logged-in user who opens the login page is sent to the start page
    **{("auth.login", "GET", role): 302 for role in ("läsare", "medlem", "admin")},
    **{("auth.login", "POST", role): 302 for role in ("läsare", "medlem", "admin")},
    # an empty login form is refused with its messages; the bearer token is no login
    ("auth.login", "POST", "anonymous"): 422,
    ("auth.login", "POST", "token"): 422,
    ("rounds.entry", "POST", "läsare"): 403,
    # only its author (here the admin) or an admin may withdraw an assessment
    ("register.withdraw_assessment", "GET", "medlem"): 403,
    ("register.withdraw_assessment", "POST", "medlem"): 403,
    # logging out lands on the login page; the admin start page redirects to the user list
    **{("auth.logout", "POST", role): 302 for role in ("läsare", "medlem", "admin")},
    ("admin.index", "GET", "admin"): 302,
    # the round is open: comparing needs a closed one
    **{("rounds.compare", "GET", role): 404 for role in ("läsare", "medlem", "admin")},
    **{("rounds.compare_xlsx", "GET", role): 404 for role in ("läsare", "medlem", "admin")},
    # The world's round is open: it has no report yet.
    **{("rounds.report", "GET", role): 404 for role in ("läsare", "medlem", "admin")},
    ("api.round_comparison", "GET", "token"): 404,
    # the calendar feed without a valid feed token in its URL does not exist, for anyone
    **{("deadlines.feed", "GET", role): 404 for role in ROLES},
    # the OpenAPI document is public, like the interactive page that reads it
    **{("api.openapi", "GET", role): 200 for role in ROLES},
}

REFUSED_ANONYMOUS = "login"  # 302 to /login


@dataclass
class World:
    number: str
    measure_id: int
    actor_id: int
    assignment_id: int
    milestone_id: int
    link_id: int
    responsibility_id: int
    user_id: int
    token_id: int
    round_id: int
    proposal_id: int
    plain_token: str
    assessment_id: int = 0


ARGUMENTS: dict[str, Callable[[World], Any]] = {
    "number": lambda w: w.number,
    "measure_id": lambda w: w.measure_id,
    "actor_id": lambda w: w.actor_id,
    "assignment_id": lambda w: w.assignment_id,
    "milestone_id": lambda w: w.milestone_id,
    "link_id": lambda w: w.link_id,
    "responsibility_id": lambda w: w.responsibility_id,
    "user_id": lambda w: w.user_id,
    "token_id": lambda w: w.token_id,
    "round_id": lambda w: w.round_id,
    "proposal_id": lambda w: w.proposal_id,
    "assessment_id": lambda w: w.assessment_id,
    "other": lambda w: "today",
    "level": lambda w: 3,
    "filename": lambda w: "app.js",
    "fmt": lambda w: "xlsx",
}


def rules(app: Any) -> list[Any]:
    return sorted(app.url_map.iter_rules(), key=lambda r: (r.rule, r.endpoint))


def url(app: Any, rule: Any, world: World) -> str:
    unknown = [name for name in rule.arguments if name not in ARGUMENTS]
    assert not unknown, (
        f"route {rule.rule} ({rule.endpoint}) has URL arguments {unknown} that "
        "tests/web/test_route_matrix.py ARGUMENTS does not know: add a sample value"
    )
    values = {name: ARGUMENTS[name](world) for name in rule.arguments}
    with app.test_request_context():
        from flask import url_for

        return str(url_for(rule.endpoint, **values))


def expected(endpoint: str, method: str, role: str) -> int:
    if (endpoint, method, role) in OVERRIDES:
        return OVERRIDES[(endpoint, method, role)]
    access = ACCESS[endpoint]
    if access == "api":
        return 200 if role == "token" else 401
    if access == "public":
        return 200
    if role in ("anonymous", "token"):
        return 302  # to the login page
    rank = {"läsare": 1, "medlem": 2, "admin": 3}[role]
    need = {"reader": 1, "member": 2, "admin": 3}[access]
    if rank < need:
        return 403
    return 200 if method == "GET" else 0  # 0: allowed (any answer but a refusal or a crash)


@pytest.fixture
def world(session: so.Session, make_user: Callable[..., User]) -> World:
    admin = make_user("admin", username="matris-admin")
    member = make_user("medlem", username="matris-medlem")
    capability = session.scalars(
        sa.select(Capability)
        .join(CapabilityAssignment, CapabilityAssignment.capability_id == Capability.id)
        .where(CapabilityAssignment.removed_at.is_(None))
        .order_by(Capability.sort_key)
        .limit(1)
    ).one()
    link = session.scalars(
        sa.select(CapabilityAssignment).where(
            CapabilityAssignment.capability_id == capability.id,
            CapabilityAssignment.removed_at.is_(None),
        )
    ).first()
    actor = session.scalars(
        sa.select(Actor).where(Actor.retired_on.is_(None)).order_by(Actor.id)
    ).first()
    assert actor is not None
    responsibility = services.add_responsibility(
        session, member, capability, actor, role="kan_ansvara"
    )
    assert link is not None and responsibility is not None
    assignment = session.get(Assignment, link.assignment_id)
    assert assignment is not None
    milestone = session.scalars(sa.select(Milestone).order_by(Milestone.id)).first()
    if milestone is None:
        milestone = services.add_milestone(
            session, member, assignment, due_on=date.today(), kind="delredovisning"
        )
    measure = services.create_measure(
        session, member, MeasureInput(title="Matrisåtgärd", capability_ids=[capability.id])
    )
    target = make_user("medlem", username="matris-mål")
    token_user = make_user("läsare", username="matris-token")
    token, plain = services.create_token(session, token_user, name="Matris")
    from capabilities.services.rounds import open_round

    round_ = open_round(
        session,
        admin,
        name="Matrisomgång",
        reference_date=date.today(),
        deadline=date.today() + timedelta(days=30),
        reviewer_ids=[admin.id],
    )
    from capabilities.services.procurement import create_proposal
    from capabilities.services.proposal_answers import ProposalInput

    proposal = create_proposal(
        session,
        member,
        ProposalInput(title="Matrisförslag", description="Matris", capability_ids=[capability.id]),
    )
    assessment = services.record_assessment(
        session, admin, capability, AssessmentInput(level=3, summary="Matrisbedömning")
    )
    session.commit()
    return World(
        number=capability.number,
        measure_id=measure.id,
        actor_id=actor.id,
        assignment_id=assignment.id,
        milestone_id=milestone.id,
        link_id=link.id,
        responsibility_id=responsibility.id,
        user_id=target.id,
        token_id=token.id,
        round_id=round_.id,
        proposal_id=proposal.id,
        plain_token=plain,
        assessment_id=assessment.id,
    )


_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


@dataclass
class Visitor:
    cookie: str | None
    csrf: str | None
    headers: dict[str, str]


def visitor(app: Any, session: so.Session, role: str, world: World) -> Visitor:
    client = app.test_client()
    headers: dict[str, str] = {}
    if role == "token":
        headers = {"Authorization": f"Bearer {world.plain_token}"}
    elif role != "anonymous":
        user = session.scalars(sa.select(User).where(User.username == f"matris-{role}")).first()
        if user is None:
            user = services.create_user(
                session,
                None,
                NewUser(
                    username=f"matris-{role}",
                    display_name=f"Matris {role}",
                    role=role,
                    password="korrekt-hast-batteri-häftstift",
                ),
            )
            session.commit()
        login(client, user, "korrekt-hast-batteri-häftstift")
    page = client.get("/login" if role in ("anonymous", "token") else "/account/password")
    match = _CSRF.search(page.get_data(as_text=True))
    cookie = client.get_cookie("session")
    return Visitor(
        cookie=cookie.value if cookie else None,
        csrf=match.group(1) if match else None,
        headers=headers,
    )


@pytest.fixture
def isolated(connection: sa.Connection) -> Callable[[], Any]:
    """with isolated(): one request whose writes are rolled back afterwards."""
    from contextlib import contextmanager

    @contextmanager
    def scope() -> Iterator[None]:
        nested = connection.begin_nested()
        try:
            yield
        finally:
            if nested.is_active:
                nested.rollback()

    return scope


def _request(app: Any, who: Visitor, method: str, path: str, *, csrf: str | None) -> Any:
    client = app.test_client()
    if who.cookie:
        client.set_cookie("session", who.cookie)
    if method == "GET":
        return client.get(path, headers=who.headers)
    data = {"csrf_token": csrf} if csrf else {}
    return client.open(path, method=method, data=data, headers=who.headers)


def _refused_to_login(response: Any) -> bool:
    return response.status_code == 302 and "/login" in response.location


@pytest.mark.parametrize("role", ROLES)
def test_route_matrix(
    app: Any,
    session: so.Session,
    world: World,
    isolated: Callable[[], Any],
    role: str,
    record_property: Callable[[str, Any], None],
) -> None:
    unlisted = sorted({r.endpoint for r in rules(app)} - set(ACCESS))
    assert not unlisted, (
        f"routes without an entry in ACCESS (tests/web/test_route_matrix.py): {unlisted}. "
        "Say who may use them."
    )
    who = visitor(app, session, role, world)
    wrong: list[str] = []
    checked = 0
    for rule in rules(app):
        path = url(app, rule, world)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            want = expected(rule.endpoint, method, role)
            with isolated():
                response = _request(app, who, method, path, csrf=who.csrf)
                response.close()
            checked += 1
            got = response.status_code
            if want == 0:
                ok = got < 500 and got not in (401, 403) and not _refused_to_login(response)
            elif (
                want == 302 and role in ("anonymous", "token") and ACCESS[rule.endpoint] != "public"
            ):
                ok = _refused_to_login(response)
            else:
                ok = got == want
            if not ok:
                wrong.append(
                    f"{method} {path} ({rule.endpoint}) as {role}: {got}, want {want or 'allowed'}"
                )
    record_property("requests", checked)
    assert not wrong, "\n".join(wrong)


def test_every_state_changing_route_refuses_a_missing_or_wrong_csrf_token(
    app: Any, session: so.Session, world: World, isolated: Callable[[], Any]
) -> None:
    admin = visitor(app, session, "admin", world)
    audit_before = session.scalar(sa.select(sa.func.count(AuditEvent.id)))
    routes = [
        (rule, method)
        for rule in rules(app)
        for method in sorted(rule.methods & STATE_CHANGING)
        if ACCESS[rule.endpoint] != "api"
    ]
    assert len(routes) >= 25
    wrong = []
    for rule, method in routes:
        path = url(app, rule, world)
        for token in (None, "falsk-token", (admin.csrf or "")[:-2] + "xx"):
            with isolated():
                response = _request(app, admin, method, path, csrf=token)
                response.close()
                if response.status_code != 400:
                    wrong.append(f"{method} {path} with csrf={token!r}: {response.status_code}")
    assert not wrong, "\n".join(wrong)
    assert session.scalar(sa.select(sa.func.count(AuditEvent.id))) == audit_before
