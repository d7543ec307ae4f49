"""API token pages: every role creates, the plain token is shown once, revoking ends it."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from typing import Any

import pytest
import sqlalchemy as sa
import sqlalchemy.orm as so

from capabilities import services
from capabilities.models import ApiToken, AuditEvent, User
from tests.conftest import post

PAGE = "/account/tokens/"
PLAIN = re.compile(r'value="(fr_[A-Za-z0-9_-]{20,})"')


def _html(response: Any) -> str:
    return str(response.get_data(as_text=True))


def _tokens(session: so.Session, user: User) -> list[ApiToken]:
    return list(
        session.scalars(
            sa.select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id)
        )
    )


def _create(client: Any, name: str) -> tuple[Any, str | None]:
    response = post(client, PAGE, {"name": name})
    match = PLAIN.search(_html(response))
    return response, match.group(1) if match else None


def test_login_required(client: Any) -> None:
    response = client.get(PAGE)
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


@pytest.mark.parametrize("role", ["läsare", "medlem", "admin"])
def test_every_role_creates_a_token_shown_once(
    client: Any, session: so.Session, as_role: Callable[..., User], role: str
) -> None:
    user = as_role(role)
    empty = _html(client.get(PAGE))
    assert "Du har inga API-nycklar." in empty
    assert 'href="/account/tokens/"' in empty  # the link in the header

    response, plain = _create(client, "Rapportskript")
    assert response.status_code == 200
    assert plain is not None, _html(response)
    html = _html(response)
    assert "visas bara den här gången" in html
    assert "readonly" in html and '<label for="new-token">' in html
    assert "<script" not in html.replace(
        '<script src="/static/app.js" defer></script>', ""
    )  # no inline script
    assert response.headers["Cache-Control"] == "no-store"

    [token] = _tokens(session, user)
    assert token.name == "Rapportskript"
    assert token.token_hash == hashlib.sha256(plain.encode()).hexdigest()
    assert token.prefix == plain[:10] and plain not in (token.token_hash, token.prefix)
    assert token.revoked_at is None

    # Never again: the list shows name and prefix, not the token.
    later = _html(client.get(PAGE))
    assert plain not in later
    assert "Rapportskript" in later and token.prefix in later

    # It works against the API, with the user's clearance.
    api = client.get("/api/v1/actors", headers={"Authorization": f"Bearer {plain}"})
    assert api.status_code == 200
    session.refresh(token)
    assert token.last_used_at is not None
    assert "aldrig" not in _html(client.get(PAGE)).split("Dina nycklar")[1]


def test_name_is_required(client: Any, session: so.Session, as_role: Callable[..., User]) -> None:
    user = as_role("läsare")
    response, plain = _create(client, "   ")
    assert response.status_code == 422
    assert plain is None
    assert "Namn" in _html(response) and 'class="error"' in _html(response)
    assert _tokens(session, user) == []


def test_create_needs_csrf(client: Any, session: so.Session, as_role: Callable[..., User]) -> None:
    user = as_role("medlem")
    response = client.post(PAGE, data={"name": "Utan CSRF"})
    assert response.status_code in (400, 422)
    assert PLAIN.search(_html(response)) is None
    assert _tokens(session, user) == []


def test_revoke_stops_the_token(
    client: Any, session: so.Session, as_role: Callable[..., User]
) -> None:
    user = as_role("läsare")
    _response, plain = _create(client, "Gammal")
    [token] = _tokens(session, user)
    headers = {"Authorization": f"Bearer {plain}"}
    assert client.get("/api/v1/capabilities", headers=headers).status_code == 200
    assert f'action="/account/tokens/{token.id}/revoke"' in _html(client.get(PAGE))

    response = post(client, f"/account/tokens/{token.id}/revoke", follow_redirects=True)
    assert response.status_code == 200
    html = _html(response)
    assert "är återkallad" in html and "Återkallad" in html
    assert f'action="/account/tokens/{token.id}/revoke"' not in html
    session.refresh(token)
    assert token.revoked_at is not None
    assert client.get("/api/v1/capabilities", headers=headers).status_code == 401
    actions = session.scalars(
        sa.select(AuditEvent.action).where(
            AuditEvent.entity_type == "api_tokens", AuditEvent.entity_id == token.id
        )
    ).all()
    assert sorted(actions) == ["create", "revoke"]


def test_revoke_needs_csrf_and_post(
    client: Any, session: so.Session, as_role: Callable[..., User]
) -> None:
    user = as_role("medlem")
    _create(client, "Skyddad")
    [token] = _tokens(session, user)
    assert client.post(f"/account/tokens/{token.id}/revoke").status_code == 400
    assert client.get(f"/account/tokens/{token.id}/revoke").status_code == 405
    session.refresh(token)
    assert token.revoked_at is None


def test_only_own_tokens(
    client: Any, session: so.Session, as_role: Callable[..., User], make_user: Callable[..., User]
) -> None:
    other = make_user("medlem")
    theirs, _plain = services.create_token(session, other, name="Någon annans nyckel")
    session.flush()
    as_role("medlem")
    assert "Någon annans nyckel" not in _html(client.get(PAGE))
    response = post(client, f"/account/tokens/{theirs.id}/revoke")
    assert response.status_code == 404
    assert post(client, "/account/tokens/999999/revoke").status_code == 404
    session.refresh(theirs)
    assert theirs.revoked_at is None


def test_page_query_count_does_not_grow(
    client: Any,
    session: so.Session,
    as_role: Callable[..., User],
    count_queries: Callable[[], Any],
) -> None:
    user = as_role("läsare")
    services.create_token(session, user, name="Första")
    session.flush()
    client.get(PAGE)
    with count_queries() as counter:
        assert client.get(PAGE).status_code == 200
    before = counter.count
    for i in range(30):
        token, _plain = services.create_token(session, user, name=f"Nyckel {i}")
        if i % 3 == 0:
            services.revoke_token(session, user, token)
    session.flush()
    with count_queries() as counter:
        html = _html(client.get(PAGE))
    assert counter.count == before
    assert "Nyckel 29" in html and html.count("Återkallad</span>") == 10


def test_a_token_with_an_expiry_date_works_through_that_day_only(
    client: Any, session: so.Session, as_role: Callable[..., User]
) -> None:
    from datetime import date, timedelta

    user = as_role("läsare")
    last_day = date.today() + timedelta(days=30)
    response = post(client, PAGE, {"name": "Kvartalsrapport", "expires_on": last_day.isoformat()})
    html = _html(response)
    assert response.status_code == 200
    assert f"Nyckeln gäller till och med {last_day.isoformat()}." in html
    assert 'class="copy-button" data-copy="new-token"' in html  # app.js shows it
    plain = PLAIN.search(html)
    assert plain is not None
    (token,) = _tokens(session, user)
    assert token.expires_on == last_day
    headers = {"Authorization": f"Bearer {plain.group(1)}"}
    assert client.get("/api/v1/actors", headers=headers).status_code == 200
    assert services.authenticate_token(session, plain.group(1), today=last_day) is not None
    assert (
        services.authenticate_token(session, plain.group(1), today=last_day + timedelta(1)) is None
    )
    token.expires_on = date.today() - timedelta(days=1)
    session.flush()
    assert client.get("/api/v1/actors", headers=headers).status_code == 401
    assert "Utgången" in _html(client.get(PAGE))


@pytest.mark.parametrize(
    ("expires_on", "message"),
    [
        ("2001-01-01", "Slutdatumet kan inte ligga före i dag."),
        ("2999-01-01", "En API-nyckel kan gälla i högst fem år."),
        ("nästa vecka", "Gäller till och med ska vara ett datum som ÅÅÅÅ-MM-DD"),
    ],
)
def test_a_bad_expiry_date_is_explained(
    client: Any, session: so.Session, as_role: Callable[..., User], expires_on: str, message: str
) -> None:
    user = as_role("läsare")
    response = post(client, PAGE, {"name": "Skript", "expires_on": expires_on})
    assert response.status_code == 422
    assert message in _html(response)
    assert _tokens(session, user) == []


def test_the_interactive_api_page_is_served_from_the_app(
    client: Any, as_role: Callable[..., User]
) -> None:
    as_role("läsare")
    html = _html(client.get("/api/"))
    assert 'data-spec="/api/v1/openapi.json"' in html
    for asset in ("swagger-ui/swagger-ui-bundle.js", "swagger-ui/swagger-ui.css", "api-docs.js"):
        assert f'"/static/{asset}"' in html
        with client.get(f"/static/{asset}") as served:  # static files are streamed: close them
            assert served.status_code == 200
    assert "<script>" not in html  # no inline script: the strict CSP holds
    with client.get("/static/swagger-ui/LICENSE") as licence:
        assert "Apache License" in licence.get_data(as_text=True)
    assert 'href="/api/"' in _html(client.get(PAGE))
