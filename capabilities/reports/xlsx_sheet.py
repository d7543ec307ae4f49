"""The report workbook's building blocks: named styles, the A4 page and `Sheet`.

Every sheet prints on A4 landscape at full size: columns are sized to fit the page (wide
content is split over two sheets instead of shrunk), every cell has an explicit font through a
named style (one style record per kind of cell, not one per cell), numbers are right-aligned
under right-aligned headers, and row heights are measured from the wrapped text (textfit.py)
so that nothing overlaps when LibreOffice or Excel prints the file (neither grows rows on
open) and no row is taller than its text. Every header word fits its column.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.compat import safe_string
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side
from openpyxl.styles.cell_style import StyleArray
from openpyxl.styles.named_styles import NamedStyleList
from openpyxl.utils import get_column_letter
from openpyxl.utils.indexed_list import IndexedList
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.worksheet import Worksheet

from capabilities.queries.register import CONFIDENTIAL_LABEL, StatusView
from capabilities.reports.cells import text_cell
from capabilities.reports.data import NOT_ASSESSED, ReportData
from capabilities.reports.meta import CONFIDENTIAL_BANNER, TITLE, local_stamp
from capabilities.reports.textfit import lines, turned_height

HEADER_ROW = 2
# On every office machine; LibreOffice on Linux renders it with metric-equal Liberation Sans.
FONT_NAME = "Arial"
FONT_SIZE = 10
# A4 landscape with 1.5 cm side margins holds about this many column-width units at 100 %.
PAGE_WIDTH = 130
MAX_ROW_HEIGHT = 330.0  # points: a row must fit on an A4 landscape page under the title rows
LINE_HEIGHT = 12.75  # points per line of 10 pt Arial, as Excel sizes a row

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


def _header(name: str, horizontal: str, **alignment: Any) -> NamedStyle:
    """A column header style: every header is bold on the header fill, boxed, bottom-aligned."""
    return NamedStyle(
        name,
        font=_font(bold=True),
        fill=_HEADER_FILL,
        border=_THIN,
        alignment=Alignment(wrap_text=True, vertical="bottom", horizontal=horizontal, **alignment),
    )


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
        _header("fr header", "left"),
        _header("fr header number", "right"),
        _header("fr header turned", "center", text_rotation=90),
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


def new_workbook(levels: dict[int, str]) -> Workbook:
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


def report_sheet(wb: Workbook, name: str) -> WriteOnlyWorksheet:
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
        self.ws: WriteOnlyWorksheet = report_sheet(wb, name)
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
        page_setup(ws, report)
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


def page_setup(ws: WriteOnlyWorksheet, report: ReportData) -> None:
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
