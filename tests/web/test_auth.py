"""Login, throttling, safe redirects, logout, own password, and the login wall around every page."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import url_for

from capabilities.models import LoginAttempt, User
from capabilities.services.login import (
    MAX_FAILURES,
    MAX_FAILURES_PER_ADDRESS,
    MAX_FAILURES_PER_USERNAME,
)
from tests.conftest import PASSWORD, csrf_token, login, post

NEW_PASSWORD = "nytt-och-tillräckligt-långt"
GENERIC = "Fel användarnamn eller lösenord."
RETRY = re.compile(r"Försök igen efter kl\. \d\d:\d\d\.")


def _try(
    client: Any,
    username: str,
    password: str,
    address: str = "127.0.0.1",
    next_url: str | None = None,
) -> Any:
    path = "/login" if next_url is None else f"/login?next={next_url}"
    return client.post(
        path,
        data={"csrf_token": csrf_token(client), "username": username, "password": password},
        environ_base={"REMOTE_ADDR": address},
    )


def _landing(app: Any) -> str:
    with app.test_request_context():
        return str(url_for("dashboard.index"))


# --- login -----------------------------------------------------------------------------------


def test_login_page_has_username_and_password_fields(client: Any) -> None:
    response = client.get("/login")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'name="username"' in html and 'name="password"' in html
    assert 'name="csrf_token"' in html and '<label for="username">' in html


def test_wrong_password_and_unknown_user_get_the_same_generic_message(
    client: Any, session: so.Session, make_user: Callable[..., User]
) -> None:
    user = make_user("medlem")
    wrong = _try(client, user.username, "fel-lösenord-helt-klart")
    unknown = _try(client, "finns-inte", PASSWORD)
    assert wrong.status_code == unknown.status_code == 401
    for response in (wrong, unknown):
        html = response.get_data(as_text=True)
        assert GENERIC in html and "finns inte" not in html
    attempts = session.scalars(sa.select(LoginAttempt.succeeded)).all()
    assert attempts.count(False) >= 2


def test_empty_login_form_is_refused_in_swedish(client: Any) -> None:
    response = client.post("/login", data={"csrf_token": csrf_token(client)})
    assert response.status_code == 422
    assert "Det här fältet är obligatoriskt." in response.get_data(as_text=True)


def test_login_without_csrf_token_is_a_bad_request(
    client: Any, make_user: Callable[..., User]
) -> None:
    user = make_user("medlem")
    client.get("/login")
    response = client.post("/login", data={"username": user.username, "password": PASSWORD})
    assert response.status_code == 400
    assert "Ladda om sidan" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302  # still not logged in


def test_five_failures_from_one_address_lock_that_username_there(
    client: Any, app: Any, make_user: Callable[..., User]
) -> None:
    user = make_user("medlem")
    for _n in range(MAX_FAILURES):
        assert _try(client, user.username, "fel-lösenord-igen", "10.0.1.1").status_code == 401
    locked = _try(client, user.username.upper(), PASSWORD, "10.0.1.1")
    assert locked.status_code == 429
    html = locked.get_data(as_text=True)
    assert RETRY.search(html) and "För många misslyckade inloggningsförsök" in html
    assert client.get("/").status_code == 302
    # the same user from another address is not locked out by someone else's guesses
    elsewhere = app.test_client()
    assert _try(elsewhere, user.username, PASSWORD, "10.0.1.2").status_code == 302


def test_failures_spread_over_addresses_lock_the_username_at_a_higher_count(
    client: Any, make_user: Callable[..., User]
) -> None:
    user = make_user("medlem")
    for n in range(MAX_FAILURES_PER_USERNAME):  # one guess from each address
        assert _try(client, user.username, "fel-lösenord-igen", f"10.0.3.{n}").status_code == 401
    locked = _try(client, user.username, PASSWORD, "10.0.3.250")
    assert locked.status_code == 429 and RETRY.search(locked.get_data(as_text=True))


def test_five_failures_from_one_address_do_not_lock_everyone_behind_it(
    client: Any, app: Any, make_user: Callable[..., User]
) -> None:
    """M4: behind a proxy or NAT one address is a whole organisation."""
    user = make_user("medlem")
    for n in range(MAX_FAILURES):
        assert _try(client, f"gissning{n}", "fel-lösenord-igen", "10.0.2.1").status_code == 401
    colleague = app.test_client()
    assert _try(colleague, user.username, PASSWORD, "10.0.2.1").status_code == 302


def test_many_failures_from_one_address_lock_that_address(
    client: Any, app: Any, session: so.Session, make_user: Callable[..., User]
) -> None:
    user = make_user("medlem")
    # recorded directly: a hundred form posts would only slow the suite down
    session.add_all(
        LoginAttempt(username=f"gissning{n}", address="10.0.4.1", succeeded=False)
        for n in range(MAX_FAILURES_PER_ADDRESS)
    )
    session.commit()
    locked = _try(app.test_client(), user.username, PASSWORD, "10.0.4.1")
    assert locked.status_code == 429
    assert _try(app.test_client(), user.username, PASSWORD, "10.0.4.2").status_code == 302


def test_successful_login_renews_the_session_and_records_the_time(
    client: Any, app: Any, session: so.Session, make_user: Callable[..., User]
) -> None:
    user = make_user("läsare")
    version = user.version
    client.get("/login")
    with client.session_transaction() as before:
        before["planted"] = "från före inloggningen"
    response = _try(client, user.username, PASSWORD)
    assert response.status_code == 302 and response.location == _landing(app)
    with client.session_transaction() as after:
        assert "planted" not in after and after.get("_user_id") == user.get_id()
    session.refresh(user)
    assert user.last_login_at is not None
    assert user.version == version  # a login is not an edit: no conflict for an admin editing
    assert client.get("/").status_code == 200


def test_inactive_user_cannot_log_in(client: Any, make_user: Callable[..., User]) -> None:
    user = make_user("medlem", is_active=False)
    response = _try(client, user.username, PASSWORD)
    assert response.status_code == 401 and GENERIC in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("next_url", "followed"),
    [
        ("/assignments/", True),
        ("/capabilities/3.2.10?x=1", True),
        ("https://evil.example/", False),
        ("//evil.example", False),
        ("/%5Cevil.example", False),  # backslash
        ("javascript:alert(1)", False),
        ("/%0d%0aSet-Cookie:%20x=1", False),  # CR/LF: a header split (issue 23, F10)
        ("/a%0ab", False),
        ("/a%09b", False),
        ("/a%00b", False),
        ("/a%7fb", False),
    ],
)
def test_next_is_followed_only_for_local_paths(
    client: Any, app: Any, make_user: Callable[..., User], next_url: str, followed: bool
) -> None:
    user = make_user("medlem")
    response = _try(client, user.username, PASSWORD, next_url=next_url)
    assert response.status_code == 302
    if followed:
        assert response.location == next_url
    else:
        assert response.location == _landing(app)
        assert "evil" not in response.location and "javascript" not in response.location


def test_anonymous_visit_remembers_the_page_to_return_to(
    client: Any, make_user: Callable[..., User]
) -> None:
    user = make_user("medlem")
    response = client.get("/measures/?state=beslutad")
    assert response.status_code == 302 and response.location.startswith("/login?next=")
    login_page = response.location
    html = client.get(login_page).get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    assert token
    done = client.post(
        login_page,
        data={"csrf_token": token.group(1), "username": user.username, "password": PASSWORD},
    )
    assert done.status_code == 302 and done.location == "/measures/?state=beslutad"


# --- logout ----------------------------------------------------------------------------------


def test_logout_is_post_only_and_clears_the_session(
    client: Any, as_role: Callable[..., User]
) -> None:
    as_role("medlem")
    assert client.get("/logout").status_code == 405
    assert client.get("/").status_code == 200  # GET did not log out
    response = post(client, "/logout")
    assert response.status_code == 302 and response.location == "/login"
    with client.session_transaction() as after:
        assert "_user_id" not in after
    page = client.get("/")
    assert page.status_code == 302 and page.location.startswith("/login")


def test_logout_without_csrf_token_is_refused(client: Any, as_role: Callable[..., User]) -> None:
    as_role("medlem")
    assert client.post("/logout").status_code == 400
    assert client.get("/").status_code == 200


# --- own password ----------------------------------------------------------------------------


def test_change_own_password(client: Any, app: Any, as_role: Callable[..., User]) -> None:
    user = as_role("läsare")  # every role may change its own password
    page = client.get("/account/password")
    assert page.status_code == 200
    assert 'name="current_password"' in page.get_data(as_text=True)

    wrong = post(
        client,
        "/account/password",
        {"current_password": "inte-mitt-lösenord", "new_password": NEW_PASSWORD},
    )
    assert wrong.status_code == 422
    assert "Nuvarande lösenord stämmer inte." in wrong.get_data(as_text=True)

    short = post(
        client, "/account/password", {"current_password": PASSWORD, "new_password": "kort"}
    )
    assert short.status_code == 422
    assert "minst 12 tecken" in short.get_data(as_text=True)

    done = post(
        client, "/account/password", {"current_password": PASSWORD, "new_password": NEW_PASSWORD}
    )
    assert done.status_code == 302
    assert "Ditt lösenord är bytt." in client.get(done.location).get_data(as_text=True)

    other = app.test_client()
    assert _try(other, user.username, PASSWORD, "10.0.3.1").status_code == 401
    login(other, user, NEW_PASSWORD)


# --- the login wall --------------------------------------------------------------------------


def test_every_page_needs_login_but_static_files_do_not(app: Any, client: Any) -> None:
    paths = ["/capabilities/1.1.1", "/measures/1", "/assignments/1", "/admin/users/1/edit"]
    for rule in app.url_map.iter_rules():
        if (
            "GET" in (rule.methods or ())
            and not rule.arguments
            and rule.endpoint not in ("static", "auth.login", "about.accessibility")
            and not rule.endpoint.startswith("api.")  # bearer tokens: tests/web/test_api.py
            and rule.endpoint != "deadlines.feed"  # secret token: tests/web/test_deadlines.py
        ):
            paths.append(rule.rule)
    assert "/admin/users" in paths and "/account/password" in paths and "/" in paths
    for path in paths:
        response = client.get(path)
        assert response.status_code == 302, path
        assert response.location.startswith("/login?next="), path
    static = client.get("/static/style.css")
    assert static.status_code == 200 and "text/css" in static.content_type
    static.close()
    assert client.get("/login").status_code == 200


def test_deactivated_users_session_stops_at_once(
    client: Any, session: so.Session, as_role: Callable[..., User]
) -> None:
    user = as_role("medlem")
    assert client.get("/").status_code == 200
    session.refresh(user)
    user.is_active = False
    session.flush()
    response = client.get("/")
    assert response.status_code == 302 and response.location.startswith("/login")


# --- reverse proxy ---------------------------------------------------------------------------


def _proxied_app(connection: Any) -> Any:
    from web.app import create_app

    return create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test",
            "TRUSTED_PROXIES": "10.9.9.9, 192.168.50.0/24",
            "SESSION_FACTORY": lambda: so.Session(
                bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
            ),
        }
    )


@pytest.mark.parametrize(
    ("remote", "forwarded", "counted"),
    [
        ("10.9.9.9", "10.0.5.1", "10.0.5.1"),  # the configured proxy: its header is believed
        ("192.168.50.7", "10.0.5.2", "10.0.5.2"),  # a proxy inside a configured network
        ("10.0.6.6", "10.0.5.3", "10.0.6.6"),  # anyone else: the header is ignored
        ("10.9.9.9", "", "10.9.9.9"),  # the proxy without a header
    ],
)
def test_forwarded_for_is_honoured_only_from_trusted_proxies(
    connection: Any,
    session: so.Session,
    make_user: Callable[..., User],
    remote: str,
    forwarded: str,
    counted: str,
) -> None:
    user = make_user("medlem")
    session.commit()
    client = _proxied_app(connection).test_client()
    headers = {"X-Forwarded-For": forwarded} if forwarded else {}
    token = csrf_token(client)
    response = client.post(
        "/login",
        data={"csrf_token": token, "username": user.username, "password": "fel-lösenord-igen"},
        environ_base={"REMOTE_ADDR": remote},
        headers=headers,
    )
    assert response.status_code == 401
    address = session.scalars(
        sa.select(LoginAttempt.address).where(LoginAttempt.username == user.username)
    ).one()
    assert address == counted


def test_readme_documents_the_https_and_proxy_settings() -> None:
    from pathlib import Path

    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    for setting in ("FORMAGA_HTTPS", "FORMAGA_TRUSTED_PROXIES", "X-Forwarded-For", "Secure"):
        assert setting in readme
