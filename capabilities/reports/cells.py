"""The one way text reaches a spreadsheet cell or a CSV field: never a formula, always storable.

A cell that starts with `=`, `+`, `-`, `@` (or a tab / carriage return) may be run as a formula
by Excel or LibreOffice: a round named `=HYPERLINK("http://evil.example/r","klicka")&"` was a
live link in A1 of the comparison workbook (issue 23, F8). So every xlsx and CSV writer goes
through this module:

- `csv_writer(stream, ...)` is `csv.writer` whose rows pass through `csv_field`: such text gets a
  leading apostrophe (CSV has no cell types; Excel then shows the text literally);
- `text_cell(ws, value)` is an openpyxl cell whose text is stored as a string (`data_type "s"`)
  with Excel's own "quote prefix" flag when it looks like a formula, so the text reads exactly
  as typed and stays text when the cell is edited;
- both drop the control characters the xlsx XML cannot hold (`clean_text`), which docx writers
  use as well.

A guard test (tests/test_hostile_documents.py) fails when a module outside this one creates a
`csv.writer`.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from copy import copy
from datetime import date, datetime
from typing import IO, Any

from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell

# A cell starting with one of these may be taken as a formula by Excel or LibreOffice.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
# Characters XML 1.0 cannot hold (openpyxl and python-docx refuse them).
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def looks_like_formula(text: str) -> bool:
    return text.startswith(FORMULA_TRIGGERS)


def clean_text(text: str) -> str:
    """Drop control characters no spreadsheet or Word file can store; keep tabs and line breaks."""
    return _ILLEGAL.sub("", text)


def one_line(text: str) -> str:
    """Text for a one-line place (a header, a calendar name): storable characters, and every
    run of whitespace, line breaks included, as one space."""
    return " ".join(clean_text(text).split())


def csv_field(value: object) -> object:
    """A CSV field: text neutralised (apostrophe before a formula trigger), dates ISO, None empty;
    numbers stay numbers."""
    if value is None:
        return ""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bool | int | float):
        return value
    text = clean_text(str(value))
    return "'" + text if looks_like_formula(text) else text


def csv_safe(text: str) -> str:
    """`csv_field` for a text."""
    return str(csv_field(text))


class SafeCsvWriter:
    """`csv.writer` whose every field passes through `csv_field`."""

    def __init__(self, stream: IO[str], **kwargs: Any) -> None:
        self._writer = csv.writer(stream, **kwargs)

    def writerow(self, row: Iterable[object]) -> None:
        self._writer.writerow([csv_field(value) for value in row])

    def writerows(self, rows: Iterable[Iterable[object]]) -> None:
        for row in rows:
            self.writerow(row)


def csv_writer(stream: IO[str], **kwargs: Any) -> SafeCsvWriter:
    """The one CSV writer (keyword arguments as for `csv.writer`)."""
    return SafeCsvWriter(stream, **kwargs)


def text_cell(ws: Any, value: Any, style: Any = None) -> Cell:
    """An openpyxl cell for `ws` (write-only or not): text is a string, never a formula.

    `style` is a shared StyleArray (write-only sheets); it is copied before the quote prefix
    is set, never changed. Text is bound here once (cleaned, cut at Excel's 32,767 characters,
    typed "s") instead of through openpyxl's type inference: a workbook has millions of cells."""
    cell: Cell = WriteOnlyCell(ws)
    text = isinstance(value, str)
    if text:
        cell._value = clean_text(value)[:32767]
        cell.data_type = "s"  # text is text: never a formula
    elif value is not None:
        cell.value = value
    if style is not None:
        cell._style = style
    if text and looks_like_formula(cell._value):
        cell._style = copy(cell._style)
        cell.quotePrefix = True
    return cell


def text_row(ws: Any, values: Iterable[Any]) -> list[Cell]:
    """A row of `text_cell`s for `ws.append`."""
    return [text_cell(ws, value) for value in values]
