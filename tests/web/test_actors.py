"""Actor pages: roles, admin-only editing, conflicts, confidentiality, CSRF, query counts.

The test session only flushes: the app's session shares its connection and sees the rows.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from typing import Any

import pytest
import sqlalchemy as sa
import sqlalchemy.orm as so

from capabilities import services
from capabilities.models import Actor, Assignment, Capability, User
from capabilities.services.actors import ActorInput
from capabilities.services.assignments import AssignmentInput
from capabilities.services.measures import MeasureInput
from tests.conftest import find_actor, find_capability, login, post

SECRET_TITLE = "Hemligt beredskapslager i Östergötland"


def _names(html: str) -> list[str]:
    return re.findall(r'href="/actors/\d+">([^<]+)</a>', html)


def _actor_data(**changes: str) -> dict[str, str]:
    return {
        "name": "Nationellt lagerforum",
        "short_name": "NLF",
        "kind": "samverkansforum",
        "is_public": "1",
        "is_beredskapsmyndighet": "",
        "description": "Forum för lagerfrågor.",
    } | changes


def test_reader_sees_list_and_detail(
    client: Any, session: so.Session, as_role: Callable[..., User], make_user: Callable[..., User]
) -> None:
    as_role("läsare")
    lv = find_actor(session, "LV")
    member = make_user("medlem")
    services.add_responsibility(
        session,
        member,
        find_capability(session, "1.1.1"),
        lv,
        role="ansvarar",
        note="Enligt instruktionen",
    )
    services.add_responsibility(
        session, member, find_capability(session, "3.2.10"), lv, role="kan_ansvara"
    )
    session.flush()

    html = client.get("/actors/").get_data(as_text=True)
    assert "Läkemedelsverket" in html and "Tandvårds- och läkemedelsförmånsverket" in html
    assert "Lägg till aktör" not in html
    row = re.search(r"Läkemedelsverket</a></td>(.*?)</tr>", html, re.S)
    assert row is not None
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row.group(1))
    assert cells == ["LV", "myndighet", "offentlig", "ja", "2"]
    tlv = re.search(r"Tandvårds- och läkemedelsförmånsverket</a></td>(.*?)</tr>", html, re.S)
    assert tlv is not None and '<td data-label="Beredskapsmyndighet">nej</td>' in tlv.group(1)

    detail = client.get(f"/actors/{lv.id}").get_data(as_text=True)
    assert "Läkemedelsverket är förvaltningsmyndighet" in detail
    assert 'href="/capabilities/1.1.1"' in detail and 'href="/capabilities/3.2.10"' in detail
    assert "Ansvarar" in detail and "Kan ansvara" in detail and "Enligt instruktionen" in detail
    assert "Redigera aktören" not in detail
    sos = find_actor(session, "SoS")
    sos_page = client.get(f"/actors/{sos.id}").get_data(as_text=True)
    assert "S2022/04550" in sos_page  # an assignment Socialstyrelsen received
    assert client.get("/actors/999999").status_code == 404
    assert client.get(f"/actors/{lv.id}?lang=en").status_code == 200


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("q=läkemedelsverket", ["Läkemedelsverket"]),
        ("q=LÄKEMEDELSVERKET", ["Läkemedelsverket"]),
        ("q=tlv", ["Tandvårds- och läkemedelsförmånsverket"]),
        ("kind=bogus&q=LV", None),
    ],
)
def test_filters(
    client: Any, as_role: Callable[..., User], query: str, expected: list[str] | None
) -> None:
    as_role("läsare")
    names = _names(client.get(f"/actors/?{query}").get_data(as_text=True))
    if expected is None:
        assert names  # an unknown kind is ignored
    else:
        assert names == expected


def test_kind_filter(client: Any, session: so.Session, as_role: Callable[..., User]) -> None:
    as_role("läsare")
    names = _names(client.get("/actors/?kind=region").get_data(as_text=True))
    regions = session.scalars(sa.select(Actor.name).where(Actor.kind == "region")).all()
    assert names and sorted(names) == sorted(regions)


@pytest.mark.parametrize("role", ["läsare", "medlem"])
def test_admin_routes_refused(
    client: Any, session: so.Session, as_role: Callable[..., User], role: str
) -> None:
    as_role(role)
    lv = find_actor(session, "LV")
    count = session.scalar(sa.select(sa.func.count(Actor.id)))
    assert client.get("/actors/new").status_code == 403
    assert client.get(f"/actors/{lv.id}/edit").status_code == 403
    assert post(client, "/actors/new", _actor_data()).status_code == 403
    assert (
        post(
            client, f"/actors/{lv.id}/edit", _actor_data(name="Kapat", version=str(lv.version))
        ).status_code
        == 403
    )
    assert post(client, f"/actors/{lv.id}/retire").status_code == 403
    session.expire_all()
    assert lv.name == "Läkemedelsverket" and lv.retired_on is None
    assert session.scalar(sa.select(sa.func.count(Actor.id))) == count


def test_admin_creates_edits_and_retires(
    client: Any, session: so.Session, as_role: Callable[..., User]
) -> None:
    as_role("admin")
    assert client.get("/actors/new").status_code == 200
    response = post(client, "/actors/new", _actor_data(name="Läkemedelsverket"))
    assert response.status_code == 422
    assert "Det finns redan en aktör som heter" in response.get_data(as_text=True)
    response = post(client, "/actors/new", _actor_data(kind=""))
    assert response.status_code == 422 and "Typ måste väljas." in response.get_data(as_text=True)

    response = post(client, "/actors/new", _actor_data(is_beredskapsmyndighet="nej", is_public="0"))
    assert response.status_code == 302
    actor = session.scalars(sa.select(Actor).where(Actor.name == "Nationellt lagerforum")).one()
    assert actor.is_beredskapsmyndighet is False and actor.is_public is False

    form = client.get(f"/actors/{actor.id}/edit").get_data(as_text=True)
    assert 'value="Nationellt lagerforum"' in form
    response = post(
        client,
        f"/actors/{actor.id}/edit",
        _actor_data(short_name="NLF2", version=str(actor.version)),
    )
    assert response.status_code == 302
    session.expire_all()
    assert actor.short_name == "NLF2" and actor.is_beredskapsmyndighet is None

    assert post(client, f"/actors/{actor.id}/retire").status_code == 302
    session.expire_all()
    assert actor.retired_on == date.today()
    html = client.get("/actors/").get_data(as_text=True)
    active, retired = html.split("<h2>Avvecklade aktörer</h2>", 1)
    assert "Nationellt lagerforum" in _names(retired)
    assert "Nationellt lagerforum" not in _names(active)
    assert "Avvecklad" in client.get(f"/actors/{actor.id}").get_data(as_text=True)


def test_stale_edit_shows_both_versions_and_resubmit_saves(
    client: Any, session: so.Session, as_role: Callable[..., User], make_user: Callable[..., User]
) -> None:
    as_role("admin")
    actor = find_actor(session, "TLV")
    version = actor.version
    services.update_actor(
        session,
        make_user("admin"),
        actor,
        replace(ActorInput.of(actor), description="Kollegans beskrivning"),
        expected_version=version,
    )
    session.flush()
    data = _actor_data(
        name=actor.name,
        short_name="TLV",
        kind="myndighet",
        is_beredskapsmyndighet="nej",
        description="Min beskrivning",
        version=str(version),
    )
    response = post(client, f"/actors/{actor.id}/edit", data)
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert 'class="conflict"' in html and "Din version" in html and "Sparad version" in html
    assert "Min beskrivning" in html and "Kollegans beskrivning" in html
    assert f'name="version" type="hidden" value="{version + 1}"' in html

    response = post(client, f"/actors/{actor.id}/edit", data | {"version": str(version + 1)})
    assert response.status_code == 302
    session.expire_all()
    assert actor.description == "Min beskrivning"


def test_confidential_measure_title_is_absent_for_uncleared(
    app: Any,
    client: Any,
    session: so.Session,
    as_role: Callable[..., User],
    make_user: Callable[..., User],
) -> None:
    lv = find_actor(session, "LV")
    member = make_user("medlem", can_see_confidential=True)
    cap = find_capability(session, "1.1.1")
    services.create_measure(
        session,
        member,
        MeasureInput(
            title=SECRET_TITLE,
            capability_ids=[cap.id],
            actor_ids=[lv.id],
            confidential=True,
            secrecy_ref="OSL 18:13",
        ),
    )
    services.create_measure(
        session,
        member,
        MeasureInput(title="Öppen åtgärd om lager", capability_ids=[cap.id], actor_ids=[lv.id]),
    )
    session.flush()

    as_role("medlem")
    html = client.get(f"/actors/{lv.id}").get_data(as_text=True)
    assert SECRET_TITLE not in html and "Östergötland" not in html
    assert "Sekretessmarkerad uppgift" in html and "Öppen åtgärd om lager" in html

    cleared = app.test_client()
    login(cleared, make_user("läsare", can_see_confidential=True))
    html = cleared.get(f"/actors/{lv.id}").get_data(as_text=True)
    assert SECRET_TITLE in html


def test_retire_without_csrf_token_is_refused(
    client: Any, session: so.Session, as_role: Callable[..., User]
) -> None:
    as_role("admin")
    lv = find_actor(session, "LV")
    assert client.post(f"/actors/{lv.id}/retire").status_code == 400
    assert client.post("/actors/new", data=_actor_data()).status_code == 400
    session.expire_all()
    assert lv.retired_on is None
    assert session.scalar(sa.select(Actor).where(Actor.name == "Nationellt lagerforum")) is None


def test_query_count_does_not_grow(
    client: Any,
    session: so.Session,
    as_role: Callable[..., User],
    make_user: Callable[..., User],
    count_queries: Callable[[], Any],
) -> None:
    as_role("läsare")
    admin = make_user("admin", can_see_confidential=True)
    lv = find_actor(session, "LV")
    capabilities = session.scalars(sa.select(Capability).order_by(Capability.id)).all()
    services.add_responsibility(session, admin, capabilities[0], lv, role="ansvarar")
    services.create_measure(
        session,
        admin,
        MeasureInput(title="Första", capability_ids=[capabilities[0].id], actor_ids=[lv.id]),
    )
    session.flush()
    pages = ("/actors/", "/actors/?kind=myndighet&q=verket", f"/actors/{lv.id}")
    before = {}
    for path in pages:
        with count_queries() as counter:
            assert client.get(path).status_code == 200
        before[path] = counter.count

    for i in range(30):
        services.create_actor(
            session, admin, ActorInput(name=f"Tillväxtverket {i}", kind="myndighet")
        )
        services.add_responsibility(session, admin, capabilities[i + 1], lv, role="kan_ansvara")
        services.create_measure(
            session,
            admin,
            MeasureInput(
                title=f"Åtgärd {i}",
                confidential=i % 2 == 0,
                secrecy_ref="OSL 18:13" if i % 2 == 0 else None,
                capability_ids=[capabilities[i].id],
                actor_ids=[lv.id],
            ),
        )
        services.create_assignment(
            session,
            admin,
            AssignmentInput(title=f"Uppdrag {i}", dnrs=f"S2024/{i + 1:05d}", recipient_ids=[lv.id]),
        )
    session.flush()
    for path in pages:
        with count_queries() as counter:
            html = client.get(path).get_data(as_text=True)
        assert counter.count == before[path], path
    assert (
        html.count('href="/capabilities/') >= 31 and html.count("Sekretessmarkerad uppgift") == 15
    )
    assert session.scalar(
        sa.select(sa.func.count(Assignment.id)).where(Assignment.title.like("Uppdrag %"))
    )
