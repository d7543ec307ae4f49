"""Mina uppgifter and the calendar's deadlines, through the query functions (both databases)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so

from capabilities import services
from capabilities.models import Actor, Assignment, Capability, Milestone, User
from capabilities.queries.tasks import add_months, calendar_tasks, tasks_for
from capabilities.services.assessments import AssessmentInput
from capabilities.services.assignments import AssignmentInput

# Seed 003: "senast den 16 december 2024, den 15 december 2025 och den 15 december 2026
# delredovisa uppdraget samt senast den 31 oktober 2027 slutredovisa uppdraget".
SEED_003_KEY = "lv-nationell-lagesbild-mtp"
SEED_003_DATES = [date(2024, 12, 16), date(2025, 12, 15), date(2026, 12, 15), date(2027, 10, 31)]


def actor(session: so.Session, name: str) -> Actor:
    return session.scalars(sa.select(Actor).where(Actor.name == name)).one()


def capability(session: so.Session, number: str) -> Capability:
    return session.scalars(sa.select(Capability).where(Capability.number == number)).one()


def seed_003(session: so.Session) -> Assignment:
    return session.scalars(sa.select(Assignment).where(Assignment.seed_key == SEED_003_KEY)).one()


def tracked_seed_003(session: so.Session, make_user: Callable[..., User]) -> Assignment:
    """Seed 003 with its deadlines tracked as on the day the tests pretend it is: an admin
    confirms the ones that had passed when the register was seeded (unconfirmed until then)."""
    assignment = seed_003(session)
    admin = make_user("admin")
    for milestone in assignment.milestones:
        if not milestone.confirmed:
            services.confirm_missed(session, admin, milestone)
    return assignment


def lv_member(make_user: Callable[..., User], session: so.Session, **extra: Any) -> User:
    return make_user("medlem", organisation_id=actor(session, "Läkemedelsverket").id, **extra)


def responsible(session: so.Session, admin: User, number: str, org: Actor, role: str = "ansvarar"):
    return services.add_responsibility(session, admin, capability(session, number), org, role=role)


def assess(session: so.Session, user: User, number: str, day: date, **extra: Any) -> None:
    services.record_assessment(
        session,
        user,
        capability(session, number),
        AssessmentInput(level=2, summary="Läget", assessed_on=day, **extra),
    )


def test_seed_003_milestones_due_within_90_days_or_past_are_the_lv_members_tasks(
    session: so.Session, make_user: Callable[..., User]
) -> None:
    user = lv_member(make_user, session)
    seed = tracked_seed_003(session, make_user).id
    everything = tasks_for(session, user, today=date(2025, 11, 1))
    tasks = [t for t in everything if t.assignment_id == seed]
    assert [(t.kind, t.due_on, t.milestone_kind) for t in tasks] == [
        ("milestone", date(2024, 12, 16), "delredovisning"),
        ("milestone", date(2025, 12, 15), "delredovisning"),
    ]
    overdue, coming = tasks
    assert overdue.state(date(2025, 11, 1)) == "overdue"
    assert coming.state(date(2025, 11, 1)) == "open"
    assert coming.state(date(2025, 12, 1)) == "due_soon"
    assert all(t.kind == "milestone" for t in everything)  # no responsibilities in the seed
    assert [t.due_on for t in everything] == sorted(t.due_on for t in everything if t.due_on)
    # Seed 003 names E-hälsomyndigheten a recipient too, and Socialstyrelsen a partner ("i
    # samarbete med"): the deadlines reach both, the partner's marked as such.
    ehm = make_user("medlem", organisation_id=actor(session, "E-hälsomyndigheten").id)
    ehm_tasks = [
        t for t in tasks_for(session, ehm, today=date(2025, 11, 1)) if t.assignment_id == seed
    ]
    assert ehm_tasks and not any(t.as_partner for t in ehm_tasks)
    sos = make_user("medlem", organisation_id=actor(session, "Socialstyrelsen").id)
    sos_tasks = [
        t for t in tasks_for(session, sos, today=date(2025, 11, 1)) if t.assignment_id == seed
    ]
    assert [t.due_on for t in sos_tasks] == [t.due_on for t in tasks]
    assert all(t.as_partner for t in sos_tasks)


def test_a_delivered_milestone_is_no_task_but_stays_in_the_calendar(
    session: so.Session, make_user: Callable[..., User]
) -> None:
    user = lv_member(make_user, session)
    first = tracked_seed_003(session, make_user).milestones[0]
    services.complete_milestone(
        session, user, first, done_on=date(2024, 12, 16), report_reference="Rapport 2024"
    )
    seed = seed_003(session).id
    tasks = tasks_for(session, user, today=date(2025, 11, 1))
    assert [t.due_on for t in tasks if t.assignment_id == seed] == [date(2025, 12, 15)]
    entries = {t.due_on: t.reason for t in calendar_tasks(session, user) if t.assignment_id == seed}
    assert entries[date(2024, 12, 16)] == "milestone_done"
    assert entries[date(2025, 12, 15)] == "milestone_due"


def test_capabilities_the_organisation_is_responsible_for_that_are_stale_or_not_assessed(
    session: so.Session, make_user: Callable[..., User]
) -> None:
    admin = make_user("admin")
    user = lv_member(make_user, session)
    lv = actor(session, "Läkemedelsverket")
    today = date.today()
    for number in ("1.1.1", "1.1.2", "1.1.3", "1.1.4"):
        responsible(session, admin, number, lv)
    responsible(session, admin, "1.2.1", lv, role="kan_ansvara")  # could: not my task
    responsible(session, admin, "1.2.2", actor(session, "E-hälsomyndigheten"))
    ended = responsible(session, admin, "1.2.3", lv)
    services.end_responsibility(session, admin, ended)
    assess(session, user, "1.1.2", today - timedelta(days=800))  # stale
    assess(session, user, "1.1.3", today - timedelta(days=30))  # fresh
    assess(session, user, "1.1.4", today - timedelta(days=800))
    assess(session, user, "1.1.4", today - timedelta(days=10))  # re-assessed: fresh again

    tasks = [t for t in tasks_for(session, user, today=today) if t.kind == "capability"]
    assert [(t.capability_number, t.reason) for t in tasks] == [
        ("1.1.2", "stale"),  # dated tasks first
        ("1.1.1", "not_assessed"),
    ]
    stale = tasks[0]
    assert stale.due_on == add_months(today - timedelta(days=800), 12) < today
    assert stale.state(today) == "overdue"
    assert tasks[1].due_on is None and tasks[1].state(today) == "open"
    # The calendar has the dates the assessments become stale (not the unassessed one).
    dated = {
        t.capability_number: t.due_on
        for t in calendar_tasks(session, user)
        if t.kind == "capability"
    }
    assert dated == {
        "1.1.2": add_months(today - timedelta(days=800), 12),
        "1.1.3": add_months(today - timedelta(days=30), 12),
        "1.1.4": add_months(today - timedelta(days=10), 12),
    }


def test_a_confidential_level_is_shown_only_to_the_cleared(
    session: so.Session, make_user: Callable[..., User]
) -> None:
    admin = make_user("admin")
    lv = actor(session, "Läkemedelsverket")
    responsible(session, admin, "1.1.1", lv)
    uncleared = lv_member(make_user, session)
    cleared = lv_member(make_user, session, can_see_confidential=True)
    assess(
        session,
        cleared,
        "1.1.1",
        date.today() - timedelta(days=800),
        confidential=True,
        secrecy_ref="OSL 18:13",
    )
    seen = {
        who.username: [
            t.level_label
            for t in tasks_for(session, who, today=date.today())
            if t.kind == "capability"
        ]
        for who in (uncleared, cleared)
    }
    assert seen[uncleared.username] == ["Sekretessmarkerad uppgift"]
    assert seen[cleared.username] == ["2 Begränsad förmåga"]


def test_a_user_without_organisation_has_no_tasks_and_the_whole_calendar_has_every_milestone(
    session: so.Session, make_user: Callable[..., User]
) -> None:
    loner = make_user("medlem")
    assert tasks_for(session, loner, today=date.today()) == []
    assert calendar_tasks(session, loner) == []
    everything = calendar_tasks(session, None)
    milestones = session.scalars(sa.select(Milestone)).all()
    assert {t.key for t in everything if t.kind == "milestone"} == {
        f"milestone-{m.id}" for m in milestones
    }
    seed = [t.due_on for t in everything if t.assignment_id == seed_003(session).id]
    assert seed == SEED_003_DATES


def test_tasks_load_in_a_constant_number_of_queries(
    session: so.Session, make_user: Callable[..., User], count_queries: Callable[[], Any]
) -> None:
    admin = make_user("admin")
    user = lv_member(make_user, session)
    lv = actor(session, "Läkemedelsverket")
    counts, lengths = [], []
    for grow in (False, True):
        if grow:
            for number in ("1.1.1", "1.1.2", "1.1.3", "2.1.1", "3.1.1"):
                responsible(session, admin, number, lv)
                assess(session, user, number, date.today() - timedelta(days=500))
            for i in range(5):
                assignment = services.create_assignment(
                    session,
                    admin,
                    AssignmentInput(
                        title=f"Uppdrag {i}", recipient_ids=[lv.id], lead_actor_id=lv.id
                    ),
                )
                services.add_milestone(
                    session,
                    admin,
                    assignment,
                    due_on=date.today() + timedelta(days=i),
                    kind="delredovisning",
                )
        session.expire_all()
        user = session.get(User, user.id)
        with count_queries() as counter:
            tasks = tasks_for(session, user, today=date.today())
            calendar_tasks(session, user)
        counts.append(counter.count)
        lengths.append(len(tasks))
    assert lengths[1] == lengths[0] + 10  # five stale capabilities, five milestones
    assert counts[0] == counts[1], counts


def test_round_tasks_one_per_role_dated_by_the_deadline(
    session: so.Session, make_user: Callable[..., User]
) -> None:
    from capabilities.services import rounds

    admin = make_user("admin")
    reviewer = make_user("medlem", can_see_confidential=True)
    member = lv_member(make_user, session)
    loner = make_user("medlem")
    reader = make_user("läsare", organisation_id=member.organisation_id)
    assert [t for t in tasks_for(session, member, today=date.today()) if t.kind == "round"] == []
    lv = actor(session, "Läkemedelsverket")
    area = capability(session, "1.1.1").area
    current = rounds.open_round(
        session,
        admin,
        name="Lägesbild 2026",
        reference_date=date.today() - timedelta(days=1),
        deadline=date.today() + timedelta(days=20),
        reviewer_ids=[reviewer.id],
        area_organisations=[(area.id, lv.id)],
    )
    [task] = [t for t in tasks_for(session, member, today=date.today()) if t.kind == "round"]
    assert task.key == f"round-{current.id}-member"
    assert task.reason == "round_submit" and task.due_on == current.deadline
    assert task.count == len(area.capabilities) > 1 and task.capability_number is None
    assert task.state(date.today()) == "open"
    assert task.state(current.deadline - timedelta(days=3)) == "due_soon"
    # No areas of theirs, no round tasks; readers never fill in.
    assert [t for t in tasks_for(session, loner, today=date.today()) if t.kind == "round"] == []
    assert [t for t in tasks_for(session, reader, today=date.today()) if t.kind == "round"] == []
    # The member's calendar has the same task; the whole register's calendar the deadline.
    assert task in calendar_tasks(session, member)
    [deadline] = [t for t in calendar_tasks(session, None) if t.kind == "round"]
    assert (deadline.key, deadline.due_on) == (f"round-{current.id}", current.deadline)
    # A submission waits for the reviewer: one review task, straight to that capability.
    assert [t for t in tasks_for(session, reviewer, today=date.today()) if t.kind == "round"] == []
    rounds.save_entry(
        session,
        member,
        current,
        capability(session, "1.1.1"),
        rounds.EntryInput(level=3, summary="Lager finns."),
        submit=True,
    )
    [review] = [t for t in tasks_for(session, reviewer, today=date.today()) if t.kind == "round"]
    assert (review.key, review.reason) == (f"round-{current.id}-reviewer", "round_review")
    assert (review.count, review.capability_number) == (1, "1.1.1")
    [task] = [t for t in tasks_for(session, member, today=date.today()) if t.kind == "round"]
    assert task.count == len(area.capabilities) - 1


def test_add_months_clamps_to_the_end_of_the_month() -> None:
    assert add_months(date(2025, 1, 31), 1) == date(2025, 2, 28)
    assert add_months(date(2024, 2, 29), 12) == date(2025, 2, 28)
    assert add_months(date(2025, 11, 15), 2) == date(2026, 1, 15)
