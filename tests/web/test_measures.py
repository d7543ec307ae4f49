"""Measures pages: roles, validation, conflicts, confidentiality, filters and query counts."""

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
from capabilities.models import Actor, AuditEvent, Capability, Measure, User
from capabilities.services.measures import MeasureInput
from tests.conftest import csrf_token, find_actor, find_capability, post

SECRET_TITLE = "Hemlig lagerplats i Norrland"
SECRET_TEXT = "Kostnaden är hemlig"


def _measure(session: so.Session, user: User, **data: Any) -> Measure:
    # flush, not commit: on SQLite (pysqlite) releasing the test session's outermost
    # savepoint would commit for real and leak rows into later tests.
    data.setdefault("title", "Utökad lagerhållning av infusionsvätskor")
    data.setdefault("capability_ids", [find_capability(session, "1.1.1").id])
    measure = services.create_measure(session, user, MeasureInput(**data))
    session.flush()
    return measure


def _count(session: so.Session) -> int:
    return session.scalar(sa.select(sa.func.count()).select_from(Measure)) or 0


def _html(response: Any) -> str:
    return str(response.get_data(as_text=True))


def _ids(html: str) -> list[int]:
    return [int(i) for i in re.findall(r'href="/measures/(\d+)"', html)]


def _row(html: str, measure_id: int) -> str:
    """The list row of one measure."""
    for row in html.split("<tr>"):
        if f'href="/measures/{measure_id}"' in row:
            return row
    raise AssertionError(f"measure {measure_id} not listed")


def _form(session: so.Session, **changes: Any) -> dict[str, Any]:
    """A complete, valid create/edit form as a browser would post it."""
    data: dict[str, Any] = {
        "title": "Gemensam upphandling av skyddsutrustning",
        "description": "Regionerna upphandlar tillsammans.",
        "state": "förslag",
        "cost_effectiveness": "God",
        "legal_assessment": "Ingen lagändring krävs",
        "priority": "hög",
        "due_on": "2027-06-30",
        "capability_ids": [
            str(find_capability(session, "1.1.1").id),
            str(find_capability(session, "2.2.2").id),
        ],
        "actor_ids": [],
        "secrecy_ref": "",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


# --- roles -----------------------------------------------------------------------------------


def test_reader_reads_but_every_write_is_refused(
    client: Any, session: so.Session, make_user: Callable[..., User], as_role: Callable[..., User]
) -> None:
    measure = _measure(session, make_user("medlem"))
    as_role("läsare")
    assert client.get("/measures/").status_code == 200
    assert client.get(f"/measures/{measure.id}").status_code == 200
    assert client.get("/measures/new").status_code == 403
    assert client.get(f"/measures/{measure.id}/edit").status_code == 403
    before = _count(session)
    assert post(client, "/measures/new", _form(session)).status_code == 403
    edit = _form(session, title="Ändrad", version="1")
    assert post(client, f"/measures/{measure.id}/edit", edit).status_code == 403
    state = {"state": "beslutad", "version": "1"}
    assert post(client, f"/measures/{measure.id}/state", state).status_code == 403
    session.expire_all()
    assert _count(session) == before
    assert session.get(Measure, measure.id).state == "förslag"  # type: ignore[union-attr]
    html = _html(client.get(f"/measures/{measure.id}"))
    assert "/edit" not in html and "Ändra status" not in html and "Ny åtgärd" not in html


@pytest.mark.parametrize("role", ["medlem", "admin"])
def test_editors_open_every_page(
    client: Any, session: so.Session, as_role: Callable[..., User], role: str
) -> None:
    user = as_role(role)
    measure = _measure(session, user)
    for path in ("/measures/", f"/measures/{measure.id}", "/measures/new"):
        assert client.get(path).status_code == 200, path
    html = _html(client.get(f"/measures/{measure.id}/edit"))
    assert 'name="version" type="hidden" value="1"' in html
    assert client.get("/measures/99999").status_code == 404
    assert client.get("/measures/99999/edit").status_code == 404


# --- create ----------------------------------------------------------------------------------


def test_create_appears_on_list_and_detail(
    client: Any, session: so.Session, as_role: Callable[..., User]
) -> None:
    user = as_role("medlem")
    lv = find_actor(session, "LV")
    response = post(client, "/measures/new", _form(session, actor_ids=[str(lv.id)]))
    assert response.status_code == 302
    measure = session.scalars(sa.select(Measure).order_by(Measure.id.desc())).first()
    assert measure is not None and measure.created_by_id == user.id
    assert response.headers["Location"].endswith(f"/measures/{measure.id}")

    detail = _html(client.get(response.headers["Location"]))
    for text in (
        "Åtgärden är sparad.",
        "Gemensam upphandling av skyddsutrustning",
        "Regionerna upphandlar tillsammans.",
        "Ingen lagändring krävs",
        "2027-06-30",
        user.display_name,
        lv.name,
        "Skapad",
    ):
        assert text in detail, text

    row = _row(_html(client.get("/measures/")), measure.id)
    assert "Gemensam upphandling av skyddsutrustning" in row
    assert 'href="/capabilities/1.1.1"' in row and 'href="/capabilities/2.2.2"' in row
    assert "2027-06-30" in row and "förslag" in row and "hög" in row and "God" in row
    assert f'<abbr title="{lv.name}">{lv.short_name}</abbr>' in row


def test_capability_query_preselects(
    client: Any, session: so.Session, as_role: Callable[..., User]
) -> None:
    as_role("medlem")
    html = _html(client.get("/measures/new?capability=2.1.2"))
    box = r'<input type="checkbox" name="capability_ids" [^>]*>\s*<label[^>]*>([^<]+)<'
    boxes = re.findall(box, html)
    checked = re.findall(r'name="capability_ids" id="[^"]+" value="(\d+)" checked', html)
    # checkboxes, not a multi-select: the preselected capability is checked and listed first
    assert "<select" not in html.split('id="capability_ids"')[1].split("</fieldset>")[0]
    assert checked == [str(find_capability(session, "2.1.2").id)]
    assert boxes[0].startswith("2.1.2 Kontinuerlig omvärldsbevakning")
    assert len(boxes) == 62 and len(set(boxes)) == 62
    assert 'href="/capabilities/2.1.2">Avbryt' in html
    # the whole first line: 2.1.1, 2.1.2 and 2.1.3 read differently
    sibling = {label.split(" ", 1)[0]: label for label in boxes}
    assert sibling["2.1.1"].startswith(
        "2.1.1 Kontinuerlig omvärldsbevakning och uppmärksammande av sådant som kan påverka"
    )
    assert sibling["2.1.1"].endswith(" …")  # more lines follow (bullets)
    assert "samhällsövergripande skeenden" in sibling["2.1.3"]
    starts = {sibling[number][6:80] for number in ("2.1.1", "2.1.2", "2.1.3")}
    assert len(starts) == 3


def test_saving_a_measure_started_on_a_capability_returns_there(
    client: Any, session: so.Session, as_role: Callable[..., User]
) -> None:
    as_role("medlem")
    form = _form(session, capability_ids=[str(find_capability(session, "2.1.2").id)])
    response = post(client, "/measures/new?capability=2.1.2", form)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/capabilities/2.1.2")
    page = _html(client.get("/capabilities/2.1.2"))
    assert "Gemensam upphandling av skyddsutrustning" in page and "– förslag" in page
    # from the measure list the new measure's own page follows, as before
    plain = post(client, "/measures/new", _form(session))
    assert re.search(r"/measures/\d+$", plain.headers["Location"])


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"title": "  "}, "title", "Titel måste fyllas i."),
        ({"capability_ids": None}, "capability_ids", "Välj minst en delförmåga"),
        ({"due_on": "2026-13-45"}, "due_on", "Klart senast ska vara ett datum som ÅÅÅÅ-MM-DD"),
        ({"state": "klar"}, "state", "Ogiltigt värde för status"),
        ({"capability_ids": ["999999"]}, "capability_ids", "Okänd delförmåga"),
        ({"confidential": "y", "secrecy_ref": ""}, "secrecy_ref", "Ange sekretesshänvisning"),
    ],
)
def test_create_refuses_bad_input_with_swedish_messages(
    client: Any,
    session: so.Session,
    as_role: Callable[..., User],
    changes: dict[str, Any],
    field: str,
    message: str,
) -> None:
    as_role("medlem")
    before = _count(session)
    response = post(client, "/measures/new", _form(session, **changes))
    assert response.status_code == 422
    html = _html(response)
    assert message in html
    assert f'id="{field}-error"' in html and "Kontrollera uppgifterna" in html
    session.expire_all()
    assert _count(session) == before
    if "title" not in changes:  # what the member typed is kept
        assert "Gemensam upphandling av skyddsutrustning" in html


def test_all_errors_reported_at_once(
    client: Any, session: so.Session, as_role: Callable[..., User]
) -> None:
    as_role("admin")
    response = post(
        client, "/measures/new", _form(session, title="", capability_ids=None, due_on="igår")
    )
    html = _html(response)
    assert response.status_code == 422
    assert "Titel måste fyllas i." in html
    assert "Välj minst en delförmåga som åtgärden höjer." in html
    assert "Klart senast ska vara ett datum som ÅÅÅÅ-MM-DD, inte ”igår”." in html


def test_post_without_csrf_token_is_refused(
    client: Any, session: so.Session, as_role: Callable[..., User]
) -> None:
    user = as_role("medlem")
    measure = _measure(session, user)
    before = _count(session)
    assert client.post("/measures/new", data=_form(session)).status_code == 400
    edit = _form(session, title="Utan token", version="1")
    assert client.post(f"/measures/{measure.id}/edit", data=edit).status_code == 400
    state = {"state": "avförd", "version": "1"}
    assert client.post(f"/measures/{measure.id}/state", data=state).status_code == 400
    session.expire_all()
    assert _count(session) == before
    assert session.get(Measure, measure.id).title != "Utan token"  # type: ignore[union-attr]


# --- edit and conflicts ----------------------------------------------------------------------


def test_edit_saves_and_logs_changes(
    client: Any, session: so.Session, as_role: Callable[..., User]
) -> None:
    user = as_role("medlem")
    measure = _measure(session, user)
    form = _form(session, title="Nytt namn", priority="", due_on="", version="1")
    response = post(client, f"/measures/{measure.id}/edit", form)
    assert response.status_code == 302
    session.expire_all()
    stored = session.get(Measure, measure.id)
    assert stored is not None and stored.title == "Nytt namn" and stored.version == 2
    assert stored.priority is None
    html = _html(client.get(f"/measures/{measure.id}"))
    assert "Ändrad" in html and "Skapad" in html
    assert "Utökad lagerhållning av infusionsvätskor → Nytt namn" in html
    assert "1.1.1 → 1.1.1, 2.2.2" in html


def test_second_edit_from_same_version_gets_409_and_can_reapply(
    client: Any, session: so.Session, make_user: Callable[..., User], as_role: Callable[..., User]
) -> None:
    first = make_user("medlem", display_name="Anna Andersson")
    measure = _measure(session, first)
    # Anna saves first, from version 1 (through the service, as another browser would).
    services.update_measure(
        session,
        first,
        measure,
        replace(MeasureInput.of(measure), title="Annas titel", priority="låg"),
        expected_version=1,
    )
    session.flush()
    # Bertil, who also opened version 1, saves afterwards.
    as_role("medlem", display_name="Bertil Berg")
    mine = _form(session, title="Bertils titel", priority="hög", version="1")
    response = post(client, f"/measures/{measure.id}/edit", mine)
    assert response.status_code == 409
    html = _html(response)
    assert 'class="conflict"' in html
    assert "Din version" in html and "Sparad version" in html
    assert "Bertils titel" in html and "Annas titel" in html
    assert 'name="version" type="hidden" value="2"' in html  # re-submitting re-applies
    assert 'value="Bertils titel"' in html  # the form keeps Bertil's values
    session.expire_all()
    assert session.get(Measure, measure.id).title == "Annas titel"  # type: ignore[union-attr]

    response = post(client, f"/measures/{measure.id}/edit", mine | {"version": "2"})
    assert response.status_code == 302
    session.expire_all()
    stored = session.get(Measure, measure.id)
    assert stored is not None and stored.title == "Bertils titel" and stored.version == 3
    events = session.scalars(
        sa.select(AuditEvent)
        .where(AuditEvent.entity_type == "measures", AuditEvent.entity_id == measure.id)
        .order_by(AuditEvent.id)
    ).all()
    assert [e.action for e in events] == ["create", "update", "update"]
    assert events[1].after and events[1].after["title"] == "Annas titel"
    assert events[2].before and events[2].before["title"] == "Annas titel"
    assert events[2].after and events[2].after["title"] == "Bertils titel"
    history = _html(client.get(f"/measures/{measure.id}"))
    assert "Anna Andersson" in history and "Bertil Berg" in history
    assert "Annas titel → Bertils titel" in history


def test_state_change_and_its_conflict(
    client: Any, session: so.Session, as_role: Callable[..., User]
) -> None:
    user = as_role("medlem")
    measure = _measure(session, user)
    response = post(
        client, f"/measures/{measure.id}/state", {"state": "prioriterad", "version": "1"}
    )
    assert response.status_code == 302
    session.expire_all()
    assert session.get(Measure, measure.id).state == "prioriterad"  # type: ignore[union-attr]

    stale = post(client, f"/measures/{measure.id}/state", {"state": "avförd", "version": "1"})
    assert stale.status_code == 409
    html = _html(stale)
    assert 'class="conflict"' in html and "avförd" in html and "prioriterad" in html
    assert 'name="version" type="hidden" value="2"' in html

    bad = post(client, f"/measures/{measure.id}/state", {"state": "klar", "version": "2"})
    assert bad.status_code == 422 and "Ogiltigt värde för status" in _html(bad)
    session.expire_all()
    assert session.get(Measure, measure.id).state == "prioriterad"  # type: ignore[union-attr]


# --- confidentiality -------------------------------------------------------------------------


def _secret_measure(session: so.Session, user: User) -> Measure:
    return _measure(
        session,
        user,
        title=SECRET_TITLE,
        description="Beskrivning av lagret",
        cost_effectiveness=SECRET_TEXT,
        legal_assessment="Kräver ändring i OSL",
        confidential=True,
        secrecy_ref="OSL 18:13",
    )


def test_confidential_content_absent_for_uncleared_users(
    client: Any, session: so.Session, make_user: Callable[..., User], as_role: Callable[..., User]
) -> None:
    measure = _secret_measure(session, make_user("medlem", can_see_confidential=True))
    as_role("medlem")
    for path in ("/measures/", f"/measures/{measure.id}"):
        html = _html(client.get(path))
        assert "Sekretessmarkerad uppgift" in html, path
        for hidden in (
            SECRET_TITLE,
            "Beskrivning av lagret",
            SECRET_TEXT,
            "Kräver ändring i OSL",
            "OSL 18:13",
        ):
            assert hidden not in html, (path, hidden)
    assert client.get(f"/measures/{measure.id}/edit").status_code == 403
    edit = _form(session, title="Skriv över", version="1")
    assert post(client, f"/measures/{measure.id}/edit", edit).status_code == 403
    # Searching for the hidden content must not reveal that it exists.
    assert measure.id not in _ids(_html(client.get("/measures/?q=norrland")))


def test_confidential_content_shown_to_cleared_users(
    client: Any, session: so.Session, make_user: Callable[..., User], as_role: Callable[..., User]
) -> None:
    measure = _secret_measure(session, make_user("medlem", can_see_confidential=True))
    as_role("läsare", can_see_confidential=True)
    listing = _html(client.get("/measures/"))
    assert SECRET_TITLE in listing and SECRET_TEXT in listing
    detail = _html(client.get(f"/measures/{measure.id}"))
    for shown in (SECRET_TITLE, "Beskrivning av lagret", SECRET_TEXT, "OSL 18:13"):
        assert shown in detail, shown
    assert "Sekretessmarkerad uppgift" not in detail
    assert measure.id in _ids(_html(client.get("/measures/?q=NORRLAND")))


def test_history_hides_content_once_measure_is_confidential(
    client: Any, session: so.Session, make_user: Callable[..., User], as_role: Callable[..., User]
) -> None:
    cleared = make_user("medlem", can_see_confidential=True)
    measure = _measure(session, cleared, title=SECRET_TITLE)  # public at first
    services.update_measure(
        session,
        cleared,
        measure,
        replace(
            MeasureInput.of(measure), confidential=True, secrecy_ref="OSL 18:13", state="beslutad"
        ),
        expected_version=1,
    )
    session.flush()
    as_role("läsare")
    html = _html(client.get(f"/measures/{measure.id}"))
    assert SECRET_TITLE not in html and "OSL 18:13" not in html
    assert "förslag → beslutad" in html  # what is not secret still shows


# --- list: filters, pages, query counts ------------------------------------------------------


@pytest.fixture
def three_measures(session: so.Session, make_user: Callable[..., User]) -> dict[str, Measure]:
    user = make_user("medlem")
    lv = find_actor(session, "LV")
    return {
        "lager": _measure(
            session,
            user,
            title="ÖKAD lagerhållning på sjukhus",
            priority="hög",
            due_on=date.today() - timedelta(days=3),
        ),
        "avtal": _measure(
            session,
            user,
            title="Nya avtal med grossister",
            state="beslutad",
            description="Gäller även övningar i regionerna.",
            capability_ids=[find_capability(session, "2.2.2").id],
            actor_ids=[lv.id],
        ),
        "klar": _measure(
            session,
            user,
            title="Genomförd utbildning",
            state="genomförd",
            priority="låg",
            due_on=date.today() - timedelta(days=30),
        ),
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", {"lager", "avtal", "klar"}),
        ("state=beslutad", {"avtal"}),
        ("priority=hög", {"lager"}),
        ("priority=ingen", {"avtal"}),
        ("capability=2.2.2", {"avtal"}),
        ("capability=1.1.1", {"lager", "klar"}),
        ("q=ökad", {"lager"}),  # case-insensitive with å ä ö
        ("q=ÖVNINGAR", {"avtal"}),  # matches the description
        ("state=nonsense&priority=x&capability=%27%3B--&actor=abc", {"lager", "avtal", "klar"}),
    ],
)
def test_list_filters(
    client: Any,
    as_role: Callable[..., User],
    three_measures: dict[str, Measure],
    query: str,
    expected: set[str],
) -> None:
    as_role("läsare")
    response = client.get(f"/measures/?{query}")
    assert response.status_code == 200
    mine = {m.id for m in three_measures.values()}
    ids = set(_ids(_html(response))) & mine
    assert ids == {three_measures[k].id for k in expected}


def test_filter_by_actor_and_overdue_marker(
    client: Any,
    session: so.Session,
    as_role: Callable[..., User],
    three_measures: dict[str, Measure],
) -> None:
    as_role("läsare")
    lv = find_actor(session, "LV")
    mine = {m.id for m in three_measures.values()}
    found = set(_ids(_html(client.get(f"/measures/?actor={lv.id}")))) & mine
    assert found == {three_measures["avtal"].id}
    html = _html(client.get("/measures/"))
    assert "försenad" in _row(html, three_measures["lager"].id)
    assert "försenad" not in _row(html, three_measures["klar"].id)  # finished: not overdue
    assert "försenad" not in _row(html, three_measures["avtal"].id)  # no due date
    assert "Försenad" in _html(client.get(f"/measures/{three_measures['lager'].id}"))


def test_list_is_paginated(
    app: Any,
    client: Any,
    session: so.Session,
    make_user: Callable[..., User],
    as_role: Callable[..., User],
) -> None:
    app.config["PAGE_SIZE"] = 2
    user = make_user("medlem")
    made = [_measure(session, user, title=f"Paginerad åtgärd {i}") for i in range(5)]
    as_role("läsare")
    first = _html(client.get("/measures/?q=PAGINERAD"))
    assert _ids(first) == [made[4].id, made[3].id] and "Sida 1 av 3" in first
    assert 'href="/measures/?q=PAGINERAD&amp;page=2"' in first
    last = _html(client.get("/measures/?q=paginerad&page=3"))
    assert _ids(last) == [made[0].id]
    assert _ids(_html(client.get("/measures/?q=paginerad&page=99"))) == [made[0].id]


def test_query_counts_do_not_grow(
    client: Any,
    session: so.Session,
    make_user: Callable[..., User],
    as_role: Callable[..., User],
    count_queries: Callable[[], Any],
) -> None:
    user = make_user("medlem", can_see_confidential=True)
    measure = _measure(session, user)
    as_role("läsare", can_see_confidential=True)
    client.get("/measures/")  # warm up

    def counted(path: str) -> int:
        with count_queries() as counter:
            assert client.get(path).status_code == 200
        return int(counter.count)

    list_before, detail_before = counted("/measures/"), counted(f"/measures/{measure.id}")
    caps = session.scalars(sa.select(Capability.id).order_by(Capability.id).limit(6)).all()
    actors = session.scalars(sa.select(Actor.id).order_by(Actor.id).limit(4)).all()
    for i in range(30):
        _measure(
            session,
            user,
            title=f"Extra {i}",
            capability_ids=caps[: 1 + i % 6],
            actor_ids=actors[: i % 5],
            confidential=i % 3 == 0,
            secrecy_ref="OSL 18:13" if i % 3 == 0 else None,
        )
    for version in range(1, 6):
        services.update_measure(
            session,
            user,
            measure,
            replace(
                MeasureInput.of(measure),
                capability_ids=caps[: version + 1],
                actor_ids=actors[: version - 1],
                title=f"Version {version + 1}",
            ),
            expected_version=version,
        )
        session.flush()
    assert counted("/measures/") == list_before
    assert counted(f"/measures/{measure.id}") == detail_before
    assert len(_ids(_html(client.get("/measures/")))) >= 31


def test_csrf_token_helper_reads_form(client: Any, as_role: Callable[..., User]) -> None:
    """The create form carries a CSRF token (the helper reads it like a browser)."""
    as_role("medlem")
    assert csrf_token(client, "/measures/new")
