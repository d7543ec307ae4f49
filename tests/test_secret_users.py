"""Issue 23 F11: an admin without clearance can neither hand out clearance nor take over an
account that has it.

Before, such an admin could create a cleared user with a password of its choosing, grant
clearance to an account it controls, or reset a cleared user's password (or change the e-mail
address), and then log in as that user. Each of these now needs an admin with clearance; the
console (`formaga users …`, acting as the system user) is the operator on the server.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pytest
import sqlalchemy as sa
import sqlalchemy.orm as so

from capabilities import services
from capabilities.errors import PermissionDenied
from capabilities.models import AuditEvent, User
from capabilities.services.users import NewUser, UserInput
from tests.conftest import PASSWORD, csrf_token, login, post

CHOSEN = "Inkräktarens-lösen-91"


def _new(**extra: Any) -> dict[str, Any]:
    return {
        "username": "kapad",
        "display_name": "Kapad",
        "role": "medlem",
        "password": CHOSEN,
    } | extra


def test_uncleared_admin_cannot_create_a_cleared_user(
    session: so.Session, make_user: Callable[..., User]
) -> None:
    admin = make_user("admin")
    with pytest.raises(PermissionDenied) as refused:
        services.create_user(session, admin, NewUser(**_new(can_see_confidential=True)))
    assert "behörighet till sekretessmarkerade uppgifter" in refused.value.message
    assert refused.value.field == "can_see_confidential"
    assert services.create_user(session, admin, NewUser(**_new())).can_see_confidential is False


def test_cleared_admin_and_console_may_and_the_grant_is_audited(
    session: so.Session, make_user: Callable[..., User]
) -> None:
    cleared = make_user("admin", can_see_confidential=True)
    made = services.create_user(session, cleared, NewUser(**_new(can_see_confidential=True)))
    console = services.create_user(
        session,
        services.system_user(session),
        NewUser(**_new(username="konsol", can_see_confidential=True)),
    )
    for user, actor in ((made, cleared), (console, services.system_user(session))):
        grant = session.scalars(
            sa.select(AuditEvent).where(
                AuditEvent.entity_type == "users",
                AuditEvent.entity_id == user.id,
                AuditEvent.action == "change_clearance",
            )
        ).one()
        assert grant.user_id == actor.id
        assert (grant.before, grant.after) == (
            {"can_see_confidential": False},
            {"can_see_confidential": True},
        )


def test_uncleared_admin_cannot_grant_clearance_to_another_user(
    session: so.Session, make_user: Callable[..., User]
) -> None:
    admin, accomplice = make_user("admin"), make_user("medlem")
    with pytest.raises(PermissionDenied):
        services.update_user(
            session,
            admin,
            accomplice,
            replace(UserInput.of(accomplice), can_see_confidential=True),
            expected_version=accomplice.version,
        )
    # taking clearance away is always possible (it opens nothing)
    cleared = make_user("medlem", can_see_confidential=True)
    services.update_user(
        session,
        admin,
        cleared,
        replace(UserInput.of(cleared), can_see_confidential=False),
        expected_version=cleared.version,
    )
    assert cleared.can_see_confidential is False


def test_uncleared_admin_cannot_take_over_a_cleared_account(
    session: so.Session, make_user: Callable[..., User]
) -> None:
    admin = make_user("admin")
    cleared = make_user("medlem", can_see_confidential=True, email="klar@example.se")
    with pytest.raises(PermissionDenied) as password:
        services.set_password(session, admin, cleared, new_password=CHOSEN)
    assert password.value.field == "new_password"
    with pytest.raises(PermissionDenied) as email:
        services.update_user(
            session,
            admin,
            cleared,
            replace(UserInput.of(cleared), email="min@example.se"),
            expected_version=cleared.version,
        )
    assert email.value.field == "email"
    # other changes to a cleared user, and anything for an uncleared one, stay possible
    services.update_user(
        session,
        admin,
        cleared,
        replace(UserInput.of(cleared), display_name="Nytt namn"),
        expected_version=cleared.version,
    )
    services.set_password(session, admin, make_user("medlem"), new_password=CHOSEN)
    services.set_password(
        session, make_user("admin", can_see_confidential=True), cleared, new_password=CHOSEN
    )
    services.set_password(session, services.system_user(session), cleared, new_password=CHOSEN)


def test_web_refuses_and_the_chosen_password_never_logs_in(
    client: Any, as_role: Any, session: so.Session, make_user: Callable[..., User], app: Any
) -> None:
    as_role("admin")
    cleared = make_user("medlem", can_see_confidential=True)
    session.commit()
    created = post(client, "/admin/users/new", _new(can_see_confidential="y"))
    assert created.status_code == 403
    assert "behörighet till sekretessmarkerade uppgifter" in created.get_data(as_text=True)
    assert session.scalar(sa.select(User).where(User.username == "kapad")) is None
    reset = post(client, f"/admin/users/{cleared.id}/password", {"new_password": CHOSEN})
    assert reset.status_code == 403
    assert "behörighet till sekretessmarkerade uppgifter" in reset.get_data(as_text=True)
    other = app.test_client()
    token = csrf_token(other, "/login")
    attempt = other.post(
        "/login", data={"csrf_token": token, "username": cleared.username, "password": CHOSEN}
    )
    assert attempt.status_code != 302
    login(other, cleared, PASSWORD)  # the owner's password still works
