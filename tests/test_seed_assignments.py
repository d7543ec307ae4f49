"""Issue 10: assignments, actors and Bilaga 3 links as the seeds state them, on a fresh install
and on an install seeded before the corrections."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so

from capabilities.models import (
    Actor,
    Assignment,
    AuditEvent,
    Capability,
    CapabilityAssignment,
    DiaryNumber,
    User,
)
from capabilities.queries.register import register_rows
from capabilities.services import update_assignment
from capabilities.services.assignments import AssignmentInput
from capabilities.services.users import system_user
from importers.seed import seed
from importers.seed_data import load_seed_data
from tests.conftest import in_bilaga_2, post

FINISHED = {
    "S2021/08235": "002:541",
    "S2021/05469": "002:1894",
    "S2021/02922": "002:1868",
    "S2022/01264": "002:2450",
    "S2022/01265": "002:2438",
    "N2021/02613": "002:2662",
    "S2022/00453": "001:167",
}


def _by_key(session: so.Session, key: str) -> Assignment:
    return session.scalars(sa.select(Assignment).where(Assignment.seed_key == key)).one()


def _by_dnr(session: so.Session, number: str) -> Assignment:
    return session.scalars(
        sa.select(Assignment)
        .join(DiaryNumber)
        .where(DiaryNumber.number == number, Assignment.title.not_like("Tilläggsuppdrag%"))
    ).one()


def test_reported_assignments_are_not_running(session: so.Session) -> None:
    for number, source in FINISHED.items():
        assignment = _by_dnr(session, number)
        assert (assignment.status, assignment.status_source) == ("redovisat", source), number
    assert _by_dnr(session, "S2022/04550").status == "pågående"
    final = [r for r in _by_dnr(session, "S2022/01264").reports if r.is_final]
    assert [(r.reported_on, r.reported_printed, r.source) for r in final] == [
        (None, "februari 2023", "002:2493")
    ]


def test_bilaga_2_deadlines_are_milestones(session: so.Session) -> None:
    expected = {
        "S2022/00453": (date(2023, 12, 31), "002:2432"),
        "S2023/02002": (date(2024, 6, 16), "002:2559"),
        "S2022/03298": (date(2023, 12, 31), "002:2589"),
        "S2023/01932": (date(2024, 4, 1), "002:2595"),
    }
    for number, (due, source) in expected.items():
        milestones = _by_dnr(session, number).milestones
        assert [(m.due_on, m.kind, m.source) for m in milestones] == [
            (due, "slutredovisning", source)
        ], number
    production = _by_dnr(session, "S2022/00453").milestones[0]
    assert (production.is_done, production.done_on) == (True, date(2023, 12, 29))
    beredskapsapotek = _by_dnr(session, "S2022/03298")
    assert [(r.reported_printed, r.is_final) for r in beredskapsapotek.reports] == [
        ("mars 2023", False)
    ]
    assert not _by_dnr(session, "S2023/01932").milestones[0].is_done


def test_recipients_and_lead_as_printed(session: so.Session) -> None:
    def recipients(number: str) -> list[tuple[str, bool]]:
        return [(r.actor.name, r.is_lead) for r in _by_dnr(session, number).recipients]

    assert recipients("S2022/03175") == [("Läkemedelsverket", True), ("Socialstyrelsen", False)]
    assert recipients("S2021/05469") == [("Socialstyrelsen", True), ("Länsstyrelserna", False)]
    # the seed names Läkemedelsverket and E-hälsomyndigheten in either order: no lead
    assert sorted(recipients("S2022/01265")) == [
        ("E-hälsomyndigheten", False),
        ("Läkemedelsverket", False),
    ]
    assert _by_dnr(session, "S2022/01265").lead is None
    assert _by_dnr(session, "S2023/02002").lead is not None
    assert _by_dnr(session, "S2023/02002").lead.short_name == "TLV"


def test_41_bilaga_2_actors_as_printed(session: so.Session) -> None:
    bilaga_2 = [a["name"] for a in load_seed_data().actors if in_bilaga_2(a["source"])]
    assert len(bilaga_2) == 41
    names = set(session.scalars(sa.select(Actor.name).where(Actor.retired_on.is_(None))))
    assert set(bilaga_2) <= names
    assert {"Regioner och kommuner", "Partnerskap för fred och Nato"} <= names
    assert not {"Regioner", "Kommuner", "Nato"} & names


def test_per_dnr_partial_printed_form_and_citation_as_printed(session: so.Session) -> None:
    cbrn = _by_dnr(session, "S2022/02246")
    assert [(d.number, d.printed, d.is_partial) for d in cbrn.diary_numbers] == [
        ("S2022/02246", "S2022/02246", False),
        ("S2023/01047", "S2023/01047 (delvis)", True),
    ]
    printed = {
        d.number: d.printed
        for d in session.scalars(
            sa.select(DiaryNumber).where(DiaryNumber.number.in_(["S2022/03176", "KN2023/03646"]))
        )
    }
    assert printed == {"S2022/03176": "S2022/ 03176", "KN2023/03646": "KN 2023/03646"}
    tillagg = _by_key(session, "s2021-08235-tillagg")
    assert tillagg.diary_numbers[0].printed == "2021/08235 (delvis)"

    def citation(number: str, key: str) -> str | None:
        return session.scalars(
            sa.select(CapabilityAssignment.cited_as)
            .join(Capability)
            .join(Assignment)
            .where(Capability.number == number, Assignment.seed_key == key)
        ).one()

    assert "i fråga om tillgång till läkemedel" in (citation("2.1.1", "s2022-01264") or "")
    assert "i fråga om tillgång på läkemedel" in (citation("2.1.5", "s2022-01264") or "")
    assert "tillgång på" in _by_key(session, "s2022-01264").title
    assert (citation("1.4.2", "s2021-08235-tillagg") or "").startswith(
        "Tilläggsuppdrag till RU statligt ansvar försörjningsberedskap (S2021/08235)"
    )
    assert tillagg.title.startswith("Tilläggsuppdrag till Uppdrag om statligt ansvar")


def test_bilaga_3_links_count_from_the_report_date(session: so.Session) -> None:
    def links_on(day: date) -> int:
        return sum(len(row.assignments) for row in register_rows(session, as_of=day))

    assert links_on(date(2025, 1, 1)) == 61
    assert links_on(date(2023, 11, 20)) == 61
    assert links_on(date(2023, 11, 19)) == 0


def test_existing_install_is_corrected_where_users_did_not_edit(
    session: so.Session, make_user: Callable[..., User]
) -> None:
    """An install seeded before issue 10: old statuses, split actors, links dated by the seed."""
    admin = make_user("admin")
    seeded_at = datetime(2026, 5, 1, tzinfo=UTC)
    session.execute(sa.update(Assignment).values(status="pågående", status_source=None))
    session.execute(sa.update(CapabilityAssignment).values(added_at=seeded_at, cited_as=None))
    session.execute(
        sa.update(Actor).where(Actor.name == "Partnerskap för fred och Nato").values(name="Nato")
    )
    session.execute(
        sa.update(Actor)
        .where(Actor.name == "Regioner och kommuner")
        .values(name="Regioner", version=Actor.version + 1)
    )
    session.expire_all()
    # a user's deliberate edit of one assignment is kept
    edited = _by_dnr(session, "S2021/05469")
    update_assignment(
        session,
        admin,
        edited,
        replace(AssignmentInput.of(edited), status="avslutat"),
        expected_version=edited.version,
    )
    session.expire_all()

    counts = seed(session)

    assert counts["assignments corrected"] == 9
    assert counts["links corrected"] == 61
    assert counts["actors corrected"] == 2
    session.expire_all()
    assert _by_dnr(session, "S2021/05469").status == "avslutat"
    assert _by_dnr(session, "S2022/00453").status == "redovisat"
    names = set(session.scalars(sa.select(Actor.name)))
    assert {"Partnerskap för fred och Nato", "Regioner och kommuner"} <= names
    assert "Nato" not in names
    assert sum(len(r.assignments) for r in register_rows(session, as_of=date(2025, 1, 1))) == 61
    system = system_user(session)
    assert (
        session.scalar(
            sa.select(sa.func.count(AuditEvent.id)).where(
                AuditEvent.action == "seed_update", AuditEvent.user_id == system.id
            )
        )
        or 0
    ) >= 6 + 61 + 1
    assert seed(session) == Counter()


def test_milestone_without_delivery_and_marking_it_delivered_from_the_dashboard(
    client: Any, as_role: Any, session: so.Session
) -> None:
    as_role("medlem")
    today = date.today()
    assignment = _by_dnr(session, "S2023/01932")
    milestone = assignment.milestones[0]  # 2024-04-01, no delivery recorded in the seeds
    milestone.due_on = today - timedelta(days=3)
    milestone.confirmed = True  # an admin confirmed that it was missed: now it is overdue
    session.commit()
    page = client.get("/").get_data(as_text=True)
    assert "Redovisning ej registrerad" in page and "försenad" not in page
    action = f"/assignments/{assignment.id}/milestones/{milestone.id}/done"
    assert f'action="{action}"' in page
    future = post(client, action, {"done_on": (today + timedelta(2)).isoformat(), "back": "x"})
    assert future.status_code == 422
    assert "Redovisningsdatum kan inte ligga i framtiden." in future.get_data(as_text=True)
    response = post(
        client,
        action,
        {
            "done_on": (today - timedelta(1)).isoformat(),
            "report_reference": "",
            "back": "dashboard",
        },
    )
    assert response.status_code == 302 and response.headers["Location"].startswith("/")
    assert "h-milestones" in response.headers["Location"]
    session.expire_all()
    assert (milestone.is_done, milestone.done_on) == (True, today - timedelta(1))
    detail = client.get(f"/assignments/{assignment.id}").get_data(as_text=True)
    assert f"Redovisad {(today - timedelta(1)).isoformat()}" in detail
