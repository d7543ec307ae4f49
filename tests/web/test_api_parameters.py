"""A misspelled API query parameter is a 400 naming it, never silently ignored (issue 23,
still open from before): `per_pgae=5` used to answer with the default page of 100, `asof=…`
with today's register instead of the one asked for."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import sqlalchemy.orm as so

from capabilities import services
from capabilities.models import User


@pytest.fixture
def headers(session: so.Session, make_user: Callable[..., User]) -> dict[str, str]:
    _token, plain = services.create_token(session, make_user("läsare"), name="Parametrar")
    session.commit()
    return {"Authorization": f"Bearer {plain}"}


@pytest.mark.parametrize(
    ("path", "wrong"),
    [
        ("/api/v1/capabilities?per_pgae=5", "per_pgae"),
        ("/api/v1/capabilities?asof=2025-01-01", "asof"),
        ("/api/v1/capabilities/1.1.1?page=2", "page"),
        ("/api/v1/gaps?stale_month=3", "stale_month"),
        ("/api/v1/rounds?Page=2", "Page"),
        ("/api/v1/openapi.json?x=1", "x"),
    ],
)
def test_unknown_parameter_is_a_400_naming_it(
    client: Any, headers: dict[str, str], path: str, wrong: str
) -> None:
    response = client.get(path, headers=headers)
    assert response.status_code == 400, response.get_data(as_text=True)
    body = response.get_json()
    assert body["error"] == "bad_request"
    assert f"Okänd parameter {wrong}." in body["message"]


def test_declared_parameters_still_work(client: Any, headers: dict[str, str]) -> None:
    page = client.get("/api/v1/capabilities?per_page=5&page=2&as_of=2026-01-01", headers=headers)
    assert page.status_code == 200 and len(page.get_json()["items"]) == 5
    assert client.get("/api/v1/gaps?stale_months=6", headers=headers).status_code == 200
