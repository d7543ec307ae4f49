"""Server-side session revocation (M3), clearance changes (L3) and the password policy (L11).

A session cookie carries the user's session generation; logout, a password change or reset,
deactivation and a change of role or clearance bump it in the database, so every other session
of that user ends at once, also a copy of the cookie replayed later.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pytest
import sqlalchemy as sa
import sqlalchemy.orm as so

from capabilities import services
from capabilities.errors import PermissionDenied, ValidationFailed
from capabilities.models import AuditEvent, User
from capabilities.passwords import password_problem
from capabilities.services.users import UserInput
from tests.conftest import PASSWORD, csrf_token, login, post

NEW_PASSWORD = "nytt-och-tillräckligt-långt"


def _logged_in(app: Any, user: User, password: str = PASSWORD) -> Any:
    client = app.test_client()
    login(client, user, password)
    assert client.get("/").status_code == 200
    return client


def _out(client: Any) -> bool:
    page = client.get("/")
    return page.status_code == 302 and page.location.startswith("/login")


def _cookie(client: Any) -> str:
    cookie = client.get_cookie("session")
    assert cookie is not None
    return str(cookie.value)


def _replay(app: Any, cookie: str) -> Any:
    thief = app.test_client()
    thief.set_cookie("session", cookie)
    return thief


def test_logout_ends_every_session_and_a_copied_cookie(
    app: Any, make_user: Callable[..., User]
) -> None:
    user = make_user("medlem")
    laptop, phone = _logged_in(app, user), _logged_in(app, user)
    stolen = _cookie(phone)
    assert not _out(_replay(app, stolen))  # the copy works while the session lives
    assert post(laptop, "/logout").status_code == 302
    assert _out(laptop) and _out(phone)
    assert _out(_replay(app, stolen))
    assert not _out(_logged_in(app, user))  # logging in again works


def test_own_password_change_ends_other_sessions_but_not_this_one(
    app: Any, make_user: Callable[..., User]
) -> None:
    user = make_user("läsare")
    this, other = _logged_in(app, user), _logged_in(app, user)
    stolen = _cookie(other)
    done = post(
        this, "/account/password", {"current_password": PASSWORD, "new_password": NEW_PASSWORD}
    )
    assert done.status_code == 302
    assert not _out(this)
    assert _out(other) and _out(_replay(app, stolen))


@pytest.mark.parametrize(
    ("change", "data"),
    [
        ("reset", {"new_password": NEW_PASSWORD}),
        ("deactivate", {}),
        ("role", {"role": "läsare"}),
        ("clearance", {"can_see_confidential": "y"}),
    ],
)
def test_admin_changes_end_the_users_sessions(
    app: Any, make_user: Callable[..., User], change: str, data: dict[str, str]
) -> None:
    user = make_user("medlem")
    victim = _logged_in(app, user)
    stolen = _cookie(victim)
    admin = _logged_in(app, make_user("admin", can_see_confidential=True))  # may grant it
    if change == "reset":
        response = post(admin, f"/admin/users/{user.id}/password", data)
    elif change == "deactivate":
        response = post(admin, f"/admin/users/{user.id}/deactivate", data)
    else:
        form = {
            "display_name": user.display_name,
            "email": "",
            "organisation_id": "",
            "role": "medlem",
            "is_active": "y",
            "version": str(user.version),
        } | data
        response = post(admin, f"/admin/users/{user.id}/edit", form)
    assert response.status_code == 302, response.get_data(as_text=True)
    assert _out(victim) and _out(_replay(app, stolen))
    assert not _out(admin)


def test_editing_only_the_display_name_keeps_sessions(
    session: so.Session, app: Any, make_user: Callable[..., User]
) -> None:
    user = make_user("medlem")
    client = _logged_in(app, user)
    services.update_user(
        session,
        make_user("admin"),
        user,
        replace(UserInput.of(user), display_name="Nytt"),
        expected_version=user.version,
    )
    session.commit()
    assert not _out(client)


def test_a_forged_session_id_without_generation_is_refused(
    app: Any, make_user: Callable[..., User]
) -> None:
    user = make_user("admin")
    client = app.test_client()
    client.get("/login")
    for forged in (str(user.id), f"{user.id}.x", f"{user.id}.99", "٣.1", f"{user.id}.1.1"):
        with client.session_transaction() as state:
            state["_user_id"] = forged
            state["_fresh"] = True
        assert _out(client), forged


# --- L3: clearance ---------------------------------------------------------------------------


def test_admin_cannot_grant_itself_clearance(
    session: so.Session, client: Any, make_user: Callable[..., User]
) -> None:
    admin = make_user("admin")
    session.commit()
    with pytest.raises(PermissionDenied):
        services.update_user(
            session,
            admin,
            admin,
            replace(UserInput.of(admin), can_see_confidential=True),
            expected_version=admin.version,
        )
    session.rollback()
    login(client, admin)
    page = post(
        client,
        f"/admin/users/{admin.id}/edit",
        {
            "display_name": admin.display_name,
            "role": "admin",
            "is_active": "y",
            "can_see_confidential": "y",
            "version": str(admin.version),
        },
    )
    assert page.status_code == 403
    assert "Be en annan administratör" in page.get_data(as_text=True)
    session.expire_all()
    assert session.get(User, admin.id).can_see_confidential is False  # type: ignore[union-attr]


def test_another_admin_grants_clearance_and_it_is_audited(
    session: so.Session, make_user: Callable[..., User]
) -> None:
    first, second = make_user("admin", can_see_confidential=True), make_user("admin")
    services.update_user(
        session,
        first,
        second,
        replace(UserInput.of(second), can_see_confidential=True),
        expected_version=second.version,
    )
    session.flush()
    event = session.scalars(
        sa.select(AuditEvent).where(
            AuditEvent.action == "change_clearance", AuditEvent.entity_id == second.id
        )
    ).one()
    assert event.user_id == first.id
    assert (event.before, event.after) == (
        {"can_see_confidential": False},
        {"can_see_confidential": True},
    )


# --- L11: password policy --------------------------------------------------------------------


@pytest.mark.parametrize(
    "weak",
    ["aaaaaaaaaaaa", "123456789012", "Sommar2026!!!", "P@ssw0rd1234", "abcabcabcabc"],
)
def test_common_and_trivial_passwords_are_refused(weak: str) -> None:
    assert "för vanligt eller för enkelt" in (password_problem(weak) or "")


def test_passwords_with_username_name_or_app_name_are_refused() -> None:
    context = ("anna.svensson", "Anna Svensson")
    for weak in ("anna.svensson-2026", "svensson-hemligt-9", "formaga-hemlig-2026"):
        assert "användarnamn" in (password_problem(weak, context) or ""), weak
    assert password_problem("korrekt-hast-batteri-häftstift", context) is None


def test_weak_password_gets_a_swedish_message_in_every_path(
    session: so.Session, client: Any, make_user: Callable[..., User]
) -> None:
    with pytest.raises(ValidationFailed) as info:
        make_user("läsare", password="aaaaaaaaaaaa")
    assert "för vanligt" in str(info.value.errors)
    user = make_user("läsare", username="kalle.anka")
    with pytest.raises(ValidationFailed):
        services.set_password(session, make_user("admin"), user, new_password="kalle.anka.2026")
    login(client, user)
    page = client.post(
        "/account/password",
        data={
            "csrf_token": csrf_token(client, "/account/password"),
            "current_password": PASSWORD,
            "new_password": "aaaaaaaaaaaa",
        },
    )
    assert page.status_code == 422
    assert "Lösenordet är för vanligt eller för enkelt att gissa." in page.get_data(as_text=True)
