"""Assignment pages: roles, dnr validation, deadline filters, conflicts, CSRF, query counts.

The test session only flushes: the app's session shares its connection and sees the rows.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from datetime import date, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
import sqlalchemy.orm as so

from capabilities import services
from capabilities.models import Actor, Assignment, Capability, Milestone, User
from capabilities.services.assignments import AssignmentInput
from tests.conftest import find_actor, post

BAD_DNR_MESSAGE = "”XX 12” är inte ett giltigt diarienummer"


def _seeded(session: so.Session, key: str) -> Assignment:
    return session.scalars(sa.select(Assignment).where(Assignment.seed_key == key)).one()


def _count(session: so.Session) -> int:
    return session.scalar(sa.select(sa.func.count(Assignment.id))) or 0


def _new_assignment(
    session: so.Session, user: User, title: str, *, dues: tuple[tuple[int, bool], ...] = ()
) -> Assignment:
    """An assignment with milestones due `days` from today, done or not."""
    assignment = services.create_assignment(
        session, user, AssignmentInput(title=title, dnrs="S2024/00001")
    )
    for days, done in dues:
        milestone = services.add_milestone(
            session,
            user,
            assignment,
            due_on=date.today() + timedelta(days=days),
            kind="delredovisning",
        )
        if done:
            services.complete_milestone(session, user, milestone, done_on=date.today())
    session.flush()
    return assignment


def _titles(html: str) -> list[str]:
    return re.findall(r'href="/assignments/\d+">([^<]+)</a>', html)


def test_reader_sees_list_and_detail(
    client: Any, session: so.Session, as_role: Callable[..., User]
) -> None:
    as_role("läsare")
    response = client.get("/assignments/")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "S2022/04550" in html and "Uppdrag om mätning av graden av direktexpediering" in html
    assert "Registrera nytt uppdrag" not in html

    assignment = _seeded(session, "s2022-04550")
    html = client.get(f"/assignments/{assignment.id}").get_data(as_text=True)
    assert "Socialdepartementet" in html
    assert "Redovisat" in html and "Artikelnummer 2023-5-8526" in html
    assert "2024-02-23" in html and "slutredovisning" in html
    assert 'href="/capabilities/' in html  # linked capabilities point at the register
    assert "Redigera uppdraget" not in html and "Markera som redovisad" not in html
    assert client.get("/assignments/999999").status_code == 404
    assert client.get(f"/assignments/{assignment.id}?lang=en").status_code == 200


def test_reader_cannot_write(
    client: Any, session: so.Session, as_role: Callable[..., User]
) -> None:
    as_role("läsare")
    assignment = _seeded(session, "s2022-04550")
    milestone = assignment.milestones[0]
    before = _count(session)
    assert client.get("/assignments/new").status_code == 403
    assert client.get(f"/assignments/{assignment.id}/edit").status_code == 403
    for path, data in (
        ("/assignments/new", {"title": "Nytt", "dnrs": "S2024/00001"}),
        (f"/assignments/{assignment.id}/edit", {"title": "Ändrat", "version": "1"}),
        (
            f"/assignments/{assignment.id}/milestones",
            {"due_on": "2030-01-01", "kind": "delredovisning"},
        ),
        (f"/assignments/{assignment.id}/milestones/{milestone.id}/done", {}),
    ):
        assert post(client, path, data).status_code == 403, path
    session.expire_all()
    assert _count(session) == before
    assert not session.get(Milestone, milestone.id).is_done  # type: ignore[union-attr]


def test_member_creates_assignment_with_bad_then_good_dnr(
    client: Any, session: so.Session, as_role: Callable[..., User]
) -> None:
    as_role("medlem")
    assert client.get("/assignments/new").status_code == 200
    sos, lv = find_actor(session, "SoS"), find_actor(session, "LV")
    before = _count(session)
    data = {
        "title": "Uppdrag om beredskapslager för Öresundsregionen",
        "dnrs": "XX 12",
        "status": "pågående",
        "recipient_ids": [str(sos.id), str(lv.id)],
        "lead_actor_id": str(lv.id),
        "decided_on": "2024-03-01",
    }
    response = post(client, "/assignments/new", data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert BAD_DNR_MESSAGE in html
    assert "Öresundsregionen" in html  # the member's input is kept
    assert _count(session) == before

    response = post(
        client, "/assignments/new", data | {"dnrs": "KN 2023/03646, 2021/08235 (delvis)"}
    )
    assert response.status_code == 302
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "KN2023/03646" in html and "S2021/08235" in html and "(delvis)" in html
    assert "Klimat- och näringslivsdepartementet" in html
    assert html.index("Läkemedelsverket") < html.index("Socialstyrelsen")  # lead first
    assert _count(session) == before + 1


def test_member_edits_with_bad_then_good_dnr(
    client: Any, session: so.Session, as_role: Callable[..., User]
) -> None:
    as_role("medlem")
    assignment = _seeded(session, "s2022-01940")
    version = assignment.version
    form = client.get(f"/assignments/{assignment.id}/edit").get_data(as_text=True)
    assert 'value="S2022/01940"' in form
    data = {
        "title": assignment.title,
        "dnrs": "XX 12",
        "status": "pågående",
        "version": str(version),
    }
    response = post(client, f"/assignments/{assignment.id}/edit", data)
    assert response.status_code == 422
    assert BAD_DNR_MESSAGE in response.get_data(as_text=True)
    session.expire_all()
    assert assignment.dnrs == ["S2022/01940"] and assignment.version == version

    response = post(
        client, f"/assignments/{assignment.id}/edit", data | {"dnrs": "s 2022/01940/fs"}
    )
    assert response.status_code == 302
    session.expire_all()
    assert assignment.dnrs == ["S2022/01940/FS"]
    assert "S2022/01940/FS" in client.get(f"/assignments/{assignment.id}").get_data(as_text=True)


def test_deadline_filters(client: Any, session: so.Session, as_role: Callable[..., User]) -> None:
    member = as_role("medlem")
    _new_assignment(session, member, "FILTERTEST ÅÄÖ försenad", dues=((-10, False), (40, False)))
    _new_assignment(session, member, "FILTERTEST ÅÄÖ snart", dues=((30, False), (-5, True)))
    _new_assignment(session, member, "FILTERTEST ÅÄÖ senare", dues=((200, False),))
    _new_assignment(session, member, "FILTERTEST ÅÄÖ klar", dues=((-20, True),))

    def titles(query: str) -> list[str]:
        response = client.get(f"/assignments/?q=filtertest+åäö&{query}")
        assert response.status_code == 200
        return _titles(response.get_data(as_text=True))

    assert titles("") == [  # next deadline first; none last
        "FILTERTEST ÅÄÖ försenad",
        "FILTERTEST ÅÄÖ snart",
        "FILTERTEST ÅÄÖ senare",
        "FILTERTEST ÅÄÖ klar",
    ]
    assert titles("due=overdue") == ["FILTERTEST ÅÄÖ försenad"]
    assert titles("due=90") == ["FILTERTEST ÅÄÖ försenad", "FILTERTEST ÅÄÖ snart"]
    assert titles("due=bogus") == titles("")
    assert titles("status=avslutat") == []

    html = client.get("/assignments/?q=filtertest+åäö&due=overdue").get_data(as_text=True)
    assert '<span class="overdue">Redovisning ej registrerad</span>' in html
    assert (date.today() - timedelta(days=10)).isoformat() in html
    # Every overdue assignment in the list really has a pending milestone in the past.
    overdue = client.get("/assignments/?due=overdue").get_data(as_text=True)
    assert overdue.count('class="overdue"') == len(_titles(overdue))


def test_search_by_dnr_and_pagination(app: Any, client: Any, as_role: Callable[..., User]) -> None:
    as_role("läsare")
    html = client.get("/assignments/?q=s+2022/04550").get_data(as_text=True)
    assert len(_titles(html)) == 1 and "S2022/04550" in html
    assert _titles(client.get("/assignments/?q=%27%3B--").get_data(as_text=True)) == []
    app.config["PAGE_SIZE"] = 10
    first = client.get("/assignments/").get_data(as_text=True)
    second = client.get("/assignments/?page=2").get_data(as_text=True)
    assert len(_titles(first)) == 10 and "Sida 1 av" in first
    assert set(_titles(first)).isdisjoint(_titles(second))
    assert client.get("/assignments/?page=999").status_code == 200


def test_milestones_added_and_completed(
    client: Any, session: so.Session, as_role: Callable[..., User]
) -> None:
    member = as_role("medlem")
    assignment = _new_assignment(session, member, "Uppdrag med redovisningar")
    path = f"/assignments/{assignment.id}/milestones"
    response = post(client, path, {"due_on": "31/12/2030", "kind": "delredovisning"})
    assert response.status_code == 422
    assert "ska vara ett datum som ÅÅÅÅ-MM-DD" in response.get_data(as_text=True)

    assert (
        post(client, path, {"due_on": "2030-12-31", "kind": "slutredovisning"}).status_code == 302
    )
    session.expire_all()
    (milestone,) = assignment.milestones
    assert milestone.kind == "slutredovisning" and not milestone.is_done

    done = f"{path}/{milestone.id}/done"
    # The delivery date is asked for, never assumed to be today, and cannot lie ahead.
    for day, message in (
        ("", "Redovisad datum måste anges."),
        ((date.today() + timedelta(days=1)).isoformat(), "kan inte ligga i framtiden"),
    ):
        refused = post(client, done, {"done_on": day, "report_reference": "X"})
        assert refused.status_code == 422 and message in refused.get_data(as_text=True)
    page = client.get(f"/assignments/{assignment.id}").get_data(as_text=True)
    assert f'name="done_on" type="date" value="{date.today().isoformat()}"' not in page
    delivered = {"done_on": date.today().isoformat(), "report_reference": "Artikelnummer 2030-1-1"}
    assert post(client, done, delivered).status_code == 302
    session.expire_all()
    assert milestone.is_done and milestone.report_reference == "Artikelnummer 2030-1-1"
    html = client.get(f"/assignments/{assignment.id}").get_data(as_text=True)
    assert "Redovisad" in html and "Artikelnummer 2030-1-1" in html

    other = _seeded(session, "s2022-01940")
    assert (
        post(client, f"/assignments/{other.id}/milestones/{milestone.id}/done").status_code == 404
    )


def test_stale_edit_shows_both_versions_and_resubmit_saves(
    client: Any, session: so.Session, as_role: Callable[..., User], make_user: Callable[..., User]
) -> None:
    as_role("medlem")
    assignment = _seeded(session, "s2023-01932")
    form = client.get(f"/assignments/{assignment.id}/edit").get_data(as_text=True)
    version = re.search(r'name="version" type="hidden" value="(\d+)"', form)
    assert version is not None
    services.update_assignment(
        session,
        make_user("medlem"),
        assignment,
        replace(AssignmentInput.of(assignment), title="Kollegans titel"),
        expected_version=int(version.group(1)),
    )
    session.flush()

    data = {
        "title": "Min titel",
        "dnrs": "S2023/01932",
        "status": "redovisat",
        "version": version.group(1),
    }
    response = post(client, f"/assignments/{assignment.id}/edit", data)
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert 'class="conflict"' in html and "Din version" in html and "Sparad version" in html
    assert "Min titel" in html and "Kollegans titel" in html
    new_version = re.search(r'name="version" type="hidden" value="(\d+)"', html)
    assert new_version is not None and int(new_version.group(1)) == int(version.group(1)) + 1
    session.expire_all()
    assert assignment.title == "Kollegans titel"

    response = post(
        client, f"/assignments/{assignment.id}/edit", data | {"version": new_version.group(1)}
    )
    assert response.status_code == 302
    session.expire_all()
    assert assignment.title == "Min titel" and assignment.status == "redovisat"


def test_post_without_csrf_token_is_refused(
    client: Any, session: so.Session, as_role: Callable[..., User]
) -> None:
    as_role("admin")
    before = _count(session)
    response = client.post("/assignments/new", data={"title": "Utan token", "dnrs": "S2024/00002"})
    assert response.status_code == 400
    assignment = _seeded(session, "s2022-04550")
    response = client.post(
        f"/assignments/{assignment.id}/milestones",
        data={"due_on": "2030-01-01", "kind": "delredovisning"},
    )
    assert response.status_code == 400
    assert _count(session) == before


@pytest.mark.parametrize("role", ["medlem", "admin"])
def test_editors_see_edit_controls(
    client: Any, session: so.Session, as_role: Callable[..., User], role: str
) -> None:
    as_role(role)
    assignment = _seeded(session, "s2022-04550")
    html = client.get(f"/assignments/{assignment.id}").get_data(as_text=True)
    assert "Redigera uppdraget" in html and "Lägg till redovisningstillfälle" in html
    assert client.get(f"/assignments/{assignment.id}/edit").status_code == 200
    assert "Registrera nytt uppdrag" in client.get("/assignments/").get_data(as_text=True)


def _grow(session: so.Session, user: User, target: Assignment, n: int = 30) -> None:
    """n more assignments with dnrs, recipients, milestones and capability links; and n more
    links and milestones on `target`."""
    actors = session.scalars(sa.select(Actor).order_by(Actor.id).limit(3)).all()
    capabilities = session.scalars(sa.select(Capability).order_by(Capability.id)).all()
    for i in range(n):
        assignment = services.create_assignment(
            session,
            user,
            AssignmentInput(
                title=f"Tillväxtuppdrag {i}",
                dnrs=f"S2024/{i + 100:05d}, LI2024/{i + 1:05d}",
                recipient_ids=[a.id for a in actors],
                lead_actor_id=actors[0].id,
            ),
        )
        services.add_milestone(
            session,
            user,
            assignment,
            due_on=date.today() - timedelta(days=1),
            kind="delredovisning",
        )
        services.link_assignment(session, user, capabilities[i], assignment)
        services.link_assignment(session, user, capabilities[i + 1], target, partial=True)
        services.add_milestone(session, user, target, due_on="2031-01-01", kind="delredovisning")
    session.flush()


def test_query_count_does_not_grow(
    client: Any,
    session: so.Session,
    as_role: Callable[..., User],
    count_queries: Callable[[], Any],
) -> None:
    member = as_role("medlem")
    target = _new_assignment(session, member, "Mål för kopplingar")
    _new_assignment(session, member, "Försenat uppdrag", dues=((-5, False),))  # one overdue row
    pages = (
        "/assignments/",
        "/assignments/?due=overdue&q=UPPDRAG",
        f"/assignments/{target.id}",
        f"/assignments/{target.id}/edit",
    )
    before = {}
    for path in pages:
        with count_queries() as counter:
            assert client.get(path).status_code == 200
        before[path] = counter.count
    _grow(session, member, target)
    for path in pages:
        with count_queries() as counter:
            html = client.get(path).get_data(as_text=True)
        assert counter.count == before[path], path
        assert "Tillväxtuppdrag 29" in html or path.startswith(f"/assignments/{target.id}")
    detail = client.get(f"/assignments/{target.id}").get_data(as_text=True)
    assert detail.count('href="/capabilities/') >= 30 and "(delvis)" in detail
