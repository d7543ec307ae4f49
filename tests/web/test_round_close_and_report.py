"""Closing shows the figures and asks for the round's name (issue 24, point 6); a closed
round's PDF and Excel download from the round page and Rapporter, rendered once and served
from storage thereafter (point 7)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so

from capabilities import services
from capabilities.models import Measure, ReportingRound, RoundDocument, User
from capabilities.services import rounds as r
from capabilities.services.measures import MeasureInput
from capabilities.services.rounds import EntryInput
from tests.conftest import find_capability, login, post


def _round(session: so.Session, admin: User, member: User, reviewer: User) -> ReportingRound:
    round_ = r.open_round(
        session,
        admin,
        name="Lägesbild 2026",
        reference_date="2026-06-30",
        deadline="2026-09-30",
        reviewer_ids=[reviewer.id],
    )
    cap = find_capability(session, "1.1.1")
    entry = r.save_entry(session, member, round_, cap, EntryInput(3, "Text."), submit=True)
    r.approve_entry(session, reviewer, entry)
    r.save_entry(
        session, member, round_, find_capability(session, "1.1.2"), EntryInput(2, "U."), submit=True
    )
    services.create_measure(
        session, member, MeasureInput(title="Nytt lager", capability_ids=[cap.id])
    )
    session.commit()
    return round_


def test_closing_shows_the_figures_and_needs_the_name_typed(
    client: Any, session: so.Session, make_user: Callable[..., User]
) -> None:
    admin = make_user("admin")
    round_ = _round(session, admin, make_user("medlem"), make_user("medlem"))
    login(client, admin)
    url = f"/rounds/{round_.id}"
    page = client.get(url).get_data(as_text=True)
    assert page.index('id="h-admin"') < page.index("Framsteg")  # the panel is at the top
    figures = page.split('id="close-figures"')[1].split("</dl>")[0]
    for text in ("Fastställda</dt><dd>1 av ", "Inskickade, inte granskade</dt><dd>1<"):
        assert text in figures, figures
    assert "Ej påbörjade" in figures and ("dagar kvar" in figures or "passerad" in figures)
    for typed in ("", "Lägesbild 2025"):
        refused = post(client, f"{url}/close", {"confirm_name": typed}, token_from=url)
        assert refused.status_code == 422
        html = refused.get_data(as_text=True)
        assert 'class="error-summary"' in html and 'href="#confirm_name"' in html
        assert 'aria-invalid="true"' in html.split('id="confirm_name"')[0].rsplit("<input", 1)[1]
        session.expire_all()
        assert round_.is_open
    closed = post(client, f"{url}/close", {"confirm_name": " Lägesbild 2026 "}, token_from=url)
    assert closed.status_code == 302
    session.expire_all()
    assert not round_.is_open


def test_closed_round_report_downloads_once_rendered_then_stored(
    client: Any, session: so.Session, make_user: Callable[..., User]
) -> None:
    admin = make_user("admin", can_see_confidential=True)
    member = make_user("medlem")
    round_ = _round(session, admin, member, make_user("medlem"))
    login(client, member)
    assert client.get(f"/rounds/{round_.id}/report.pdf").status_code == 404  # still open
    r.close_round(session, admin, round_)
    session.commit()

    page = client.get(f"/rounds/{round_.id}").get_data(as_text=True)
    assert f'href="/rounds/{round_.id}/report.pdf"' in page
    assert f'href="/rounds/{round_.id}/report.xlsx"' in page
    assert "sekretess=1" not in page  # only for the cleared
    reports = client.get("/reports/").get_data(as_text=True)
    assert f'href="/rounds/{round_.id}/report.pdf"' in reports.split('id="round-reports"')[1]

    first = client.get(f"/rounds/{round_.id}/report.pdf")
    assert first.status_code == 200 and first.mimetype == "application/pdf"
    assert first.data.startswith(b"%PDF")
    assert "lagesbild-2026.pdf" in first.headers["Content-Disposition"]
    started = time.perf_counter()
    second = client.get(f"/rounds/{round_.id}/report.pdf")
    seconds = time.perf_counter() - started
    assert second.data == first.data and seconds < 2.0, seconds
    stored = session.scalars(sa.select(RoundDocument)).all()
    assert [(d.format, d.snapshot_sha256 is not None) for d in stored] == [("pdf", True)]

    # A secrecy marking made after closing is another fingerprint: never the old document.
    workbook = client.get(f"/rounds/{round_.id}/report.xlsx")
    assert workbook.status_code == 200 and workbook.data.startswith(b"PK")
    measure = session.scalars(sa.select(Measure).where(Measure.title == "Nytt lager")).one()
    measure.confidential = True
    measure.secrecy_ref = "OSL 18:13"
    session.commit()
    again = client.get(f"/rounds/{round_.id}/report.xlsx")
    assert again.status_code == 200
    assert (
        session.scalar(
            sa.select(sa.func.count(RoundDocument.id)).where(RoundDocument.format == "xlsx")
        )
        == 2
    )
    assert client.get(f"/rounds/{round_.id}/report.xlsx?sekretess=1").status_code == 403
    assert client.get(f"/rounds/{round_.id}/report.doc").status_code == 404
