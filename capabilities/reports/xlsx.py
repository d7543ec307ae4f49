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

from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.chart import BarChart, Reference
from openpyxl.chart.text import RichText
from openpyxl.compat import safe_string
from openpyxl.drawing.text import CharacterProperties, Paragraph, ParagraphProperties
from openpyxl.drawing.text import Font as DrawingFont
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side
from openpyxl.styles.cell_style import StyleArray
from openpyxl.styles.named_styles import NamedStyleList
from openpyxl.utils import get_column_letter
from openpyxl.utils.indexed_list import IndexedList
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.worksheet import Worksheet

from capabilities.guidance import QUESTIONS
from capabilities.queries.gaps import FLAGS
from capabilities.queries.register import CONFIDENTIAL_LABEL, StatusView
from capabilities.reports.cells import clean_text, text_cell
from capabilities.reports.data import (
    NOT_ASSESSED,
    REGISTER_HEADERS,
    TREND_TEXT,
    ReportData,
    register_record,
)
from capabilities.reports.meta import (
    CONFIDENTIAL_BANNER,
    SENDER,
    TITLE,
    ZONE_NAME,
    local_stamp,
    local_time,
)
from capabilities.reports.textfit import lines, turned_height
from capabilities.services.procurement import STAGE_NAMES

__all__ = ["CONFIDENTIAL_BANNER", "HEADER_ROW", "TITLE", "UPDATE_COLUMNS", "UPDATE_SHEET"]

HEADER_ROW = 2
# On every office machine; LibreOffice on Linux renders it with metric-equal Liberation Sans.
FONT_NAME = "Arial"
FONT_SIZE = 10
# A4 landscape with 1.5 cm side margins holds about this many column-width units at 100 %.
PAGE_WIDTH = 130
MAX_ROW_HEIGHT = 330.0  # points: a row must fit on an A4 landscape page under the title rows
LINE_HEIGHT = 12.75  # points per line of 10 pt Arial, as Excel sizes a row
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

_HEADER_FILL = PatternFill("solid", fgColor="DDE6EF")
_INPUT_FILL = PatternFill("solid", fgColor="FFF7D6")
_THIN = Border(bottom=Side(style="thin", color="999999"))
_BOX = Border(
    left=Side(style="thin", color="999999"),
    right=Side(style="thin", color="999999"),
    top=Side(style="thin", color="999999"),
    bottom=Side(style="thin", color="999999"),
)


def _font(**kwargs: Any) -> Font:
    return Font(name=FONT_NAME, size=kwargs.pop("size", FONT_SIZE), **kwargs)


def _styles(levels: dict[int, str]) -> list[NamedStyle]:
    """The named styles every cell uses: kind of cell → font, alignment, fill, format."""
    top_wrap = Alignment(wrap_text=True, vertical="top", horizontal="left")
    top_left = Alignment(vertical="top", horizontal="left")
    top_right = Alignment(vertical="top", horizontal="right")
    styles = [
        NamedStyle("fr text", font=_font(), alignment=top_wrap),
        NamedStyle("fr line", font=_font(), alignment=top_left),
        NamedStyle("fr number", font=_font(), alignment=top_right, number_format="0"),
        NamedStyle("fr date", font=_font(), alignment=top_left, number_format="yyyy-mm-dd"),
        NamedStyle(
            "fr datetime", font=_font(), alignment=top_left, number_format="yyyy-mm-dd hh:mm"
        ),
        NamedStyle(
            "fr header",
            font=_font(bold=True),
            fill=_HEADER_FILL,
            border=_THIN,
            alignment=Alignment(wrap_text=True, vertical="bottom", horizontal="left"),
        ),
        NamedStyle(
            "fr header number",
            font=_font(bold=True),
            fill=_HEADER_FILL,
            border=_THIN,
            alignment=Alignment(wrap_text=True, vertical="bottom", horizontal="right"),
        ),
        NamedStyle(
            "fr header turned",
            font=_font(bold=True),
            fill=_HEADER_FILL,
            border=_THIN,
            alignment=Alignment(
                text_rotation=90, wrap_text=True, vertical="bottom", horizontal="center"
            ),
        ),
        NamedStyle("fr label", font=_font(bold=True), alignment=top_left),
        NamedStyle("fr title", font=_font(bold=True, size=16), alignment=top_left),
        NamedStyle("fr banner", font=_font(bold=True, size=12), alignment=top_wrap),
        NamedStyle("fr secret", font=_font(bold=True, size=12, color="A4000F"), alignment=top_wrap),
        NamedStyle("fr input", font=_font(), alignment=top_wrap, fill=_INPUT_FILL, border=_BOX),
        NamedStyle(
            "fr input date",
            font=_font(),
            alignment=top_left,
            fill=_INPUT_FILL,
            border=_BOX,
            number_format="yyyy-mm-dd",
        ),
    ]
    for level, colour in levels.items():
        fill = PatternFill("solid", fgColor=colour.lstrip("#"))
        styles.append(NamedStyle(f"fr level {level}", font=_font(), alignment=top_wrap, fill=fill))
    return styles


def _new_workbook(levels: dict[int, str]) -> Workbook:
    """A write-only workbook whose Normal style (and so the column-width unit) is Arial 10."""
    wb = Workbook(write_only=True)
    normal = NamedStyle("Normal", font=_font(), builtinId=0)
    # openpyxl fixes Calibri 11 as font 0 and the Normal style; replace both before any cell
    # is styled so the default cell format and width unit are Arial 10 as well.
    wb._fonts = IndexedList([normal.font])
    wb._named_styles = NamedStyleList()
    wb.add_named_style(normal)
    for style in _styles(levels):
        wb.add_named_style(style)
    # Each cell refers to its named style by the style's index record, computed once here:
    # assigning `cell.style = name` per cell looks the name up in a list every time.
    wb.fr_style_arrays = {style.name: _SharedStyle(style.as_tuple()) for style in wb._named_styles}
    return wb


class _SharedStyle(StyleArray):  # type: ignore[misc]
    """A named style's index record, shared by every cell of its kind and never changed (a
    cell that needs another one copies it: `text_cell`). The writer hashes a cell's record to
    find its style id, twice per cell: hashed once here instead."""

    __slots__ = ("_hash",)

    def __init__(self, values: Any) -> None:
        self._hash = hash(tuple(self))

    def __hash__(self) -> int:
        return self._hash


@dataclass(frozen=True)
class Column:
    header: str
    width: float
    hidden: bool = False
    number: bool = False
    turned: bool = False  # narrow Ja/Nej columns: the header reads bottom to top


def _header_style(column: Column) -> str:
    if column.turned:
        return "fr header turned"
    return "fr header number" if column.number else "fr header"


def _report_sheet(wb: Workbook, name: str) -> WriteOnlyWorksheet:
    """A write-only sheet whose rows are lists of finished cells (or None).

    openpyxl's `append` first tries to bind every item as a value and only takes a cell when
    that fails (an exception per cell): a third of the export's time over the bare floor. The
    report's rows are always cells from `Sheet.cell`, so they are placed as they are."""
    ws: WriteOnlyWorksheet = wb.create_sheet(name)

    def cells_to_row(cells: Sequence[Cell | None], row: int) -> Iterator[Cell]:
        for column, cell in enumerate(cells, 1):
            if cell is not None:
                cell.column, cell.row = column, row
                yield cell

    ws._values_to_row = cells_to_row
    return ws


class Sheet:
    """One report sheet: banner row, bold frozen header, widths, filter and A4 print setup."""

    def __init__(
        self,
        wb: Workbook,
        name: str,
        columns: Sequence[Column],
        report: ReportData,
        subtitle: str,
        screen_only: str | None = None,
    ) -> None:
        """`screen_only`: a sheet of raw data for filtering on screen, not for paper; the
        sentence saying so follows the title, and printing the sheet prints only that row."""
        self.ws: WriteOnlyWorksheet = _report_sheet(wb, name)
        self.styles: dict[str, Any] = wb.fr_style_arrays
        self.columns = columns
        self.header_row = HEADER_ROW
        self.rows = 0
        ws = self.ws
        for index, column in enumerate(columns, start=1):
            dimension = ws.column_dimensions[get_column_letter(index)]
            dimension.width = column.width
            dimension.hidden = column.hidden
        ws.freeze_panes = f"A{self.header_row + 1}"
        last = get_column_letter(len(columns))
        if screen_only:
            # A print area is what both LibreOffice and Excel honour (a sheet cannot be marked
            # "do not print"): one page with the notice, not a hundred pages of log.
            ws.print_area = f"A1:{last}1"
        else:
            ws.print_title_rows = f"1:{self.header_row}"
        _page_setup(ws, report)
        banner = f"{subtitle} per {report.as_of.isoformat()}"
        room = sum(c.width for c in columns if not c.hidden)
        if lines(banner, room, size=12, bold=True) > 1:  # never wrap inside the date
            # the date starts its own line
            banner = f"{subtitle}\nper {report.as_of.isoformat()}"
        style = "fr banner"
        if report.include_confidential:
            banner, style = f"{banner} – {CONFIDENTIAL_BANNER}", "fr secret"
        if screen_only:
            banner = f"{banner}\n{screen_only}"
        self.banner(banner, style)
        self.header(columns)

    def cell(self, value: Any, style: str | None = None) -> Cell:
        """A cell with its named style: text wraps, numbers align right, dates get a format.
        Text goes through `text_cell`: stored as text, never a formula."""
        if style is None:
            if isinstance(value, datetime):
                style = "fr datetime"
            elif isinstance(value, date):
                style = "fr date"
            elif isinstance(value, int | float) and not isinstance(value, bool):
                style = "fr number"
            else:
                style = "fr text"
        # The named style's array is shared, never changed: see _new_workbook.
        return text_cell(self.ws, value, self.styles[style])

    def header(self, columns: Sequence[Column]) -> None:
        """Bold header row, as tall as its most wrapped (or turned) label needs."""
        cells = [self.cell(c.header, style=_header_style(c)) for c in columns]
        height = LINE_HEIGHT + 4
        for c in columns:
            if c.hidden:
                continue
            if c.turned:
                height = max(height, turned_height(c.header))
            else:
                height = max(height, LINE_HEIGHT * lines(c.header, c.width, bold=True) + 4)
        self.raw(cells, height=height)

    def banner(self, text: str, style: str = "fr banner") -> None:
        """A 12 pt line across the printed width (merged, so it wraps instead of widening the
        page and shrinking every sheet to fit)."""
        width = sum(c.width for c in self.columns if not c.hidden)
        height = 16 * lines(text, width, size=12, bold=True) + 4
        self.raw([self.cell(text, style=style)], height=height)
        last = get_column_letter(len(self.columns))
        self.ws.merged_cells.add(f"A{self.rows}:{last}{self.rows}")

    def raw(self, cells: Sequence[Cell | None], height: float | None = None) -> None:
        self.rows += 1
        if height is None:
            self.ws.append(cells)
            return
        # The writer reads a row's attributes as it writes the row (at once, in write-only
        # mode): given as the plain attributes a RowDimension would give, and dropped after,
        # so that memory stays flat in the number of rows.
        self.ws.row_dimensions[self.rows] = {"ht": safe_string(height), "customHeight": "1"}
        self.ws.append(cells)
        del self.ws.row_dimensions[self.rows]

    def append(self, values: Iterable[Any]) -> None:
        cells = [v if isinstance(v, Cell) else self.cell(v) for v in values]
        self.raw(cells, height=self._height(cells))

    def _height(self, cells: Sequence[Cell]) -> float:
        """Spreadsheets do not grow wrapped rows on open: estimate the lines each cell needs."""
        most = 1
        for cell, column in zip(cells, self.columns, strict=False):
            value = cell.value
            if isinstance(value, str):
                most = max(most, lines(value, column.width))
        # A row taller than the page would make the spreadsheet shrink the whole sheet.
        return min(LINE_HEIGHT * most + 3, MAX_ROW_HEIGHT)

    def level_cell(self, status: StatusView | None) -> Cell:
        """Filled with the scale colour and labelled (colour never alone)."""
        if status is None:
            return self.cell(NOT_ASSESSED)
        if status.level is None:
            return self.cell(CONFIDENTIAL_LABEL)
        return self.cell(f"{status.level} {status.label}", style=f"fr level {status.level}")

    def finish(self) -> None:
        last = get_column_letter(len(self.columns))
        end = max(self.rows, self.header_row + 1)
        self.ws.auto_filter.ref = f"A{self.header_row}:{last}{end}"


def _page_setup(ws: WriteOnlyWorksheet, report: ReportData) -> None:
    """A4 landscape, full width on one page, numbered pages, report name in the header."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    # Columns are sized to fit the page at 100 %: never fit-to-page, which shrinks text.
    ws.page_setup.scale = 100
    ws.sheet_properties.pageSetUpPr.fitToPage = False
    ws.page_margins.left = ws.page_margins.right = 0.6
    ws.page_margins.top = ws.page_margins.bottom = 0.75
    ws.page_margins.header = ws.page_margins.footer = 0.3
    ws.print_options.gridLines = False
    for part, text in (
        (ws.oddHeader.left, f"{TITLE}, per {report.as_of.isoformat()}"),
        (ws.oddFooter.left, f"Framtagen {local_stamp(report.generated_at)}"),
        (ws.oddFooter.right, "&A – sida &P av &N"),
    ):
        part.text = text
        part.font = f"{FONT_NAME},Regular"
        part.size = 9
    if report.include_confidential:
        ws.oddHeader.right.text = CONFIDENTIAL_BANNER
        ws.oddHeader.right.font = f"{FONT_NAME},Bold"
        ws.oddHeader.right.size = 9
        ws.oddHeader.right.color = "A4000F"


def write_workbook(report: ReportData, stream: IO[bytes]) -> None:
    """Write the full report (Översikt, Register, history, measures, assignments, actors,
    and the Uppdatering sheet for the Excel round trip) to a binary stream."""
    wb = _new_workbook({lvl.level: lvl.colour for lvl in report.levels})
    wb.properties.title = f"{TITLE} ({report.as_of.isoformat()})"
    wb.properties.creator = clean_text(report.exported_by or "") or "Förmågeregistret"
    wb.properties.subject = "Förmågestrukturens register"
    _overview(wb, report)
    _register(wb, report)
    _register_links(wb, report)
    _history(wb, report)
    _measures(wb, report)
    _assignments(wb, report)
    _actors(wb, report)
    _gaps(wb, report)
    _proposals(wb, report)
    _industry_contacts(wb, report)
    _update(wb, report)
    wb.save(stream)


def _level_key(status: StatusView | None) -> str:
    if status is None:
        return NOT_ASSESSED
    return CONFIDENTIAL_LABEL if status.level is None else str(status.level)


def _overview(wb: Workbook, report: ReportData) -> None:
    """Title block matching the PDF cover, then counts per area and per main group."""
    keys = [NOT_ASSESSED, *(str(lvl.level) for lvl in report.levels), CONFIDENTIAL_LABEL]
    headers = [
        NOT_ASSESSED,
        *(f"{lvl.level} {lvl.label}" for lvl in report.levels),
        "Sekretess",
        "Totalt",
    ]
    count_width = (PAGE_WIDTH - 44) / len(headers)
    columns = [Column("Område", 44), *(Column(h, count_width, number=True) for h in headers)]
    ws = _report_sheet(wb, "Översikt")
    sheet = Sheet.__new__(Sheet)
    sheet.ws, sheet.columns, sheet.rows, sheet.header_row = ws, columns, 0, 0
    sheet.styles = wb.fr_style_arrays
    for index, column in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(index)].width = column.width
    _page_setup(ws, report)
    if report.include_confidential:
        sheet.banner(CONFIDENTIAL_BANNER, "fr secret")
    sheet.raw([sheet.cell(TITLE, style="fr title")], height=24)
    sheet.banner(SENDER)
    facts: list[tuple[str, Any]] = [
        ("Registret per", report.as_of.isoformat()),
        ("Framtagen", local_stamp(report.generated_at)),
        ("Diarienummer", None),
        ("Exporterad av", report.exported_by or "–"),
        ("Sekretessmarkerade uppgifter", "ingår" if report.include_confidential else "ingår inte"),
        ("Antal delförmågor", len(report.capabilities)),
    ]
    for label, value in facts:
        if label == "Diarienummer":
            value_cell = sheet.cell(None, style="fr input")
        elif isinstance(value, int):
            value_cell = sheet.cell(str(value), style="fr line")
        else:
            value_cell = sheet.cell(value, style="fr line")
        sheet.raw([sheet.cell(label, style="fr label"), value_cell], height=LINE_HEIGHT + 3)
    sheet.raw([])
    per_area: dict[tuple[str, str], Counter[str]] = {}
    per_group: dict[tuple[str, str], Counter[str]] = {}
    for cap in report.capabilities:
        row = cap.row
        key = _level_key(row.status)
        per_area.setdefault((row.area_number, row.area_title), Counter())[key] += 1
        per_group.setdefault((row.main_group_number, row.main_group_title), Counter())[key] += 1
    sheet.banner("Antal delförmågor per nivå och huvudgrupp")
    sheet.header([Column("Huvudgrupp", 44), *columns[1:]])
    for (number, title), counts in per_group.items():
        sheet.append([f"{number}. {title}", *(counts[k] for k in keys), sum(counts.values())])
    sheet.raw([])
    sheet.banner("Antal delförmågor per nivå och område")
    sheet.header(columns)
    area_header = sheet.rows
    for (number, title), counts in per_area.items():
        sheet.append([f"{number} {title}", *(counts[k] for k in keys), sum(counts.values())])
    ws.auto_filter.ref = f"A{area_header}:{get_column_letter(len(columns))}{sheet.rows}"
    # The chart and its own small table (short category names keep the axis readable) on a
    # page of their own.
    ws.row_breaks.append(Break(id=sheet.rows))
    sheet.banner("Diagramunderlag: nivåer per huvudgrupp")
    sheet.header([Column("Huvudgrupp", 44), *columns[1 : len(keys) + 1]])
    chart_header = sheet.rows
    for number, _title in per_group:
        sheet.append([f"Huvudgrupp {number}", *(per_group[(number, _title)][k] for k in keys)])
    _chart(ws, report, chart_header, sheet.rows, len(keys))


def _chart_text(size: int = 900, bold: bool = False) -> RichText:
    props = CharacterProperties(latin=DrawingFont(typeface=FONT_NAME), sz=size, b=bold)
    return RichText(p=[Paragraph(pPr=ParagraphProperties(defRPr=props), endParaRPr=props)])


def _chart(ws: WriteOnlyWorksheet, report: ReportData, header: int, last: int, n: int) -> None:
    """Levels per main group as a column chart, every text in Arial ≥ 9 pt."""
    chart = BarChart()
    chart.type = "col"
    chart.grouping = "clustered"
    chart.title = "Nivåer per huvudgrupp"
    chart.y_axis.title = "Antal delförmågor"
    chart.x_axis.title = "Huvudgrupp"
    for title, size in ((chart.title, 1200), (chart.y_axis.title, 900), (chart.x_axis.title, 900)):
        for paragraph in title.tx.rich.paragraphs:
            props = _chart_text(size, bold=True).p[0].pPr
            paragraph.pPr = props
            for run in paragraph.r or []:
                run.rPr = props.defRPr
    chart.x_axis.txPr = chart.y_axis.txPr = _chart_text()
    chart.legend.txPr = _chart_text()
    chart.x_axis.delete = chart.y_axis.delete = False
    data = Reference(ws, min_col=2, max_col=n + 1, min_row=header, max_row=last)
    chart.add_data(data, titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=1, min_row=header + 1, max_row=last))
    fills = ["BBBBBB", *(lvl.colour.lstrip("#") for lvl in report.levels)]
    for series, colour in zip(chart.series, fills, strict=False):
        series.graphicalProperties.solidFill = colour
        series.graphicalProperties.line.solidFill = "555555"
    chart.width, chart.height = 24, 8.5
    ws.add_chart(chart, f"A{last + 2}")


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


def _measures(wb: Workbook, report: ReportData) -> None:
    sheet = Sheet(
        wb,
        "Åtgärder",
        [
            Column("Id", 5, number=True),
            Column("Åtgärd", 25),
            Column("Status", 11),
            Column("Prioritet", 9),
            Column("Kostnadseffektivitet", 18),
            Column("Rättslig bedömning", 18),
            Column("Klart senast", 11),
            Column("Delförmågor", 11.5),
            Column("Aktörer", 12),
            Column("Sekretess", 9.5),
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
            Column("Dnr", 14),
            Column("Uppdrag", 33.5),
            Column("Departement", 18.5),  # "Socialdepartementet" on one line
            Column("Status", 11),
            Column("Mottagare", 18.5),
            Column("Milstolpar", 23),
            Column("Delförmågor", 11.5),
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
                "\n".join(a.dnrs) or "dnr saknas",
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
            Column("Aktör", 34.5),
            Column("Kortnamn", 10),
            Column("Typ", 18),
            Column("Offentlig", 10),
            Column("Beredskapsmyndighet", 20.5),
            Column("Ansvar för delförmågor", 35),
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


def _proposals(wb: Workbook, report: ReportData) -> None:
    sheet = Sheet(
        wb,
        "Upphandlingsförslag",
        [
            Column("Id", 5, number=True),
            Column("Förslag", 24.5),
            Column("NPO/NAG", 16),
            Column("Steg", 18),
            Column("a/b", 5),
            Column("Besvarade frågor", 10, number=True),
            Column("Obesvarade frågor", 12),
            Column("Upphandlas av", 16),
            Column("Delförmågor", 14),
            Column("Sekretess", 9.5),
        ],
        report,
        "Förslag till nationell upphandling",
    )
    for p in report.proposals:
        sheet.append(
            [
                p.id,
                CONFIDENTIAL_LABEL if p.hidden else p.title,
                p.proposing_group,
                STAGE_NAMES[p.stage],
                p.category,
                None if p.hidden else len(QUESTIONS) - len(p.unanswered),
                None if p.hidden else ", ".join(map(str, p.unanswered)),
                p.procured_by,
                ", ".join(c.number for c in p.capabilities),
                "Ja" if p.confidential else "Nej",
            ]
        )
    sheet.finish()


def _industry_contacts(wb: Workbook, report: ReportData) -> None:
    sheet = Sheet(
        wb,
        "Industrikontakter",
        [
            Column("Åtgärd eller förslag", 18),
            Column("Datum", 10),
            Column("Företag/organisation", 19),
            Column("Deltagare", 16),
            Column("Form", 9),
            Column("Syfte", 16),
            Column("Erbjudet eller betalt", 13),
            Column("Dokumenterad", 14),
            Column("Ej bekräftade principer", 15),
        ],
        report,
        "Kontakter med industrin (samverkansreglerna)",
    )
    for row in report.industry_contacts:
        c = row.contact
        owner = f"Förslag {row.proposal_id}" if row.proposal_id else f"Åtgärd {row.measure_id}"
        sheet.append(
            [
                f"{owner}: {row.measure_title}",
                c.contacted_on,
                c.organisation,
                c.participants,
                c.form,
                c.purpose,
                c.benefits,
                c.documented_in,
                ", ".join(c.missing_principles) or "–",
            ]
        )
    sheet.finish()


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
