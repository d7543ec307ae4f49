"""`formaga assignments` and `formaga actors`: the analysts' reference data (table, json, csv).

The JSON objects are the API's (/api/v1/assignments, /api/v1/actors) in full, unpaged; README
documents them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import click

from web.cli import common
from web.cli.output import FORMAT_CHOICE, Column, Listing, emit

Item = Mapping[str, Any]  # an assignment or actor in the API shape (api_shapes)


def _dnrs(item: Item) -> str:
    """The dnrs as printed ("(delvis)" included), normalised where no printed form is kept."""
    return ", ".join(d["printed"] or d["number"] for d in item["diary_numbers"]) or "–"


def _milestones(item: Item) -> str:
    parts = []
    for m in item["milestones"]:
        state = f"redovisad {m['done_on'] or ''}".strip() if m["is_done"] else "ej redovisad"
        parts.append(f"{m['due_on']} {m['kind']} ({state})")
    return "; ".join(parts)


def _recipients(item: Item, role: str) -> str:
    return "; ".join(
        r["name"] + (" (huvudansvarig)" if r["is_lead"] else "")
        for r in item["recipients"]
        if r["role"] == role
    )


def _lead(item: Item) -> str:
    return next((r["short_name"] or r["name"] for r in item["recipients"] if r["is_lead"]), "–")


def _next_due(item: Item) -> str:
    pending = sorted(m["due_on"] for m in item["milestones"] if not m["is_done"])
    return pending[0] if pending else "–"


def _key(key: str, header: str | None = None) -> Column[Item]:
    return Column(header or key, lambda item: item[key])


ASSIGNMENTS: Listing[Item] = Listing(
    table=(
        Column("dnr", _dnrs),
        _key("status"),
        Column("ansvarig", _lead),
        Column("nästa redovisning", _next_due),
        Column("delförmågor", lambda item: len(item["capability_numbers"]), numeric=True),
        _key("title", "uppdrag"),
    ),
    csv=(
        _key("id"),
        Column("dnr", _dnrs),
        _key("title", "uppdrag"),
        _key("status"),
        _key("status_source", "statuskälla"),
        Column("mottagare", lambda item: _recipients(item, "mottagare")),
        Column("samarbetsparter", lambda item: _recipients(item, "samarbetspart")),
        Column("redovisningar", _milestones),
        Column("delförmågor", lambda item: ", ".join(item["capability_numbers"])),
    ),
    json=lambda item: item,
)


def _capabilities(item: Item, role: str) -> str:
    return ", ".join(r["capability_number"] for r in item["responsibilities"] if r["role"] == role)


def _known(value: bool | None) -> str:
    return "okänt" if value is None else ("ja" if value else "nej")


ACTORS: Listing[Item] = Listing(
    table=(
        Column("kortnamn", lambda item: item["short_name"] or "–"),
        _key("kind", "slag"),
        Column("ansvar", lambda item: len(item["responsibilities"]), numeric=True),
        Column("uppdrag", lambda item: len(item["assignments"]), numeric=True),
        Column(
            "aktör",
            lambda item: (
                item["name"] + (f" (avvecklad {item['retired_on']})" if item["retired_on"] else "")
            ),
        ),
    ),
    csv=(
        _key("id"),
        _key("name", "namn"),
        _key("short_name", "förkortning"),
        _key("kind", "typ"),
        Column("offentlig", lambda item: "ja" if item["is_public"] else "nej"),
        Column("beredskapsmyndighet", lambda item: _known(item["is_beredskapsmyndighet"])),
        _key("retired_on", "avvecklad"),
        Column("ansvarar", lambda item: _capabilities(item, "ansvarar")),
        Column("kan ansvara", lambda item: _capabilities(item, "kan_ansvara")),
        Column(
            "uppdrag",
            lambda item: ", ".join(", ".join(a["dnrs"]) or a["title"] for a in item["assignments"]),
        ),
    ),
    json=lambda item: item,
)


@click.command(
    "assignments", help="Government assignments with status, dnrs, recipients, milestones."
)
@click.option("--format", "fmt", type=FORMAT_CHOICE, default="table", show_default=True)
def assignments(fmt: str) -> None:
    from capabilities.queries.reference import all_assignments

    with common.session_scope() as session:
        items = all_assignments(session)
    emit(items, ASSIGNMENTS, fmt)


@click.command("actors", help="Actors (Bilaga 2 and later) with responsibilities and assignments.")
@click.option("--format", "fmt", type=FORMAT_CHOICE, default="table", show_default=True)
def actors(fmt: str) -> None:
    from capabilities.queries.reference import all_actors

    with common.session_scope() as session:
        items = all_actors(session)
    emit(items, ACTORS, fmt)
