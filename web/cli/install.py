"""`formaga seed` and `formaga init`: load the seed data, and on a fresh install migrate, seed
and create the first admin (whose one-time password `formaga run` shows after start-up)."""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING

import click

from web.cli import common

if TYPE_CHECKING:
    from capabilities.db import Session

# What `formaga seed` counts, in Swedish for the operator ("actors created" → "aktörer: 54 nya").
_SEED_WHAT = {
    "main groups": "huvudgrupper",
    "areas": "områden",
    "capabilities": "delförmågor",
    "levels": "nivåer",
    "actors": "aktörer",
    "assignments": "uppdrag",
    "links": "kopplingar",
    "commitments": "åtaganden",
}
_SEED_HOW = {"created": "nya", "updated": "uppdaterade", "corrected": "rättade"}


@click.command(help="Load data/ (Bilaga 1–3) idempotently.")
def seed() -> None:
    from importers.seed import seed as apply_seed
    from importers.seed_data import SeedDataError

    try:
        with common.session_scope(writing=True) as session:
            counts = apply_seed(session)
    except SeedDataError as exc:
        common.fail(str(exc))
    click.echo(_describe(counts))


def _describe(counts: dict[str, int]) -> str:
    if not counts:
        return "Seed: inga ändringar."
    parts = []
    for key, count in sorted(counts.items()):
        what, _, how = key.rpartition(" ")
        parts.append(f"{_SEED_WHAT.get(what, what)}: {count} {_SEED_HOW.get(how, how)}")
    return "Seed: " + ", ".join(parts) + "."


@click.command(help="Upgrade, seed, and create the first admin if there is no user.")
def init() -> None:
    first_admin = initialise()
    if first_admin is not None:
        # Last and framed, after everything else init (and make's pip) printed.
        click.echo(framed(first_admin))


def initialise() -> list[str] | None:
    """Migrate, seed and create the first admin; the lines to show the operator, if one was made."""
    from capabilities import migrate
    from capabilities.errors import DomainError
    from importers.seed import seed as apply_seed
    from importers.seed_data import SeedDataError

    migrate.upgrade()
    first_admin: list[str] | None = None
    try:
        with common.session_scope(writing=True) as session:
            counts = apply_seed(session)
            click.echo(_describe(counts))
            first_admin = _ensure_first_admin(session)
    except (SeedDataError, DomainError) as exc:
        common.fail(str(exc))
    return first_admin


def framed(lines: list[str]) -> str:
    width = max(len(line) for line in lines) + 4
    rule = "=" * width
    return "\n".join(["", rule, *(f"  {line}" for line in lines), rule, ""])


def _ensure_first_admin(session: Session) -> list[str] | None:
    """Create the first admin when there is no user; the lines to show the operator."""
    from capabilities.passwords import generate_password
    from capabilities.queries.users import has_users
    from capabilities.services import NewUser, create_user

    if has_users(session):
        return None
    username = os.environ.get("FORMAGA_ADMIN_USERNAME", "admin")
    organisation = os.environ.get("FORMAGA_ADMIN_ORGANISATION")
    if organisation is None and sys.stdin.isatty():
        organisation = click.prompt(
            "Första administratörens organisation (kortnamn eller namn, t.ex. SoS; tomt för ingen)",
            default="",
            show_default=False,
        )
    org_id = common.organisation_id(session, organisation)
    password = os.environ.get("FORMAGA_ADMIN_PASSWORD")
    generated = not password
    password = password or generate_password()
    create_user(
        session,
        None,
        NewUser(
            username=username,
            display_name="Administratör",
            role="admin",
            password=password,
            can_see_confidential=True,
            organisation_id=org_id,
        ),
    )
    lines = [f"Första administratören skapad: användarnamn {username}"]
    if org_id is None:
        lines += [
            "Ingen organisation angiven. Ange den så att uppdragens redovisningar når dig:",
            f"  formaga users set-organisation {username} KORTNAMN",
        ]
    if generated:
        lines.append(f"Lösenord (visas bara nu, spara det): {password}")
    return lines
