# ruff: noqa: F811  (the route matrix's fixtures are imported and used by name)
"""A marker planted in every confidential field never reaches a viewer without clearance.

Generated from the URL map: every GET route (and the export formats, the import preview and
the CLI) is fetched as an uncleared läsare, an uncleared medlem and an uncleared token; every
response is searched for the marker: HTML, JSON, CSV, and every part of xlsx/docx files (all
sheets, hidden ones, document properties). A cleared user sees the markers (the control that
proves they were planted where outputs read them).
"""

from __future__ import annotations

import dataclasses
import io
import zipfile
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so
from click.testing import CliRunner
from openpyxl import load_workbook

from capabilities import services
from capabilities.models import Capability, User
from capabilities.services.assessments import AssessmentInput
from capabilities.services.measures import MeasureInput
from capabilities.services.users import NewUser
from tests.conftest import PASSWORD, login, post
from tests.web.test_route_matrix import (  # noqa: F401  (fixtures)
    ACCESS,
    World,
    isolated,
    rules,
    url,
    world,
)

PREFIX = "ZQX-HEMLIG"
ASSESSMENT_FIELDS = ("summary", "justification", "organisations", "secrecy_ref")
MEASURE_FIELDS = ("title", "description", "cost_effectiveness", "legal_assessment", "secrecy_ref")


def marker(kind: str, field: str) -> str:
    return f"{PREFIX}-{kind}-{field}"


def plant(session: so.Session, author: User, world: World) -> tuple[World, list[str]]:
    capability = session.scalars(
        sa.select(Capability).where(Capability.number == world.number)
    ).one()
    services.record_assessment(
        session,
        author,
        capability,
        AssessmentInput(
            level=2,
            target_level=4,
            assessed_on=date.today(),
            confidential=True,
            **{f: marker("bedömning", f) for f in ASSESSMENT_FIELDS},
        ),
    )
    measure = services.create_measure(
        session,
        author,
        MeasureInput(
            capability_ids=[capability.id],
            confidential=True,
            **{f: marker("åtgärd", f) for f in MEASURE_FIELDS},
        ),
    )
    # a measure created public and made confidential later (M1)
    later = services.create_measure(
        session,
        author,
        MeasureInput(title=marker("senare", "title"), capability_ids=[capability.id]),
    )
    session.flush()
    services.update_measure(
        session,
        author,
        later,
        replace(
            MeasureInput.of(later), confidential=True, secrecy_ref=marker("senare", "secrecy_ref")
        ),
        expected_version=later.version,
    )
    session.commit()
    planted = [
        *(marker("bedömning", f) for f in ASSESSMENT_FIELDS),
        *(marker("åtgärd", f) for f in MEASURE_FIELDS),
        marker("senare", "title"),
        marker("senare", "secrecy_ref"),
    ]
    return dataclasses.replace(world, measure_id=measure.id), planted


def text_of(response: Any) -> str:
    """Everything a response carries, unpacked: zip containers part by part."""
    body = response.get_data()
    if body.startswith(b"PK"):
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            return "\n".join(
                archive.read(name).decode("utf-8", "replace") for name in archive.namelist()
            )
    return body.decode("utf-8", "replace")


def _client(app: Any, user: User | None, token: str | None = None) -> tuple[Any, dict[str, str]]:
    client = app.test_client()
    if user is not None:
        login(client, user, PASSWORD)
    return client, ({"Authorization": f"Bearer {token}"} if token else {})


EXTRA_QUERIES = (
    "/reports/export?format=xlsx",
    "/reports/export?format=csv",
    "/reports/export?format=xlsx&include_confidential=y",
    "/api/v1/measures?per_page=500",
    "/api/v1/capabilities?per_page=500",
    "/measures/?q=ZQX",
    "/register?q=ZQX",
)


def test_no_marker_reaches_an_uncleared_viewer(
    app: Any,
    session: so.Session,
    world: World,
    make_user: Callable[..., User],
    isolated: Callable[[], Any],
    record_property: Callable[[str, Any], None],
) -> None:
    author = make_user("medlem", can_see_confidential=True)
    planted_world, planted = plant(session, author, world)
    reader, member = make_user("läsare"), make_user("medlem")
    token_user = make_user("läsare")
    _token, plain = services.create_token(session, token_user, name="Svep")
    session.commit()
    viewers = {
        "läsare": _client(app, reader),
        "medlem": _client(app, member),
        "token": _client(app, None, plain),
    }
    paths = []
    for rule in rules(app):
        if "GET" in rule.methods and rule.endpoint != "static":
            paths.append(url(app, rule, planted_world))
    paths += EXTRA_QUERIES
    leaks: list[str] = []
    swept = 0
    for name, (client, headers) in viewers.items():
        for path in paths:
            with isolated():
                response = client.get(path, headers=headers)
                body = text_of(response)
                response.close()
            swept += 1
            assert response.status_code < 500, f"{path} as {name}: {response.status_code}"
            if PREFIX in body:
                leaks.append(f"{path} as {name}: {sorted({m for m in planted if m in body})}")
    # the control: a cleared user sees the markers on the pages that show them
    cleared, _ = _client(app, author)
    seen = set()
    for path in (
        f"/capabilities/{planted_world.number}",
        f"/measures/{planted_world.measure_id}",
        "/reports/export?format=xlsx&include_confidential=y",
    ):
        body = text_of(cleared.get(path))
        seen |= {m for m in planted if m in body}
    record_property("markers_planted", len(planted))
    record_property("responses_swept", swept)
    print(f"\nmarkers planted: {len(planted)}, responses swept: {swept}, routes: {len(paths)}")
    assert not leaks, "\n".join(leaks)
    assert seen >= {marker("bedömning", "summary"), marker("åtgärd", "title")}


def test_no_marker_in_import_preview_for_an_uncleared_member(
    app: Any, session: so.Session, world: World, make_user: Callable[..., User], tmp_path: Any
) -> None:
    app.config["IMPORT_DIR"] = str(tmp_path)
    planted_world, _planted = plant(session, make_user("medlem", can_see_confidential=True), world)
    member = make_user("medlem")
    client, _ = _client(app, member)
    wb = load_workbook(io.BytesIO(client.get("/reports/export?format=xlsx").data))
    sheet = wb["Uppdatering"]
    for row in range(3, sheet.max_row + 1):
        if sheet.cell(row, 1).value == planted_world.number:
            sheet.cell(row, 7).value = 3
            sheet.cell(row, 8).value = "Ny bedömning"
            sheet.cell(row, 11).value = 4  # a hidden target is not kept: state one
    out = io.BytesIO()
    wb.save(out)
    preview = post(
        client,
        "/reports/import",
        {"file": (io.BytesIO(out.getvalue()), "u.xlsx")},
        content_type="multipart/form-data",
    )
    html = preview.get_data(as_text=True)
    assert preview.status_code == 200 and "Ny bedömning" in html
    assert PREFIX not in html


def test_no_marker_in_cli_output_without_clearance(
    db_kind: str,
    fresh_database_url: Callable[[str], str],
    monkeypatch: Any,
    tmp_path: Any,
) -> None:
    from capabilities.db import make_engine
    from web.cli import main

    url_ = fresh_database_url(db_kind)
    monkeypatch.setenv("DATABASE_URL", url_)
    runner = CliRunner()
    assert runner.invoke(main, ["init"]).exit_code == 0
    engine = make_engine(url_)
    with so.Session(engine) as session:
        author = services.create_user(
            session,
            None,
            NewUser(
                username="klarerad",
                display_name="K",
                role="medlem",
                password=PASSWORD,
                can_see_confidential=True,
            ),
        )
        services.create_user(
            session,
            None,
            NewUser(username="okl", display_name="O", role="medlem", password=PASSWORD),
        )
        number = session.scalars(sa.select(Capability.number).order_by(Capability.sort_key)).first()
        fake = World(number or "1.1.1", *([0] * 10), plain_token="")  # type: ignore[arg-type]
        plant(session, author, fake)
    engine.dispose()
    xlsx = tmp_path / "r.xlsx"
    outputs = [
        runner.invoke(main, ["register", "--format", fmt]).output
        for fmt in ("table", "json", "csv")
    ]
    outputs.append(runner.invoke(main, ["gaps", "--format", "json"]).output)
    assert runner.invoke(main, ["export", "--format", "xlsx", "-o", str(xlsx)]).exit_code == 0
    with zipfile.ZipFile(xlsx) as archive:
        outputs.append(
            "\n".join(archive.read(n).decode("utf-8", "replace") for n in archive.namelist())
        )
    wb = load_workbook(xlsx)
    sheet = wb["Uppdatering"]
    for row in range(3, sheet.max_row + 1):
        if sheet.cell(row, 1).value == number:
            sheet.cell(row, 7).value = 3
            sheet.cell(row, 8).value = "Ny"
            sheet.cell(row, 11).value = 4  # a hidden target is not kept: state one
    wb.save(xlsx)
    dry = runner.invoke(main, ["import", str(xlsx), "--user", "okl", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    outputs.append(dry.output)
    for output in outputs:
        assert PREFIX not in output


# --- rounds: snapshots, comparisons, task lists, round pages (issue 23 F2, F3) ----------------


def _rounds_with_markings_changed_later(
    session: so.Session, world: World, make_user: Callable[..., User]
) -> tuple[list[int], list[str]]:
    """Closed rounds A and B whose snapshots froze two measures while public, both marked
    confidential after B closed; B froze a confidential approved entry; open round C holds a
    confidential entry returned with a comment. Returns the round ids and the markers."""
    from capabilities.models import Measure, ReportingRound
    from capabilities.services import rounds as r
    from capabilities.services.rounds import EntryInput

    admin = make_user("admin", can_see_confidential=True)
    writer = make_user("medlem", can_see_confidential=True)
    reviewer = make_user("medlem", can_see_confidential=True)
    cap = session.scalars(sa.select(Capability).where(Capability.number == world.number)).one()
    other = session.scalars(
        sa.select(Capability).where(Capability.id != cap.id).order_by(Capability.sort_key)
    ).first()
    assert other is not None
    world_round = session.get(ReportingRound, world.round_id)
    assert world_round is not None
    r.close_round(session, admin, world_round)

    def open_(name: str) -> ReportingRound:
        return r.open_round(
            session,
            admin,
            name=name,
            reference_date=date.today(),
            deadline=date.today(),
            reviewer_ids=[reviewer.id],
        )

    ended = services.create_measure(
        session,
        writer,
        MeasureInput(title=marker("frusen", "ended_title"), capability_ids=[cap.id]),
    )
    first = open_("Svep A")
    r.close_round(session, admin, first)
    added = services.create_measure(
        session,
        writer,
        MeasureInput(title=marker("frusen", "added_title"), capability_ids=[cap.id]),
    )
    session.flush()
    services.update_measure(
        session,
        writer,
        ended,
        replace(MeasureInput.of(ended), capability_ids=[other.id]),
        expected_version=ended.version,
    )
    second = open_("Svep B")
    entry = r.save_entry(
        session,
        writer,
        second,
        cap,
        EntryInput(
            2,
            marker("frusen", "summary"),
            justification=marker("frusen", "justification"),
            confidential=True,
            secrecy_ref=marker("frusen", "secrecy_ref"),
        ),
        submit=True,
    )
    r.approve_entry(session, reviewer, entry, comment=marker("frusen", "approval_comment"))
    r.close_round(session, admin, second)
    for measure in (added, ended):
        fresh = session.get(Measure, measure.id)
        assert fresh is not None
        services.update_measure(
            session,
            writer,
            fresh,
            replace(MeasureInput.of(fresh), confidential=True, secrecy_ref="OSL 18:13"),
            expected_version=fresh.version,
        )
    third = open_("Svep C")
    returned = r.save_entry(
        session,
        writer,
        third,
        cap,
        EntryInput(3, marker("öppen", "summary"), confidential=True, secrecy_ref="OSL 18:13"),
        submit=True,
    )
    r.return_entry(session, reviewer, returned, comment=marker("öppen", "return_comment"))
    session.commit()
    planted = [
        marker("frusen", "ended_title"),
        marker("frusen", "added_title"),
        marker("frusen", "summary"),
        marker("frusen", "justification"),
        marker("frusen", "secrecy_ref"),
        marker("frusen", "approval_comment"),
        marker("öppen", "summary"),
        marker("öppen", "return_comment"),
    ]
    return [world.round_id, first.id, second.id, third.id], planted


def test_no_marker_in_rounds_whose_markings_changed_after_freezing(
    app: Any,
    session: so.Session,
    world: World,
    make_user: Callable[..., User],
    isolated: Callable[[], Any],
) -> None:
    round_ids, planted = _rounds_with_markings_changed_later(session, world, make_user)
    _, first, second, third = round_ids
    token_user = make_user("läsare")
    _token, plain = services.create_token(session, token_user, name="Rundsvep")
    session.commit()
    viewers = {
        "läsare": _client(app, make_user("läsare")),
        "medlem": _client(app, make_user("medlem")),  # has member tasks in round C
        "token": _client(app, None, plain),
    }
    paths: set[str] = set()
    for round_id in round_ids:
        shifted = dataclasses.replace(world, round_id=round_id)
        for rule in rules(app):
            if "GET" in rule.methods and rule.endpoint != "static":
                paths.add(url(app, rule, shifted))
    for before, after in ((first, second), (second, first), (first, "today")):
        paths |= {
            f"/rounds/{before}/compare?with={after}&all=1",
            f"/rounds/{before}/compare.xlsx?with={after}",
            f"/api/v1/rounds/{before}/compare/{after}",
        }
    leaks = []
    for name, (client, headers) in viewers.items():
        for path in sorted(paths):
            with isolated():
                response = client.get(path, headers=headers)
                body = text_of(response)
                response.close()
            assert response.status_code < 500, f"{path} as {name}: {response.status_code}"
            if PREFIX in body:
                leaks.append(f"{path} as {name}: {sorted({m for m in planted if m in body})}")
    assert not leaks, "\n".join(leaks)
    # the control: where a cleared user reads them, the markers are there
    cleared, _ = _client(app, make_user("medlem", can_see_confidential=True))
    seen = set()
    for path in (
        f"/rounds/{first}/compare?with={second}&all=1",
        f"/rounds/{third}",
        f"/rounds/{third}/capabilities/{world.number}",
    ):
        body = text_of(cleared.get(path))
        seen |= {m for m in planted if m in body}
    assert seen >= {
        marker("frusen", "added_title"),
        marker("frusen", "ended_title"),
        marker("öppen", "return_comment"),
    }, seen
