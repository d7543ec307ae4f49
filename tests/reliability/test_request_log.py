"""Structured logging: one line per request; refusals with who, what and why; no secrets."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterator
from dataclasses import replace
from typing import Any

import pytest
import sqlalchemy as sa
import sqlalchemy.orm as so

from capabilities import services
from capabilities.models import Capability, User
from capabilities.services.measures import MeasureInput
from tests.conftest import PASSWORD, csrf_token, post
from web.request_log import logfmt

SECRET = "HEMLIGT-lagerläge-Norrland-7731"


@pytest.fixture
def logs(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    caplog.set_level(logging.INFO, logger="formaga")
    yield caplog


def _records(caplog: pytest.LogCaptureFixture, name: str) -> list[dict[str, Any]]:
    return [r.formaga for r in caplog.records if r.name == name]  # type: ignore[attr-defined]


def test_every_request_is_logged_once_with_its_fields(
    client: Any, as_role: Callable[..., User], logs: pytest.LogCaptureFixture
) -> None:
    user = as_role("läsare")
    logs.clear()
    response = client.get("/register?q=" + SECRET)
    assert response.status_code == 200
    (line,) = _records(logs, "formaga.request")
    assert line["method"] == "GET" and line["path"] == "/register"
    assert line["status"] == 200 and line["user"] == user.username
    assert line["remote"] == "127.0.0.1"
    assert isinstance(line["duration_ms"], float) and line["duration_ms"] >= 0
    (text,) = [r.getMessage() for r in logs.records if r.name == "formaga.request"]
    assert re.fullmatch(
        rf"method=GET path=/register status=200 user={user.username} "
        r"duration_ms=\d+\.\d remote=127\.0\.0\.1",
        text,
    )
    assert SECRET not in logs.text  # no query strings in the log
    assert _records(logs, "formaga.refused") == []


def test_anonymous_request_is_logged_as_anonym(client: Any, logs: pytest.LogCaptureFixture) -> None:
    assert client.get("/register").status_code == 302
    (line,) = _records(logs, "formaga.request")
    assert line["user"] == "anonym" and line["status"] == 302


def test_refused_login_is_logged_without_the_password(
    client: Any, make_user: Callable[..., User], logs: pytest.LogCaptureFixture
) -> None:
    user = make_user("medlem")
    token = csrf_token(client, "/login")
    wrong = "fel-" + PASSWORD
    response = client.post(
        "/login", data={"csrf_token": token, "username": user.username, "password": wrong}
    )
    assert response.status_code == 401
    (refusal,) = _records(logs, "formaga.refused")
    assert refusal["status"] == 401 and refusal["user"] == "anonym"
    assert refusal["path"] == "/login" and refusal["endpoint"] == "auth.login"
    assert refusal["why"] == "Fel användarnamn eller lösenord."
    assert wrong not in logs.text and PASSWORD not in logs.text
    assert token not in logs.text


def test_throttled_login_is_logged_as_429(
    client: Any, make_user: Callable[..., User], logs: pytest.LogCaptureFixture
) -> None:
    user = make_user("medlem")
    token = csrf_token(client, "/login")
    for _ in range(6):
        response = client.post(
            "/login", data={"csrf_token": token, "username": user.username, "password": "x"}
        )
    assert response.status_code == 429
    refusal = _records(logs, "formaga.refused")[-1]
    assert refusal["status"] == 429 and "För många misslyckade" in refusal["why"]


def test_confidential_text_in_a_form_never_reaches_the_log(
    client: Any, session: so.Session, as_role: Callable[..., User], logs: pytest.LogCaptureFixture
) -> None:
    user = as_role("medlem", can_see_confidential=True)
    path = "/capabilities/1.1.1/assessments/new"
    form = {
        "summary": SECRET,
        "justification": SECRET + " motivering",
        "confidential": "y",
        "secrecy_ref": "OSL 18:13",
        "assessed_on": "2024-01-10",
    }
    refused = post(client, path, form | {"level": "9"}, token_from=path)  # a level that isn't
    assert refused.status_code == 422
    accepted = post(client, path, form | {"level": "2"}, token_from=path)
    assert accepted.status_code == 302
    assert SECRET not in logs.text
    (refusal,) = _records(logs, "formaga.refused")
    assert refusal["status"] == 422 and refusal["user"] == user.username
    assert refusal["method"] == "POST" and refusal["path"] == path
    assert "Nivå" in refusal["why"] and "9" not in refusal["why"]  # the typed value is left out
    statuses = [r["status"] for r in _records(logs, "formaga.request") if r["path"] == path]
    statuses = [s for s in statuses if s != 200]  # the GETs for the CSRF token
    assert statuses == [422, 302]


def test_forbidden_write_is_logged_with_the_reason(
    client: Any, as_role: Callable[..., User], logs: pytest.LogCaptureFixture
) -> None:
    user = as_role("läsare")
    response = post(client, "/capabilities/1.1.1/assessments/new", {"level": "2"})
    assert response.status_code == 403
    (refusal,) = _records(logs, "formaga.refused")
    assert refusal["status"] == 403 and refusal["user"] == user.username
    assert "medlem eller admin" in refusal["why"]


def test_missing_csrf_token_is_logged(
    client: Any, as_role: Callable[..., User], logs: pytest.LogCaptureFixture
) -> None:
    as_role("medlem")
    response = client.post("/capabilities/1.1.1/assessments/new", data={"summary": SECRET})
    assert response.status_code == 400
    (refusal,) = _records(logs, "formaga.refused")
    assert refusal["status"] == 400 and refusal["why"].startswith("CSRF-kontrollen misslyckades")
    assert SECRET not in logs.text


def test_stale_edit_is_logged_as_409_with_the_conflict_message(
    client: Any,
    session: so.Session,
    make_user: Callable[..., User],
    as_role: Callable[..., User],
    logs: pytest.LogCaptureFixture,
) -> None:
    other = make_user("medlem")
    cap = session.scalars(sa.select(Capability).where(Capability.number == "1.1.1")).one()
    measure = services.create_measure(
        session, other, MeasureInput(title="Lager", description=SECRET, capability_ids=[cap.id])
    )
    services.update_measure(
        session,
        other,
        measure,
        replace(MeasureInput.of(measure), title="Lager 2"),
        expected_version=1,
    )
    session.flush()
    as_role("medlem", can_see_confidential=True)
    form = {"title": "Min titel", "description": SECRET, "capability_ids": str(cap.id)}
    response = post(client, f"/measures/{measure.id}/edit", form | {"version": "1"})
    assert response.status_code == 409
    (refusal,) = _records(logs, "formaga.refused")
    assert refusal["status"] == 409 and "någon annan" in refusal["why"]
    assert SECRET not in logs.text


def test_logfmt_quotes_what_needs_quoting() -> None:
    line = logfmt({"path": "/a b", "why": 'sa "hej"', "n": 3, "ms": 1.25, "user": "anonym"})
    assert line == 'path="/a b" why="sa \\"hej\\"" n=3 ms=1.2 user=anonym'
