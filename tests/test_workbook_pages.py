"""The report workbook on paper (issue 26, point 6): how many pages LibreOffice prints.

At 1× (benchmarks/generate.py: the seeded register with ten years of quarterly assessments,
300 measures, 241 assignments) it printed 298 pages, 166 of them status history and 38 for the
Uppdatering sheet, whose 16-unit title column made rows of up to 13 lines.
"""

from __future__ import annotations

import io
import re
from collections import Counter
from collections.abc import Callable
from itertools import pairwise
from pathlib import Path

import pytest
import sqlalchemy.orm as so
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from benchmarks.generate import generate
from capabilities.db import make_engine
from capabilities.reports.data import build_report
from capabilities.reports.textfit import fits
from capabilities.reports.xlsx import HISTORY_NOTICE, write_workbook
from tests import pdfcheck
from tests.conftest import once
from tests.test_reports import _require_office

FOOTER = re.compile(r"^(.+) – sida \d+ av \d+$")
NUMBER = re.compile(r"^\d+\.\d+\.\d+$")
LINE_PITCH = 11.2  # points between lines of 10 pt text as LibreOffice prints them


def _sheet(page: pdfcheck.Page) -> str:
    """The sheet a page belongs to, from the right half of its footer ("Uppdatering – sida
    3 av 97"; the left half says when the file was made)."""
    bottom = max(w.y0 for w in page.words)
    right = [w.text for w in page.words if w.y0 > bottom - 2 and w.x0 > page.width / 2]
    match = FOOTER.search(" ".join(right))
    assert match, (page.number, right)
    return match.group(1)


def _blank_below_rows(page: pdfcheck.Page) -> list[float]:
    """Points of blank paper between each row's last line of text and the next row."""
    tops = sorted(w.y0 for w in page.words if NUMBER.match(w.text) and w.x0 < 60)
    blanks = []
    for top, next_top in pairwise(tops):
        bottom = max(w.y1 for w in page.words if top <= w.y0 < next_top - 1)
        blanks.append(next_top - bottom)
    return blanks


@pytest.mark.office
def test_workbook_at_1x_prints_under_120_pages(
    fresh_database_url: Callable[[str], str], tmp_path: Path
) -> None:
    soffice = _require_office()
    url = fresh_database_url("sqlite")
    generate(url, scale=1)
    engine = make_engine(url)
    with so.Session(engine) as session:
        report = build_report(session, include_confidential=True, exported_by="Test Testsson")
    engine.dispose()
    source = tmp_path / "rapport.xlsx"
    with source.open("wb") as handle:
        write_workbook(report, handle)
    pdf = pdfcheck.office_to_pdf(soffice, source)
    pages = pdfcheck.pages(pdf)
    per_sheet = Counter(_sheet(page) for page in pages)
    assert sum(per_sheet.values()) < 120, per_sheet
    # The history is for filtering on screen: printing it gives the one page saying so.
    assert per_sheet["Statushistorik"] == 1, per_sheet
    (history,) = [page for page in pages if _sheet(page) == "Statushistorik"]
    assert " ".join(HISTORY_NOTICE.split()[:8]) in " ".join(w.text for w in history.words)
    # Uppdatering: 62 capabilities, at least three a page, each row as tall as its text
    # (never a fixed tall height: at most two empty lines under a row's longest cell).
    update = [page for page in pages if _sheet(page) == "Uppdatering"]
    assert len(update) <= 20, per_sheet
    blanks = [blank for page in update for blank in _blank_below_rows(page)]
    assert len(blanks) >= 62 - len(update)
    assert max(blanks) < 2 * LINE_PITCH + 6, blanks
    assert pdfcheck.overlaps(pages) == []


@once  # the column widths do not depend on the database
def test_no_header_breaks_inside_a_word(session: so.Session) -> None:
    """Every word of every header fits its column on one line (it printed "Delförmåg/or",
    "Företag/organisation" over two lines); turned headers read along the row's height."""
    buffer = io.BytesIO()
    write_workbook(build_report(session), buffer)
    wb = load_workbook(io.BytesIO(buffer.getvalue()))
    broken = []
    for ws in wb:
        if ws.title in ("Översikt", "Nivåer"):
            continue
        for index, cell in enumerate(ws[2], start=1):
            dimension = ws.column_dimensions[get_column_letter(index)]
            if dimension.hidden or cell.alignment.text_rotation:
                continue
            for word in str(cell.value).split():
                if not fits(word, dimension.width, bold=True):
                    broken.append((ws.title, cell.value, dimension.width))
    assert broken == []
