"""`formaga register` and `formaga import`: the register printed, and status updates read back
from an exported workbook's Uppdatering sheet."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import click

from web.cli import common
from web.cli.output import FORMAT_CHOICE, Column, Listing, emit

if TYPE_CHECKING:
    from capabilities.queries.register import RegisterRow


def _level(row: RegisterRow) -> str:
    return row.status.label if row.status else "Ej bedömd"


def _first_line(text: str) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return (lines[0].strip() + (" …" if len(lines) > 1 else "")) if lines else ""


REGISTER: Listing[RegisterRow] = Listing(
    table=(
        Column("nr", lambda r: r.number),
        Column("nivå", _level),
        Column("bedömd", lambda r: r.status.assessed_on.isoformat() if r.status else "–"),
        Column("uppdrag", lambda r: len(r.assignments), numeric=True),
        Column("delförmåga", lambda r: _first_line(r.title)),
    ),
    csv=(
        Column("nummer", lambda r: r.number),
        Column("område", lambda r: r.area_number),
        Column("delförmåga", lambda r: r.title),
        Column("nivå", _level),
        Column("bedömd", lambda r: r.status.assessed_on.isoformat() if r.status else ""),
        Column(
            "uppdrag", lambda r: " | ".join(", ".join(a.dnrs) or a.title for a in r.assignments)
        ),
    ),
    json=lambda r: r.as_json(),
)


@click.command("register", help="Print the register (table, json or csv).")
@click.option("--format", "fmt", type=FORMAT_CHOICE, default="table")
@click.option(
    "--as-of",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="The register as it stood on this date (YYYY-MM-DD).",
)
@click.option(
    "--include-confidential", is_flag=True, help="Include content marked confidential (sekretess)."
)
def register(fmt: str, as_of: datetime | None, include_confidential: bool) -> None:
    from capabilities.queries.register import register_rows

    day = as_of.date() if as_of else None
    with common.session_scope() as session:
        rows = register_rows(session, as_of=day, can_see_confidential=include_confidential)
    emit(rows, REGISTER, fmt)


@click.command(
    "import", help="Import status updates from an exported workbook's Uppdatering sheet."
)
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--user", "username", required=True, help="The member the assessments are by.")
@click.option("--dry-run", is_flag=True, help="Show what would change; write nothing.")
def import_(file: str, username: str, dry_run: bool) -> None:
    from capabilities.errors import DomainError
    from capabilities.redaction import CONFIDENTIAL_LABEL
    from importers.status_workbook import ImportRejected, apply_import, plan_rows, read_workbook

    try:  # parse before the write transaction begins: the web app keeps its write lock
        with open(file, "rb") as handle:
            rows = read_workbook(handle)
    except ImportRejected as exc:
        common.fail("Inget lästes in.\n" + "\n".join(str(p) for p in exc.problems))
    with common.session_scope(writing=not dry_run) as session:
        user = common.user_named(session, username)
        try:
            plan = plan_rows(session, user, rows)
        except ImportRejected as exc:
            common.fail("Inget lästes in.\n" + "\n".join(str(p) for p in exc.problems))
        except DomainError as exc:
            common.fail(exc.message)
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
