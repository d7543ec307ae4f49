"""A round comparison as rows (CSV, CLI table) and as an Excel workbook."""

from __future__ import annotations

from typing import IO, Any

from openpyxl import Workbook
from openpyxl.styles import Font

from capabilities.queries.rounds import CapabilityChange, Comparison
from capabilities.redaction import CONFIDENTIAL_LABEL
from capabilities.reports.cells import csv_writer, text_row

CAPABILITY_HEADERS = (
    "Delförmåga",
    "Område",
    "Läge före",
    "Läge efter",
    "Nivå före",
    "Nivå efter",
    "Riktning",
    "Målnivå före",
    "Målnivå efter",
    "Uppdrag tillkomna",
    "Uppdrag avslutade",
    "Åtgärder tillkomna",
    "Åtgärder avslutade",
)
SCORE_HEADERS = (
    "Typ",
    "Nummer",
    "Namn",
    "Poäng före (%)",
    "Bedömda före",
    "Poäng efter (%)",
    "Bedömda efter",
    "Förändring (procentenheter)",
    "Antal delförmågor",
)


def _level(value: int | None, hidden: bool) -> Any:
    if value is None:
        return CONFIDENTIAL_LABEL if hidden else ""
    return value


def capability_rows(comparison: Comparison, *, changed_only: bool = False) -> list[list[Any]]:
    items: list[CapabilityChange] = comparison.changes if changed_only else comparison.capabilities
    return [
        [
            c.number,
            c.area_number,
            c.state_before or "",
            c.state_after or "",
            _level(c.level_before, c.hidden),
            _level(c.level_after, c.hidden),
            c.direction or "",
            "" if c.hidden else (c.target_before or ""),
            "" if c.hidden else (c.target_after or ""),
            "; ".join(c.assignments_added),
            "; ".join(c.assignments_ended),
            "; ".join(c.measures_added),
            "; ".join(c.measures_ended),
        ]
        for c in items
    ]


def score_rows(comparison: Comparison) -> list[list[Any]]:
    rows = []
    for s in comparison.scores:
        before, after = s.before, s.after
        either = after or before
        rows.append(
            [
                "Huvudgrupp" if s.kind == "main_group" else "Område",
                s.number,
                s.title,
                "" if before is None or before.percent is None else before.percent,
                before.assessed if before else 0,
                "" if after is None or after.percent is None else after.percent,
                after.assessed if after else 0,
                "" if s.change is None else s.change,
                either.total if either else 0,
            ]
        )
    return rows


def write_comparison_csv(comparison: Comparison, out: IO[str]) -> None:
    writer = csv_writer(out)
    writer.writerow(CAPABILITY_HEADERS)
    writer.writerows(capability_rows(comparison))


def write_comparison_workbook(comparison: Comparison, out: IO[bytes]) -> None:
    """Two sheets: Jämförelse (per capability) and Poäng (e-SPAR per area and main group)."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Jämförelse"
    sheet.append(text_row(sheet, [comparison.title]))
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append(
        text_row(
            sheet,
            [f"SHA-256 {comparison.before_label}: {comparison.before_sha256}"]
            + (
                [f"SHA-256 {comparison.after_label}: {comparison.after_sha256}"]
                if comparison.after_sha256
                else []
            ),
        )
    )
    sheet.append(text_row(sheet, CAPABILITY_HEADERS))
    for cell in sheet[3]:
        cell.font = Font(bold=True)
    for row in capability_rows(comparison):
        sheet.append(text_row(sheet, row))
    sheet.freeze_panes = "B4"
    scores_sheet = book.create_sheet("Poäng")
    scores_sheet.append(text_row(scores_sheet, SCORE_HEADERS))
    for cell in scores_sheet[1]:
        cell.font = Font(bold=True)
    for row in score_rows(comparison):
        scores_sheet.append(text_row(scores_sheet, row))
    for ws in (sheet, scores_sheet):
        ws.column_dimensions["A"].width = 14
        ws.column_dimensions["C"].width = 40
    book.save(out)
