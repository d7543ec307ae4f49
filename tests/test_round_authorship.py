"""An approved round entry keeps its author (issue 24, point 3).

The register assessment an approval records is written by the member who wrote the entry; the
reviewer and the round are recorded beside it. Register page, history, API and exports name
the author; migration 0011 puts right assessments approved before.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so

from capabilities import migrate, services
from capabilities.db import make_engine
from capabilities.models import AuditEvent, StatusAssessment, User
from capabilities.reports.data import build_report
from capabilities.services import rounds as r
from capabilities.services.rounds import EntryInput
from capabilities.services.users import NewUser
from importers.seed import seed
from tests.conftest import PASSWORD, find_capability, login


def _approved(session: so.Session, anna: User, greta: User, admin: User) -> StatusAssessment:
    round_ = r.open_round(
        session,
        admin,
        name="Lägesbild 2026",
        reference_date="2026-06-30",
        deadline="2026-09-30",
        reviewer_ids=[greta.id],
    )
    entry = r.save_entry(
        session, anna, round_, find_capability(session, "1.1.1"), EntryInput(3, "Annas text.")
    )
    r.submit_entry(session, anna, entry)
    r.approve_entry(session, greta, entry)
    assessment = session.get(StatusAssessment, entry.approved_assessment_id)
    assert assessment is not None
    return assessment


def test_approved_assessment_is_written_by_the_author_and_approved_by_the_reviewer(
    client: Any, session: so.Session, make_user: Callable[..., User]
) -> None:
    anna = make_user("medlem", display_name="Anna Andersson")
    greta = make_user("medlem", display_name="Greta Granskare")
    assessment = _approved(session, anna, greta, make_user("admin"))
    assert assessment.created_by_id == anna.id
    assert assessment.approved_by_id == greta.id and assessment.round is not None
    event = session.scalars(
        sa.select(AuditEvent).where(
            AuditEvent.entity_type == "status_assessments", AuditEvent.entity_id == assessment.id
        )
    ).one()
    assert event.user_id == greta.id  # the reviewer did the approving
    session.commit()

    login(client, greta)
    page = client.get("/capabilities/1.1.1").get_data(as_text=True)
    assessed = page.split('id="assessed-by">')[1].split("</dd>")[0]
    assert "Anna Andersson" in assessed and "Greta" not in assessed
    approved = page.split('id="approved-by">')[1].split("</dd>")[0]
    assert "Greta Granskare" in approved and "Lägesbild 2026" in approved
    history = page.split('class="history')[1].split("</table>")[0]
    assert "Anna Andersson" in history and "fastställd av Greta Granskare" in history

    _token, plain = services.create_token(session, greta, name="Test")
    session.commit()
    api = client.get(
        "/api/v1/capabilities/1.1.1/history", headers={"Authorization": f"Bearer {plain}"}
    ).get_json()
    first = api["items"][0]
    assert (first["assessed_by"], first["approved_by"], first["approved_in_round"]) == (
        "Anna Andersson",
        "Greta Granskare",
        "Lägesbild 2026",
    )
    report = build_report(session)
    row = next(c for c in report.capabilities if c.row.number == "1.1.1")
    assert row.assessed_by == "Anna Andersson"
    assert next(h.assessed_by for h in report.history if h.number == "1.1.1") == "Anna Andersson"


def test_migration_credits_the_author_of_assessments_approved_before(
    db_kind: str, fresh_database_url: Callable[[str], str]
) -> None:
    url = fresh_database_url(db_kind)
    migrate.upgrade(url)
    engine = make_engine(url)
    try:
        with so.Session(engine) as session:
            seed(session)
            users = [
                services.create_user(
                    session,
                    None,
                    NewUser(username=name, display_name=name.title(), role=role, password=PASSWORD),
                )
                for name, role in (("anna", "medlem"), ("greta", "medlem"), ("ada", "admin"))
            ]
            assessment = _approved(session, *users)
            # As the code before 0011 recorded it: the reviewer as the author.
            assessment.created_by_id = users[1].id
            assessment.approved_by_id = None
            assessment.round_id = None
            session.commit()
            assessment_id = assessment.id
            anna_id, greta_id = users[0].id, users[1].id
        migrate.downgrade(url, "0010_milestone_confirmation")
        migrate.upgrade(url)
        with so.Session(engine) as session:
            fixed = session.get(StatusAssessment, assessment_id)
            assert fixed is not None
            assert (fixed.created_by_id, fixed.approved_by_id) == (anna_id, greta_id)
            assert fixed.round is not None and fixed.round.name == "Lägesbild 2026"
    finally:
        engine.dispose()
