"""`formaga proposals` and `formaga commitments`: the procurement work for analysts."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import click

from web.cli import common
from web.cli.output import FORMAT_CHOICE, Column, Listing, emit, emit_json

if TYPE_CHECKING:
    from capabilities.queries.commitments import CommitmentView
    from capabilities.queries.procurement import ProposalRow

# The queries load when a command runs (`formaga --help` imports no SQLAlchemy).

FORMAT = click.option("--format", "fmt", type=FORMAT_CHOICE, default="table")
HIDDEN_TITLE = "Sekretessmarkerad uppgift"


def _numbers(c: CommitmentView) -> str:
    return ", ".join(link.number for link in c.capabilities)


def _commitment_text(views: Sequence[CommitmentView]) -> str:
    """Each commitment as a block: code and title, who to whom, its clauses, its capabilities."""
    lines = []
    for c in views:
        lines.append(f"{c.code}  {c.title}")
        lines.append(f"  {c.issuer} → {c.addressee or '–'}; status: {c.status} (källa {c.source})")
        lines += [f"  {number}. {text} ({source})" for number, text, source in c.clauses]
        lines.append("  delförmågor: " + _numbers(c))
    return "\n".join(lines)


def _commitment_json(c: CommitmentView) -> object:
    from capabilities.queries.commitments import commitment_as_json

    return commitment_as_json(c)


COMMITMENTS: Listing[CommitmentView] = Listing(
    table=_commitment_text,
    csv=(
        Column("kod", lambda c: c.code),
        Column("titel", lambda c: c.title),
        Column("från", lambda c: c.issuer),
        Column("till", lambda c: c.addressee),
        Column("status", lambda c: c.status),
        Column("källa", lambda c: c.source),
        Column("delförmågor", _numbers),
    ),
    json=_commitment_json,
)


@click.command("commitments", help="Commitments beyond government assignments, with seed lines.")
@FORMAT
def commitments(fmt: str) -> None:
    from capabilities.queries.commitments import commitments as commitment_views

    with common.session_scope() as session:
        views = commitment_views(session)
    emit(views, COMMITMENTS, fmt)


def _stage(r: ProposalRow) -> str:
    from capabilities.services.procurement import STAGE_NAMES

    return STAGE_NAMES[r.stage]


def _title(r: ProposalRow) -> str:
    return r.title if r.title is not None else HIDDEN_TITLE


def _proposal_text(rows: Sequence[ProposalRow]) -> str:
    return "\n".join(f"{r.id:>4}  {_stage(r):<28} {r.answered:>2}/10  {_title(r)}" for r in rows)


PROPOSALS: Listing[ProposalRow] = Listing(
    table=_proposal_text,
    csv=(
        Column("id", lambda r: r.id),
        Column("förslag", _title),
        Column("steg", _stage),
        Column("besvarade", lambda r: r.answered),
        Column("upphandlas av", lambda r: r.procured_by),
    ),
    json=None,  # the JSON holds each proposal's details, not its row (below)
)


@click.command("proposals", help="Procurement proposals (seed 000) with their answers.")
@FORMAT
@click.option(
    "--include-confidential", is_flag=True, help="Include content marked confidential (sekretess)."
)
def proposals(fmt: str, include_confidential: bool) -> None:
    from capabilities.queries.procurement import proposal_as_json, proposal_details, proposal_rows

    with common.session_scope() as session:
        if fmt == "json":
            details = proposal_details(session, can_see_confidential=include_confidential)
            emit_json([proposal_as_json(d) for d in details])
            return
        rows = proposal_rows(session, can_see_confidential=include_confidential)
    emit(rows, PROPOSALS, fmt)
