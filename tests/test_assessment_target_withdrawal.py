"""Issue 10: a target level persists through the form and the Excel round trip; an assessment
can be withdrawn by its author or an admin and then stops counting, and "över målnivå"."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
import sqlalchemy.orm as so
from openpyxl import load_workbook

from capabilities import services
from capabilities.errors import Conflict, PermissionDenied, ValidationFailed
from capabilities.models import AuditEvent, Capability, StatusAssessment, User
from capabilities.queries.capability import capability_detail
from capabilities.queries.gaps import gap_frame
from capabilities.queries.register import register_rows
from capabilities.reports.data import build_report
from capabilities.reports.xlsx import write_workbook
from capabilities.services.assessments import AssessmentInput
from importers.status_workbook import ImportRejected, apply_import, plan_import
from tests.conftest import post

LEVEL, SUMMARY, TARGET = 7, 8, 11  # columns G, H and K of Uppdatering


def _cap(session: so.Session, number: str) -> Capability:
    return session.scalars(sa.select(Capability).where(Capability.number == number)).one()


def _current(session: so.Session, number: str) -> Any:
    return next(r for r in register_rows(session) if r.number == number).status


# --- target level ----------------------------------------------------------------------------


def test_service_keeps_the_previous_target_unless_given(
    session: so.Session, make_user: Callable[..., User]
) -> None:
    member = make_user()
    cap = _cap(session, "1.1.1")
    services.record_assessment(
        session, member, cap, AssessmentInput(level=2, target_level=4, summary="Första.")
    )
    kept = services.record_assessment(
        session, member, cap, AssessmentInput(level=3, summary="Andra.")
    )
    assert kept.target_level == 4
    cleared = services.record_assessment(
        session, member, cap, AssessmentInput(level=3, target_level="", summary="x")
    )
    assert cleared.target_level is None


def test_form_prefills_and_keeps_the_target(client: Any, as_role: Any, session: so.Session) -> None:
    member = as_role("medlem")
    cap = _cap(session, "1.2.1")
    services.record_assessment(
        session,
        member,
        cap,
        AssessmentInput(level=2, target_level=4, summary="Begränsad lagerhållning."),
    )
    session.commit()
    html = client.get("/capabilities/1.2.1/assessments/new").get_data(as_text=True)
    assert re.search(r'<option selected value="4">|<option value="4" selected', html)
    assert "Begränsad lagerhållning." in html  # the previous text, for reference
    # radio buttons with each level's description
    assert 'type="radio" name="level" id="level-3" value="3"' in html
    assert "Förmågan är utvecklad men inte prövad." in html
    response = post(
        client,
        "/capabilities/1.2.1/assessments/new",
        {"level": "3", "target_level": "4", "summary": "Bättre nu.", "assessed_on": ""},
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    status = _current(session, "1.2.1")
    assert (status.level, status.target_level) == (3, 4)
    english = client.get("/capabilities/1.2.1/assessments/new?lang=en").get_data(as_text=True)
    assert "3 – Developed capacity" in english
    assert "The capacity is developed but not tested." in english


def test_untouched_export_reimported_keeps_every_target(
    session: so.Session, make_user: Callable[..., User]
) -> None:
    member = make_user()
    for number, level, target in (("1.1.1", 2, 4), ("2.1.1", 3, 3), ("3.3.1", 5, 2)):
        services.record_assessment(
            session,
            member,
            _cap(session, number),
            AssessmentInput(level=level, target_level=target, summary="x"),
        )
    buffer = io.BytesIO()
    write_workbook(build_report(session), buffer)
    wb = load_workbook(io.BytesIO(buffer.getvalue()))
    sheet = wb["Uppdatering"]
    assert sheet.cell(2, TARGET).value == "Målnivå"
    rows = {sheet.cell(r, 1).value: r for r in range(3, sheet.max_row + 1)}
    assert sheet.cell(rows["1.1.1"], TARGET).value == "4 Påvisad förmåga"
    # a new level and text on every assessed row, the target column left as exported
    for number in ("1.1.1", "2.1.1", "3.3.1"):
        sheet.cell(rows[number], LEVEL).value = 3
        sheet.cell(rows[number], SUMMARY).value = "Ny bedömning."
    # and a target deliberately changed on one row
    sheet.cell(rows["2.1.1"], TARGET).value = "5 Hållbar förmåga"
    out = io.BytesIO()
    wb.save(out)
    out.seek(0)
    plan = plan_import(session, member, out)
    # each row carries the target it ends with (what a round import saves on its entry)
    assert {c.number: (c.target_level, c.target_changed) for c in plan.changes} == {
        "1.1.1": (4, False),
        "2.1.1": (5, True),
        "3.3.1": (2, False),
    }
    apply_import(session, member, plan)
    targets = {n: _current(session, n).target_level for n in ("1.1.1", "2.1.1", "3.3.1")}
    assert targets == {"1.1.1": 4, "2.1.1": 5, "3.3.1": 2}


def test_target_change_alone_asks_for_an_assessment(
    session: so.Session, make_user: Callable[..., User]
) -> None:
    member = make_user()
    services.record_assessment(
        session,
        member,
        _cap(session, "1.1.2"),
        AssessmentInput(level=2, target_level=3, summary="x"),
    )
    buffer = io.BytesIO()
    write_workbook(build_report(session), buffer)
    wb = load_workbook(io.BytesIO(buffer.getvalue()))
    sheet = wb["Uppdatering"]
    row = next(r for r in range(3, sheet.max_row + 1) if sheet.cell(r, 1).value == "1.1.2")
    sheet.cell(row, TARGET).value = 4
    out = io.BytesIO()
    wb.save(out)
    out.seek(0)
    with pytest.raises(ImportRejected) as info:
        plan_import(session, member, out)
    assert "kolumn K (Målnivå)" in str(info.value.problems[0])


def test_level_above_target_is_over_target_never_a_negative_gap(
    session: so.Session, make_user: Callable[..., User]
) -> None:
    member = make_user()
    services.record_assessment(
        session,
        member,
        _cap(session, "3.3.2"),
        AssessmentInput(level=5, target_level=3, summary="x"),
    )
    services.record_assessment(
        session,
        member,
        _cap(session, "3.3.3"),
        AssessmentInput(level=2, target_level=4, summary="x"),
    )
    frame = gap_frame(session).set_index("number")
    assert (frame.loc["3.3.2", "gap"], bool(frame.loc["3.3.2", "above_target"])) == (0, True)
    assert (frame.loc["3.3.3", "gap"], bool(frame.loc["3.3.3", "above_target"])) == (2, False)
    assert (frame["gap"].dropna() >= 0).all()


# --- withdrawal ------------------------------------------------------------------------------


def test_withdrawn_assessment_leaves_current_status_and_stays_in_history(
    session: so.Session, make_user: Callable[..., User]
) -> None:
    author = make_user()
    cap = _cap(session, "2.2.1")
    good = services.record_assessment(
        session,
        author,
        cap,
        AssessmentInput(level=2, summary="Rätt.", assessed_on=date.today() - timedelta(1)),
    )
    wrong = services.record_assessment(
        session, author, cap, AssessmentInput(level=5, summary="Fel delförmåga.")
    )
    assert _current(session, "2.2.1").assessment_id == wrong.id
    before_withdrawal = date.today()
    services.withdraw_assessment(session, author, wrong, reason="Registrerad på fel delförmåga.")

    assert _current(session, "2.2.1").assessment_id == good.id
    assert next(r for r in register_rows(session) if r.number == "2.2.1").status.level == 2
    detail = capability_detail(session, "2.2.1", can_see_confidential=False)
    assert [e.assessment_id for e in detail.history] == [wrong.id, good.id]
    withdrawal = detail.history[0].withdrawal
    assert withdrawal is not None and withdrawal.reason == "Registrerad på fel delförmåga."
    assert withdrawal.by == author.display_name
    assert detail.current is not None and detail.current.assessment_id == good.id
    # as-of views before the withdrawal still show it: it counted until then
    wrong.withdrawn_at = datetime.combine(
        before_withdrawal + timedelta(1), datetime.min.time(), UTC
    )
    session.flush()
    as_of = next(r for r in register_rows(session, as_of=before_withdrawal) if r.number == "2.2.1")
    assert as_of.status is not None and as_of.status.assessment_id == wrong.id
    event = session.scalars(
        sa.select(AuditEvent).where(
            AuditEvent.entity_type == "status_assessments",
            AuditEvent.entity_id == wrong.id,
            AuditEvent.action == "withdraw",
        )
    ).one()
    assert event.user_id == author.id and event.after is not None
    assert event.after["withdrawn_reason"] == "Registrerad på fel delförmåga."


def test_only_author_or_admin_withdraws_with_a_reason(
    session: so.Session, make_user: Callable[..., User]
) -> None:
    author, other, admin = make_user(), make_user(), make_user("admin")
    assessment = services.record_assessment(
        session, author, _cap(session, "2.2.2"), AssessmentInput(level=3, summary="x")
    )
    with pytest.raises(PermissionDenied):
        services.withdraw_assessment(session, other, assessment, reason="Nej.")
    with pytest.raises(ValidationFailed) as info:
        services.withdraw_assessment(session, author, assessment, reason="  ")
    assert "reason" in info.value.errors
    services.withdraw_assessment(session, admin, assessment, reason="Dubblett.")
    assert assessment.withdrawn_by_id == admin.id
    with pytest.raises(Conflict):
        services.withdraw_assessment(session, admin, assessment, reason="Igen.")


def test_withdraw_through_the_page(client: Any, as_role: Any, session: so.Session) -> None:
    author = as_role("medlem")
    assessment = services.record_assessment(
        session, author, _cap(session, "2.2.3"), AssessmentInput(level=4, summary="Av misstag.")
    )
    session.commit()
    page = client.get("/capabilities/2.2.3").get_data(as_text=True)
    url = f"/capabilities/2.2.3/assessments/{assessment.id}/withdraw"
    assert url in page
    empty = post(client, url, {"reason": ""})
    assert empty.status_code == 422
    done = post(client, url, {"reason": "Fel delförmåga."})
    assert done.status_code == 302
    page = client.get("/capabilities/2.2.3").get_data(as_text=True)
    assert "Återkallad" in page and "Fel delförmåga." in page
    session.expire_all()
    assert session.get(StatusAssessment, assessment.id).withdrawn_at is not None
    assert _current(session, "2.2.3") is None


def test_assessment_pages_use_a_constant_number_of_queries(
    client: Any, as_role: Any, session: so.Session, count_queries: Callable[[], Any]
) -> None:
    """The form, the withdrawal page and the capability page with withdrawn history entries."""
    member = as_role("medlem")
    cap = _cap(session, "3.2.5")
    counts = []
    for extra in (1, 6):
        made = []
        for i in range(extra):
            made.append(
                services.record_assessment(
                    session, member, cap, AssessmentInput(level=1 + i % 5, summary=f"{i}")
                )
            )
        for assessment in made[:-1]:
            if assessment.withdrawn_at is None:
                services.withdraw_assessment(session, member, assessment, reason="Fel.")
        session.commit()
        with count_queries() as form:
            assert client.get("/capabilities/3.2.5/assessments/new").status_code == 200
        with count_queries() as withdraw:
            path = f"/capabilities/3.2.5/assessments/{made[-1].id}/withdraw"
            assert client.get(path).status_code == 200
        with count_queries() as page:
            assert client.get("/capabilities/3.2.5").status_code == 200
        counts.append((form.count, withdraw.count, page.count))
    assert counts[0] == counts[1], counts
