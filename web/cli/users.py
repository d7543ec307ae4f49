"""`formaga users …`: create, list, deactivate users and set passwords from the console.

`formaga users set-password USERNAME` is the documented way to recover a lost admin password:
whoever can run commands on the server may do it. Console actions are recorded in the audit
log as the system user, like the seed; the services check the same rules as the web pages,
except that the console may grant clearance and reset a cleared user's password: it is the
operator on the server, who can read the database anyway (DEVELOPERS.md, Users and clearance).
"""

from __future__ import annotations

import sys

import click

from capabilities.errors import DomainError
from capabilities.roles import ROLES
from web.cli import common
from web.cli.output import text_table


def _password(from_stdin: bool) -> tuple[str, bool]:
    """The password from standard input (first line), or a generated one to print once."""
    if from_stdin:
        line = sys.stdin.readline().rstrip("\r\n")
        if not line:
            common.fail("Inget lösenord på standard in.")
        return line, False
    from capabilities.passwords import generate_password

    return generate_password(), True


@click.group(help="Manage users: create, set-password (also admin recovery), list, deactivate.")
def users() -> None:
    pass


@users.command("create", help="Create a user; the password is read from stdin or generated.")
@click.argument("username")
@click.option("--role", type=click.Choice(ROLES), required=True)
@click.option("--confidential", is_flag=True, help="May see content marked confidential.")
@click.option("--display-name", default=None, help="Full name (default: the username).")
@click.option(
    "--organisation",
    default=None,
    help="The user's organisation, by short name or name (e.g. LV or Läkemedelsverket): "
    "their tasks, calendar and reminders follow from it.",
)
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def create(
    username: str,
    role: str,
    confidential: bool,
    display_name: str | None,
    organisation: str | None,
    password_stdin: bool,
) -> None:
    from capabilities.services import NewUser, create_user, system_user

    password, generated = _password(password_stdin)
    try:
        with common.session_scope(writing=True) as session:
            org = common.organisation_id(session, organisation)
            create_user(
                session,
                system_user(session),
                NewUser(
                    username=username,
                    display_name=display_name or username,
                    role=role,
                    can_see_confidential=confidential,
                    organisation_id=org,
                    password=password,
                ),
            )
    except DomainError as exc:
        common.fail(common.refusal(exc))
    clearance = ", får se sekretessmarkerade uppgifter" if confidential else ""
    click.echo(f"Skapade användaren {username.strip().lower()} ({role}{clearance}).")
    if generated:
        click.echo(f"Lösenord (visas bara nu, lämna det på ett säkert sätt): {password}")


@users.command(
    "set-password",
    help="Set a new password (also how to recover a lost admin password); ends the user's "
    "sessions.",
)
@click.argument("username")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def set_password_(username: str, password_stdin: bool) -> None:
    from capabilities.services import set_password, system_user

    password, generated = _password(password_stdin)
    try:
        with common.session_scope(writing=True) as session:
            user = common.user_named(session, username, active=False)
            set_password(session, system_user(session), user, new_password=password)
            name = user.username
    except DomainError as exc:
        common.fail(common.refusal(exc))
    click.echo(f"Nytt lösenord är satt för {name}; alla dess inloggningar är avslutade.")
    if generated:
        click.echo(f"Lösenord (visas bara nu, lämna det på ett säkert sätt): {password}")


@users.command("list", help="List users: username, role, clearance, active, last login.")
def list_() -> None:
    from capabilities.queries.users import console_user_rows

    with common.session_scope() as session:
        rows = console_user_rows(session)
    header = (
        "användarnamn",
        "namn",
        "roll",
        "organisation",
        "sekretess",
        "aktiv",
        "senast inloggad",
    )
    table = [
        (
            name,
            display,
            role,
            org or "–",
            "ja" if cleared else "nej",
            "ja" if active else "nej",
            last.strftime("%Y-%m-%d %H:%M") if last else "–",
        )
        for name, display, role, org, cleared, active, last in rows
    ]
    click.echo(text_table(header, table, numeric=set(), wrap=False))


@users.command(
    "set-organisation",
    help="Set (or with '' clear) a user's organisation, by short name or name.",
)
@click.argument("username")
@click.argument("organisation")
def set_organisation(username: str, organisation: str) -> None:
    from dataclasses import replace

    from capabilities.services import UserInput, system_user, update_user

    try:
        with common.session_scope(writing=True) as session:
            user = common.user_named(session, username, active=False)
            org = common.organisation_id(session, organisation)
            update_user(
                session,
                system_user(session),
                user,
                replace(UserInput.of(user), organisation_id=org),
                expected_version=user.version,
            )
            name = user.username
    except DomainError as exc:
        common.fail(common.refusal(exc))
    where = organisation.strip() or "ingen organisation"
    click.echo(f"{name} hör nu till {where}.")


@users.command("deactivate", help="Deactivate a user: no login, every session ends at once.")
@click.argument("username")
def deactivate(username: str) -> None:
    from capabilities.services import deactivate_user, system_user

    try:
        with common.session_scope(writing=True) as session:
            user = common.user_named(session, username, active=False)
            if not user.is_active:
                click.echo(f"{user.username} är redan inaktiverad.")
                return
            deactivate_user(session, system_user(session), user)
            name = user.username
    except DomainError as exc:
        common.fail(common.refusal(exc))
    click.echo(f"{name} är inaktiverad och kan inte längre logga in.")
