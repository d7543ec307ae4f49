"""The Excel report: print-ready sheets in write-only mode (constant memory).

Every sheet prints on A4 landscape at full size: columns are sized to fit the page (wide
content is split over two sheets instead of shrunk), every cell has an explicit font through a
named style (one style record per kind of cell, not one per cell), numbers are right-aligned
under right-aligned headers, and row heights are measured from the wrapped text (textfit.py)
so that nothing overlaps when LibreOffice or Excel prints the file (neither grows rows on
open) and no row is taller than its text. Every header word fits its column. The status
history is for the screen: its print area is the one row saying so (issue 26: the workbook
printed 298 pages at 1×, 166 of them history; now under 100, tests/test_workbook_pages.py).
"""

from __future__ import annotations

from typing import IO

from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from capabilities.queries.gaps import FLAGS
from capabilities.queries.register import CONFIDENTIAL_LABEL
from capabilities.reports.cells import clean_text, text_cell
from capabilities.reports.data import REGISTER_HEADERS, TREND_TEXT, ReportData, register_record
from capabilities.reports.meta import CONFIDENTIAL_BANNER, TITLE, ZONE_NAME, local_time
from capabilities.reports.textfit import lines
from capabilities.reports.xlsx_lists import (
    ACTORS,
    ASSIGNMENTS,
    INDUSTRY_CONTACTS,
    MEASURES,
    PROPOSALS,
    write_list_sheet,
)
from capabilities.reports.xlsx_overview import overview_sheet
from capabilities.reports.xlsx_sheet import (
    HEADER_ROW,
    LINE_HEIGHT,
    PAGE_WIDTH,
    Column,
    Sheet,
    new_workbook,
)

__all__ = [
    "CONFIDENTIAL_BANNER",
    "HEADER_ROW",
    "PAGE_WIDTH",
    "TITLE",
    "UPDATE_COLUMNS",
    "UPDATE_SHEET",
]

UPDATE_SHEET = "Uppdatering"
# Every assessment ever made: hundreds of pages on paper, which nobody reads that way.
HISTORY_NOTICE = (
    "Bladet är till för att filtrera och sortera på skärmen och skrivs därför inte ut. "
    "Varje delförmågas senaste bedömning står på bladet Register."
)
LEVEL_LIST_SHEET = "Nivåer"  # hidden: the choices of the Uppdatering sheet's level lists
UPDATE_COLUMNS = (
    "Nummer",
    "Delförmåga",
    "Nuvarande nivå",
    "Nuvarande statusbeskrivning",
    "Bedömd",
    "Version",
    "Ny nivå",
    "Ny statusbeskrivning",
    "Motivering",
    "Datum för ny bedömning",
    "Målnivå",
)
# Pre-filled with the current target; an import keeps the target unless this cell is changed.
# Optional on import, so workbooks exported before it existed still read.
TARGET_COLUMN = "Målnivå"


def write_workbook(report: ReportData, stream: IO[bytes]) -> None:
    """Write the full report (Översikt, Register, history, measures, assignments, actors,
    and the Uppdatering sheet for the Excel round trip) to a binary stream."""
    wb = new_workbook({lvl.level: lvl.colour for lvl in report.levels})
    wb.properties.title = f"{TITLE} ({report.as_of.isoformat()})"
    wb.properties.creator = clean_text(report.exported_by or "") or "Förmågeregistret"
    wb.properties.subject = "Förmågestrukturens register"
    overview_sheet(wb, report)
    _register(wb, report)
    _register_links(wb, report)
    _history(wb, report)
    for spec in (MEASURES, ASSIGNMENTS, ACTORS):
        write_list_sheet(wb, report, spec)
    _gaps(wb, report)
    for spec in (PROPOSALS, INDUSTRY_CONTACTS):
        write_list_sheet(wb, report, spec)
    _update(wb, report)
    wb.save(stream)


def _register(wb: Workbook, report: ReportData) -> None:
    """The assessment half of the register; links and justification go on the next sheet."""
    columns = [
        Column("Nummer", 8),
        Column("Delförmåga", 44),
        Column("Nivå", 17.5),  # "Sekretessmarkerad" on one line
        Column("Målnivå", 12),
        Column("Statusbeskrivning", 28),
        Column("Bedömd", 10.5),
        Column("Trend", 10),
    ]
    sheet = Sheet(wb, "Register", columns, report, "Register")
    for cap in report.capabilities:
        status = cap.row.status
        target = None
        if status is not None and status.target_level:
            target = f"{status.target_level} {report.level_labels[status.target_level]}"
        summary = None
        if status is not None:
            summary = CONFIDENTIAL_LABEL if status.redacted else status.summary
        sheet.append(
            [
                cap.row.number,
                cap.row.title,
                sheet.level_cell(status),
                target,
                summary,
                status.assessed_on if status else None,
                TREND_TEXT[cap.trend],
            ]
        )
    sheet.finish()


def _register_links(wb: Workbook, report: ReportData) -> None:
    record_index = {header: i for i, header in enumerate(REGISTER_HEADERS)}
    names = ("Motivering", "Bedömd av", "Regeringsuppdrag", "Ansvariga aktörer", "Åtgärder")
    widths = (27, 14, 34, 23, 23)
    columns = [Column("Nummer", 9), *(Column(n, w) for n, w in zip(names, widths, strict=True))]
    subtitle = "Register: motivering och kopplingar"
    sheet = Sheet(wb, "Register, kopplingar", columns, report, subtitle)
    for cap in report.capabilities:
        record = register_record(cap, report.level_labels)
        sheet.append([cap.row.number, *(record[record_index[n]] for n in names)])
    sheet.finish()


def _history(wb: Workbook, report: ReportData) -> None:
    sheet = Sheet(
        wb,
        "Statushistorik",
        [
            Column("Nummer", 8),
            Column("Bedömd", 10.5),
            Column("Nivå", 17.5),  # "Sekretessmarkerad" on one line
            Column("Målnivå", 8, number=True),
            # the texts get the room, so a row is a few lines, not a page
            Column("Statusbeskrivning", 31.5),
            Column("Motivering", 19.5),
            Column("Bedömd av", 10),
            # the zone is named in the banner: "(Europe/Stockholm)" broke inside a word here
            Column("Registrerad", 15),
            Column("Sekretess", 10),
        ],
        report,
        f"Statushistorik (registrerad i tid för {ZONE_NAME})",
        screen_only=HISTORY_NOTICE,
    )
    for entry in report.history:
        status = entry.status
        sheet.append(
            [
                entry.number,
                status.assessed_on,
                sheet.level_cell(status),
                status.target_level,
                CONFIDENTIAL_LABEL if status.redacted else status.summary,
                status.justification,
                entry.assessed_by,
                local_time(entry.created_at).replace(tzinfo=None),
                "Ja" if status.confidential else "Nej",
            ]
        )
    sheet.finish()


def _gaps(wb: Workbook, report: ReportData) -> None:
    frame = report.gaps
    columns = [
        Column("Nummer", 8),
        Column("Delförmåga", 41.5),
        Column("Nivå", 6, number=True),
        Column("Målnivå", 8, number=True),
        Column("Gap", 8, number=True),  # "över målnivå" wraps between its words
        Column("Dagar sedan bedömning", 10.5, number=True),
        *(Column(flag.label, 6, turned=True) for flag in FLAGS),
    ]
    sheet = Sheet(wb, "Täckningsluckor", columns, report, "Täckningsluckor")
    marks = {True: "Ja", False: ""}
    for row in frame.astype(object).where(frame.notna(), None).to_dict(orient="records"):
        sheet.append(
            [
                row["number"],
                row["title"].splitlines()[0],
                row["level"],
                row["target_level"],
                "över målnivå" if row["above_target"] else row["gap"],
                row["days_since_assessment"],
                *(marks.get(row[flag.name], "Okänt") for flag in FLAGS),
            ]
        )
    sheet.finish()
    sheet.raw([])
    sheet.raw([None, sheet.cell("Flaggornas betydelse", style="fr label")], LINE_HEIGHT + 5)
    last = get_column_letter(len(columns))
    room = sum(c.width for c in columns[2:])
    for flag in FLAGS:
        # The explanation is merged over the columns to the right and wraps there.
        cells = [None, sheet.cell(flag.label, style="fr label"), sheet.cell(flag.explanation)]
        sheet.raw(cells, height=LINE_HEIGHT * lines(flag.explanation, room) + 3)
        sheet.ws.merged_cells.add(f"C{sheet.rows}:{last}{sheet.rows}")


def level_choices(report: ReportData) -> list[str]:
    return [f"{lvl.level} {lvl.label}" for lvl in report.levels]


def _level_list(wb: Workbook, report: ReportData) -> str:
    """The level choices as text cells on a hidden sheet, as a range for a list validation.

    An inline list ("1 Ingen förmåga,2 …") broke on a quote in a label and would split one
    at a comma (issue 23, F9); cells hold any text."""
    ws = wb.create_sheet(LEVEL_LIST_SHEET)
    ws.sheet_state = "hidden"
    choices = level_choices(report)
    for choice in choices:
        ws.append([text_cell(ws, choice)])
    return f"'{LEVEL_LIST_SHEET}'!$A$1:$A${max(len(choices), 1)}"


def _update(wb: Workbook, report: ReportData) -> None:
    # The current texts get the room (they were 17 wide: a row could fill a page); the input
    # columns wrap what is typed. Together 130 units: the width of the page at 100 %.
    # No header breaks inside a word: "Nummer" needs 8, "statusbeskrivning" 16.5 (bold).
    widths = (8, 28, 11, 18, 10, 8, 9, 16.5, 10, 10.5, 9)
    columns = [
        Column(h, w, hidden=h == "Version", number=h == "Version")
        for h, w in zip(UPDATE_COLUMNS, widths, strict=True)
    ]
    sheet = Sheet(
        wb,
        UPDATE_SHEET,
        columns,
        report,
        "Uppdatering: fyll i Ny nivå, Ny statusbeskrivning, Motivering och Datum; "
        "Målnivå behålls om du inte ändrar den",
    )
    first = HEADER_ROW + 1
    last = HEADER_ROW + max(len(report.capabilities), 1)
    target_choices = dict(
        zip((lvl.level for lvl in report.levels), level_choices(report), strict=True)
    )
    validation = DataValidation(
        type="list",
        formula1=_level_list(wb, report),
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="Ogiltig nivå",
        error="Välj en nivå i listan (1–5).",
    )
    validation.add(f"G{first}:G{last}")
    validation.add(f"K{first}:K{last}")
    sheet.ws.data_validations.append(validation)
    dates = DataValidation(
        type="date",
        operator="greaterThan",
        formula1="36526",
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="Ogiltigt datum",
        error="Ange ett datum som ÅÅÅÅ-MM-DD.",
    )
    dates.add(f"J{first}:J{last}")
    sheet.ws.data_validations.append(dates)
    for cap in report.capabilities:
        row, status = cap.row, cap.row.status
        version = status.assessment_id if status else 0
        inputs = [sheet.cell(None, style="fr input") for _ in range(3)]
        inputs.append(sheet.cell(None, style="fr input date"))
        target = status.target_level if status and not status.redacted else None
        inputs.append(sheet.cell(target_choices.get(target or 0), style="fr input"))
        sheet.append(
            [
                row.number,
                row.title.splitlines()[0],
                sheet.level_cell(status),
                (status.summary if not status.redacted else CONFIDENTIAL_LABEL) if status else None,
                status.assessed_on if status else None,
                version,
                *inputs,
            ]
        )
    sheet.finish()
