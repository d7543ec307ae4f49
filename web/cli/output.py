"""How `formaga` commands print what they list: `emit(rows, listing, fmt)` for table, JSON and
CSV, so that every listing has the one table (a header, a rule, columns as wide as their
content and a last column that takes the rest of the terminal, wrapped or cut with …), the one
JSON layout and the one CSV writer, which neutralises formulas (capabilities/reports/cells.py).

Only the standard library and click at import: `formaga --help` must stay fast.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

import click

R = TypeVar("R")

#: The --format option of a listing command.
FORMAT_CHOICE = click.Choice(["table", "json", "csv"])

#: Output to a file or a pipe is never cut: the reader there has no screen edge.
UNLIMITED = 100_000


def terminal_width() -> int:
    """COLUMNS, else the terminal's width, at least 60; unlimited when output goes to a file or
    a pipe and COLUMNS is not set, so `formaga assignments > fil.txt` keeps every title whole."""
    if "COLUMNS" not in os.environ and not sys.stdout.isatty():
        return UNLIMITED
    return max(shutil.get_terminal_size((100, 24)).columns, 60)


def text_table(
    headers: tuple[str, ...], rows: Sequence[tuple[str, ...]], *, numeric: set[int], wrap: bool
) -> str:
    """A plain text table that fits the terminal, with a header and a rule: the columns are as
    wide as their content, the last one takes the rest and wraps (or is cut with …)."""
    width = terminal_width()
    sizes = [max([len(h), *(len(r[i]) for r in rows)]) for i, h in enumerate(headers[:-1])]
    room = max(width - sum(sizes) - 2 * len(sizes), 24)

    def line(cells: tuple[str, ...]) -> list[str]:
        fixed = "  ".join(
            cell.rjust(size) if i in numeric else cell.ljust(size)
            for i, (cell, size) in enumerate(zip(cells[:-1], sizes, strict=True))
        )
        if wrap:
            wrapped = textwrap.wrap(cells[-1], room) or [""]
        else:
            wrapped = [textwrap.shorten(cells[-1], room, placeholder=" …")]
        pad = " " * (len(fixed) + 2)
        return [f"{fixed}  {wrapped[0]}".rstrip()] + [f"{pad}{more}" for more in wrapped[1:]]

    out = line(headers)
    out.append("-" * (max(len(text) for text in out) + 2))
    for row in rows:
        out += line(row)
    return "\n".join(out)


@dataclass(frozen=True)
class Column(Generic[R]):
    """One column: its header and how a row gives its cell; numbers align right in a table."""

    header: str
    value: Callable[[R], object]
    numeric: bool = False


@dataclass(frozen=True)
class Listing(Generic[R]):
    """How one command prints its rows in each format: the table's columns (the last one takes
    the rest of the line) or its own text layout, the CSV's columns, the JSON object of a row
    (None where a command prints richer objects than its rows with `emit_json` itself).
    With `empty`, no rows print that line as the table and nothing as CSV."""

    table: Sequence[Column[R]] | Callable[[Sequence[R]], str]
    csv: Sequence[Column[R]]
    json: Callable[[R], object] | None
    wrap: bool = False
    empty: str | None = None


def emit_json(value: object) -> None:
    """Every JSON output: indented, non-ASCII as itself (Swedish reads as Swedish)."""
    click.echo(json.dumps(value, ensure_ascii=False, indent=2))


def emit(rows: Sequence[R], listing: Listing[R], fmt: str) -> None:
    """Print ROWS as a table, JSON or CSV (semicolon-separated, neutralised)."""
    if fmt == "json":
        assert listing.json is not None, "this command prints its JSON itself"
        emit_json([listing.json(row) for row in rows])
        return
    if not rows and listing.empty is not None:
        if fmt == "table":
            click.echo(listing.empty)
        return
    if fmt == "csv":
        from capabilities.reports.cells import csv_writer

        writer = csv_writer(sys.stdout, delimiter=";", lineterminator="\n")
        writer.writerow([column.header for column in listing.csv])
        writer.writerows([column.value(row) for column in listing.csv] for row in rows)
        return
    if callable(listing.table):
        text = listing.table(rows)
        if text:  # no rows, no lines
            click.echo(text)
        return
    columns = listing.table
    table = [tuple(str(column.value(row)) for column in columns) for row in rows]
    numeric = {i for i, column in enumerate(columns) if column.numeric}
    headers = tuple(column.header for column in columns)
    click.echo(text_table(headers, table, numeric=numeric, wrap=listing.wrap))
