"""The Översikt sheet: the title block of the PDF's cover, counts per main group and area, and
a column chart of the levels per main group (every text in Arial, at least 9 pt)."""

from __future__ import annotations

from collections import Counter
from typing import Any

from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.chart.text import RichText
from openpyxl.drawing.text import CharacterProperties, Paragraph, ParagraphProperties
from openpyxl.drawing.text import Font as DrawingFont
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.pagebreak import Break

from capabilities.queries.register import CONFIDENTIAL_LABEL, StatusView
from capabilities.reports.data import NOT_ASSESSED, ReportData
from capabilities.reports.meta import CONFIDENTIAL_BANNER, SENDER, TITLE, local_stamp
from capabilities.reports.xlsx_sheet import (
    FONT_NAME,
    LINE_HEIGHT,
    PAGE_WIDTH,
    Column,
    Sheet,
    page_setup,
    report_sheet,
)


def _level_key(status: StatusView | None) -> str:
    if status is None:
        return NOT_ASSESSED
    return CONFIDENTIAL_LABEL if status.level is None else str(status.level)


def overview_sheet(wb: Workbook, report: ReportData) -> None:
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
    ws = report_sheet(wb, "Översikt")
    sheet = Sheet.__new__(Sheet)
    sheet.ws, sheet.columns, sheet.rows, sheet.header_row = ws, columns, 0, 0
    sheet.styles = wb.fr_style_arrays
    for index, column in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(index)].width = column.width
    page_setup(ws, report)
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
