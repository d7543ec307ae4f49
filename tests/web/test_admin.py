"""Administration: users and the status scale, admins only; validation, conflicts, query counts."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pytest
import sqlalchemy as sa
import sqlalchemy.orm as so

from capabilities import services
from capabilities.models import SYSTEM_USERNAME, Actor, AuditEvent, StatusLevel, User
from capabilities.services.users import UserInput
from importers.seed_data import load_seed_data
from tests.conftest import PASSWORD, csrf_token, find_actor, login, post

NEW_PASSWORD = "ett-annat-långt-lösenord"


def _user_count(session: so.Session) -> int:
    return int(session.scalar(sa.select(sa.func.count()).select_from(User)) or 0)


def _hidden_version(html: str, prefix: str = "") -> str:
    match = re.search(rf'name="{prefix}version"[^>]*value="(\d+)"', html) or re.search(
        rf'value="(\d+)"[^>]*name="{prefix}version"', html
    )
    assert match, "no hidden version"
    return match.group(1)


def _edit_data(user: User, **changes: Any) -> dict[str, Any]:
    """What the edit form posts for `user` as stored now, with some fields changed."""
    session = so.object_session(user)
    assert session is not None
    session.refresh(user)  # a view may have changed it (a login bumps the version)
    data: dict[str, Any] = {
        "display_name": user.display_name,
        "email": user.email or "",
        "organisation_id": str(user.organisation_id or ""),
        "role": user.role,
        "version": str(user.version),
    }
    if user.can_see_confidential:
        data["can_see_confidential"] = "y"
    if user.is_active:
        data["is_active"] = "y"
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


# --- access ----------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["läsare", "medlem"])
def test_every_admin_route_is_forbidden_to_non_admins(
    client: Any,
    session: so.Session,
    as_role: Callable[..., User],
    make_user: Callable[..., User],
    role: str,
) -> None:
    me = as_role(role)
    other = make_user("läsare")
    session.commit()
    for path in (
        "/admin/",
        "/admin/users",
        "/admin/users/new",
        f"/admin/users/{other.id}/edit",
        "/admin/scale",
    ):
        response = client.get(path)
        assert response.status_code == 403, path
        assert "Endast administratörer" in response.get_data(as_text=True)
    writes: list[tuple[str, dict[str, Any]]] = [
        (
            "/admin/users/new",
            {"username": "inkräktare", "display_name": "X", "role": "admin", "password": PASSWORD},
        ),
        (f"/admin/users/{me.id}/edit", _edit_data(me, role="admin")),
        (f"/admin/users/{other.id}/edit", _edit_data(other, role="admin")),
        (f"/admin/users/{other.id}/deactivate", {}),
        (f"/admin/users/{other.id}/password", {"new_password": NEW_PASSWORD}),
        ("/admin/scale/3", {"level3-label": "Hackad", "level3-version": "1"}),
    ]
    for path, data in writes:
        assert post(client, path, data).status_code == 403, path
    session.expire_all()
    assert me.role == role and other.is_active and other.role == "läsare"
    assert session.scalar(sa.select(User).where(User.username == "inkräktare")) is None
    assert session.get(StatusLevel, 3).label == "Utvecklad förmåga"  # type: ignore[union-attr]
    # and no menu link for them
    assert "/admin/users" not in client.get("/").get_data(as_text=True)


# --- list ------------------------------------------------------------------------------------


def test_users_list_shows_each_user_with_role_clearance_and_last_login(
    client: Any, session: so.Session, as_role: Callable[..., User], make_user: Callable[..., User]
) -> None:
    admin = as_role("admin")
    sos = find_actor(session, "SoS")
    make_user(
        "medlem",
        username="kalle",
        display_name="Kalle Anka",
        organisation_id=sos.id,
        can_see_confidential=True,
    )
    make_user("läsare", username="inaktiv", is_active=False)
    services.system_user(session)
    session.commit()
    html = client.get("/admin/users").get_data(as_text=True)
    row = re.search(r"<tr>\s*<th scope=\"row\"><a [^>]*>kalle</a>.*?</tr>", html, re.S)
    assert row, html
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row.group(0), re.S)
    assert cells[:5] == ["Kalle Anka", sos.display_name, "Medlem", "ja", "ja"]
    assert "aldrig" in cells[5]
    admin_row = re.search(rf">{admin.username}</a>.*?</tr>", html, re.S)
    assert admin_row and "Administratör" in admin_row.group(0)
    assert re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d", admin_row.group(0))  # last login, ISO
    inactive = re.search(r">inaktiv</a>.*?</tr>", html, re.S)
    assert (
        inactive and "Läsare" in inactive.group(0) and "<strong>nej</strong>" in inactive.group(0)
    )
    assert f">{SYSTEM_USERNAME}</a>" not in html
    assert 'aria-label="Administration"' in html and 'href="/admin/scale"' in html


def test_users_list_query_count_does_not_grow(
    client: Any,
    session: so.Session,
    as_role: Callable[..., User],
    make_user: Callable[..., User],
    count_queries: Callable[[], Any],
) -> None:
    as_role("admin")
    assert client.get("/admin/users").status_code == 200
    with count_queries() as before:
        client.get("/admin/users")
    actors = session.scalars(sa.select(Actor).limit(30)).all()
    for n in range(30):
        make_user(["läsare", "medlem", "admin"][n % 3], organisation_id=actors[n].id)
    session.commit()
    with count_queries() as after:
        html = client.get("/admin/users").get_data(as_text=True)
    assert html.count('<th scope="row">') == 31
    assert after.count == before.count, after.statements


# --- create ----------------------------------------------------------------------------------


def test_create_user_with_bad_input_is_refused_in_swedish_and_writes_nothing(
    client: Any, session: so.Session, as_role: Callable[..., User]
) -> None:
    as_role("admin")
    session.commit()
    before = _user_count(session)
    response = post(
        client,
        "/admin/users/new",
        {
            "username": "Ogiltigt namn!",
            "display_name": "  ",
            "email": "inte-en-adress",
            "organisation_id": "abc",
            "role": "superuser",
            "password": "kort",
        },
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    for message in (
        "Användarnamnet ska vara 2–120 tecken",
        "Namn måste fyllas i.",
        "E-postadressen ser inte giltig ut.",
        "Okänd organisation.",
        "Ogiltigt värde för roll",
        "Lösenordet måste ha minst 12 tecken.",
    ):
        assert message in html, message
    assert 'value="Ogiltigt namn!"' in html  # the admin's input is kept
    assert "kort" not in re.findall(r'name="password"[^>]*>', html)[0]  # passwords are not echoed
    assert _user_count(session) == before

    taken = post(
        client,
        "/admin/users/new",
        {"username": "system", "display_name": "Dubblett", "role": "läsare", "password": PASSWORD},
    )
    assert taken.status_code == 422
    assert "upptaget" in taken.get_data(as_text=True)
    assert _user_count(session) == before


def test_created_user_is_listed_and_can_log_in(
    client: Any, app: Any, session: so.Session, as_role: Callable[..., User]
) -> None:
    admin = as_role("admin", can_see_confidential=True)
    lv = find_actor(session, "LV")
    session.commit()
    form = client.get("/admin/users/new").get_data(as_text=True)
    assert 'name="username"' in form and 'name="password"' in form
    assert f'<option value="{lv.id}">{lv.display_name}</option>' in form
    response = post(
        client,
        "/admin/users/new",
        {
            "username": "Nya.Medlemmen",
            "display_name": "Nya Medlemmen",
            "email": "nya@example.se",
            "organisation_id": str(lv.id),
            "role": "medlem",
            "can_see_confidential": "y",
            "password": PASSWORD,
        },
    )
    assert response.status_code == 302 and response.location.endswith("/admin/users")
    html = client.get("/admin/users").get_data(as_text=True)
    assert "nya.medlemmen" in html and "Användaren ”nya.medlemmen” är skapad." in html
    created = session.scalars(sa.select(User).where(User.username == "nya.medlemmen")).one()
    assert (created.role, created.can_see_confidential, created.organisation_id) == (
        "medlem",
        True,
        lv.id,
    )
    assert created.email == "nya@example.se"
    events = session.scalars(
        sa.select(AuditEvent)
        .where(AuditEvent.entity_type == "users", AuditEvent.entity_id == created.id)
        .order_by(AuditEvent.id)
    ).all()
    assert [(e.action, e.user_id) for e in events] == [
        ("create", admin.id),
        ("change_clearance", admin.id),  # the clearance granted on creation (issue 23 F11)
    ]
    login(app.test_client(), created)


# --- edit ------------------------------------------------------------------------------------


def test_edit_sets_role_and_clearance(
    client: Any, session: so.Session, as_role: Callable[..., User], make_user: Callable[..., User]
) -> None:
    as_role("admin", can_see_confidential=True)
    reader = make_user("läsare", display_name="Läsaren")
    session.commit()
    page = client.get(f"/admin/users/{reader.id}/edit")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'value="Läsaren"' in html and _hidden_version(html) == str(reader.version)
    fohm = find_actor(session, "FoHM")
    response = post(
        client,
        f"/admin/users/{reader.id}/edit",
        _edit_data(
            reader,
            role="medlem",
            can_see_confidential="y",
            organisation_id=str(fohm.id),
            display_name="Medlemmen",
        ),
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    session.expire_all()
    assert (reader.role, reader.can_see_confidential, reader.organisation_id) == (
        "medlem",
        True,
        fohm.id,
    )
    assert reader.display_name == "Medlemmen" and reader.is_active

    response = post(client, f"/admin/users/{reader.id}/edit", _edit_data(reader, email="trasig"))
    assert response.status_code == 422
    assert "E-postadressen ser inte giltig ut." in response.get_data(as_text=True)


def test_stale_edit_gets_409_with_both_versions_and_can_be_reapplied(
    client: Any, session: so.Session, as_role: Callable[..., User], make_user: Callable[..., User]
) -> None:
    as_role("admin")
    other_admin = make_user("admin")
    target = make_user("läsare", display_name="Original")
    session.commit()
    mine = _edit_data(target, display_name="Min ändring", role="medlem")
    services.update_user(
        session,
        other_admin,
        target,
        replace(UserInput.of(target), display_name="Deras ändring"),
        expected_version=target.version,
    )
    session.commit()

    response = post(client, f"/admin/users/{target.id}/edit", mine)
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert 'class="conflict"' in html and "Din version" in html and "Sparad version" in html
    box = html[html.index('class="conflict"') : html.index("</table>")]
    assert "Min ändring" in box and "Deras ändring" in box and "Medlem" in box
    assert 'value="Min ändring"' in html  # the form keeps what I typed
    assert _hidden_version(html) == str(target.version)
    session.expire_all()
    assert target.display_name == "Deras ändring" and target.role == "läsare"

    again = post(client, f"/admin/users/{target.id}/edit", mine | {"version": str(target.version)})
    assert again.status_code == 302
    session.expire_all()
    assert target.display_name == "Min ändring" and target.role == "medlem"


def test_the_user_logging_in_meanwhile_is_no_conflict(
    client: Any,
    app: Any,
    session: so.Session,
    as_role: Callable[..., User],
    make_user: Callable[..., User],
) -> None:
    as_role("admin", can_see_confidential=True)
    member = make_user("medlem")
    html = client.get(f"/admin/users/{member.id}/edit").get_data(as_text=True)
    version = _hidden_version(html)
    login(app.test_client(), member)  # records last_login_at, but is not an edit
    data = _edit_data(member, can_see_confidential="y") | {"version": version}
    assert post(client, f"/admin/users/{member.id}/edit", data).status_code == 302
    session.refresh(member)
    assert member.can_see_confidential and member.last_login_at is not None


def test_admin_cannot_demote_or_deactivate_themselves(
    client: Any, session: so.Session, as_role: Callable[..., User]
) -> None:
    admin = as_role("admin")
    session.commit()
    html = client.get(f"/admin/users/{admin.id}/edit").get_data(as_text=True)
    assert "Inaktivera " + admin.username not in html  # no button for oneself
    response = post(client, f"/admin/users/{admin.id}/edit", _edit_data(admin, role="medlem"))
    assert response.status_code == 403
    html = response.get_data(as_text=True)
    assert "Du kan inte ta bort din egen administratörsroll" in html and 'name="role"' in html
    assert (
        post(client, f"/admin/users/{admin.id}/edit", _edit_data(admin, is_active=None)).status_code
        == 403
    )
    assert post(client, f"/admin/users/{admin.id}/deactivate").status_code == 403
    session.expire_all()
    assert admin.role == "admin" and admin.is_active
    assert client.get("/admin/users").status_code == 200


def test_system_user_and_unknown_ids_are_not_found(
    client: Any, session: so.Session, as_role: Callable[..., User]
) -> None:
    as_role("admin")
    system = services.system_user(session)
    session.commit()
    assert client.get(f"/admin/users/{system.id}/edit").status_code == 404
    assert post(client, f"/admin/users/{system.id}/deactivate").status_code == 404
    assert client.get("/admin/users/999999/edit").status_code == 404
    assert post(client, "/admin/scale/9", {"level9-label": "X"}).status_code == 404


# --- deactivate and password -----------------------------------------------------------------


def test_deactivated_user_cannot_log_in(
    client: Any,
    app: Any,
    session: so.Session,
    as_role: Callable[..., User],
    make_user: Callable[..., User],
) -> None:
    as_role("admin")
    member = make_user("medlem")
    session.commit()
    response = post(client, f"/admin/users/{member.id}/deactivate")
    assert response.status_code == 302
    session.expire_all()
    assert not member.is_active
    other = app.test_client()
    refused = other.post(
        "/login",
        data={"csrf_token": csrf_token(other), "username": member.username, "password": PASSWORD},
    )
    assert refused.status_code == 401
    assert "Fel användarnamn eller lösenord." in refused.get_data(as_text=True)
    listing = client.get("/admin/users").get_data(as_text=True)
    assert "är inaktiverad" in listing


def test_admin_sets_a_new_password(
    client: Any,
    app: Any,
    session: so.Session,
    as_role: Callable[..., User],
    make_user: Callable[..., User],
) -> None:
    as_role("admin")
    member = make_user("medlem")
    session.commit()
    short = post(client, f"/admin/users/{member.id}/password", {"new_password": "kort"})
    assert short.status_code == 422
    assert "Lösenordet måste ha minst 12 tecken." in short.get_data(as_text=True)
    done = post(client, f"/admin/users/{member.id}/password", {"new_password": NEW_PASSWORD})
    assert done.status_code == 302 and done.location.endswith(f"/admin/users/{member.id}/edit")
    login(app.test_client(), member, NEW_PASSWORD)
    old = app.test_client()
    assert (
        old.post(
            "/login",
            data={"csrf_token": csrf_token(old), "username": member.username, "password": PASSWORD},
        ).status_code
        == 401
    )


# --- scale -----------------------------------------------------------------------------------


def _rename(client: Any, level: int, label: str, version: str) -> Any:
    token = csrf_token(client, "/admin/scale")
    return client.post(
        f"/admin/scale/{level}",
        data={
            f"level{level}-csrf_token": token,
            f"level{level}-label": label,
            f"level{level}-version": version,
        },
    )


def test_scale_page_shows_the_five_levels(client: Any, as_role: Callable[..., User]) -> None:
    as_role("admin")
    html = client.get("/admin/scale").get_data(as_text=True)
    colours = {row["level"]: row["colour"] for row in load_seed_data().scale}
    for level, label, english in (
        (1, "Ingen förmåga", "No capacity"),
        (2, "Begränsad förmåga", "Limited capacity"),
        (3, "Utvecklad förmåga", "Developed capacity"),
        (4, "Påvisad förmåga", "Demonstrated capacity"),
        (5, "Hållbar förmåga", "Sustainable capacity"),
    ):
        assert label in html and english in html and colours[level] in html
    assert "Förmågan är påvisad" in html
    assert html.count('name="level') == 5 * 3  # csrf, label and version per level
    assert 'href="/admin/users"' in html


def test_rename_scale_label(client: Any, session: so.Session, as_role: Callable[..., User]) -> None:
    as_role("admin")
    level = session.get(StatusLevel, 3)
    assert level is not None
    version = str(level.version)
    response = _rename(client, 3, "Delvis utvecklad förmåga", version)
    assert response.status_code == 302
    html = client.get("/admin/scale").get_data(as_text=True)
    assert "Delvis utvecklad förmåga" in html and "Nivå 3 heter nu" in html
    session.expire_all()
    assert level.label == "Delvis utvecklad förmåga" and level.level == 3

    empty = _rename(client, 3, "  ", str(level.version))
    assert empty.status_code == 422
    assert "Benämning måste fyllas i." in empty.get_data(as_text=True)


def test_stale_rename_shows_both_versions(
    client: Any, session: so.Session, as_role: Callable[..., User]
) -> None:
    as_role("admin")
    level = session.get(StatusLevel, 2)
    assert level is not None
    old_version = str(level.version)
    services.rename_level(
        session,
        services.system_user(session),
        level,
        label="Deras namn",
        expected_version=level.version,
    )
    session.commit()
    response = _rename(client, 2, "Mitt namn", old_version)
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "Din version" in html and "Sparad version" in html and "Deras namn" in html
    assert 'value="Mitt namn"' in html
    assert _hidden_version(html, "level2-") == str(level.version)
    again = _rename(client, 2, "Mitt namn", str(level.version))
    assert again.status_code == 302
    session.expire_all()
    assert level.label == "Mitt namn"
