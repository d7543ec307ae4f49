"""Round pages: open, fill in, submit, return, approve, close, compare; refusals; query counts."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so
from openpyxl import load_workbook

from capabilities import services
from capabilities.models import Area, Capability, ReportingRound, RoundEntry, User
from capabilities.queries.rounds import the_open_round
from capabilities.services import rounds as r
from capabilities.services.assessments import AssessmentInput
from capabilities.services.rounds import EntryInput
from tests.conftest import PASSWORD, find_capability, login, post


def _open(session: so.Session, admin: User, reviewers: list[User], name: str) -> ReportingRound:
    round_ = r.open_round(
        session,
        admin,
        name=name,
        reference_date="2026-06-30",
        deadline="2026-09-30",
        reviewer_ids=[u.id for u in reviewers],
    )
    session.commit()
    return round_


def test_whole_round_through_the_pages(
    client: Any, session: so.Session, make_user: Callable[..., User]
) -> None:
    admin = make_user("admin")
    anna = make_user("medlem", display_name="Anna Andersson")
    granskare = make_user("medlem", display_name="Greta Granskare")
    login(client, admin)
    page = client.get("/rounds/new")
    assert page.status_code == 200 and "Greta Granskare" in page.get_data(as_text=True)
    bad = post(client, "/rounds/new", {"name": "", "reference_date": "2026-06-30"})
    assert bad.status_code == 422
    assert "Namn måste fyllas i." in bad.get_data(as_text=True)
    assert "Välj minst en granskare." in bad.get_data(as_text=True)
    lv_area = session.scalars(sa.select(Area).where(Area.number == "1.1")).one()
    response = post(
        client,
        "/rounds/new",
        {
            "name": "Lägesbild 2026",
            "reference_date": "2026-06-30",
            "deadline": "2026-09-30",
            "reviewers": [str(granskare.id)],
            f"area_{lv_area.id}": "",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    round_ = session.scalars(sa.select(ReportingRound)).one()

    client.delete_cookie("session")
    login(client, anna)
    url = f"/rounds/{round_.id}/capabilities/1.1.1"
    missing = post(client, url, {"action": "submit", "summary": ""}, token_from=url)
    assert missing.status_code == 422
    assert "Nivå måste väljas." in missing.get_data(as_text=True)
    saved = post(
        client,
        url,
        {"action": "submit", "level": "3", "summary": "Lager för 30 dagar."},
        token_from=url,
    )
    assert saved.status_code == 302
    entry = session.scalars(sa.select(RoundEntry)).one()
    assert entry.state == "inskickad" and entry.submitted_by_id == anna.id

    client.delete_cookie("session")
    login(client, granskare)
    show = client.get(f"/rounds/{round_.id}").get_data(as_text=True)
    assert "Att granska (1)" in show and "1.1.1" in show
    returned = post(
        client,
        f"{url}/review",
        {"decision": "return", "comment": "Ange källa.", "content_version": "1"},
        token_from=url,
    )
    assert returned.status_code == 302
    session.refresh(entry)
    assert entry.state == "återremitterad"

    client.delete_cookie("session")
    login(client, anna)
    assert "Ange källa." in client.get(url).get_data(as_text=True)
    post(
        client,
        url,
        {
            "action": "submit",
            "level": "3",
            "summary": "Lager för 30 dagar (LV 2026).",
            "version": str(entry.version),
        },
        token_from=url,
    )
    client.delete_cookie("session")
    login(client, granskare)
    approved = post(
        client,
        f"{url}/review",
        {"decision": "approve", "comment": "", "content_version": "2"},
        token_from=url,
    )
    assert approved.status_code == 302
    session.refresh(entry)
    assert entry.state == "fastställd"
    capability_page = client.get("/capabilities/1.1.1").get_data(as_text=True)
    assert "Lägesbild 2026" in capability_page
    assert "Återremitterad" in capability_page and "Ange källa." in capability_page
    assert "Fastställd" in capability_page and "Lager för 30 dagar (LV 2026)." in capability_page

    client.delete_cookie("session")
    login(client, admin)
    closed = post(
        client,
        f"/rounds/{round_.id}/close",
        {"confirm_name": "Lägesbild 2026"},  # not everything is approved: the name is typed
        token_from=f"/rounds/{round_.id}",
    )
    assert closed.status_code == 302
    session.refresh(round_)
    page_text = client.get(f"/rounds/{round_.id}").get_data(as_text=True)
    snapshot_hash = the_open_round(session)
    assert snapshot_hash is None
    from capabilities.models import RoundSnapshot

    snap = session.scalars(sa.select(RoundSnapshot)).one()
    assert snap.sha256 in page_text
    assert "Poäng per huvudgrupp och område" in page_text and "60,0 % (1/5)" in page_text
    refused = post(
        client, url, {"action": "draft", "level": "5", "summary": "Sent."}, token_from="/rounds/"
    )
    assert refused.status_code == 403
    assert "är stängd och kan inte längre ändras" in refused.get_data(as_text=True)


def test_self_approval_refused_on_the_page(
    client: Any, session: so.Session, make_user: Callable[..., User]
) -> None:
    admin = make_user("admin")
    granskare = make_user("medlem")
    round_ = _open(session, admin, [granskare], "Lägesbild 2026")
    r.save_entry(
        session,
        granskare,
        round_,
        find_capability(session, "1.1.1"),
        EntryInput(3, "x"),
        submit=True,
    )
    session.commit()
    login(client, granskare)
    url = f"/rounds/{round_.id}/capabilities/1.1.1"
    assert "en annan granskare måste fastställa den" in client.get(url).get_data(as_text=True)
    refused = post(
        client, f"{url}/review", {"decision": "approve", "content_version": "1"}, token_from=url
    )
    assert refused.status_code == 403
    assert "Du kan inte fastställa en bedömning som du själv har skickat in." in refused.get_data(
        as_text=True
    )


def test_confidential_entries_are_redacted(
    client: Any, session: so.Session, make_user: Callable[..., User]
) -> None:
    admin = make_user("admin", can_see_confidential=True)
    cleared = make_user("medlem", can_see_confidential=True)
    granskare = make_user("medlem", can_see_confidential=True)
    round_ = _open(session, admin, [granskare], "Lägesbild 2026")
    entry = r.save_entry(
        session,
        cleared,
        round_,
        find_capability(session, "1.1.1"),
        EntryInput(4, "Hemlig lagernivå", confidential=True, secrecy_ref="OSL 18:13"),
        submit=True,
    )
    r.approve_entry(session, granskare, entry)
    r.close_round(session, admin, round_)
    session.commit()
    login(client, make_user("medlem"))
    page = client.get(f"/rounds/{round_.id}/capabilities/1.1.1").get_data(as_text=True)
    assert "Hemlig lagernivå" not in page and "Sekretessmarkerad uppgift" in page
    compare = client.get(f"/rounds/{round_.id}/compare?with=today&all=1").get_data(as_text=True)
    assert "Hemlig lagernivå" not in compare
    row = compare.split('id="cmp-1.1.1"')[1].split("</tr>")[0]
    assert "Sekretessmarkerad uppgift" in row and "Påvisad" not in row
    workbook = client.get(f"/rounds/{round_.id}/compare.xlsx?with=today")
    sheet = load_workbook(io.BytesIO(workbook.data))["Jämförelse"]
    values = [c.value for c in next(row for row in sheet.iter_rows() if row[0].value == "1.1.1")]
    assert values[4] == "Sekretessmarkerad uppgift"


def test_round_and_comparison_pages_use_constant_queries(
    client: Any,
    session: so.Session,
    make_user: Callable[..., User],
    count_queries: Callable[[], Any],
) -> None:
    admin = make_user("admin")
    member = make_user("medlem")
    granskare = make_user("medlem")
    area = session.scalars(sa.select(Area).where(Area.number == "3.3")).one()
    login(client, admin)
    counts = []
    for extra in (0, 15):
        for i in range(extra):
            services.create_capability(
                session, admin, area=area, number=f"3.3.{40 + i}", title=f"Extra {i}"
            )
        first = _open(session, admin, [granskare], f"Runda A{extra}")
        for cap in session.scalars(sa.select(Capability).where(Capability.area_id == area.id)):
            entry = r.save_entry(session, member, first, cap, EntryInput(2, "s"), submit=True)
            r.approve_entry(session, granskare, entry)
        r.close_round(session, admin, first)
        second = _open(session, admin, [granskare], f"Runda B{extra}")
        for cap in session.scalars(sa.select(Capability).where(Capability.area_id == area.id)):
            entry = r.save_entry(session, member, second, cap, EntryInput(3, "t"), submit=True)
        session.commit()
        with count_queries() as show:
            assert client.get(f"/rounds/{second.id}").status_code == 200
        with count_queries() as entry_page:
            assert client.get(f"/rounds/{second.id}/capabilities/3.3.1").status_code == 200
        with count_queries() as listing:
            assert client.get("/rounds/").status_code == 200
        for entry in session.scalars(sa.select(RoundEntry).where(RoundEntry.round_id == second.id)):
            r.approve_entry(session, granskare, entry)
        r.close_round(session, admin, second)
        session.commit()
        with count_queries() as compare:
            page = client.get(f"/rounds/{first.id}/compare?with={second.id}")
            assert page.status_code == 200
        assert "↑" in page.get_data(as_text=True)
        with count_queries() as today:
            assert client.get(f"/rounds/{first.id}/compare?with=today").status_code == 200
        with count_queries() as capability_page:
            assert client.get("/capabilities/3.3.1").status_code == 200
        counts.append(
            (
                show.count,
                entry_page.count,
                listing.count,
                compare.count,
                today.count,
                capability_page.count,
            )
        )
    assert counts[0] == counts[1], counts


def test_readers_cannot_write_in_a_round(
    client: Any, session: so.Session, make_user: Callable[..., User]
) -> None:
    admin = make_user("admin")
    round_ = _open(session, admin, [make_user("medlem")], "Lägesbild 2026")
    login(client, make_user("läsare"), PASSWORD)
    url = f"/rounds/{round_.id}/capabilities/1.1.1"
    assert client.get(url).status_code == 200
    response = post(client, url, {"action": "draft", "level": "3", "summary": "x"}, token_from=url)
    assert response.status_code == 403
    assert post(client, "/rounds/new", {"name": "x"}, token_from="/rounds/").status_code == 403


def test_api_rounds_and_comparison_follow_clearance(
    client: Any, session: so.Session, make_user: Callable[..., User]
) -> None:
    admin = make_user("admin", can_see_confidential=True)
    member = make_user("medlem", can_see_confidential=True)
    granskare = make_user("medlem", can_see_confidential=True)
    first = _open(session, admin, [granskare], "Lägesbild 2026")
    for number, level, secret in (("1.1.1", 2, False), ("1.1.2", 4, True)):
        entry = r.save_entry(
            session,
            member,
            first,
            find_capability(session, number),
            EntryInput(level, f"Text {number}", confidential=secret, secrecy_ref="OSL 18:13"),
            submit=True,
        )
        r.approve_entry(session, granskare, entry)
    r.close_round(session, admin, first)
    second = _open(session, admin, [granskare], "Lägesbild 2027")
    entry = r.save_entry(
        session,
        member,
        second,
        find_capability(session, "1.1.1"),
        EntryInput(3, "Bättre"),
        submit=True,
    )
    r.approve_entry(session, granskare, entry)
    r.close_round(session, admin, second)
    session.commit()

    def headers(user: User) -> dict[str, str]:
        _token, plain = services.create_token(session, user, name="Test")
        session.commit()
        return {"Authorization": f"Bearer {plain}"}

    reader = headers(make_user("läsare"))
    listing = client.get("/api/v1/rounds", headers=reader).get_json()
    assert [i["name"] for i in listing["items"]] == ["Lägesbild 2027", "Lägesbild 2026"]
    assert all(len(i["sha256"]) == 64 for i in listing["items"])
    one = client.get(f"/api/v1/rounds/{first.id}", headers=reader).get_json()
    assert one["counts"]["fastställd"] == 2 and one["status"] == "stängd"
    assert one["sha256_verified"] is True
    compared = client.get(f"/api/v1/rounds/{first.id}/compare/{second.id}", headers=reader)
    rows = {c["number"]: c for c in compared.get_json()["capabilities"]}
    assert (rows["1.1.1"]["level_before"], rows["1.1.1"]["level_after"]) == (2, 3)
    assert rows["1.1.1"]["direction"] == "↑"
    assert rows["1.1.2"]["level_before"] is None and rows["1.1.2"]["confidential_hidden"]
    assert "Text 1.1.2" not in compared.get_data(as_text=True)
    cleared = client.get(
        f"/api/v1/rounds/{first.id}/compare/{second.id}", headers=headers(admin)
    ).get_json()
    assert {c["number"]: c for c in cleared["capabilities"]}["1.1.2"]["level_before"] == 4
    today = client.get(f"/api/v1/rounds/{first.id}/compare/today", headers=reader)
    assert today.status_code == 200 and today.get_json()["after"]["round_id"] is None
    missing = client.get("/api/v1/rounds/999/compare/today", headers=reader)
    assert missing.status_code == 404 and missing.get_json()["error"] == "not_found"
    assert client.get("/api/v1/rounds").status_code == 401


def test_excel_upload_goes_into_the_open_round_as_said_in_the_preview(
    client: Any, session: so.Session, make_user: Callable[..., User], tmp_path: Any, app: Any
) -> None:
    from capabilities.models import StatusAssessment

    app.config["IMPORT_DIR"] = str(tmp_path)
    admin = make_user("admin")
    round_ = _open(session, admin, [make_user("medlem")], "Lägesbild 2026")
    member = make_user("medlem")
    login(client, member)
    assessments = session.scalar(sa.select(sa.func.count(StatusAssessment.id)))
    for mode, rows, said in (
        ("draft", range(3, 5), "som utkast"),
        ("submit", range(5, 8), "som inskickade bedömningar"),
    ):
        book = load_workbook(io.BytesIO(client.get("/reports/export?format=xlsx").data))
        sheet = book["Uppdatering"]
        for row in rows:
            sheet.cell(row, 7).value = 4
            sheet.cell(row, 8).value = f"Från Excel rad {row}"
        buffer = io.BytesIO()
        book.save(buffer)
        form = client.get("/reports/import").get_data(as_text=True)
        assert "Uppföljningsomgången ”Lägesbild 2026” är öppen" in form
        preview = post(
            client,
            "/reports/import",
            {"file": (io.BytesIO(buffer.getvalue()), "u.xlsx"), "round_mode": mode},
            content_type="multipart/form-data",
            token_from="/reports/import",
        )
        html = preview.get_data(as_text=True)
        assert preview.status_code == 200, html
        assert f"Raderna läses in i uppföljningsomgången ”Lägesbild 2026” {said}" in html
        token = html.split('name="token" type="hidden" value="')[1].split('"')[0]
        done = post(
            client,
            "/reports/import/confirm",
            {"token": token, "round_mode": mode},
            token_from="/reports/import",
        )
        assert done.status_code == 302 and done.headers["Location"].endswith(f"/rounds/{round_.id}")
    entries = session.scalars(sa.select(RoundEntry).order_by(RoundEntry.id)).all()
    assert [e.state for e in entries] == ["utkast"] * 2 + ["inskickad"] * 3
    assert {e.updated_by_id for e in entries} == {member.id}
    # The register itself did not change: only approval moves it.
    assert session.scalar(sa.select(sa.func.count(StatusAssessment.id))) == assessments


def test_new_entry_starts_from_the_registers_target(
    client: Any, session: so.Session, make_user: Callable[..., User]
) -> None:
    member = make_user("medlem")
    services.record_assessment(
        session,
        member,
        find_capability(session, "1.2.1"),
        AssessmentInput(level=2, target_level=4, summary="Mål 4"),
    )
    round_ = _open(session, make_user("admin"), [make_user("medlem")], "Lägesbild 2026")
    login(client, member)
    html = client.get(f"/rounds/{round_.id}/capabilities/1.2.1").get_data(as_text=True)
    target = html.split('name="target_level"')[1].split("</select>")[0]
    assert '<option selected value="4">' in target


def test_round_ids_beyond_the_id_column_are_not_found(
    client: Any, session: so.Session, make_user: Callable[..., User]
) -> None:
    """An id no INTEGER column can hold is an unknown round: 404, never OverflowError (F10)."""
    admin = make_user("admin")
    round_ = _open(session, admin, [make_user("medlem")], "Runda stor")
    r.close_round(session, admin, round_)
    _token, plain = services.create_token(session, make_user("läsare"), name="Test")
    session.commit()
    headers = {"Authorization": f"Bearer {plain}"}
    for other in ("9223372036854775808", "99999999999999999999", "2147483648", "0"):
        response = client.get(f"/api/v1/rounds/{round_.id}/compare/{other}", headers=headers)
        assert response.status_code == 404, other
        assert response.get_json()["error"] == "not_found"
    login(client, make_user("läsare"))
    for other in ("9223372036854775808", "2147483648"):
        assert client.get(f"/rounds/{round_.id}/compare?with={other}").status_code == 404, other
