"""`formaga assignments` and `formaga actors`: the analysts' reference data (table, json, csv).

The JSON objects are the API's (/api/v1/assignments, /api/v1/actors) in full, unpaged; README
documents them.
"""

from __future__ import annotations

import json
import sys
from typing import Any

import click

from web.cli import session_scope
from web.cli_output import text_table

FORMATS = click.Choice(["table", "json", "csv"])


def _dnrs(item: dict[str, Any]) -> str:
    """The dnrs as printed ("(delvis)" included), normalised where no printed form is kept."""
    return ", ".join(d["printed"] or d["number"] for d in item["diary_numbers"]) or "–"


def _milestones(item: dict[str, Any]) -> str:
    parts = []
    for m in item["milestones"]:
        state = f"redovisad {m['done_on'] or ''}".strip() if m["is_done"] else "ej redovisad"
        parts.append(f"{m['due_on']} {m['kind']} ({state})")
    return "; ".join(parts)


def _recipients(item: dict[str, Any], role: str) -> str:
    return "; ".join(
        r["name"] + (" (huvudansvarig)" if r["is_lead"] else "")
        for r in item["recipients"]
        if r["role"] == role
    )


def _next_due(item: dict[str, Any]) -> str:
    pending = sorted(m["due_on"] for m in item["milestones"] if not m["is_done"])
    return pending[0] if pending else "–"


@click.command(
    "assignments", help="Government assignments with status, dnrs, recipients, milestones."
)
@click.option("--format", "fmt", type=FORMATS, default="table", show_default=True)
def assignments(fmt: str) -> None:
    from capabilities.queries.reference import all_assignments

    with session_scope() as session:
        items = all_assignments(session)
    if fmt == "json":
        click.echo(json.dumps(items, ensure_ascii=False, indent=2))
        return
    if fmt == "csv":
        from capabilities.reports.cells import csv_writer

        writer = csv_writer(sys.stdout, delimiter=";", lineterminator="\n")
        writer.writerow(
            [
                "id",
                "dnr",
                "uppdrag",
                "status",
                "statuskälla",
                "mottagare",
                "samarbetsparter",
                "redovisningar",
                "delförmågor",
            ]
        )
        for item in items:
            writer.writerow(
                [
                    item["id"],
                    _dnrs(item),
                    item["title"],
                    item["status"],
                    item["status_source"] or "",
                    _recipients(item, "mottagare"),
                    _recipients(item, "samarbetspart"),
                    _milestones(item),
                    ", ".join(item["capability_numbers"]),
                ]
            )
        return
    rows = []
    for item in items:
        lead = next((r["short_name"] or r["name"] for r in item["recipients"] if r["is_lead"]), "–")
        rows.append(
            (
                _dnrs(item),
                item["status"],
                lead,
                _next_due(item),
                str(len(item["capability_numbers"])),
                item["title"],
            )
        )
    headers = ("dnr", "status", "ansvarig", "nästa redovisning", "delförmågor", "uppdrag")
    click.echo(text_table(headers, rows, numeric={4}, wrap=False))


@click.command("actors", help="Actors (Bilaga 2 and later) with responsibilities and assignments.")
@click.option("--format", "fmt", type=FORMATS, default="table", show_default=True)
def actors(fmt: str) -> None:
    from capabilities.queries.reference import all_actors

    with session_scope() as session:
        items = all_actors(session)
    if fmt == "json":
        click.echo(json.dumps(items, ensure_ascii=False, indent=2))
        return
    if fmt == "csv":
        from capabilities.reports.cells import csv_writer

        writer = csv_writer(sys.stdout, delimiter=";", lineterminator="\n")
        writer.writerow(
            [
                "id",
                "namn",
                "förkortning",
                "typ",
                "offentlig",
                "beredskapsmyndighet",
                "avvecklad",
                "ansvarar",
                "kan ansvara",
                "uppdrag",
            ]
        )
        for item in items:
            ready = item["is_beredskapsmyndighet"]
            writer.writerow(
                [
                    item["id"],
                    item["name"],
                    item["short_name"] or "",
                    item["kind"],
                    "ja" if item["is_public"] else "nej",
                    "okänt" if ready is None else ("ja" if ready else "nej"),
                    item["retired_on"] or "",
                    ", ".join(
                        r["capability_number"]
                        for r in item["responsibilities"]
                        if r["role"] == "ansvarar"
                    ),
                    ", ".join(
                        r["capability_number"]
                        for r in item["responsibilities"]
                        if r["role"] == "kan_ansvara"
                    ),
                    ", ".join(", ".join(a["dnrs"]) or a["title"] for a in item["assignments"]),
                ]
            )
        return
    rows = [
        (
            item["short_name"] or "–",
            item["kind"],
            str(len(item["responsibilities"])),
            str(len(item["assignments"])),
            item["name"] + (f" (avvecklad {item['retired_on']})" if item["retired_on"] else ""),
        )
        for item in items
    ]
    headers = ("kortnamn", "slag", "ansvar", "uppdrag", "aktör")
    click.echo(text_table(headers, rows, numeric={2, 3}, wrap=False))
