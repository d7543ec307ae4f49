"""Everyone has an organisation (issue 25, point 2): the first admin, console-made users, and a
banner for anyone without one. Seed 003's next interim report then reaches the admin."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
import sqlalchemy.orm as so
from click.testing import CliRunner

from capabilities.db import make_engine
from capabilities.models import Actor, User
from capabilities.queries.tasks import tasks_for
from tests.conftest import PASSWORD
from web.cli import main

SEED_003_NEXT = date(2026, 12, 15)


@pytest.fixture
def fresh(
    db_kind: str, fresh_database_url: Callable[[str], str], monkeypatch: pytest.MonkeyPatch
) -> str:
    url = fresh_database_url(db_kind)
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("FORMAGA_ADMIN_PASSWORD", PASSWORD)
    return url


def _admin_and_org(url: str, username: str = "admin") -> tuple[User, str | None]:
    engine = make_engine(url)
    try:
        with so.Session(engine) as session:
            user = session.scalars(sa.select(User).where(User.username == username)).one()
            org = session.get(Actor, user.organisation_id) if user.organisation_id else None
            session.expunge(user)
            return user, org.short_name if org else None
    finally:
        engine.dispose()


def test_init_gives_the_first_admin_the_organisation_and_seed_003_reaches_them(
    fresh: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("FORMAGA_ADMIN_ORGANISATION", "Läkemedelsverket")
    result = CliRunner().invoke(main, ["init"])
    assert result.exit_code == 0, result.output
    assert "Ingen organisation angiven" not in result.output
    admin, org = _admin_and_org(fresh)
    assert org == "LV"
    engine = make_engine(fresh)
    try:
        with so.Session(engine) as session:
            me = session.get(User, admin.id)
            assert me is not None
            due = {t.due_on for t in tasks_for(session, me, today=date(2026, 12, 6))}
    finally:
        engine.dispose()
    assert SEED_003_NEXT in due  # Mina uppgifter
    ics = tmp_path / "admin.ics"
    made = CliRunner().invoke(main, ["calendar", "-o", str(ics), "--user", "admin"])
    assert made.exit_code == 0, made.output
    assert "DTSTART;VALUE=DATE:20261215" in ics.read_text()


def test_init_without_an_organisation_says_how_to_set_it(fresh: str) -> None:
    result = CliRunner().invoke(main, ["init"], env={"FORMAGA_ADMIN_ORGANISATION": ""})
    assert result.exit_code == 0, result.output
    assert "formaga users set-organisation admin KORTNAMN" in result.output
    assert _admin_and_org(fresh)[1] is None
    done = CliRunner().invoke(main, ["users", "set-organisation", "admin", "sos"])
    assert done.exit_code == 0, done.output
    assert _admin_and_org(fresh)[1] == "SoS"


def test_an_unknown_organisation_is_refused_and_nothing_is_made(fresh: str) -> None:
    result = CliRunner().invoke(
        main, ["init"], env={"FORMAGA_ADMIN_ORGANISATION": "Okänd myndighet"}
    )
    assert result.exit_code == 1
    assert "Organisationen ”Okänd myndighet” finns inte bland aktörerna" in result.output
    assert "LV" in result.output  # the short names to choose from
    made = CliRunner().invoke(
        main,
        ["users", "create", "sara", "--role", "medlem", "--organisation", "Finns inte"],
    )
    assert made.exit_code == 1 and "finns inte bland aktörerna" in made.output


def test_users_create_takes_the_organisation_and_list_shows_it(fresh: str) -> None:
    assert CliRunner().invoke(main, ["init"], env={"FORMAGA_ADMIN_ORGANISATION": ""}).exit_code == 0
    made = CliRunner().invoke(
        main,
        [
            "users",
            "create",
            "eva",
            "--role",
            "medlem",
            "--organisation",
            "eHM",
            "--display-name",
            "Eva E",
        ],
    )
    assert made.exit_code == 0, made.output
    assert _admin_and_org(fresh, "eva")[1] == "eHM"
    listing = CliRunner().invoke(main, ["users", "list"]).output
    header, *rows = listing.splitlines()
    assert "organisation" in header
    assert any(row.startswith("eva") and " eHM " in row for row in rows)


def test_a_user_without_an_organisation_sees_how_to_set_it(
    client: Any, as_role: Callable[..., User], make_user: Callable[..., User], session: so.Session
) -> None:
    as_role("medlem")
    page = client.get("/").get_data(as_text=True)
    assert "Ditt konto är inte kopplat till någon organisation" in page
    assert "Be en administratör ange din organisation" in page


def test_an_admin_without_one_gets_a_link_and_with_one_no_banner(
    client: Any, as_role: Callable[..., User], session: so.Session
) -> None:
    admin = as_role("admin")
    page = client.get("/actors/").get_data(as_text=True)
    assert f'href="/admin/users/{admin.id}/edit"' in page
    lv = session.scalars(sa.select(Actor).where(Actor.short_name == "LV")).one()
    admin.organisation_id = lv.id
    session.commit()
    assert "inte kopplat till någon organisation" not in client.get("/actors/").get_data(
        as_text=True
    )
