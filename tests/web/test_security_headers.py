"""Security headers on every kind of response, and the session cookie's flags."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from capabilities.models import User


def _check(response: Any) -> None:
    csp = response.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
    assert "script-src 'self'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    response.close()  # static files stream from disk


def test_headers_on_pages_errors_static_and_api(client: Any, as_role: Callable[..., User]) -> None:
    _check(client.get("/login"))
    _check(client.get("/static/style.css"))
    _check(client.get("/api/v1/capabilities"))
    as_role("läsare")
    for path in ("/", "/register", "/capabilities/1.1.1", "/capabilities/9.9.9", "/reports/"):
        _check(client.get(path))


def test_session_cookie_is_httponly_and_lax(client: Any, as_role: Callable[..., User]) -> None:
    client.get("/login")
    cookie = client.get_cookie("session")
    assert cookie is not None and cookie.http_only and cookie.same_site == "Lax"
    assert not cookie.secure  # plain HTTP in tests; FORMAGA_HTTPS=1 sets Secure


def test_secure_cookie_when_configured(monkeypatch: Any, connection: Any) -> None:
    import sqlalchemy.orm as so

    from web.app import create_app

    monkeypatch.setenv("FORMAGA_HTTPS", "1")
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "x",
            "SESSION_FACTORY": lambda: so.Session(
                bind=connection, join_transaction_mode="create_savepoint"
            ),
        }
    )
    client = app.test_client()
    client.get("/login")
    cookie = client.get_cookie("session")
    assert cookie is not None and cookie.secure
