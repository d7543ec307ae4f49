"""Issue 23 F4: a confidential target level never reaches a public record, and no answer
depends on it.

A user without clearance sees that the current assessment is confidential, never its target.
So (a) keeping "the current target" in a public assessment is refused (the user cannot know
what they would publish), (b) an import into the open round does not copy it into a public
draft, and (c) the Målnivå cell over a hidden target gets the same answer whatever is guessed.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pytest
import sqlalchemy as sa
import sqlalchemy.orm as so
from openpyxl import load_workbook

from capabilities import services
from capabilities.errors import ValidationFailed
from capabilities.models import RoundEntry, StatusAssessment, User
from capabilities.reports.data import build_report
from capabilities.reports.xlsx import write_workbook
from capabilities.services import rounds as r
from capabilities.services.assessments import AssessmentInput
from importers.round_import import apply_import_to_round
from importers.status_workbook import ImportRejected, plan_import
from tests.conftest import find_capability, post

LEVEL, SUMMARY, TARGET = 7, 8, 11  # columns G, H and K of Uppdatering
NUMBER = "1.2.1"


def _secret(session: so.Session, author: User, target: int | None) -> StatusAssessment:
    return services.record_assessment(
        session,
        author,
        find_capability(session, NUMBER),
        AssessmentInput(
            level=2,
            target_level=target,
            summary="Hemlig lägesbild.",
            confidential=True,
            secrecy_ref="OSL 18:13",
        ),
    )


def _assessments(session: so.Session) -> list[StatusAssessment]:
    cap = find_capability(session, NUMBER)
    return list(
        session.scalars(
            sa.select(StatusAssessment)
            .where(StatusAssessment.capability_id == cap.id)
            .order_by(StatusAssessment.id)
        )
    )


# --- (a) the service and the form -----------------------------------------------------------


@pytest.mark.parametrize("hidden_target", [5, None])
def test_uncleared_public_assessment_does_not_keep_a_hidden_target(
    session: so.Session, make_user: Callable[..., User], hidden_target: int | None
) -> None:
    _secret(session, make_user("admin", can_see_confidential=True), hidden_target)
    member = make_user("medlem")
    cap = find_capability(session, NUMBER)
    # the same refusal whether or not the hidden assessment has a target
    with pytest.raises(ValidationFailed) as refused:
        services.record_assessment(
            session, member, cap, AssessmentInput(level=3, summary="Öppen bedömning.")
        )
    assert "sekretessmarkerad" in refused.value.errors["target_level"][0]
    # a deliberate target, no target, or a confidential assessment are all fine
    explicit = services.record_assessment(
        session, member, cap, AssessmentInput(level=3, target_level=4, summary="Öppen.")
    )
    assert explicit.target_level == 4
    _secret(session, make_user("admin", can_see_confidential=True), hidden_target)
    none = services.record_assessment(
        session, member, cap, AssessmentInput(level=3, target_level="", summary="Öppen.")
    )
    assert none.target_level is None
    _secret(session, make_user("admin", can_see_confidential=True), hidden_target)
    kept_secret = services.record_assessment(
        session,
        member,
        cap,
        AssessmentInput(level=3, summary="Hemlig.", confidential=True, secrecy_ref="OSL"),
    )
    assert kept_secret.target_level == hidden_target


def test_cleared_user_may_keep_the_target_in_a_public_assessment(
    session: so.Session, make_user: Callable[..., User]
) -> None:
    cleared = make_user("medlem", can_see_confidential=True)
    _secret(session, cleared, 5)
    kept = services.record_assessment(
        session,
        cleared,
        find_capability(session, NUMBER),
        AssessmentInput(level=3, summary="Öppen."),
    )
    assert kept.target_level == 5


def test_form_refuses_to_publish_a_hidden_target(
    client: Any, as_role: Any, session: so.Session, make_user: Callable[..., User]
) -> None:
    _secret(session, make_user("admin", can_see_confidential=True), 5)
    session.commit()
    as_role("medlem")
    path = f"/capabilities/{NUMBER}/assessments/new"
    form = client.get(path).get_data(as_text=True)
    assert 'value="keep"' in form
    response = post(
        client, path, {"level": "3", "target_level": "keep", "summary": "Öppen.", "assessed_on": ""}
    )
    assert response.status_code == 422
    assert "sekretessmarkerad" in response.get_data(as_text=True)
    assert len(_assessments(session)) == 1
    reader_page = client.get(f"/capabilities/{NUMBER}").get_data(as_text=True)
    assert "Målnivå 5" not in reader_page


def test_form_offers_keep_whatever_the_hidden_target(
    client: Any, as_role: Any, session: so.Session, make_user: Callable[..., User]
) -> None:
    """Offering "keep" only when the hidden target is set would tell that it is set."""
    _secret(session, make_user("admin", can_see_confidential=True), None)
    session.commit()
    as_role("medlem")
    form = client.get(f"/capabilities/{NUMBER}/assessments/new").get_data(as_text=True)
    assert 'value="keep"' in form


# --- (b) and (c) the Excel round trip -------------------------------------------------------


def _sheet(session: so.Session, edit: Callable[[Any, int], None]) -> io.BytesIO:
    """The register export as an uncleared user gets it, with `edit(sheet, row)` applied."""
    buffer = io.BytesIO()
    write_workbook(build_report(session), buffer)
    wb = load_workbook(io.BytesIO(buffer.getvalue()))
    sheet = wb["Uppdatering"]
    row = next(r for r in range(3, sheet.max_row + 1) if sheet.cell(r, 1).value == NUMBER)
    assert sheet.cell(row, TARGET).value is None  # the hidden target is not exported
    edit(sheet, row)
    out = io.BytesIO()
    wb.save(out)
    out.seek(0)
    return out


def _new_assessment(sheet: Any, row: int) -> None:
    sheet.cell(row, LEVEL).value = 3
    sheet.cell(row, SUMMARY).value = "Öppen bedömning."


def test_round_import_does_not_copy_a_hidden_target_into_a_public_draft(
    session: so.Session, make_user: Callable[..., User]
) -> None:
    admin = make_user("admin", can_see_confidential=True)
    _secret(session, admin, 5)
    round_ = r.open_round(
        session,
        admin,
        name="Lägesbild 2026",
        reference_date="2026-06-30",
        deadline="2026-09-30",
        reviewer_ids=[admin.id],
    )
    member = make_user("medlem")
    with pytest.raises(ImportRejected) as refused:
        plan = plan_import(session, member, _sheet(session, _new_assessment))
        apply_import_to_round(session, member, plan, round_, mode="draft")
    assert "kolumn K (Målnivå)" in str(refused.value.problems[0])
    assert "sekretessmarkerad" in str(refused.value.problems[0])
    assert (
        session.scalars(sa.select(RoundEntry).where(RoundEntry.round_id == round_.id)).all() == []
    )


def test_register_import_does_not_keep_a_hidden_target(
    session: so.Session, make_user: Callable[..., User]
) -> None:
    _secret(session, make_user("admin", can_see_confidential=True), 5)
    member = make_user("medlem")
    with pytest.raises(ImportRejected) as refused:
        plan_import(session, member, _sheet(session, _new_assessment))
    assert "kolumn K (Målnivå)" in str(refused.value.problems[0])

    def with_target(sheet: Any, row: int) -> None:
        _new_assessment(sheet, row)
        sheet.cell(row, TARGET).value = 4

    plan = plan_import(session, member, _sheet(session, with_target))
    assert [(c.target_level, c.target_changed) for c in plan.changes] == [(4, True)]


@pytest.mark.parametrize("hidden_target", [5, 3, None])
def test_target_cell_alone_is_no_oracle(
    session: so.Session, make_user: Callable[..., User], hidden_target: int | None
) -> None:
    """Every guess at a hidden target gets the same answer, the right one included."""
    _secret(session, make_user("admin", can_see_confidential=True), hidden_target)
    member = make_user("medlem")
    answers = set()
    for guess in (1, 3, 5):

        def only_target(sheet: Any, row: int, guess: int = guess) -> None:
            sheet.cell(row, TARGET).value = guess

        try:
            plan_import(session, member, _sheet(session, only_target))
            answers.add("accepted")
        except ImportRejected as exc:
            answers.add(str(exc.problems[0]))
    assert len(answers) == 1, answers
