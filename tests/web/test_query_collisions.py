"""L4 (part): query keys named like url_for's own arguments, and the last day of the calendar."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from capabilities import services
from capabilities.models import User


@pytest.mark.parametrize(
    "path",
    [
        "/login?_anchor=x",
        "/login?endpoint=x",
        "/register?_external=1&_scheme=gopher",
        "/capabilities/1.1.1?number=2",
        "/register?_method=POST",
    ],
)
def test_query_keys_that_collide_with_url_for_do_not_crash_a_page(
    client: Any, as_role: Callable[..., User], path: str
) -> None:
    if not path.startswith("/login"):
        as_role("läsare")
    response = client.get(path)
    assert response.status_code == 200
    assert "gopher:" not in response.get_data(as_text=True)


def test_the_last_day_of_the_calendar_is_a_valid_as_of(
    client: Any, session: Any, make_user: Callable[..., User]
) -> None:
    user = make_user("läsare")
    _token, plain = services.create_token(session, user, name="Datum")
    session.commit()
    response = client.get(
        "/api/v1/capabilities?as_of=9999-12-31", headers={"Authorization": f"Bearer {plain}"}
    )
    assert response.status_code == 200 and response.get_json()["total"] >= 62


@pytest.mark.parametrize(
    "path", ["/actors/2147483648", "/measures/9223372036854775808", "/rounds/99999999999"]
)
def test_ids_too_large_for_the_database_are_not_found(
    client: Any, as_role: Callable[..., User], path: str
) -> None:
    as_role("läsare")
    assert client.get(path).status_code == 404


def test_api_ids_too_large_for_the_database_are_not_found(
    client: Any, session: Any, make_user: Callable[..., User]
) -> None:
    _token, plain = services.create_token(session, make_user("läsare"), name="Id")
    session.commit()
    headers = {"Authorization": f"Bearer {plain}"}
    for path in ("/api/v1/rounds/2147483648", "/api/v1/gaps?as_of=0001-01-01"):
        assert client.get(path, headers=headers).status_code in (200, 404), path
