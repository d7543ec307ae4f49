"""The workbook's memory stays flat in the number of rows it writes (issue 30): write-only
sheets stream to disk, and nothing is kept per written row."""

from __future__ import annotations

import tracemalloc
from collections.abc import Callable
from pathlib import Path

import sqlalchemy.orm as so

from capabilities import services
from capabilities.models import User
from capabilities.reports.data import build_report
from capabilities.reports.xlsx import write_workbook
from capabilities.services.assessments import AssessmentInput
from tests.conftest import find_capability, once


@once
def test_workbook_memory_is_flat_in_the_number_of_rows(
    session: so.Session, make_user: Callable[..., User], tmp_path: Path
) -> None:
    services.record_assessment(
        session,
        make_user("medlem"),
        find_capability(session, "1.1.1"),
        AssessmentInput(level=3, summary="Rad"),
    )
    report = build_report(session)
    entry = next(h for h in report.history if h.number == "1.1.1")

    def peak(rows: int) -> int:
        report.history = [entry] * rows
        tracemalloc.start()
        with (tmp_path / f"{rows}.xlsx").open("wb") as stream:
            write_workbook(report, stream)
        _current, most = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        return most

    peak(100)  # warm caches (text widths, styles)
    small, large = peak(1_000), peak(21_000)
    # 20,000 more rows of nine cells: far less than a kilobyte kept per row
    assert large - small < 2 * 2**20, (small, large)
