"""Upload limits of the Excel import (M2) and rows past the declared dimension (L6)."""

from __future__ import annotations

import io
import re
import tracemalloc
import zipfile
from collections.abc import Callable
from typing import Any

import sqlalchemy.orm as so
from openpyxl import load_workbook

from capabilities.models import User
from capabilities.reports.data import build_report
from capabilities.reports.xlsx import write_workbook
from importers.status_workbook import plan_import

ROWS = 2_000


def _export(session: so.Session) -> Any:
    buffer = io.BytesIO()
    write_workbook(build_report(session), buffer)
    return load_workbook(io.BytesIO(buffer.getvalue()))


def _save(wb: Any) -> bytes:
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_a_far_right_cell_on_every_row_does_not_blow_up_memory(
    session: so.Session, make_user: Callable[..., User]
) -> None:
    """Before: openpyxl padded each row to 16,384 cells (2.2 GB for 20,000 rows)."""
    wb = _export(session)
    sheet = wb["Uppdatering"]
    for row in range(100, 100 + ROWS):
        sheet.cell(row, 16_384).value = "x"  # column XFD
    data = _save(wb)
    assert len(data) < 200_000
    tracemalloc.start()
    try:
        plan = plan_import(session, make_user("medlem"), io.BytesIO(data))
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert plan.changes == [] and plan.unchanged_rows == 62
    assert peak < 60 * 1024 * 1024, f"peak {peak / 1e6:.0f} MB"


def test_rows_past_the_declared_dimension_are_read(
    session: so.Session, make_user: Callable[..., User]
) -> None:
    wb = _export(session)
    sheet = wb["Uppdatering"]
    last = max(r for r in range(3, sheet.max_row + 1) if sheet.cell(r, 1).value)
    sheet.cell(last, 7).value = 3
    sheet.cell(last, 8).value = "Sista raden"
    number = sheet.cell(last, 1).value
    data = _save(wb)
    # claim the sheet ends at row 10: the edited row lies beyond that
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            body = source.read(info.filename)
            if info.filename.startswith("xl/worksheets/") and b"Ny niv" in _shared(source):
                body = re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:J10"', body)
            target.writestr(info, body)
    plan = plan_import(session, make_user("medlem"), io.BytesIO(out.getvalue()))
    assert [c.number for c in plan.changes] == [number]


def _shared(source: zipfile.ZipFile) -> bytes:
    try:
        return source.read("xl/sharedStrings.xml")
    except KeyError:
        return b"Ny niv"
