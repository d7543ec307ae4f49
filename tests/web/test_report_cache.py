"""The register's report files are rendered once per register change and kept per secrecy view
(web/reports/documents.py): a repeated download is served from the kept file, a change to the
register makes a new one, and a viewer without clearance never gets the cleared render."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import IO, Any

import pytest
import sqlalchemy.orm as so
from openpyxl import load_workbook

from capabilities import services
from capabilities.models import User
from capabilities.queries.dashboard import register_version
from capabilities.reports import pdf
from capabilities.reports.data import ReportData
from capabilities.services.assessments import AssessmentInput
from tests.conftest import find_capability, login
from web.reports import documents

SECRET = "HEMLIG-RAPPORT-4711"


def _texts(data: bytes) -> str:
    """Every cell of every sheet of a workbook, as one text."""
    wb = load_workbook(io.BytesIO(data), read_only=True)
    return "\n".join(
        str(value)
        for ws in wb.worksheets
        for row in ws.iter_rows(values_only=True)
        for value in row
        if value is not None
    )


def _count_renders(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Count workbook renders; a PDF is 'rendered' as the text of its summaries (fast, and
    enough to tell the secrecy views apart without WeasyPrint)."""
    renders: list[bool] = []
    real_workbook = documents.write_workbook

    def workbook(report: ReportData, stream: IO[bytes]) -> None:
        renders.append(report.include_confidential)
        real_workbook(report, stream)

    def fake_pdf(report: ReportData, stream: IO[bytes]) -> None:
        renders.append(report.include_confidential)
        summaries = [c.row.status.summary for c in report.capabilities if c.row.status]
        stream.write(("%PDF-fake\n" + "\n".join(s or "" for s in summaries)).encode())

    monkeypatch.setattr(documents, "write_workbook", workbook)
    monkeypatch.setattr(pdf, "write_pdf", fake_pdf)
    return renders


def _secret_assessment(session: so.Session, author: User) -> None:
    services.record_assessment(
        session,
        author,
        find_capability(session, "1.1.1"),
        AssessmentInput(level=2, summary=SECRET, confidential=True, secrecy_ref="OSL 18:13"),
    )


def test_documents_are_rendered_once_per_register_change(
    client: Any,
    session: so.Session,
    as_role: Callable[..., User],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    renders = _count_renders(monkeypatch)
    member = as_role("medlem")
    first = client.get("/reports/export?format=xlsx")
    again = client.get("/reports/export?format=xlsx")
    assert first.status_code == again.status_code == 200
    assert again.data == first.data and len(renders) == 1
    assert (
        client.get("/reports/export?format=pdf").data
        == client.get("/reports/export?format=pdf").data
    )
    assert len(renders) == 2

    services.record_assessment(
        session,
        member,
        find_capability(session, "2.1.1"),
        AssessmentInput(level=4, summary="NY-BEDÖMNING-77"),
    )
    session.commit()
    changed = client.get("/reports/export?format=xlsx")
    assert len(renders) == 3 and "NY-BEDÖMNING-77" in _texts(changed.data)
    assert "NY-BEDÖMNING-77" not in _texts(first.data)
    assert "NY-BEDÖMNING-77" in client.get("/reports/export?format=pdf").data.decode()
    assert len(renders) == 4


def test_a_viewer_without_clearance_never_gets_the_cleared_render(
    app: Any,
    client: Any,
    session: so.Session,
    make_user: Callable[..., User],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    renders = _count_renders(monkeypatch)
    cleared = make_user("läsare", can_see_confidential=True)
    uncleared = make_user("läsare")
    _secret_assessment(session, make_user("medlem", can_see_confidential=True))
    session.commit()
    version = register_version(session)

    login(client, cleared)
    for fmt in ("xlsx", "pdf", "csv"):
        response = client.get(f"/reports/export?format={fmt}&include_confidential=y")
        assert (
            response.status_code == 200 and "SEKRETESS" in response.headers["Content-Disposition"]
        )
    assert SECRET in _texts(client.get("/reports/export?format=xlsx&include_confidential=y").data)
    assert renders == [True, True]  # xlsx and pdf rendered once each (csv is not counted)

    other = app.test_client()  # the same app: the same kept files
    login(other, uncleared)
    assert register_version(session) == version  # nothing changed but the viewer
    assert other.get("/reports/export?format=xlsx&include_confidential=y").status_code == 403
    for fmt in ("xlsx", "pdf", "csv"):
        response = other.get(f"/reports/export?format={fmt}")
        assert response.status_code == 200
        assert "SEKRETESS" not in response.headers["Content-Disposition"]
        text = _texts(response.data) if fmt == "xlsx" else response.data.decode("utf-8")
        assert SECRET not in text, fmt
    assert renders == [True, True, False, False]  # the public view rendered for itself

    # and the other way round: the cleared user asking for the cleared file gets it again
    assert SECRET in _texts(client.get("/reports/export?format=xlsx&include_confidential=y").data)
    assert len(renders) == 4
