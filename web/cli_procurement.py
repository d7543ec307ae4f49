"""`formaga proposals` and `formaga commitments`: the procurement work for analysts."""

from __future__ import annotations

import json
import sys
from typing import Any

import click

# The queries load when a command runs (`formaga --help` imports no SQLAlchemy).

FORMAT = click.option(
    "--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table"
)


def _session_scope() -> Any:
    from web.cli import session_scope  # the CLI's one transaction per command

    return session_scope()


@click.command("commitments", help="Commitments beyond government assignments, with seed lines.")
@FORMAT
def commitments_command(fmt: str) -> None:
    from capabilities.queries.commitments import commitment_as_json, commitments

    with _session_scope() as session:
        views = commitments(session)
    if fmt == "json":
        click.echo(json.dumps([commitment_as_json(c) for c in views], ensure_ascii=False, indent=2))
    elif fmt == "csv":
        from capabilities.reports.cells import csv_writer

        writer = csv_writer(sys.stdout, delimiter=";", lineterminator="\n")
        writer.writerow(["kod", "titel", "från", "till", "status", "källa", "delförmågor"])
        for c in views:
            writer.writerow(
                [
                    c.code,
                    c.title,
                    c.issuer,
                    c.addressee or "",
                    c.status,
                    c.source,
                    ", ".join(link.number for link in c.capabilities),
                ]
            )
    else:
        for c in views:
            click.echo(f"{c.code}  {c.title}")
            click.echo(
                f"  {c.issuer} → {c.addressee or '–'}; status: {c.status} (källa {c.source})"
            )
            for number, text, source in c.clauses:
                click.echo(f"  {number}. {text} ({source})")
            click.echo("  delförmågor: " + ", ".join(link.number for link in c.capabilities))


@click.command("proposals", help="Procurement proposals (seed 000) with their answers.")
@FORMAT
@click.option(
    "--include-confidential", is_flag=True, help="Include content marked confidential (sekretess)."
)
def proposals_command(fmt: str, include_confidential: bool) -> None:
    from capabilities.queries.procurement import proposal_as_json, proposal_details, proposal_rows
    from capabilities.services.procurement import STAGE_NAMES

    with _session_scope() as session:
        rows = proposal_rows(session, can_see_confidential=include_confidential)
        details = proposal_details(session, can_see_confidential=include_confidential)
    if fmt == "json":
        click.echo(json.dumps([proposal_as_json(d) for d in details], ensure_ascii=False, indent=2))
    elif fmt == "csv":
        from capabilities.reports.cells import csv_writer

        writer = csv_writer(sys.stdout, delimiter=";", lineterminator="\n")
        writer.writerow(["id", "förslag", "steg", "besvarade", "upphandlas av"])
        for r in rows:
            writer.writerow(
                [
                    r.id,
                    r.title if r.title is not None else "Sekretessmarkerad uppgift",
                    STAGE_NAMES[r.stage],
                    r.answered,
                    r.procured_by or "",
                ]
            )
    else:
        for r in rows:
            title = r.title if r.title is not None else "Sekretessmarkerad uppgift"
            click.echo(f"{r.id:>4}  {STAGE_NAMES[r.stage]:<28} {r.answered:>2}/10  {title}")
