"""`formaga rounds …`: open, list, show, close and compare reporting rounds."""

from __future__ import annotations

import sys
from collections.abc import Mapping
from datetime import datetime
from typing import Any

import click

from capabilities import formatting
from web.cli import common
from web.cli.output import FORMAT_CHOICE, Column, Listing, emit, emit_json

Row = Mapping[str, Any]


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
    from capabilities.errors import DomainError
    from capabilities.services.rounds import open_round

    with common.session_scope(writing=True) as session:
        user = common.user_named(session, username)
        ids = [common.user_named(session, r).id for r in reviewers]
        try:
            round_ = open_round(
                session,
                user,
                name=name,
                reference_date=reference_date.date(),
                deadline=deadline.date(),
                reviewer_ids=ids,
            )
        except DomainError as exc:
            common.fail(common.refusal(exc))
        click.echo(f"Öppnade uppföljningsomgång {round_.id}: {round_.name}")


@rounds.command("list", help="All rounds, newest first.")
@click.option("--format", "fmt", type=FORMAT_CHOICE, default="table")
def list_(fmt: str) -> None:
    from capabilities.queries.api import round_items

    with common.session_scope() as session:
        rows = round_items(session)
    emit(rows, ROUNDS, fmt)


def _cell(key: str) -> Column[Row]:
    return Column(key, lambda row: row[key])


def _table_cell(header: str, key: str) -> Column[Row]:
    return Column(header, lambda row: "–" if row[key] is None else row[key], numeric=key == "id")


_KEYS = ("id", "name", "status", "reference_date", "deadline", "closed_at", "sha256")
ROUNDS: Listing[Row] = Listing(
    # The name last: the one table's last column takes the rest of the line.
    table=tuple(
        _table_cell(header, key)
        for header, key in (
            ("id", "id"),
            ("status", "status"),
            ("lägesdatum", "reference_date"),
            ("sista dag", "deadline"),
            ("stängd", "closed_at"),
            ("SHA-256", "sha256"),
            ("namn", "name"),
        )
    ),
    csv=tuple(_cell(key) for key in _KEYS),
    json=lambda row: row,
    wrap=True,
    empty="Inga uppföljningsomgångar.",
)
COUNTS: Listing[Row] = Listing(
    table=(), csv=(_cell("läge"), _cell("antal")), json=lambda row: row, empty=""
)


@rounds.command("show", help="A round's facts, progress and snapshot hash.")
@click.argument("round_id", type=int)
@click.option("--format", "fmt", type=FORMAT_CHOICE, default="table")
def show(round_id: int, fmt: str) -> None:
    from capabilities.errors import DomainError
    from capabilities.queries.rounds import round_summary

    with common.session_scope() as session:
        try:
            data = round_summary(session, round_id)
        except DomainError as exc:
            common.fail(exc.message)
    if fmt == "json":
        emit_json(data)
        return
    if fmt == "csv":
        emit([{"läge": state, "antal": n} for state, n in data["counts"].items()], COUNTS, "csv")
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

    with common.session_scope(writing=True) as session:
        user = common.user_named(session, username)
        try:
            frozen = close_round(session, user, get_round(session, round_id))
        except DomainError as exc:
            common.fail(exc.message)
        click.echo(f"Stängde omgång {round_id}. SHA-256: {frozen.sha256}")


@rounds.command("compare", help="Compare closed round ID1 with closed round ID2 or 'today'.")
@click.argument("first", type=int)
@click.argument("second")
@click.option("--format", "fmt", type=FORMAT_CHOICE, default="table")
@click.option("--all", "show_all", is_flag=True, help="Every capability, not only the changes.")
@click.option(
    "--include-confidential", is_flag=True, help="Include content marked confidential (sekretess)."
)
def compare(first: int, second: str, fmt: str, show_all: bool, include_confidential: bool) -> None:
    from capabilities.errors import DomainError
    from capabilities.queries.rounds import compare_rounds
    from capabilities.reports.round_comparison import capability_rows, write_comparison_csv

    if second != "today" and not (second.isascii() and second.isdigit()):
        common.fail(f"Ange ett omgångs-id eller today, inte ”{second}”.")
    with common.session_scope() as session:
        try:
            comparison = compare_rounds(
                session,
                first,
                None if second == "today" else int(second),
                can_see_confidential=include_confidential,
            )
        except DomainError as exc:
            common.fail(exc.message)
    if fmt == "json":
        emit_json(comparison.as_json())
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
