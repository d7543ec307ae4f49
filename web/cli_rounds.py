"""`formaga rounds …`: open, list, show, close and compare reporting rounds."""

from __future__ import annotations

import json
import sys
from datetime import datetime
from typing import Any

import click

from capabilities import formatting


def _fail(message: str) -> None:
    click.echo(f"Fel: {message}", err=True)
    sys.exit(1)


def _user(session: Any, username: str) -> Any:
    from capabilities.queries.users import user_by_username

    user = user_by_username(session, username)
    if user is None or not user.is_active:
        _fail(f"Okänd eller inaktiv användare: {username}")
    return user


@click.group("rounds", help="Reporting rounds (uppföljningsomgångar).")
def rounds() -> None:
    pass


@rounds.command("open", help="Open a reporting round NAME (one may be open at a time).")
@click.argument("name")
@click.option(
    "--reference-date", type=click.DateTime(formats=["%Y-%m-%d"]), required=True, help="Lägesdatum."
)
@click.option(
    "--deadline", type=click.DateTime(formats=["%Y-%m-%d"]), required=True, help="Sista dag."
)
@click.option(
    "--reviewer", "reviewers", multiple=True, required=True, help="Username of a reviewer."
)
@click.option("--user", "username", default="admin", show_default=True, help="The admin acting.")
def open_(
    name: str,
    reference_date: datetime,
    deadline: datetime,
    reviewers: tuple[str, ...],
    username: str,
) -> None:
    from capabilities.errors import DomainError, ValidationFailed
    from capabilities.services.rounds import open_round
    from web.cli import session_scope

    with session_scope(writing=True) as session:
        user = _user(session, username)
        ids = [_user(session, r).id for r in reviewers]
        try:
            round_ = open_round(
                session,
                user,
                name=name,
                reference_date=reference_date.date(),
                deadline=deadline.date(),
                reviewer_ids=ids,
            )
        except ValidationFailed as exc:
            _fail(" ".join(m for msgs in exc.errors.values() for m in msgs))
        except DomainError as exc:
            _fail(exc.message)
        click.echo(f"Öppnade uppföljningsomgång {round_.id}: {round_.name}")


@rounds.command("list", help="All rounds, newest first.")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table")
def list_(fmt: str) -> None:
    from capabilities.queries.rounds import list_rounds
    from web.cli import session_scope

    with session_scope() as session:
        rows = [
            {
                "id": r.id,
                "name": r.name,
                "status": r.status,
                "reference_date": r.reference_date.isoformat(),
                "deadline": r.deadline.isoformat(),
                "closed_at": r.closed_at.isoformat() if r.closed_at else None,
                "sha256": s.sha256 if s else None,
            }
            for r, s in list_rounds(session)
        ]
    _emit(rows, fmt)


def _emit(rows: list[dict[str, Any]], fmt: str) -> None:
    if fmt == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    if not rows:
        if fmt == "table":
            click.echo("Inga uppföljningsomgångar.")
        return
    if fmt == "csv":
        from capabilities.reports.cells import csv_writer

        writer = csv_writer(sys.stdout, delimiter=";", lineterminator="\n")
        writer.writerow(list(rows[0]))
        for row in rows:
            writer.writerow(["" if v is None else v for v in row.values()])
        return
    from web.cli_output import text_table

    # The name last: the one table's last column takes the rest of the line.
    headers = ("id", "status", "lägesdatum", "sista dag", "stängd", "SHA-256", "namn")
    keys = ("id", "status", "reference_date", "deadline", "closed_at", "sha256", "name")
    table = [tuple("–" if row[k] is None else str(row[k]) for k in keys) for row in rows]
    click.echo(text_table(headers, table, numeric={0}, wrap=True))


@rounds.command("show", help="A round's facts, progress and snapshot hash.")
@click.argument("round_id", type=int)
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table")
def show(round_id: int, fmt: str) -> None:
    from capabilities.errors import DomainError
    from capabilities.queries.rounds import round_summary
    from web.cli import session_scope

    with session_scope() as session:
        try:
            data = round_summary(session, round_id)
        except DomainError as exc:
            _fail(exc.message)
    if fmt == "json":
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    if fmt == "csv":
        _emit([{"läge": state, "antal": n} for state, n in data["counts"].items()], "csv")
        return
    click.echo(f"{data['id']}  {data['name']}  ({data['status']})")
    click.echo(f"Lägesdatum {data['reference_date']}, sista dag {data['deadline']}")
    click.echo("Granskare: " + ", ".join(data["reviewers"]))
    click.echo(
        "Läge: "
        + ", ".join(f"{state} {n}" for state, n in data["counts"].items())
        + f"  (fastställt {formatting.percent(data['completion_percent'])})"
    )
    if data["sha256"]:
        verdict = "stämmer" if data["sha256_verified"] else "STÄMMER INTE"
        click.echo(f"SHA-256: {data['sha256']} (kontrollsumman {verdict})")


@rounds.command("close", help="Close (freeze) a round and print its snapshot hash.")
@click.argument("round_id", type=int)
@click.option("--user", "username", default="admin", show_default=True, help="The admin acting.")
def close(round_id: int, username: str) -> None:
    from capabilities.errors import DomainError
    from capabilities.queries.rounds import get_round
    from capabilities.services.rounds import close_round
    from web.cli import session_scope

    with session_scope(writing=True) as session:
        user = _user(session, username)
        try:
            frozen = close_round(session, user, get_round(session, round_id))
        except DomainError as exc:
            _fail(exc.message)
        click.echo(f"Stängde omgång {round_id}. SHA-256: {frozen.sha256}")


@rounds.command("compare", help="Compare closed round ID1 with closed round ID2 or 'today'.")
@click.argument("first", type=int)
@click.argument("second")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table")
@click.option("--all", "show_all", is_flag=True, help="Every capability, not only the changes.")
@click.option(
    "--include-confidential", is_flag=True, help="Include content marked confidential (sekretess)."
)
def compare(first: int, second: str, fmt: str, show_all: bool, include_confidential: bool) -> None:
    from capabilities.errors import DomainError
    from capabilities.queries.rounds import compare_rounds
    from capabilities.reports.round_comparison import capability_rows, write_comparison_csv
    from web.cli import session_scope

    if second != "today" and not (second.isascii() and second.isdigit()):
        _fail(f"Ange ett omgångs-id eller today, inte ”{second}”.")
    with session_scope() as session:
        try:
            comparison = compare_rounds(
                session,
                first,
                None if second == "today" else int(second),
                can_see_confidential=include_confidential,
            )
        except DomainError as exc:
            _fail(exc.message)
    if fmt == "json":
        click.echo(json.dumps(comparison.as_json(), ensure_ascii=False, indent=2))
    elif fmt == "csv":
        write_comparison_csv(comparison, sys.stdout)
    else:
        click.echo(comparison.title)
        for row in capability_rows(comparison, changed_only=not show_all):
            number, _area, _sb, _sa, before, after, arrow = row[:7]
            extra = "; ".join(
                f"{label} {value}"
                for label, value in zip(
                    ("+uppdrag", "−uppdrag", "+åtgärd", "−åtgärd"), row[9:], strict=True
                )
                if value
            )
            click.echo(
                f"{number:<8} {before or '–'!s:>2} → {after or '–'!s:<2} {arrow or ' '}  {extra}"
            )
        for score in comparison.scores:
            b = score.before.percent if score.before else None
            a = score.after.percent if score.after else None
            if a == b and not show_all:
                continue  # changes only, like the capabilities above
            change = "" if score.change is None else f" ({formatting.signed(score.change)})"
            click.echo(
                f"Poäng {score.number:<5} {formatting.decimal(b)} → {formatting.decimal(a)}{change}"
            )
