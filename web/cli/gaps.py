"""`formaga gaps`: coverage gaps per capability (flags), as of today or a past date."""

from __future__ import annotations

import sys
import textwrap
from datetime import datetime
from typing import TYPE_CHECKING, Any

import click

from web.cli import common
from web.cli.output import emit_json, terminal_width, text_table

if TYPE_CHECKING:
    from capabilities.queries.gap_view import GapView

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


@click.command(help="Coverage gaps per capability (flags), as of today or a past date.")
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
    from capabilities.queries.gap_view import choose_view, unlinked_as_json, unlinked_assignments
    from capabilities.queries.gaps import gap_frame, gap_items

    day = as_of.date() if as_of else None
    with common.session_scope() as session:
        frame = gap_frame(
            session, as_of=day, stale_months=stale_months, can_see_confidential=include_confidential
        )
        unlinked = unlinked_assignments(session, as_of=day)
    view = choose_view(frame, unlinked, flags=flags, area=area.strip(), sort=sort)
    if area.strip() and area.strip() not in set(view.frame["area"]):
        common.fail(f"Okänt område: {area.strip()}.")
    if fmt == "json":
        emit_json(
            {
                "items": gap_items(view.rows),
                "sort": sort,
                "unlinked_assignments": [unlinked_as_json(item) for item in view.unlinked],
            }
        )
    elif fmt == "csv":
        # The same CSV as the /gaps page's download (its columns, both groups).
        from capabilities.reports.gap_export import write_csv

        write_csv(view, sys.stdout, bom=False, lineterminator="\n")
    else:
        click.echo(_table(view))


def _table(view: GapView) -> str:
    from capabilities.queries.gap_view import UNLINKED_GROUP
    from capabilities.queries.gaps import FLAGS, flag_counts
    from capabilities.queries.gaps import records as gap_records

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
    out = [
        text_table(("nr", "nivå", "mål", "avstånd", "luckor"), table, numeric={1, 2, 3}, wrap=True)
    ]
    if view.unlinked:
        out.append(f"\n{UNLINKED_GROUP}:")
        rows = [
            (
                ", ".join(item.dnrs) or "utan dnr",
                item.next_due_on.isoformat() if item.next_due_on else "–",
                ("Redovisning ej registrerad; " if item.milestone_overdue else "") + item.title,
            )
            for item in view.unlinked
        ]
        out.append(
            text_table(("dnr", "nästa redovisning", "uppdrag"), rows, numeric=set(), wrap=True)
        )
    totals = ", ".join(
        f"{f.label} {n}" for f, n in zip(FLAGS, flag_counts(view.frame).values(), strict=True)
    )
    out.append("\n" + textwrap.fill(f"Summa: {totals}", terminal_width()))
    return "\n".join(out)


def _level(value: Any) -> str:
    """A level for a table: 3, or – when missing or hidden (never pandas' <NA> or 3.0)."""
    if value is None or (isinstance(value, float) and value != value):
        return "–"
    return str(int(value))
