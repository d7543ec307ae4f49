"""The `formaga` command: database, seeding, first admin, register output, serving.

`formaga --help` must answer at once: only click and the standard library are imported here;
each command imports what it needs (SQLAlchemy, pandas, openpyxl, the app) when it runs.
tests/test_cli.py checks that importing this module pulls in none of them.
"""

from __future__ import annotations

import json
import os
import sys
import textwrap
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import TYPE_CHECKING

import click

from web.cli_output import terminal_width, text_table
from web.cli_rounds import rounds

if TYPE_CHECKING:
    import sqlalchemy.orm as so

    from capabilities.models import User

# capabilities.queries.gaps.DEFAULT_STALE_MONTHS, SORT_NAMES and FLAG_NAMES, without importing
# pandas for --help (a test keeps them in step).
DEFAULT_STALE_MONTHS = 12
GAP_SORTS = ("register", "distance", "level", "age", "flags")
GAP_FLAGS = (
    "not_assessed",
    "stale",
    "below_target",
    "no_responsible_actor",
    "no_linked_assignment",
    "no_active_measure",
    "low_level_without_measure",
    "milestone_overdue",
)


@contextmanager
def session_scope(*, writing: bool = False) -> Iterator[so.Session]:
    """One transaction per command: commit on success, roll back on any error.

    Commands that write say so: on SQLite they then wait for the write lock up front instead of
    failing with "database is locked" while the web app is writing too.
    """
    import sqlalchemy as sa

    from capabilities.db import database_url, make_engine, make_session_factory

    engine = make_engine()
    session = make_session_factory(engine, writing=writing)()
    try:
        yield session
        session.commit()
    except (sa.exc.OperationalError, sa.exc.ProgrammingError):
        session.rollback()
        _explain_database(database_url())
        raise
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
        engine.dispose()


def _explain_database(url: str) -> None:
    """A database the command cannot use (unreachable, empty, older than the program) is one
    Swedish sentence and exit code 2, like `formaga serve`; any other error goes on."""
    from web.cli_serve import EXIT_CANNOT_SERVE, database_problem

    problem = database_problem(url)
    if problem:
        click.echo(f"Fel: {problem}", err=True)
        sys.exit(EXIT_CANNOT_SERVE)


def _fail(message: str) -> None:
    click.echo(f"Fel: {message}", err=True)
    sys.exit(1)


@click.group(help="Förmågeregistret: the capability register for healthcare supply preparedness.")
def main() -> None:
    pass


@main.group(help="Database migrations (Alembic).")
def db() -> None:
    pass


@db.command("upgrade", help="Migrate the database to REVISION (default: head).")
@click.argument("revision", default="head")
def db_upgrade(revision: str) -> None:
    from capabilities import migrate

    migrate.upgrade(revision=revision)


@db.command("downgrade", help="Migrate the database down to REVISION (e.g. base).")
@click.argument("revision")
def db_downgrade(revision: str) -> None:
    from capabilities import migrate

    migrate.downgrade(revision=revision)


@db.command("current", help="Show the current revision.")
def db_current() -> None:
    from capabilities import migrate

    migrate.current()


@main.command(help="Load data/ (Bilaga 1–3) idempotently.")
def seed() -> None:
    from importers.seed import seed as apply_seed
    from importers.seed_data import SeedDataError

    try:
        with session_scope(writing=True) as session:
            counts = apply_seed(session)
    except SeedDataError as exc:
        _fail(str(exc))
    click.echo(_describe(counts))


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


def _describe(counts: dict[str, int]) -> str:
    if not counts:
        return "Seed: inga ändringar."
    parts = []
    for key, count in sorted(counts.items()):
        what, _, how = key.rpartition(" ")
        parts.append(f"{_SEED_WHAT.get(what, what)}: {count} {_SEED_HOW.get(how, how)}")
    return "Seed: " + ", ".join(parts) + "."


@main.command(help="Upgrade, seed, and create the first admin if there is no user.")
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
        with session_scope(writing=True) as session:
            counts = apply_seed(session)
            click.echo(_describe(counts))
            first_admin = _ensure_first_admin(session)
    except (SeedDataError, DomainError) as exc:
        _fail(str(exc))
    return first_admin


def framed(lines: list[str]) -> str:
    width = max(len(line) for line in lines) + 4
    rule = "=" * width
    return "\n".join(["", rule, *(f"  {line}" for line in lines), rule, ""])


def _ensure_first_admin(session: so.Session) -> list[str] | None:
    """Create the first admin when there is no user; the lines to show the operator."""
    from capabilities.passwords import generate_password
    from capabilities.queries.users import has_users
    from capabilities.services import create_user

    if has_users(session):
        return None
    from web.cli_users import organisation_id

    username = os.environ.get("FORMAGA_ADMIN_USERNAME", "admin")
    organisation = os.environ.get("FORMAGA_ADMIN_ORGANISATION")
    if organisation is None and sys.stdin.isatty():
        organisation = click.prompt(
            "Första administratörens organisation (kortnamn eller namn, t.ex. SoS; tomt för ingen)",
            default="",
            show_default=False,
        )
    org_id = organisation_id(session, organisation)
    password = os.environ.get("FORMAGA_ADMIN_PASSWORD")
    generated = not password
    password = password or generate_password()
    create_user(
        session,
        None,
        username=username,
        display_name="Administratör",
        role="admin",
        password=password,
        can_see_confidential=True,
        organisation_id=org_id,
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


@main.command("register", help="Print the register (table, json or csv).")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table")
@click.option(
    "--as-of",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="The register as it stood on this date (YYYY-MM-DD).",
)
@click.option(
    "--include-confidential", is_flag=True, help="Include content marked confidential (sekretess)."
)
def register(fmt: str, as_of: object, include_confidential: bool) -> None:
    from capabilities.queries.register import register_rows

    day = as_of.date() if hasattr(as_of, "date") else None  # click gives a datetime
    with session_scope() as session:
        rows = register_rows(session, as_of=day, can_see_confidential=include_confidential)
    if fmt == "json":
        click.echo(json.dumps([r.as_json() for r in rows], ensure_ascii=False, indent=2))
    elif fmt == "csv":
        from capabilities.reports.cells import csv_writer

        writer = csv_writer(sys.stdout, delimiter=";", lineterminator="\n")
        writer.writerow(["nummer", "område", "delförmåga", "nivå", "bedömd", "uppdrag"])
        for r in rows:
            writer.writerow(
                [
                    r.number,
                    r.area_number,
                    r.title,
                    r.status.label if r.status else "Ej bedömd",
                    r.status.assessed_on.isoformat() if r.status else "",
                    " | ".join(", ".join(a.dnrs) or a.title for a in r.assignments),
                ]
            )
    else:
        table = [
            (
                r.number,
                r.status.label if r.status else "Ej bedömd",
                r.status.assessed_on.isoformat() if r.status else "–",
                str(len(r.assignments)),
                _first_line(r.title),
            )
            for r in rows
        ]
        headers = ("nr", "nivå", "bedömd", "uppdrag", "delförmåga")
        click.echo(text_table(headers, table, numeric={3}, wrap=False))


@main.command("export", help="Export the register report (xlsx workbook or CSV).")
@click.option("--format", "fmt", type=click.Choice(["xlsx", "csv"]), default="xlsx")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), required=True)
@click.option(
    "--as-of",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="The register as it stood at the end of this date.",
)
@click.option(
    "--include-confidential",
    is_flag=True,
    help="Include content marked confidential (the file is then under secrecy).",
)
@click.option(
    "--exported-by",
    default=lambda: os.environ.get("USER", ""),
    help="Name written into the report as exporter.",
)
def export(
    fmt: str, output: str, as_of: datetime | None, include_confidential: bool, exported_by: str
) -> None:
    from capabilities.reports.csv_export import write_register_csv
    from capabilities.reports.data import build_report
    from capabilities.reports.xlsx import write_workbook

    with session_scope() as session:
        report = build_report(
            session,
            as_of=as_of.date() if as_of else None,
            include_confidential=include_confidential,
            exported_by=exported_by,
        )
    if fmt == "xlsx":
        with open(output, "wb") as handle:
            write_workbook(report, handle)
    else:
        with open(output, "w", encoding="utf-8", newline="") as handle:
            write_register_csv(report, handle)
    click.echo(f"Skrev {output} ({len(report.capabilities)} delförmågor, per {report.as_of}).")


@main.command("report", help="The register report as PDF (or xlsx/CSV), as of a date or a round.")
@click.option("--format", "fmt", type=click.Choice(["pdf", "xlsx", "csv"]), default="pdf")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), required=True)
@click.option(
    "--as-of",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="The register as it stood at the end of this date.",
)
@click.option("--round", "round_id", type=int, default=None, help="A closed reporting round.")
@click.option(
    "--include-confidential",
    is_flag=True,
    help="Include content marked confidential; needs --user with clearance.",
)
@click.option("--user", "username", default=None, help="The user the report is made for.")
def report_command(
    fmt: str,
    output: str,
    as_of: datetime | None,
    round_id: int | None,
    include_confidential: bool,
    username: str | None,
) -> None:
    from capabilities.errors import DomainError
    from capabilities.queries.users import user_by_username
    from capabilities.reports.csv_export import write_register_csv
    from capabilities.reports.data import build_report
    from capabilities.reports.pdf import write_pdf
    from capabilities.reports.round_report import round_report
    from capabilities.reports.xlsx import write_workbook

    if as_of is not None and round_id is not None:
        _fail("Ange antingen --as-of eller --round, inte båda.")
    with session_scope() as session:
        user = None
        if username is not None:
            user = user_by_username(session, username)
            if user is None or not user.is_active:
                _fail(f"Okänd eller inaktiv användare: {username}")
        if include_confidential and (user is None or not user.can_see_confidential):
            _fail(
                "Sekretessmarkerade uppgifter kräver --user med behörighet att se "
                "sekretessmarkerade uppgifter."
            )
        exported_by = user.display_name if user else os.environ.get("USER", "")
        round_info = None
        if round_id is not None:
            try:
                data, round_info, _snap = round_report(
                    session,
                    round_id,
                    include_confidential=include_confidential,
                    exported_by=exported_by,
                )
            except DomainError as exc:
                _fail(exc.message)
        else:
            data = build_report(
                session,
                as_of=as_of.date() if as_of else None,
                include_confidential=include_confidential,
                exported_by=exported_by,
            )
    if fmt == "pdf":
        with open(output, "wb") as handle:
            write_pdf(data, handle, round_info)
    elif fmt == "xlsx":
        with open(output, "wb") as handle:
            write_workbook(data, handle)
    else:
        with open(output, "w", encoding="utf-8", newline="") as handle:
            write_register_csv(data, handle)
    click.echo(f"Skrev {output} ({len(data.capabilities)} delförmågor, per {data.as_of}).")


@main.command("import", help="Import status updates from an exported workbook's Uppdatering sheet.")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--user", "username", required=True, help="The member the assessments are by.")
@click.option("--dry-run", is_flag=True, help="Show what would change; write nothing.")
def import_(file: str, username: str, dry_run: bool) -> None:
    from capabilities.errors import DomainError
    from capabilities.queries.users import user_by_username
    from capabilities.redaction import CONFIDENTIAL_LABEL
    from importers.status_workbook import ImportRejected, apply_import, plan_rows, read_workbook

    try:  # parse before the write transaction begins: the web app keeps its write lock
        with open(file, "rb") as handle:
            rows = read_workbook(handle)
    except ImportRejected as exc:
        _fail("Inget lästes in.\n" + "\n".join(str(p) for p in exc.problems))
    with session_scope(writing=not dry_run) as session:
        user = user_by_username(session, username)
        if user is None or not user.is_active:
            _fail(f"Okänd eller inaktiv användare: {username}")
        assert user is not None
        try:
            plan = plan_rows(session, user, rows)
        except ImportRejected as exc:
            _fail("Inget lästes in.\n" + "\n".join(str(p) for p in exc.problems))
        except DomainError as exc:
            _fail(exc.message)
        for change in plan.changes:
            old = (
                CONFIDENTIAL_LABEL
                if change.old_redacted
                else change.old_level
                if change.old_level is not None
                else "Ej bedömd"
            )
            click.echo(f"{change.number}: {old} → {change.level}  {change.summary[:60]}")
        for conflict in plan.conflicts:
            click.echo(f"Konflikt: {conflict}")
        if plan.already_applied:
            click.echo(f"Redan inlästa: {', '.join(plan.already_applied)}")
        if dry_run:
            session.rollback()
            click.echo(f"Provkörning: {len(plan.changes)} ändringar skulle läsas in.")
            return
        apply_import(session, user, plan)
    click.echo(f"Läste in {len(plan.changes)} nya bedömningar, {len(plan.conflicts)} konflikter.")


@main.command(help="Coverage gaps per capability (flags), as of today or a past date.")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table")
@click.option(
    "--stale-months",
    type=click.IntRange(1, 240),
    default=DEFAULT_STALE_MONTHS,
    help="An assessment older than this many months is stale.",
)
@click.option("--as-of", type=click.DateTime(formats=["%Y-%m-%d"]), default=None)
@click.option(
    "--sort",
    type=click.Choice(GAP_SORTS),
    default=GAP_SORTS[0],
    help="Order, weakest first: register, distance (to target), level, age (of the "
    "assessment), flags (most first). Unknown values last.",
)
@click.option(
    "--flag",
    "flags",
    multiple=True,
    type=click.Choice(GAP_FLAGS),
    help="Only capabilities with every given flag (repeat for more).",
)
@click.option("--area", default="", help="Only capabilities in this area, e.g. 3.2.")
@click.option("--include-confidential", is_flag=True)
def gaps(
    fmt: str,
    stale_months: int,
    as_of: datetime | None,
    sort: str,
    flags: tuple[str, ...],
    area: str,
    include_confidential: bool,
) -> None:

    from capabilities.queries.gap_view import UNLINKED_GROUP, gap_view, unlinked_as_json
    from capabilities.queries.gaps import FLAGS, flag_counts
    from capabilities.queries.gaps import records as gap_records

    with session_scope() as session:
        view = gap_view(
            session,
            as_of=as_of.date() if as_of else None,
            stale_months=stale_months,
            can_see_confidential=include_confidential,
            flags=flags,
            area=area.strip(),
            sort=sort,
        )
    if area.strip() and area.strip() not in set(view.frame["area"]):
        _fail(f"Okänt område: {area.strip()}.")
    if fmt == "json":
        body = {
            "items": gap_records(view.rows),
            "sort": sort,
            "unlinked_assignments": [unlinked_as_json(item) for item in view.unlinked],
        }
        click.echo(json.dumps(body, ensure_ascii=False, indent=2))
    elif fmt == "csv":
        from capabilities.reports.gap_export import write_csv

        write_csv(view, sys.stdout, bom=False, lineterminator="\n")
    else:
        table = []
        for record in gap_records(view.rows):
            unknown = [f.label for f in FLAGS if record[f.name] is None]
            marked = [f.label for f in FLAGS if record[f.name] is True]
            if unknown:
                marked.append("okänt: " + ", ".join(unknown))
            table.append(
                (
                    record["number"],
                    _level(record["level"]),
                    _level(record["target_level"]),
                    _level(record["gap"]),
                    "; ".join(marked) or "–",
                )
            )
        click.echo(
            text_table(
                ("nr", "nivå", "mål", "avstånd", "luckor"), table, numeric={1, 2, 3}, wrap=True
            )
        )
        if view.unlinked:
            click.echo(f"\n{UNLINKED_GROUP}:")
            rows = [
                (
                    ", ".join(item.dnrs) or "utan dnr",
                    item.next_due_on.isoformat() if item.next_due_on else "–",
                    ("Redovisning ej registrerad; " if item.milestone_overdue else "") + item.title,
                )
                for item in view.unlinked
            ]
            click.echo(
                text_table(("dnr", "nästa redovisning", "uppdrag"), rows, numeric=set(), wrap=True)
            )
        totals = ", ".join(
            f"{f.label} {n}" for f, n in zip(FLAGS, flag_counts(view.frame).values(), strict=True)
        )
        click.echo("\n" + textwrap.fill(f"Summa: {totals}", terminal_width()))


def _level(value: object) -> str:
    """A level for a table: 3, or – when missing or hidden (never pandas' <NA> or 3.0)."""
    if value is None or (isinstance(value, float) and value != value):
        return "–"
    return str(int(value))  # type: ignore[call-overload]


def _first_line(text: str) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return (lines[0].strip() + (" …" if len(lines) > 1 else "")) if lines else ""


def _find_user(session: so.Session, username: str) -> User:
    from capabilities.queries.users import user_by_username

    user = user_by_username(session, username)
    if user is None or not user.is_active or user.is_system:
        _fail(f"Okänd eller inaktiv användare: {username}")
    assert user is not None
    return user


@contextmanager
def _web_context() -> Iterator[None]:
    """A request context on the register's public address (FORMAGA_BASE_URL), for links."""
    from web.app import create_app

    base_url = os.environ.get("FORMAGA_BASE_URL", "").strip() or "http://localhost:5000"
    with create_app().test_request_context("/", base_url=base_url):
        yield


@main.command(help="Write the deadlines as an iCalendar file (all, or one user's).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), required=True)
@click.option("--user", "username", default=None, help="Only this user's deadlines.")
def calendar(output: str, username: str | None) -> None:
    from datetime import date

    from web.deadlines.feed import feed_bytes

    with session_scope() as session, _web_context():
        user = _find_user(session, username) if username else None
        body = feed_bytes(session, user, today=date.today())
    with open(output, "wb") as handle:
        handle.write(body)
    events = body.count(b"BEGIN:VEVENT")
    click.echo(f"Skrev {output} ({events} händelser).")


def _reminders(count: int) -> str:
    return f"{count} påminnelse" if count == 1 else f"{count} påminnelser"


@main.command(help="E-mail each subscribed user a digest of what changed among their tasks.")
@click.option("--dry-run", is_flag=True, help="Show who would get what; send and log nothing.")
def remind(dry_run: bool) -> None:
    from datetime import date

    from capabilities.mail import MailError, SmtpSettings
    from web.deadlines.remind import dry_run_line, nothing_to_send, run_reminders

    settings = None
    if not dry_run:
        try:
            settings = SmtpSettings.from_env()
        except MailError as exc:
            _fail(exc.message)
    with session_scope(writing=not dry_run) as session, _web_context():
        report = run_reminders(session, settings, today=date.today(), dry_run=dry_run)
        if not report.digests:
            click.echo(nothing_to_send(report))
            return
        if dry_run:
            for digest in report.digests:
                click.echo(f"Till {digest.user.display_name} <{digest.user.email}>:")
                for item in digest.items:
                    click.echo(f"  {dry_run_line(item)}")
            click.echo(f"Provkörning: {_reminders(len(report.digests))} skulle skickas.")
            return
    for address in report.sent:
        click.echo(f"Skickade påminnelse till {address}.")
    if not report.ok:
        unsent = len(report.digests) - len(report.sent)
        _fail(
            "\n".join(report.failed)
            + f"\n{unsent} av {_reminders(len(report.digests))} skickades inte"
            " och skickas vid nästa körning."
        )
    else:
        click.echo(f"Skickade {_reminders(len(report.sent))}.")


@main.command(help="Back up the whole database to FILE (SQLite backup API or pg_dump).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), required=True)
def backup(output: str) -> None:
    from capabilities.backup import BackupError
    from capabilities.backup import backup as backup_database
    from capabilities.db import database_url

    try:
        written = backup_database(database_url(), output)
    except BackupError as exc:
        _fail(exc.message)
    click.echo(f"Säkerhetskopia skriven: {output} ({written.stat().st_size // 1024} kB).")


@main.command(help="Restore a backup FILE into the empty database at DATABASE_URL.")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
def restore(file: str) -> None:
    from capabilities.backup import BackupError
    from capabilities.backup import restore as restore_database
    from capabilities.db import database_url

    try:
        restore_database(file, database_url())
    except BackupError as exc:
        _fail(exc.message)
    click.echo(f"Återställde databasen från {file}.")


main.add_command(rounds)


def _add_subcommands() -> None:
    from web.cli_procurement import commitments_command, proposals_command
    from web.cli_reference import actors, assignments
    from web.cli_serve import run, serve
    from web.cli_users import users

    main.add_command(users)
    main.add_command(serve)
    main.add_command(run)
    main.add_command(assignments)
    main.add_command(actors)
    main.add_command(commitments_command)
    main.add_command(proposals_command)


_add_subcommands()
