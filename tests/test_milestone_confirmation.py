"""A fresh install tells the truth about deadlines it cannot vouch for (issue 25, point 1).

Deadlines printed in the 2023 report and in seed 003 that had passed when the register was
seeded are "Ej bekräftad", never overdue, until an admin records the delivery (with a date it
asks for) or confirms that it was missed.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
import sqlalchemy.orm as so

from capabilities import services
from capabilities.errors import PermissionDenied, ValidationFailed
from capabilities.models import Assignment, Milestone, User
from capabilities.queries.dashboard import milestones_due, unconfirmed_milestones
from capabilities.queries.gaps import gap_frame
from capabilities.queries.tasks import tasks_for
from importers.seed_data import load_seed_data
from tests.conftest import find_actor, post


def _seeded_past(session: so.Session) -> list[Milestone]:
    return list(
        session.scalars(
            sa.select(Milestone).where(
                Milestone.source.is_not(None),
                Milestone.is_done.is_(False),
                Milestone.due_on < date.today(),
            )
        )
    )


def test_no_seeded_deadline_is_overdue_on_the_first_day(
    session: so.Session, make_user: Callable[..., User]
) -> None:
    today = date.today()
    past = _seeded_past(session)
    # The 2023 report's deadlines and seed 003's 2024-12-16 and 2025-12-15, each with its line.
    assert len(past) >= 7
    assert {date(2024, 12, 16), date(2025, 12, 15)} <= {m.due_on for m in past}
    assert all(m.source and not m.confirmed for m in past)
    assert all(m.is_unconfirmed(today) and not m.is_overdue(today) for m in past)
    assert not any(m.is_overdue for m in milestones_due(session, today=today))
    assert not gap_frame(session, as_of=today)["milestone_overdue"].fillna(False).any()
    listed = unconfirmed_milestones(session, today=today)
    assert [m.milestone_id for m in listed] == [
        m.id for m in sorted(past, key=lambda m: (m.due_on, m.id))
    ]
    lv_member = make_user("medlem", organisation_id=find_actor(session, "LV").id)
    milestone_tasks = [
        t for t in tasks_for(session, lv_member, today=today) if t.kind == "milestone"
    ]
    assert milestone_tasks and all(t.due_on and t.due_on >= today for t in milestone_tasks)


def test_seeded_deadlines_still_ahead_are_tracked(session: so.Session) -> None:
    ahead = session.scalars(
        sa.select(Milestone).where(Milestone.due_on >= date.today(), Milestone.is_done.is_(False))
    ).all()
    assert ahead and all(m.confirmed for m in ahead)
    data = load_seed_data()
    printed = {m["due_on"] for row in data.assignments for m in row["milestones"]}
    assert {m.due_on for m in ahead if m.source} <= printed


def test_confirmed_missed_counts_as_overdue_and_only_an_admin_confirms(
    session: so.Session, make_user: Callable[..., User]
) -> None:
    today = date.today()
    milestone = _seeded_past(session)[0]
    with pytest.raises(PermissionDenied):
        services.confirm_missed(session, make_user("medlem"), milestone)
    services.confirm_missed(session, make_user("admin"), milestone)
    assert milestone.is_overdue(today) and not milestone.is_unconfirmed(today)
    assert milestone.id in {m.milestone_id for m in milestones_due(session, today=today)}
    assert milestone.id not in {
        m.milestone_id for m in unconfirmed_milestones(session, today=today)
    }
    with pytest.raises(ValidationFailed):
        services.confirm_missed(session, make_user("admin"), milestone)


def test_delivery_needs_a_date_not_ahead_and_not_before_the_decision(
    session: so.Session, make_user: Callable[..., User]
) -> None:
    admin = make_user("admin")
    milestone = next(m for m in _seeded_past(session) if m.assignment.decided_on is not None)
    decided = milestone.assignment.decided_on
    assert decided is not None
    for day, message in (
        (None, "Redovisad datum måste anges."),
        (date.today() + timedelta(days=1), "Redovisningsdatum kan inte ligga i framtiden."),
        (decided - timedelta(days=1), f"före uppdragets beslut {decided.isoformat()}"),
    ):
        with pytest.raises(ValidationFailed) as refused:
            services.complete_milestone(session, admin, milestone, done_on=day)
        assert any(message in m for m in refused.value.errors["done_on"]), refused.value.errors
    services.complete_milestone(session, admin, milestone, done_on=milestone.due_on)
    assert milestone.is_done and milestone.confirmed and milestone.done_on == milestone.due_on


def test_admin_confirms_from_one_list(
    client: Any, session: so.Session, as_role: Callable[..., User]
) -> None:
    as_role("admin", can_see_confidential=True)
    past = sorted(_seeded_past(session), key=lambda m: (m.due_on, m.id))
    dashboard = client.get("/").get_data(as_text=True)
    assert f"{len(past)} redovisningsdatum ur källdokumenten är inte bekräftade" in dashboard
    page = client.get("/assignments/unconfirmed/").get_data(as_text=True)
    for m in past:
        assert m.due_on.isoformat() in page
    assert f'value="{date.today().isoformat()}"' not in page  # no date is prefilled
    first, second = past[0], past[1]
    delivered = post(
        client,
        f"/assignments/{first.assignment_id}/milestones/{first.id}/done",
        {
            "done_on": first.due_on.isoformat(),
            "report_reference": "Dnr 1.1-123/2024",
            "back": "unconfirmed",
        },
    )
    assert delivered.status_code == 302 and delivered.location.endswith("/assignments/unconfirmed/")
    missed = post(client, f"/assignments/unconfirmed/{second.id}/missed")
    assert missed.status_code == 302
    session.expire_all()
    assert first.is_done and first.report_reference == "Dnr 1.1-123/2024"
    assert second.confirmed and not second.is_done
    detail = client.get(f"/assignments/{second.assignment_id}").get_data(as_text=True)
    assert "Redovisning ej registrerad" in detail


def test_confirming_twice_says_so_on_the_list(
    client: Any, session: so.Session, as_role: Callable[..., User]
) -> None:
    """The small form's refusal is flashed on the way back (web.forms.save with back=)."""
    as_role("admin")
    milestone = _seeded_past(session)[0]
    assert post(client, f"/assignments/unconfirmed/{milestone.id}/missed").status_code == 302
    again = post(client, f"/assignments/unconfirmed/{milestone.id}/missed")
    assert again.status_code == 302 and again.location.endswith("/assignments/unconfirmed/")
    page = client.get(again.location).get_data(as_text=True)
    assert '<p class="flash flash-info">Redovisningstillfället är redan bekräftat.</p>' in page
    session.expire_all()
    assert milestone.confirmed and not milestone.is_done


def test_members_cannot_confirm(
    client: Any, session: so.Session, as_role: Callable[..., User]
) -> None:
    as_role("medlem")
    milestone = _seeded_past(session)[0]
    assert client.get("/assignments/unconfirmed/").status_code == 403
    assert post(client, f"/assignments/unconfirmed/{milestone.id}/missed").status_code == 403
    assert "inte bekräftade" not in client.get("/").get_data(as_text=True)


def test_no_delivery_before_a_decision_printed_as_a_month(
    session: so.Session, make_user: Callable[..., User]
) -> None:
    """The beredskapsapotek assignment was given "i juli 2022" (002:2559): no day, but a
    delivery in January 2022 is still impossible."""
    apotek = session.scalars(
        sa.select(Assignment).where(Assignment.seed_key == "s2021-03085")
    ).one()
    assert apotek.decided_on is None and apotek.decided_no_later_than() == date(2022, 7, 1)
    milestone = apotek.milestones[0]
    with pytest.raises(ValidationFailed) as refused:
        services.complete_milestone(
            session, make_user("admin"), milestone, done_on=date(2022, 1, 1)
        )
    assert "före uppdragets beslut juli 2022" in refused.value.errors["done_on"][0]
    listed = {m.milestone_id: m for m in unconfirmed_milestones(session, today=date.today())}
    assert listed[milestone.id].decided_on == date(2022, 7, 1)  # the form's min
