"""Excel round trip: export → edit Uppdatering → import, with every refusal and conflict."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from typing import Any

import pytest
import sqlalchemy as sa
import sqlalchemy.orm as so
from openpyxl import Workbook, load_workbook

from capabilities import services
from capabilities.models import AuditEvent, StatusAssessment, User
from capabilities.reports.data import build_report
from capabilities.reports.xlsx import write_workbook
from capabilities.services.assessments import AssessmentInput
from importers import status_workbook
from importers.status_workbook import ImportRejected, apply_import, plan_import
from tests.conftest import find_capability

LEVEL, SUMMARY, JUSTIFICATION, DATE = 7, 8, 9, 10  # columns G–J of Uppdatering


def _export(session: so.Session) -> Any:
    buffer = io.BytesIO()
    write_workbook(build_report(session), buffer)
    return load_workbook(io.BytesIO(buffer.getvalue()))


def _row(wb: Any, number: str) -> int:
    sheet = wb["Uppdatering"]
    return next(r for r in range(3, sheet.max_row + 1) if sheet.cell(r, 1).value == number)


def _edit(wb: Any, number: str, level: Any, summary: Any, **extra: Any) -> None:
    sheet, row = wb["Uppdatering"], _row(wb, number)
    sheet.cell(row, LEVEL).value = level
    sheet.cell(row, SUMMARY).value = summary
    if "justification" in extra:
        sheet.cell(row, JUSTIFICATION).value = extra["justification"]
    if "on" in extra:
        sheet.cell(row, DATE).value = extra["on"]


def _bytes(wb: Any) -> io.BytesIO:
    buffer = io.BytesIO()
    wb.save(buffer)
    buffer.seek(0)
    return buffer


def _count(session: so.Session) -> int:
    return session.scalar(sa.select(sa.func.count(StatusAssessment.id))) or 0


def _rejected(session: so.Session, user: User, data: Any) -> list[str]:
    before = _count(session)
    with pytest.raises(ImportRejected) as info:
        plan_import(session, user, data if hasattr(data, "read") else io.BytesIO(data))
    assert _count(session) == before
    return [str(p) for p in info.value.problems]


def test_unchanged_export_imports_nothing(
    session: so.Session, make_user: Callable[..., User]
) -> None:
    member = make_user()
    plan = plan_import(session, member, _bytes(_export(session)))
    assert plan.changes == [] and plan.conflicts == [] and plan.unchanged_rows == 62


def test_three_edited_rows_give_exactly_three_assessments_by_the_importer(
    session: so.Session, make_user: Callable[..., User]
) -> None:
    member = make_user()
    wb = _export(session)
    _edit(wb, "1.1.1", "3 Utvecklad förmåga", "Lager för tre veckor.", justification="Inventering")
    _edit(wb, "3.2.10", 2, "Rutiner saknas.", on="2026-02-01")
    _edit(wb, "2.2.4", "5", "Fungerar.")
    plan = plan_import(session, member, _bytes(wb))
    assert [(c.number, c.level) for c in plan.changes] == [
        ("1.1.1", 3),
        ("2.2.4", 5),
        ("3.2.10", 2),
    ]
    events_before = session.scalar(sa.select(sa.func.count(AuditEvent.id)))
    created = apply_import(session, member, plan)
    assert len(created) == 3 and _count(session) == 3
    assert {a.created_by_id for a in created} == {member.id}
    assert session.scalar(sa.select(sa.func.count(AuditEvent.id))) == (events_before or 0) + 3
    by_number = {a.capability.number: a for a in created}
    assert by_number["3.2.10"].assessed_on.isoformat() == "2026-02-01"
    assert by_number["1.1.1"].justification == "Inventering"
    # re-importing the same file changes nothing
    again = plan_import(session, member, _bytes(wb))
    assert again.changes == [] and again.conflicts == []
    assert sorted(again.already_applied) == ["1.1.1", "2.2.4", "3.2.10"]


def test_newer_assessment_after_export_is_a_conflict(
    session: so.Session, make_user: Callable[..., User]
) -> None:
    member = make_user()
    wb = _export(session)
    services.record_assessment(
        session,
        member,
        find_capability(session, "1.1.2"),
        AssessmentInput(level=4, summary="Annan"),
    )
    _edit(wb, "1.1.2", 2, "Min version")
    _edit(wb, "1.1.3", 2, "Ingen konflikt")
    plan = plan_import(session, member, _bytes(wb))
    assert [c.number for c in plan.changes] == ["1.1.3"]
    assert len(plan.conflicts) == 1 and "1.1.2" in str(plan.conflicts[0])


@pytest.mark.parametrize(
    ("number", "level", "summary", "extra", "expected"),
    [
        ("9.9.9", 3, "x", {}, "kolumn A (Nummer): Okänd delförmåga ”9.9.9”"),
        ("1.1.1", 7, "x", {}, "kolumn G (Ny nivå): ”7” är inte en nivå"),
        ("1.1.1", "hög", "x", {}, "kolumn G (Ny nivå): ”hög” är inte en nivå"),
        ("1.1.1", 3, None, {}, "kolumn H (Ny statusbeskrivning): Ny statusbeskrivning saknas"),
        ("1.1.1", None, "text", {}, "kolumn G (Ny nivå): Ny nivå saknas"),
        ("1.1.1", 3, "x", {"on": "31/12/2025"}, "kolumn J (Datum för ny bedömning): ”31/12/2025”"),
        ("1.1.1", 3, "x", {"on": "2999-01-01"}, "Datumet ligger i framtiden"),
        ("1.1.1", 3, "å" * 20_001, {}, "kolumn H (Ny statusbeskrivning): Texten är för lång"),
    ],
)
def test_each_invalid_row_is_named_by_sheet_row_and_column(
    session: so.Session,
    make_user: Callable[..., User],
    number: str,
    level: Any,
    summary: Any,
    extra: dict[str, Any],
    expected: str,
) -> None:
    member = make_user()
    wb = _export(session)
    _edit(wb, "1.1.5", 2, "Giltig rad")  # valid rows are not written when another is wrong
    row = _row(wb, "1.1.1")
    wb["Uppdatering"].cell(row, 1).value = number
    _edit(wb, number, level, summary, **extra)
    problems = _rejected(session, member, _bytes(wb))
    assert any(
        p.startswith(f"Blad Uppdatering, rad {row}, ") and expected in p for p in problems
    ), problems


def test_missing_sheet_and_columns(session: so.Session, make_user: Callable[..., User]) -> None:
    member = make_user()
    wb = Workbook()
    wb.active.title = "Annat"
    assert "saknar bladet Uppdatering" in _rejected(session, member, _bytes(wb))[0]
    wb = _export(session)
    wb["Uppdatering"].cell(2, LEVEL).value = "Nivå?"
    assert any("Kolumnen saknas: Ny nivå" in p for p in _rejected(session, member, _bytes(wb)))


def test_files_that_are_not_workbooks(session: so.Session, make_user: Callable[..., User]) -> None:
    member = make_user()
    assert "inte en Excel-arbetsbok" in _rejected(session, member, b"Nummer;Ny niva\n1.1.1;3\n")[0]
    encrypted = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 1024
    assert "lösenordsskyddad" in _rejected(session, member, encrypted)[0]
    damaged = _bytes(_export(session)).getvalue()[:4000]
    assert "skadad" in _rejected(session, member, damaged)[0]
    big = b"PK" + b"\0" * (status_workbook.MAX_FILE_BYTES + 10)
    assert "för stor" in _rejected(session, member, big)[0]


def test_zip_bomb_is_refused(session: so.Session, make_user: Callable[..., User]) -> None:
    member = make_user()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", "0" * (150 * 1024 * 1024))
    assert "zip-bomb" in _rejected(session, member, buffer.getvalue())[0]


def test_workbook_with_too_many_rows_is_refused(
    session: so.Session, make_user: Callable[..., User], monkeypatch: pytest.MonkeyPatch
) -> None:
    member = make_user()
    monkeypatch.setattr(status_workbook, "MAX_ROWS", 100)
    wb = _export(session)
    sheet = wb["Uppdatering"]
    for r in range(70, 200):
        sheet.cell(r, 1).value = "1.1.1"
    assert any(
        "högst 100" in p or "fler än 100" in p for p in _rejected(session, member, _bytes(wb))
    )


def test_reader_may_not_import(session: so.Session, make_user: Callable[..., User]) -> None:
    from capabilities.errors import PermissionDenied

    with pytest.raises(PermissionDenied):
        plan_import(session, make_user("läsare"), _bytes(_export(session)))


def test_import_interrupted_midway_leaves_nothing(
    session: so.Session, make_user: Callable[..., User], monkeypatch: pytest.MonkeyPatch
) -> None:
    member = make_user()
    wb = _export(session)
    for number in ("1.1.1", "1.1.2", "1.1.3", "1.1.4"):
        _edit(wb, number, 3, f"Rad {number}")
    plan = plan_import(session, member, _bytes(wb))
    session.commit()  # the test's own savepoint: the state before the import
    before_events = session.scalar(sa.select(sa.func.count(AuditEvent.id)))
    calls = {"n": 0}
    real = status_workbook.record_assessment

    def failing(*args: Any, **kwargs: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == 3:
            raise RuntimeError("strömavbrott")
        return real(*args, **kwargs)

    monkeypatch.setattr(status_workbook, "record_assessment", failing)
    with pytest.raises(RuntimeError):
        apply_import(session, member, plan)
    session.rollback()
    assert _count(session) == 0
    assert session.scalar(sa.select(sa.func.count(AuditEvent.id))) == before_events
