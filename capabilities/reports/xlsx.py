"""The Excel report: finished-looking sheets in write-only mode (constant memory)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from capabilities.queries.gaps import FLAGS
from capabilities.queries.register import CONFIDENTIAL_LABEL, StatusView
from capabilities.reports.cells import clean_text, looks_like_formula
from capabilities.reports.data import (
    NOT_ASSESSED,
    REGISTER_HEADERS,
    ReportData,
    register_record,
)

TITLE = "Förmågeregistret – förmågestruktur för försörjningsberedskap"
CONFIDENTIAL_BANNER = "INNEHÅLLER SEKRETESSMARKERADE UPPGIFTER – hanteras enligt OSL"
HEADER_ROW = 2
WIDE_SHEET = 220  # character widths; wider sheets print on A3
LINE_HEIGHT = 13.0  # points per wrapped line at the default 11 pt font
UPDATE_SHEET = "Uppdatering"
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

_BOLD = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="DDE6EF")
_BANNER_FONT = Font(bold=True, size=13)
_SECRET_FONT = Font(bold=True, size=13, color="A4000F")
_WRAP = Alignment(wrap_text=True, vertical="top")
_TOP = Alignment(vertical="top")
_THIN = Border(bottom=Side(style="thin", color="999999"))
_INPUT_FILL = PatternFill("solid", fgColor="FFF7D6")


@dataclass(frozen=True)
class Column:
    header: str
    width: float
    hidden: bool = False


class Sheet:
    """One report sheet: banner row, bold frozen header, widths, filter and print setup."""

    def __init__(
        self,
        wb: Workbook,
        name: str,
        columns: Sequence[Column],
        report: ReportData,
        subtitle: str,
        preamble: Sequence[tuple[str, str]] = (),
    ) -> None:
        self.ws: WriteOnlyWorksheet = wb.create_sheet(name)
        self.columns = columns
        # Report facts (label, value) go between the banner and the header row.
        self.header_row = HEADER_ROW + (len(preamble) + 1 if preamble else 0)
        self.rows = self.header_row
        ws = self.ws
        for index, column in enumerate(columns, start=1):
            dimension = ws.column_dimensions[get_column_letter(index)]
            dimension.width = column.width
            dimension.hidden = column.hidden
        ws.freeze_panes = f"A{self.header_row + 1}"
        ws.print_title_rows = f"1:{self.header_row}"
        ws.page_setup.orientation = "landscape"
        wide = sum(c.width for c in columns if not c.hidden) > WIDE_SHEET
        ws.page_setup.paperSize = Worksheet.PAPERSIZE_A3 if wide else Worksheet.PAPERSIZE_A4
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.oddFooter.center.text = "&A – sida &P av &N"
        banner = f"{subtitle} per {report.as_of.isoformat()}"
        font = _BANNER_FONT
        if report.include_confidential:
            banner, font = f"{banner} – {CONFIDENTIAL_BANNER}", _SECRET_FONT
            ws.oddHeader.center.text = CONFIDENTIAL_BANNER
        ws.append([self._cell(banner, font=font, wrap=False)])
        for label, value in preamble:
            ws.append([self._cell(label, font=_BOLD), self._cell(value, wrap=False)])
        if preamble:
            ws.append([])
        header = [
            self._cell(c.header, font=_BOLD, fill=_HEADER_FILL, border=_THIN) for c in columns
        ]
        ws.append(header)

    def _cell(
        self,
        value: Any,
        *,
        font: Font | None = None,
        fill: PatternFill | None = None,
        border: Border | None = None,
        number_format: str | None = None,
        wrap: bool = True,
    ) -> Cell:
        if isinstance(value, str):
            value = clean_text(value)
        cell = WriteOnlyCell(self.ws, value=value)
        if isinstance(value, str):
            cell.data_type = "s"  # text is text: never a formula
            if looks_like_formula(value):
                cell.quotePrefix = True
        if isinstance(value, datetime):
            cell.number_format = "yyyy-mm-dd hh:mm"
        elif isinstance(value, date):
            cell.number_format = "yyyy-mm-dd"
        if number_format:
            cell.number_format = number_format
        cell.alignment = _WRAP if wrap else _TOP
        if font:
            cell.font = font
        if fill:
            cell.fill = fill
        if border:
            cell.border = border
        return cell

    def append(self, values: Iterable[Any]) -> None:
        cells = [v if isinstance(v, Cell) else self._cell(v) for v in values]
        self.rows += 1
        self.ws.row_dimensions[self.rows].height = self._height(cells)
        self.ws.append(cells)

    def _height(self, cells: Sequence[Cell]) -> float:
        """Spreadsheets do not grow wrapped rows on open: estimate the lines each cell needs."""
        lines = 1
        for cell, column in zip(cells, self.columns, strict=False):
            if isinstance(cell.value, str) and cell.value:
                per_line = max(int(column.width * 1.1), 1)
                needed = sum(max(1, -(-len(part) // per_line)) for part in cell.value.split("\n"))
                lines = max(lines, needed)
        return min(LINE_HEIGHT * lines + 3, 409)

    def level_cell(self, status: StatusView | None, colours: dict[int, str]) -> Cell:
        """Filled with the scale colour and labelled (colour never alone)."""
        if status is None:
            return self._cell(NOT_ASSESSED)
        if status.level is None:
            return self._cell(CONFIDENTIAL_LABEL)
        colour = colours[status.level].lstrip("#")
        return self._cell(
            f"{status.level} {status.label}", fill=PatternFill("solid", fgColor=colour)
        )

    def finish(self) -> None:
        last = get_column_letter(len(self.columns))
        end = max(self.rows, self.header_row + 1)
        self.ws.auto_filter.ref = f"A{self.header_row}:{last}{end}"


def write_workbook(report: ReportData, stream: IO[bytes]) -> None:
    """Write the full report (Översikt, Register, history, measures, assignments, actors,
    and the Uppdatering sheet for the Excel round trip) to a binary stream."""
    wb = Workbook(write_only=True)
    wb.properties.title = f"{TITLE} ({report.as_of.isoformat()})"
    wb.properties.creator = report.exported_by or "Förmågeregistret"
    wb.properties.subject = "Förmågestrukturens register"
    colours = {lvl.level: lvl.colour for lvl in report.levels}
    _overview(wb, report)
    _register(wb, report, colours)
    _history(wb, report, colours)
    _measures(wb, report)
    _assignments(wb, report)
    _actors(wb, report)
    _gaps(wb, report)
    _update(wb, report, colours)
    wb.save(stream)


def _level_key(status: StatusView | None) -> str:
    if status is None:
        return NOT_ASSESSED
    return CONFIDENTIAL_LABEL if status.level is None else str(status.level)


def _overview(wb: Workbook, report: ReportData) -> None:
    keys = [NOT_ASSESSED, *(str(lvl.level) for lvl in report.levels), CONFIDENTIAL_LABEL]
    headers = [
        NOT_ASSESSED,
        *(f"{lvl.level} {lvl.label}" for lvl in report.levels),
        CONFIDENTIAL_LABEL,
        "Totalt",
    ]
    facts = [
        ("Rapport", TITLE),
        ("Registret per", report.as_of.isoformat()),
        ("Skapad", report.generated_at.strftime("%Y-%m-%d %H:%M UTC")),
        ("Exporterad av", report.exported_by or "–"),
        ("Sekretessmarkerade uppgifter", "ingår" if report.include_confidential else "ingår inte"),
        ("Antal delförmågor", str(len(report.capabilities))),
    ]
    columns = [Column("Område", 48), *(Column(h, 16) for h in headers), Column("Benämning", 40)]
    sheet = Sheet(wb, "Översikt", columns, report, "Översikt", preamble=facts)
    per_area: dict[tuple[str, str], Counter[str]] = {}
    per_group: dict[tuple[str, str], Counter[str]] = {}
    for cap in report.capabilities:
        row = cap.row
        key = _level_key(row.status)
        per_area.setdefault((row.area_number, row.area_title), Counter())[key] += 1
        per_group.setdefault((row.main_group_number, row.main_group_title), Counter())[key] += 1
    for (number, title), counts in per_area.items():
        sheet.append([f"{number} {title}", *(counts[k] for k in keys), sum(counts.values())])
    sheet.finish()
    ws = sheet.ws
    ws.append([])
    header_cells = [
        sheet._cell(h, font=_BOLD, fill=_HEADER_FILL, border=_THIN)
        for h in ["Huvudgrupp", *headers]
    ]
    ws.append(header_cells)
    group_header_row = sheet.rows + 2
    sheet.rows = group_header_row
    for (number, title), counts in per_group.items():
        sheet.append(
            [f"Huvudgrupp {number}", *(counts[k] for k in keys), sum(counts.values()), title]
        )
    first, last = group_header_row + 1, group_header_row + len(per_group)
    chart = BarChart()
    chart.type = "col"
    chart.grouping = "clustered"
    chart.title = "Nivåer per huvudgrupp"
    chart.y_axis.title = "Antal delförmågor"
    chart.x_axis.title = "Huvudgrupp"
    data = Reference(ws, min_col=2, max_col=len(keys), min_row=group_header_row, max_row=last)
    chart.add_data(data, titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=1, min_row=first, max_row=last))
    fills = ["BBBBBB", *(lvl.colour.lstrip("#") for lvl in report.levels)]
    for series, colour in zip(chart.series, fills, strict=False):
        series.graphicalProperties.solidFill = colour
        series.graphicalProperties.line.solidFill = "555555"
    chart.width, chart.height = 26, 11
    ws.add_chart(chart, f"A{last + 3}")


def _register(wb: Workbook, report: ReportData, colours: dict[int, str]) -> None:
    widths = (16, 20, 8, 48, 20, 12, 44, 32, 11, 16, 11, 50, 28, 30)
    columns = [Column(h, w) for h, w in zip(REGISTER_HEADERS, widths, strict=True)]
    sheet = Sheet(wb, "Register", columns, report, "Register")
    level_index = REGISTER_HEADERS.index("Nivå")
    for cap in report.capabilities:
        values: list[Any] = register_record(cap, report.level_labels)
        values[level_index] = sheet.level_cell(cap.row.status, colours)
        sheet.append(values)
    sheet.finish()


def _history(wb: Workbook, report: ReportData, colours: dict[int, str]) -> None:
    sheet = Sheet(
        wb,
        "Statushistorik",
        [
            Column("Nummer", 9),
            Column("Bedömd", 12),
            Column("Nivå", 22),
            Column("Målnivå", 10),
            Column("Statusbeskrivning", 60),
            Column("Motivering", 40),
            Column("Bedömd av", 18),
            Column("Registrerad", 17),
            Column("Sekretess", 12),
        ],
        report,
        "Statushistorik",
    )
    for entry in report.history:
        status = entry.status
        sheet.append(
            [
                entry.number,
                status.assessed_on,
                sheet.level_cell(status, colours),
                status.target_level,
                CONFIDENTIAL_LABEL if status.redacted else status.summary,
                status.justification,
                entry.assessed_by,
                entry.created_at.replace(tzinfo=None),
                "Ja" if status.confidential else "Nej",
            ]
        )
    sheet.finish()


def _measures(wb: Workbook, report: ReportData) -> None:
    sheet = Sheet(
        wb,
        "Åtgärder",
        [
            Column("Id", 6),
            Column("Åtgärd", 40),
            Column("Status", 12),
            Column("Prioritet", 10),
            Column("Kostnadseffektivitet", 36),
            Column("Rättslig bedömning", 36),
            Column("Klart senast", 12),
            Column("Delförmågor", 16),
            Column("Aktörer", 30),
            Column("Sekretess", 10),
        ],
        report,
        "Förmågehöjande åtgärder",
    )
    for m in report.measures:
        sheet.append(
            [
                m.id,
                m.title,
                m.state,
                m.priority,
                m.cost_effectiveness,
                m.legal_assessment,
                m.due_on,
                ", ".join(m.capabilities),
                "\n".join(m.actors),
                "Ja" if m.confidential else "Nej",
            ]
        )
    sheet.finish()


def _assignments(wb: Workbook, report: ReportData) -> None:
    sheet = Sheet(
        wb,
        "Regeringsuppdrag",
        [
            Column("Dnr", 18),
            Column("Uppdrag", 60),
            Column("Departement", 26),
            Column("Status", 12),
            Column("Mottagare", 26),
            Column("Milstolpar", 34),
            Column("Delförmågor", 18),
        ],
        report,
        "Regeringsuppdrag",
    )
    for a in report.assignments:
        milestones = "\n".join(
            f"{due.isoformat()} {kind}" + (" (klar)" if done else "")
            for due, kind, done in a.milestones
        )
        sheet.append(
            [
                ", ".join(a.dnrs) or "dnr saknas",
                a.title,
                a.ministry,
                a.status,
                "\n".join(a.recipients),
                milestones,
                ", ".join(a.capabilities),
            ]
        )
    sheet.finish()


def _actors(wb: Workbook, report: ReportData) -> None:
    sheet = Sheet(
        wb,
        "Aktörer",
        [
            Column("Aktör", 40),
            Column("Kortnamn", 10),
            Column("Typ", 18),
            Column("Offentlig", 10),
            Column("Beredskapsmyndighet", 18),
            Column("Ansvar för delförmågor", 40),
        ],
        report,
        "Aktörer",
    )
    for a in report.actors:
        ready = {True: "Ja", False: "Nej", None: "Okänt"}[a.is_beredskapsmyndighet]
        sheet.append(
            [
                a.name,
                a.short_name,
                a.kind,
                "Ja" if a.is_public else "Nej",
                ready,
                "\n".join(a.responsibilities),
            ]
        )
    sheet.finish()


def _gaps(wb: Workbook, report: ReportData) -> None:
    frame = report.gaps
    columns = [
        Column("Nummer", 9),
        Column("Delförmåga", 50),
        Column("Nivå", 8),
        Column("Målnivå", 9),
        Column("Gap", 6),
        Column("Dagar sedan bedömning", 12),
        *(Column(flag.label, 13) for flag in FLAGS),
    ]
    sheet = Sheet(wb, "Täckningsluckor", columns, report, "Täckningsluckor")
    marks = {True: "Ja", False: ""}
    for row in frame.astype(object).where(frame.notna(), None).to_dict(orient="records"):
        sheet.append(
            [
                row["number"],
                row["title"],
                row["level"],
                row["target_level"],
                "över målnivå" if row["above_target"] else row["gap"],
                row["days_since_assessment"],
                *(marks.get(row[flag.name], "Okänt") for flag in FLAGS),
            ]
        )
    sheet.finish()
    explain = sheet.ws
    explain.append([])
    for flag in FLAGS:
        explain.append(
            [
                sheet._cell(flag.label, font=_BOLD, wrap=False),
                sheet._cell(flag.explanation, wrap=False),
            ]
        )


def level_choices(report: ReportData) -> list[str]:
    return [f"{lvl.level} {lvl.label}" for lvl in report.levels]


def _update(wb: Workbook, report: ReportData, colours: dict[int, str]) -> None:
    widths = (9, 50, 22, 50, 12, 8, 22, 50, 40, 14, 22)
    columns = [
        Column(h, w, hidden=h == "Version") for h, w in zip(UPDATE_COLUMNS, widths, strict=True)
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
    choices = ",".join(level_choices(report))
    target_choices = dict(
        zip((lvl.level for lvl in report.levels), level_choices(report), strict=True)
    )
    validation = DataValidation(
        type="list",
        formula1=f'"{choices}"',
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
        inputs = [sheet._cell(None, fill=_INPUT_FILL) for _ in range(3)]
        inputs.append(sheet._cell(None, fill=_INPUT_FILL, number_format="yyyy-mm-dd"))
        target = status.target_level if status and not status.redacted else None
        inputs.append(sheet._cell(target_choices.get(target or 0), fill=_INPUT_FILL))
        sheet.append(
            [
                row.number,
                row.title.splitlines()[0],
                sheet.level_cell(status, colours),
                (status.summary if not status.redacted else CONFIDENTIAL_LABEL) if status else None,
                status.assessed_on if status else None,
                version,
                *inputs,
            ]
        )
    sheet.finish()
