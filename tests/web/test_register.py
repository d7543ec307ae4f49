"""Register overview and capability page: filters, editing, confidentiality, query counts."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import sqlalchemy as sa
import sqlalchemy.orm as so

from capabilities import services
from capabilities.models import (
    Actor,
    Area,
    Assignment,
    Capability,
    CapabilityAssignment,
    Responsibility,
    StatusAssessment,
    User,
)
from capabilities.services.assessments import AssessmentInput
from capabilities.services.measures import MeasureInput
from capabilities.services.users import NewUser
from tests.conftest import PASSWORD, csrf_token, find_capability, login, post


def _cap(session: so.Session, number: str) -> Capability:
    return session.scalars(sa.select(Capability).where(Capability.number == number)).one()


def _numbers(html: str) -> list[str]:
    import re

    return re.findall(r'href="/capabilities/([\d.]+)"', html)


def test_overview_lists_register_in_order(client: Any, as_role: Callable[..., User]) -> None:
    as_role("läsare")
    html = client.get("/register").get_data(as_text=True)
    numbers = _numbers(html)
    assert len(numbers) == 62 and numbers[0] == "1.1.1" and numbers[-1] == "3.3.9"
    assert numbers.index("3.2.10") == numbers.index("3.2.9") + 1
    assert '<html lang="sv">' in html
    assert "Ej bedömd" in html
    assert client.get("/register").status_code == 200


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("area=3.2", 11),
        ("level=none", 62),
        ("level=3", 0),
        ("q=3.2.10", 1),
        ("q=%27%3B+DROP+TABLE+capabilities%3B--", 0),
        ("actor=notanumber", 62),
    ],
)
def test_overview_filters(
    client: Any, as_role: Callable[..., User], query: str, expected: int
) -> None:
    as_role("läsare")
    response = client.get(f"/register?{query}")
    assert response.status_code == 200
    assert len(_numbers(response.get_data(as_text=True))) == expected


def test_free_text_is_case_insensitive_with_swedish_letters(
    client: Any, session: so.Session, as_role: Callable[..., User]
) -> None:
    as_role("läsare")
    expected = sorted(
        (c.sort_key, c.number)
        for c in session.scalars(sa.select(Capability))
        if "säkerhetslager" in c.title.casefold()
    )
    assert len(expected) >= 2
    for query in ("SÄKERHETSLAGER", "säkerhetslager", "SäKeRhEtSlAgEr"):
        html = client.get("/register", query_string={"q": query}).get_data(as_text=True)
        assert _numbers(html) == [number for _key, number in expected]


def test_filter_by_level_actor_and_assignment(
    client: Any, session: so.Session, as_role: Callable[..., User]
) -> None:
    member = as_role("medlem")
    cap = find_capability(session, "2.2.2")
    services.record_assessment(session, member, cap, AssessmentInput(level=3, summary="Utvecklad"))
    lv = session.scalars(sa.select(Actor).where(Actor.short_name == "LV")).one()
    services.add_responsibility(session, member, cap, lv, role="ansvarar")
    session.commit()
    assert _numbers(client.get("/register?level=3").get_data(as_text=True)) == ["2.2.2"]
    assert len(_numbers(client.get("/register?level=none").get_data(as_text=True))) == 61
    assert _numbers(client.get(f"/register?actor={lv.id}").get_data(as_text=True)) == ["2.2.2"]
    energy = session.scalars(
        sa.select(Assignment).where(Assignment.seed_key == "kn2023-03646")
    ).one()
    assert _numbers(client.get(f"/register?assignment={energy.id}").get_data(as_text=True)) == [
        "1.2.3"
    ]


def test_capability_page_shows_text_assignments_and_404(
    client: Any, as_role: Callable[..., User]
) -> None:
    as_role("läsare")
    html = client.get("/capabilities/1.2.3").get_data(as_text=True)
    assert "Robust energiförsörjning" in html
    assert "KN2023/03646" in html and "KN2023/01462" in html and "delvis" in html
    bullets = client.get("/capabilities/2.1.1").get_data(as_text=True)
    assert "• tillgängliga produkter i distributionskedjan" in bullets
    assert client.get("/capabilities/9.9.9").status_code == 404


def test_member_records_status_and_sees_it_with_history_and_trend(
    client: Any, session: so.Session, as_role: Callable[..., User]
) -> None:
    as_role("medlem")
    form = client.get("/capabilities/3.2.10/assessments/new").get_data(as_text=True)
    assert 'name="summary"' in form and 'for="summary"' in form
    response = post(
        client,
        "/capabilities/3.2.10/assessments/new",
        {"level": "2", "summary": "Begränsat lager", "assessed_on": "2026-01-15"},
    )
    assert response.status_code == 302
    post(
        client,
        "/capabilities/3.2.10/assessments/new",
        {
            "level": "4",
            "target_level": "5",
            "summary": "Påvisad i övning",
            "assessed_on": "2026-06-01",
        },
    )
    html = client.get("/capabilities/3.2.10").get_data(as_text=True)
    assert "Påvisad i övning" in html and "Begränsat lager" in html
    assert html.index("Påvisad i övning") < html.index("Begränsat lager")
    assert "Förbättrad" in html
    overview = client.get("/register?level=4").get_data(as_text=True)
    assert _numbers(overview) == ["3.2.10"] and "2026-06-01" in overview


def test_invalid_assessment_shows_swedish_messages_and_writes_nothing(
    client: Any, session: so.Session, as_role: Callable[..., User]
) -> None:
    as_role("medlem")
    response = post(
        client,
        "/capabilities/1.1.1/assessments/new",
        {"level": "", "summary": "", "confidential": "y"},
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Statusbeskrivning måste fyllas i." in html
    assert "Nivå måste väljas." in html
    assert "sekretesshänvisning" in html.lower()
    assert session.scalar(sa.select(sa.func.count(StatusAssessment.id))) == 0


def test_link_and_end_assignment(
    client: Any, session: so.Session, as_role: Callable[..., User]
) -> None:
    as_role("medlem")
    search = client.get("/capabilities/1.2.2/assignments/link?q=kn2023%2F0390").get_data(
        as_text=True
    )
    assert "KN2023/03908" in search
    target = session.scalars(
        sa.select(Assignment).where(Assignment.seed_key == "kn2023-03908")
    ).one()
    response = post(
        client,
        "/capabilities/1.2.2/assignments/link",
        {"assignment_id": str(target.id), "partial": "y"},
    )
    assert response.status_code == 302
    html = client.get("/capabilities/1.2.2").get_data(as_text=True)
    assert "KN2023/03908" in html
    link = session.scalars(
        sa.select(CapabilityAssignment).where(
            CapabilityAssignment.capability_id == find_capability(session, "1.2.2").id
        )
    ).one()
    assert link.partial is True
    assert post(client, f"/capabilities/1.2.2/assignments/{link.id}/end").status_code == 302
    assert "KN2023/03908" not in client.get("/capabilities/1.2.2").get_data(as_text=True)


def test_add_and_end_responsibility(
    client: Any, session: so.Session, as_role: Callable[..., User]
) -> None:
    as_role("medlem")
    lv = session.scalars(sa.select(Actor).where(Actor.short_name == "LV")).one()
    response = post(
        client,
        "/capabilities/1.2.2/responsibilities/new",
        {"actor_id": str(lv.id), "role": "kan_ansvara"},
    )
    assert response.status_code == 302
    assert "Kan ansvara" in client.get("/capabilities/1.2.2").get_data(as_text=True)
    resp = session.scalars(sa.select(Responsibility)).one()
    assert post(client, f"/capabilities/1.2.2/responsibilities/{resp.id}/end").status_code == 302
    session.refresh(resp)
    assert resp.removed_at is not None


@pytest.mark.parametrize(
    "path",
    [
        "/capabilities/1.1.1/assessments/new",
        "/capabilities/1.1.1/assignments/link",
        "/capabilities/1.1.1/responsibilities/new",
        "/capabilities/new",
        "/capabilities/1.1.1/edit",
        "/capabilities/1.1.1/retire",
    ],
)
def test_reader_gets_403_on_every_form(
    client: Any, as_role: Callable[..., User], path: str
) -> None:
    as_role("läsare")
    assert client.get(path).status_code == 403
    assert post(client, path, {}).status_code == 403


@pytest.mark.parametrize(
    "path", ["/capabilities/1.1.1/assignments/1/end", "/capabilities/1.1.1/responsibilities/1/end"]
)
def test_reader_gets_403_on_every_end(client: Any, as_role: Callable[..., User], path: str) -> None:
    as_role("läsare")
    assert post(client, path).status_code == 403


@pytest.mark.parametrize("version", ["abc", "²", "", "-1", "12345678901234567890"])
def test_malformed_version_on_capability_edit_is_a_conflict_not_a_crash(
    client: Any, session: so.Session, as_role: Callable[..., User], version: str
) -> None:
    """A garbled version counts as stale: 409 with the conflict page, and nothing is saved."""
    as_role("admin")
    response = post(
        client, "/capabilities/1.1.1/edit", {"title": "Överskriven", "version": version}
    )
    assert response.status_code == 409
    assert "Någon annan har ändrat" in response.get_data(as_text=True)
    session.expire_all()
    assert find_capability(session, "1.1.1").title != "Överskriven"


def test_member_cannot_change_structure(client: Any, as_role: Callable[..., User]) -> None:
    as_role("medlem")
    assert client.get("/capabilities/new").status_code == 403
    assert (
        post(client, "/capabilities/1.1.1/retire", {"retired_on": "2026-01-01"}).status_code == 403
    )


def test_admin_adds_edits_and_retires_capability(
    client: Any, session: so.Session, as_role: Callable[..., User]
) -> None:
    as_role("admin")
    area = session.scalars(sa.select(Area).where(Area.number == "3.3")).one()
    bad = post(
        client, "/capabilities/new", {"area": str(area.id), "number": "3.2.99", "title": "x"}
    )
    assert bad.status_code == 422 and "börja med områdets nummer 3.3" in bad.get_data(as_text=True)
    ok = post(
        client,
        "/capabilities/new",
        {"area": str(area.id), "number": "3.3.10", "title": "Ny förmåga"},
    )
    assert ok.status_code == 302
    numbers = _numbers(client.get("/register").get_data(as_text=True))
    assert numbers[-1] == "3.3.10" and len(numbers) == 63
    cap = find_capability(session, "3.3.10")
    assert (
        post(
            client,
            "/capabilities/3.3.10/edit",
            {"title": "Ny förmåga, reviderad", "version": str(cap.version)},
        ).status_code
        == 302
    )
    assert (
        post(client, "/capabilities/3.3.10/retire", {"retired_on": "2026-01-01"}).status_code == 302
    )
    assert "3.3.10" not in _numbers(client.get("/register").get_data(as_text=True))
    assert "Avvecklad 2026-01-01" in client.get("/capabilities/3.3.10").get_data(as_text=True)


def test_post_without_csrf_token_is_refused(
    client: Any, session: so.Session, as_role: Callable[..., User]
) -> None:
    as_role("medlem")
    response = client.post(
        "/capabilities/1.1.1/assessments/new", data={"level": "3", "summary": "Utan token"}
    )
    assert response.status_code == 400
    assert session.scalar(sa.select(sa.func.count(StatusAssessment.id))) == 0


def test_confidential_status_absent_for_reader_without_clearance(
    client: Any, session: so.Session, make_user: Callable[..., User], as_role: Callable[..., User]
) -> None:
    author = make_user("medlem", can_see_confidential=True)
    services.record_assessment(
        session,
        author,
        find_capability(session, "1.1.1"),
        AssessmentInput(
            level=1,
            summary="HEMLIG-MARKÖR-4711",
            justification="MOTIV-4711",
            confidential=True,
            secrecy_ref="OSL 18:13",
        ),
    )
    session.commit()
    as_role("läsare")
    for path in ("/register", "/capabilities/1.1.1"):
        html = client.get(path).get_data(as_text=True)
        assert "HEMLIG-MARKÖR-4711" not in html and "MOTIV-4711" not in html
        assert "Sekretessmarkerad uppgift" in html
    client.post("/logout")


def test_confidential_status_visible_with_clearance(
    client: Any, session: so.Session, make_user: Callable[..., User], as_role: Callable[..., User]
) -> None:
    author = make_user("medlem", can_see_confidential=True)
    services.record_assessment(
        session,
        author,
        find_capability(session, "1.1.1"),
        AssessmentInput(
            level=1, summary="HEMLIG-MARKÖR-4711", confidential=True, secrecy_ref="OSL 18:13"
        ),
    )
    session.commit()
    as_role("läsare", can_see_confidential=True)
    assert "HEMLIG-MARKÖR-4711" in client.get("/capabilities/1.1.1").get_data(as_text=True)


def test_english_is_available(client: Any, as_role: Callable[..., User]) -> None:
    as_role("läsare")
    html = client.get("/register?lang=en").get_data(as_text=True)
    assert '<html lang="en">' in html
    assert '<html lang="en">' in client.get("/capabilities/1.1.1").get_data(as_text=True)


def _grow_register(session: so.Session, member: User, extra: int) -> None:
    """Add capabilities, assessments, links and responsibilities to make N+1 visible."""
    area = session.scalars(sa.select(Area).where(Area.number == "3.3")).one()
    admin = services.create_user(
        session,
        None,
        NewUser(username="grow-admin", display_name="Tillväxt", role="admin", password=PASSWORD),
    )
    assignment = session.scalars(sa.select(Assignment)).first()
    lv = session.scalars(sa.select(Actor).where(Actor.short_name == "LV")).one()
    assert assignment is not None
    for i in range(extra):
        cap = services.create_capability(
            session, admin, area=area, number=f"3.3.{20 + i}", title=f"Extra {i}"
        )
        services.record_assessment(
            session, member, cap, AssessmentInput(level=1 + i % 5, summary=f"S{i}")
        )
        services.record_assessment(session, member, cap, AssessmentInput(level=2, summary=f"T{i}"))
        services.link_assignment(session, member, cap, assignment)
        services.add_responsibility(session, member, cap, lv, role="ansvarar")
        services.create_measure(
            session, member, MeasureInput(title=f"M{i}", capability_ids=[cap.id], state="pågående")
        )
    session.commit()


def test_pages_use_a_constant_number_of_queries(
    client: Any,
    session: so.Session,
    as_role: Callable[..., User],
    count_queries: Callable[[], Any],
) -> None:
    member = as_role("medlem")
    counts: list[tuple[int, int]] = []
    for extra in (0, 30):
        if extra:
            _grow_register(session, member, extra)
        with count_queries() as overview:
            assert client.get("/register").status_code == 200
        with count_queries() as page:
            assert client.get("/capabilities/3.3.1").status_code == 200
        with count_queries() as busy:
            assert (
                client.get("/capabilities/3.3.20" if extra else "/capabilities/1.2.3").status_code
                == 200
            )
        counts.append((overview.count, page.count + busy.count))
    assert counts[0] == counts[1], counts


def test_overview_pages_in_register_order_and_clamps_past_the_end(
    client: Any, session: so.Session, as_role: Callable[..., User]
) -> None:
    as_role("läsare")
    client.application.config["PAGE_SIZE"] = 10
    everything = [
        number
        for (number,) in session.execute(
            sa.select(Capability.number)
            .where(Capability.retired_on.is_(None))
            .order_by(Capability.sort_key)
        )
    ]
    second = client.get("/register?page=2").get_data(as_text=True)
    assert _numbers(second) == everything[10:20]
    assert "Sida 2 av 7" in second and "62 delförmågor visas" in second
    last = client.get("/register?page=99").get_data(as_text=True)
    assert _numbers(last) == everything[60:] and "Sida 7 av 7" in last
    filtered = client.get("/register?area=3.2&page=2").get_data(as_text=True)
    assert _numbers(filtered) == [n for n in everything if n.startswith("3.2.")][10:]


def test_level_filter_never_reveals_a_level_under_secrecy(
    client: Any, session: so.Session, make_user: Callable[..., User]
) -> None:
    member = make_user("medlem", can_see_confidential=True)
    services.record_assessment(
        session,
        member,
        _cap(session, "1.1.1"),
        AssessmentInput(level=4, summary="Hemlig", confidential=True, secrecy_ref="OSL 18:13"),
    )
    session.commit()
    reader = make_user("läsare")
    login(client, reader)
    assert _numbers(client.get("/register?level=4").get_data(as_text=True)) == []
    assert "1.1.1" not in _numbers(client.get("/register?level=none").get_data(as_text=True))
    cleared = make_user("läsare", can_see_confidential=True)
    client.post("/logout", data={"csrf_token": csrf_token(client, "/account/password")})
    login(client, cleared)
    assert _numbers(client.get("/register?level=4").get_data(as_text=True)) == ["1.1.1"]


def test_filtered_and_later_pages_use_a_constant_number_of_queries(
    client: Any,
    session: so.Session,
    as_role: Callable[..., User],
    count_queries: Callable[[], Any],
) -> None:
    member = as_role("medlem")
    client.application.config["PAGE_SIZE"] = 10
    lv = session.scalars(sa.select(Actor).where(Actor.short_name == "LV")).one()
    assignment = session.scalars(sa.select(Assignment).order_by(Assignment.id)).first()
    assert assignment is not None
    paths = (
        "/register?page=3",
        "/register?area=3.3",
        "/register?level=2&q=extra",
        f"/register?actor={lv.id}&assignment={assignment.id}",
        "/reports/",
    )
    counts: list[list[int]] = []
    for extra in (0, 30):
        if extra:
            _grow_register(session, member, extra)
        round_counts = []
        for path in paths:
            with count_queries() as counter:
                assert client.get(path).status_code == 200
            round_counts.append(counter.count)
        counts.append(round_counts)
    assert counts[0] == counts[1], counts
    grown = client.get("/register?level=2&q=extra").get_data(as_text=True)
    assert "30 delförmågor visas" in grown and len(_numbers(grown)) == 10


def test_filter_by_assignment_diary_number_or_title_words(
    client: Any, session: so.Session, as_role: Callable[..., User]
) -> None:
    as_role("läsare")
    energy = session.scalars(
        sa.select(Assignment).where(Assignment.seed_key == "kn2023-03646")
    ).one()
    by_id = _numbers(client.get(f"/register?assignment={energy.id}").get_data(as_text=True))
    for query in ("KN2023/03646", "kn 2023/03646"):
        html = client.get("/register", query_string={"assignment_q": query}).get_data(as_text=True)
        assert _numbers(html) == by_id == ["1.2.3"]
    words = energy.title.split()[1].upper()
    linked = _numbers(
        client.get("/register", query_string={"assignment_q": words}).get_data(as_text=True)
    )
    assert "1.2.3" in linked
    chosen = client.get(f"/register?assignment={energy.id}").get_data(as_text=True)
    assert f"Kopplade till uppdraget KN2023/01462 – {energy.title}" in chosen
