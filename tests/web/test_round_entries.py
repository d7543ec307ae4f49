"""The round entry form behaves like the register form (issue 24, points 2, 5 and 8).

One edit helper (409 with the conflict box for a garbage, stale or concurrent version), the
level radios with descriptions in the page's language, the register's assessment shown and
prefilled, and the reviewer's comparison with the register.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import sqlalchemy.orm as so

from capabilities import services
from capabilities.models import ReportingRound, RoundEntry, User
from capabilities.services import rounds as r
from capabilities.services.assessments import AssessmentInput
from capabilities.services.rounds import EntryInput
from tests.conftest import find_capability, login, post


def _open(session: so.Session, admin: User, reviewers: list[User]) -> ReportingRound:
    round_ = r.open_round(
        session,
        admin,
        name="Lägesbild 2026",
        reference_date="2026-06-30",
        deadline="2026-09-30",
        reviewer_ids=[u.id for u in reviewers],
    )
    session.commit()
    return round_


def _draft(session: so.Session, user: User, round_: ReportingRound, summary: str) -> RoundEntry:
    entry = r.save_entry(
        session, user, round_, find_capability(session, "1.1.1"), EntryInput(3, summary)
    )
    session.commit()
    return entry


def test_garbage_version_on_a_round_entry_is_a_conflict(
    client: Any, session: so.Session, make_user: Callable[..., User]
) -> None:
    anna = make_user("medlem")
    round_ = _open(session, make_user("admin"), [make_user("medlem")])
    entry = _draft(session, anna, round_, "Lager för 30 dagar.")
    login(client, anna)
    url = f"/rounds/{round_.id}/capabilities/1.1.1"
    for version in ("abc", "", str(entry.version + 7)):
        response = post(
            client,
            url,
            {"action": "draft", "level": "4", "summary": "Skrivs över?", "version": version},
            token_from=url,
        )
        assert response.status_code == 409, version
        html = response.get_data(as_text=True)
        assert 'class="conflict"' in html and "Sparad version" in html
        session.expire_all()
        assert (entry.summary, entry.level) == ("Lager för 30 dagar.", 3), version


def test_concurrent_edit_shows_both_versions_and_saves_on_the_second_try(
    client: Any, session: so.Session, make_user: Callable[..., User]
) -> None:
    anna = make_user("medlem")
    bo = make_user("medlem")
    round_ = _open(session, make_user("admin"), [make_user("medlem")])
    entry = _draft(session, anna, round_, "Första texten.")
    login(client, anna)
    url = f"/rounds/{round_.id}/capabilities/1.1.1"
    opened = client.get(url).get_data(as_text=True)
    version = re.search(r'name="version" type="hidden" value="(\d+)"', opened)
    assert version is not None
    r.save_entry(session, bo, round_, find_capability(session, "1.1.1"), EntryInput(2, "Bos."))
    session.commit()
    data = {"action": "draft", "level": "4", "summary": "Annas.", "version": version.group(1)}
    clash = post(client, url, data, token_from=url)
    assert clash.status_code == 409
    html = clash.get_data(as_text=True)
    assert "Bos." in html and "Annas." in html and "2 – Begränsad förmåga" in html
    stored = re.search(r'name="version" type="hidden" value="(\d+)"', html)
    assert stored is not None and stored.group(1) != version.group(1)
    session.expire_all()
    assert entry.summary == "Bos."
    again = post(client, url, data | {"version": stored.group(1)}, token_from=url)
    assert again.status_code == 302
    session.expire_all()
    assert (entry.summary, entry.level) == ("Annas.", 4)


def test_review_version_garbage_is_a_conflict_and_empty_return_marks_the_field(
    client: Any, session: so.Session, make_user: Callable[..., User]
) -> None:
    anna = make_user("medlem")
    greta = make_user("medlem")
    round_ = _open(session, make_user("admin"), [greta])
    entry = _draft(session, anna, round_, "Text.")
    r.submit_entry(session, anna, entry)
    session.commit()
    login(client, greta)
    url = f"/rounds/{round_.id}/capabilities/1.1.1"
    stale = post(
        client, f"{url}/review", {"decision": "approve", "content_version": "x"}, token_from=url
    )
    assert stale.status_code == 409 and 'class="conflict"' in stale.get_data(as_text=True)
    session.expire_all()
    assert entry.state == "inskickad"
    empty = post(
        client,
        f"{url}/review",
        {"decision": "return", "comment": "", "content_version": str(entry.content_version)},
        token_from=url,
    )
    assert empty.status_code == 422
    html = empty.get_data(as_text=True)
    assert 'class="error-summary"' in html and 'href="#comment"' in html
    assert re.search(r'<textarea[^>]*aria-invalid="true"[^>]*id="comment"', html) or re.search(
        r'<textarea[^>]*id="comment"[^>]*aria-invalid="true"', html
    )
    session.expire_all()
    assert entry.state == "inskickad"


def test_round_form_shows_and_prefills_the_register_in_the_page_language(
    client: Any, session: so.Session, make_user: Callable[..., User]
) -> None:
    anna = make_user("medlem")
    round_ = _open(session, make_user("admin"), [make_user("medlem")])
    services.record_assessment(
        session,
        anna,
        find_capability(session, "1.1.1"),
        AssessmentInput(level=3, target_level=4, summary="Lager för 30 dagar enligt inventering."),
    )
    session.commit()
    login(client, anna)
    url = f"/rounds/{round_.id}/capabilities/1.1.1"
    html = client.get(url).get_data(as_text=True)
    assert "Föregående bedömning i registret" in html and 'id="prefilled"' in html
    assert re.search(r'id="level-3" value="3"\s+checked', html)
    assert "\nLager för 30 dagar enligt inventering.</textarea>" in html
    assert '<option selected value="4">' in html
    assert "Förmågan är utvecklad men inte prövad." in html  # the level's description
    english = client.get(f"{url}?lang=en").get_data(as_text=True)
    assert "3 – Developed capacity" in english and "Utvecklad förmåga" not in english
    assert "The capacity is developed but not tested." in english


def test_confidential_register_assessment_is_not_prefilled_for_the_uncleared(
    client: Any, session: so.Session, make_user: Callable[..., User]
) -> None:
    cleared = make_user("medlem", can_see_confidential=True)
    round_ = _open(session, make_user("admin"), [make_user("medlem")])
    services.record_assessment(
        session,
        cleared,
        find_capability(session, "1.1.1"),
        AssessmentInput(
            level=2, summary="Hemlig lagernivå.", confidential=True, secrecy_ref="OSL 18:13"
        ),
    )
    session.commit()
    login(client, make_user("medlem"))
    html = client.get(f"/rounds/{round_.id}/capabilities/1.1.1").get_data(as_text=True)
    assert "Hemlig lagernivå." not in html and "Sekretessmarkerad uppgift" in html
    assert 'id="prefilled"' not in html and "checked" not in html.split("level-choices")[1][:2000]


def test_reviewer_sees_the_entry_beside_the_register_with_changes_marked(
    client: Any, session: so.Session, make_user: Callable[..., User]
) -> None:
    anna = make_user("medlem")
    greta = make_user("medlem")
    round_ = _open(session, make_user("admin"), [greta])
    cap = find_capability(session, "1.1.1")
    services.record_assessment(session, anna, cap, AssessmentInput(level=2, summary="Samma text."))
    entry = r.save_entry(session, anna, round_, cap, EntryInput(4, "Samma text."), submit=True)
    session.commit()
    login(client, greta)
    html = client.get(f"/rounds/{round_.id}/capabilities/1.1.1").get_data(as_text=True)
    table = html.split('class="entry-vs-register"')[1].split("</table>")[0]
    rows = {
        m.group(2): m.group(1) is not None
        for m in re.finditer(r'<tr( class="changed")?><th scope="row">([^<]+)</th>', table)
    }
    assert rows["Nivå"] and not rows["Statusbeskrivning"], rows
    assert "2 – Begränsad förmåga" in table and "4 – Påvisad förmåga" in table
    assert entry.state == "inskickad"
