"""The one plain-text table of the `formaga` commands: a header, a rule, columns as wide as
their content and a last column that takes the rest of the terminal (wrapped or cut with …).

Only the standard library: `formaga --help` must stay fast.
"""

from __future__ import annotations

import os
import shutil
import sys
import textwrap

#: Output to a file or a pipe is never cut: the reader there has no screen edge.
UNLIMITED = 100_000


def terminal_width() -> int:
    """COLUMNS, else the terminal's width, at least 60; unlimited when output goes to a file or
    a pipe and COLUMNS is not set, so `formaga assignments > fil.txt` keeps every title whole."""
    if "COLUMNS" not in os.environ and not sys.stdout.isatty():
        return UNLIMITED
    return max(shutil.get_terminal_size((100, 24)).columns, 60)


def text_table(
    headers: tuple[str, ...], rows: list[tuple[str, ...]], *, numeric: set[int], wrap: bool
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
