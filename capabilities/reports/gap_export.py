"""The gaps view as a file: exactly the rows `/gaps` shows for a filter, in its order.

One table for both formats (`table`): the chosen capabilities, then the group of assignments
no capability links to. Values arrive redacted (the gap frame hides a level under secrecy from
a viewer without clearance, `capabilities.redaction.is_hidden`); the label stands in its place.
Every cell goes through `capabilities.reports.cells`, so no text can become a formula.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import IO, Any

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from capabilities.queries.gap_view import SORTS, UNLINKED_GROUP, GapView
from capabilities.queries.gaps import FLAGS
from capabilities.redaction import CONFIDENTIAL_LABEL
from capabilities.reports.cells import csv_writer, text_cell

CAPABILITY_GROUP = "Delförmåga"
NOT_ASSESSED = "Ej bedömd"
HEADERS = [
    "Grupp",
    "Nummer eller dnr",
    "Titel",
    "Område",
    "Nivå",
    "Målnivå",
    "Avstånd till målnivå",
    "Bedömd",
    "Dagar sedan bedömning",
    "Antal flaggor",
    *(flag.label for flag in FLAGS),
    "Nästa redovisning",
]
WIDTHS = [14, 16, 48, 8, 10, 10, 12, 12, 12, 10, *(12 for _ in FLAGS), 14]
_MARKS = {True: "Ja", False: ""}


def _value(value: Any) -> Any:
    """NA as None, numpy numbers as Python's."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    return value.item() if hasattr(value, "item") else value


def _level(value: Any, row: dict[str, Any]) -> Any:
    if row["confidential"]:
        return CONFIDENTIAL_LABEL
    if row["not_assessed"]:
        return NOT_ASSESSED
    return value


def table(view: GapView) -> list[list[Any]]:
    """The rows of the view, capabilities first, each as the files write it."""
    rows: list[list[Any]] = []
    for record in view.rows.to_dict(orient="records"):
        row = {key: _value(value) for key, value in record.items()}
        rows.append(
            [
                CAPABILITY_GROUP,
                row["number"],
                row["title"],
                row["area"],
                _level(row["level"], row),
                _level(row["target_level"], row),
                "över målnivå" if row["above_target"] else row["gap"],
                row["assessed_on"],
                row["days_since_assessment"],
                row["flag_count"],
                *(_MARKS.get(row[flag.name], "Okänt") for flag in FLAGS),
                None,
            ]
        )
    for item in view.unlinked:
        rows.append(
            [
                UNLINKED_GROUP,
                ", ".join(item.dnrs),
                item.title,
                None,
                None,
                None,
                None,
                None,
                None,
                int(item.milestone_overdue),
                *(
                    _MARKS[item.milestone_overdue] if flag.name == "milestone_overdue" else ""
                    for flag in FLAGS
                ),
                item.next_due_on,
            ]
        )
    return rows


def write_csv(
    view: GapView, stream: IO[str], *, bom: bool = True, lineterminator: str = "\r\n"
) -> None:
    """CSV for Swedish Excel: BOM (a file; not on a terminal), semicolons; open a file stream
    with newline=""."""
    if bom:
        stream.write("\ufeff")
    writer = csv_writer(stream, delimiter=";", lineterminator=lineterminator)
    writer.writerow(HEADERS)
    writer.writerows(table(view))


def write_xlsx(view: GapView, stream: IO[bytes], *, description: Sequence[tuple[str, str]]) -> None:
    """Sheet "Täckningsluckor" holds the table (header on row 1, filter on, frozen); sheet
    "Urval" says which filter, order and date produced it."""
    wb = Workbook()
    sheet = wb.active
    assert sheet is not None
    sheet.title = "Täckningsluckor"
    bold = Font(bold=True)
    header = [text_cell(sheet, name) for name in HEADERS]
    for cell in header:
        cell.font = bold
        cell.alignment = Alignment(wrap_text=True, vertical="bottom")
    sheet.append(header)
    for values in table(view):
        cells = [text_cell(sheet, value) for value in values]
        for cell, value in zip(cells, values, strict=True):
            if isinstance(value, date):
                cell.number_format = "yyyy-mm-dd"
        sheet.append(cells)
    for index, width in enumerate(WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "C2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(HEADERS))}{sheet.max_row}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = "1:1"
    about = wb.create_sheet("Urval")
    about.column_dimensions["A"].width = 24
    about.column_dimensions["B"].width = 80
    for name, value in description:
        about.append([text_cell(about, name), text_cell(about, value)])
    wb.save(stream)


def describe(
    *, as_of: date, stale_months: int, flag_labels: Sequence[str], area: str, sort: str
) -> list[tuple[str, str]]:
    """The filter in words, for the workbook's "Urval" sheet."""
    return [
        ("Per datum", as_of.isoformat()),
        ("Gammal efter (månader)", str(stale_months)),
        ("Flaggor (alla ska gälla)", ", ".join(flag_labels) or "Alla"),
        ("Område", area or "Alla områden"),
        ("Ordning", SORTS[sort][0]),
    ]
