"""The one redaction rule, and the outputs that leaked before it (H1, M1, L2).

H1: the Excel import preview (web and `formaga import --dry-run`) printed the confidential
current level and summary of a row to an uncleared member, and answered "redan inläst" when a
guess matched it exactly. M1: the dashboard's latest changes showed the title of a measure
created public and later made confidential. L2: an assessment's secrecy reference was shown to
uncleared users on the capability page and in the API history.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from typing import Any

import pytest
import sqlalchemy.orm as so
from click.testing import CliRunner
from openpyxl import load_workbook

from capabilities import services
from capabilities.errors import PermissionDenied
from capabilities.models import Measure, User
from capabilities.queries.dashboard import latest_changes
from capabilities.redaction import (
    ASSESSMENT,
    CONFIDENTIAL_FIELDS,
    MEASURE,
    is_hidden,
    redact,
)
from capabilities.reports.data import build_report
from capabilities.reports.xlsx import write_workbook
from capabilities.services.assessments import AssessmentInput
from capabilities.services.measures import MeasureInput
from capabilities.services.users import NewUser
from importers.status_workbook import plan_import
from tests.conftest import find_capability, login, post

MARKER = "HEMLIG-MARKÖR-7f3a"
SECRECY_REF = "OSL 18:13 HEMLIG-REF-91c2"
NUMBER = "1.1.1"


def _confidential_assessment(session: so.Session, author: User) -> None:
    services.record_assessment(
        session,
        author,
        find_capability(session, NUMBER),
        AssessmentInput(
            level=4,
            summary=f"Lagret räcker i tre månader {MARKER}",
            justification=f"Inventering {MARKER}",
            organisations=f"Region {MARKER}",
            target_level=5,
            assessed_on=date(2026, 1, 15),
            confidential=True,
            secrecy_ref=SECRECY_REF,
        ),
    )
    session.flush()


def _exported_workbook(session: so.Session, viewer: User) -> Any:
    buffer = io.BytesIO()
    write_workbook(build_report(session, include_confidential=viewer.can_see_confidential), buffer)
    return load_workbook(io.BytesIO(buffer.getvalue()))


def _fill(wb: Any, level: Any, summary: str, on: Any = None) -> bytes:
    sheet = wb["Uppdatering"]
    row = next(r for r in range(3, sheet.max_row + 1) if sheet.cell(r, 1).value == NUMBER)
    sheet.cell(row, 7).value = level
    sheet.cell(row, 8).value = summary
    if sheet.cell(row, 11).value is None:
        sheet.cell(row, 11).value = 4  # a hidden target is not kept: the row states one (F4)
    if on is not None:
        sheet.cell(row, 10).value = on
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


# --- the function itself ---------------------------------------------------------------------


def test_redact_hides_exactly_the_confidential_fields_of_each_kind() -> None:
    values = {"title": "T", "description": "D", "state": "förslag", "secrecy_ref": "OSL"}
    hidden = redact(MEASURE, values, confidential=True, can_see_confidential=False)
    assert hidden == {"title": None, "description": None, "state": "förslag", "secrecy_ref": None}
    assert redact(MEASURE, values, confidential=True, can_see_confidential=True) == values
    assert redact(MEASURE, values, confidential=False, can_see_confidential=False) == values
    assessment = {"level": 3, "summary": "S", "assessed_on": "2026-01-01", "secrecy_ref": "X"}
    assert redact(ASSESSMENT, assessment, confidential=True, can_see_confidential=False) == {
        "level": None,
        "summary": None,
        "assessed_on": "2026-01-01",
        "secrecy_ref": None,
    }
    # an event of a kind without a field list that is itself confidential shows nothing
    assert redact("other", {"a": 1}, confidential=True, can_see_confidential=False) == {"a": None}
    assert is_hidden(True, False) and not is_hidden(True, True) and not is_hidden(False, False)
    assert "secrecy_ref" in CONFIDENTIAL_FIELDS[ASSESSMENT] & CONFIDENTIAL_FIELDS[MEASURE]


# --- H1: the import preview ------------------------------------------------------------------


def test_import_plan_hides_confidential_current_from_uncleared_member(
    session: so.Session, make_user: Callable[..., User]
) -> None:
    cleared = make_user("medlem", can_see_confidential=True)
    member = make_user("medlem")
    _confidential_assessment(session, cleared)
    data = _fill(_exported_workbook(session, member), 3, "Ny bedömning")
    plan = plan_import(session, member, io.BytesIO(data))
    [change] = plan.changes
    assert (change.old_level, change.old_summary, change.old_redacted) == (None, None, True)
    assert MARKER not in repr(plan)
    # the cleared member sees what they are replacing
    plan = plan_import(session, cleared, io.BytesIO(data))
    [change] = plan.changes
    assert (change.old_level, change.old_redacted) == (4, False)
    assert MARKER in (change.old_summary or "")


def test_exact_guess_of_hidden_assessment_is_not_reported_as_already_imported(
    session: so.Session, make_user: Callable[..., User]
) -> None:
    cleared = make_user("medlem", can_see_confidential=True)
    member = make_user("medlem")
    _confidential_assessment(session, cleared)
    right = _fill(
        _exported_workbook(session, member),
        4,
        f"Lagret räcker i tre månader {MARKER}",
        on="2026-01-15",
    )
    wrong = _fill(_exported_workbook(session, member), 2, "En gissning", on="2026-01-15")
    right_plan = plan_import(session, member, io.BytesIO(right))
    wrong_plan = plan_import(session, member, io.BytesIO(wrong))
    # a right and a wrong guess look the same: both are changes, neither is "redan inläst"
    assert right_plan.already_applied == wrong_plan.already_applied == []
    assert len(right_plan.changes) == len(wrong_plan.changes) == 1
    # for the cleared user the exact match is still recognised
    assert plan_import(session, cleared, io.BytesIO(right)).already_applied == [NUMBER]


def test_web_import_preview_never_prints_confidential_content(
    client: Any, session: so.Session, make_user: Callable[..., User], app: Any, tmp_path: Any
) -> None:
    app.config["IMPORT_DIR"] = str(tmp_path)
    _confidential_assessment(session, make_user("medlem", can_see_confidential=True))
    member = make_user("medlem")
    login(client, member)
    wb = load_workbook(io.BytesIO(client.get("/reports/export?format=xlsx").data))
    data = _fill(wb, 3, "Ny bedömning via webben")
    preview = post(
        client,
        "/reports/import",
        {"file": (io.BytesIO(data), "u.xlsx")},
        content_type="multipart/form-data",
    )
    html = preview.get_data(as_text=True)
    assert preview.status_code == 200, html
    assert "Ny bedömning via webben" in html
    assert MARKER not in html and "4 →" not in html
    assert "Sekretessmarkerad uppgift" in html


@pytest.fixture
def cli(
    db_kind: str, fresh_database_url: Callable[[str], str], monkeypatch: pytest.MonkeyPatch
) -> tuple[CliRunner, str]:
    url = fresh_database_url(db_kind)
    monkeypatch.setenv("DATABASE_URL", url)
    runner = CliRunner()
    from web.cli import main

    assert runner.invoke(main, ["init"]).exit_code == 0
    assert runner.invoke(main, ["seed"]).exit_code == 0
    return runner, url


def test_cli_dry_run_import_uses_the_users_clearance(
    cli: tuple[CliRunner, str], tmp_path: Any
) -> None:
    from capabilities.db import make_engine
    from web.cli import main

    runner, url = cli
    engine = make_engine(url)
    with so.Session(engine) as session:
        cleared = services.create_user(
            session,
            None,
            NewUser(
                username="klarerad",
                display_name="Klarerad",
                role="medlem",
                password="korrekt-hast-batteri-häftstift",
                can_see_confidential=True,
            ),
        )
        member = services.create_user(
            session,
            None,
            NewUser(
                username="okl",
                display_name="Oklarerad",
                role="medlem",
                password="korrekt-hast-batteri-häftstift",
            ),
        )
        _confidential_assessment(session, cleared)
        data = _fill(_exported_workbook(session, member), 3, "Ny bedömning via CLI")
        session.commit()
    engine.dispose()
    path = tmp_path / "u.xlsx"
    path.write_bytes(data)
    hidden = runner.invoke(main, ["import", str(path), "--user", "okl", "--dry-run"])
    assert hidden.exit_code == 0, hidden.output
    assert MARKER not in hidden.output and "4 →" not in hidden.output
    assert f"{NUMBER}: Sekretessmarkerad uppgift → 3" in hidden.output
    shown = runner.invoke(main, ["import", str(path), "--user", "klarerad", "--dry-run"])
    assert f"{NUMBER}: 4 → 3" in shown.output


# --- M1: the dashboard follows the record's current confidentiality -------------------------


def test_latest_changes_hide_a_measure_made_confidential_later(
    session: so.Session, make_user: Callable[..., User]
) -> None:
    editor = make_user("medlem", can_see_confidential=True)
    measure = services.create_measure(
        session,
        editor,
        MeasureInput(
            title=f"Öppen titel {MARKER}", capability_ids=[find_capability(session, NUMBER).id]
        ),
    )
    session.flush()
    services.update_measure(
        session,
        editor,
        measure,
        replace(MeasureInput.of(measure), confidential=True, secrecy_ref="OSL 15:2"),
        expected_version=measure.version,
    )
    session.flush()
    uncleared = latest_changes(session, can_see_confidential=False)
    ours = [c for c in uncleared if c.entity_type == "measures"]
    assert ours and all(c.redacted and c.subject is None for c in ours)
    assert MARKER not in repr(uncleared)
    cleared = latest_changes(session, can_see_confidential=True)
    assert any(MARKER in (c.subject or "") for c in cleared)


def test_dashboard_page_hides_a_measure_made_confidential_later(
    client: Any, session: so.Session, make_user: Callable[..., User]
) -> None:
    editor = make_user("medlem", can_see_confidential=True)
    measure = services.create_measure(
        session,
        editor,
        MeasureInput(
            title=f"Öppen titel {MARKER}", capability_ids=[find_capability(session, NUMBER).id]
        ),
    )
    session.flush()
    services.update_measure(
        session,
        editor,
        measure,
        replace(MeasureInput.of(measure), confidential=True, secrecy_ref="OSL 15:2"),
        expected_version=measure.version,
    )
    session.commit()
    login(client, make_user("läsare"))
    html = client.get("/").get_data(as_text=True)
    assert "Senaste" in html and MARKER not in html
    assert session.get(Measure, measure.id) is not None


# --- L2: the secrecy reference of an assessment ----------------------------------------------


def test_assessment_secrecy_reference_is_hidden_from_uncleared_users(
    client: Any, session: so.Session, make_user: Callable[..., User]
) -> None:
    _confidential_assessment(session, make_user("medlem", can_see_confidential=True))
    session.commit()
    login(client, make_user("läsare"))
    page = client.get(f"/capabilities/{NUMBER}").get_data(as_text=True)
    assert "Sekretessmarkerad uppgift" in page
    assert SECRECY_REF not in page and MARKER not in page


def test_api_history_hides_assessment_secrecy_reference(
    client: Any, session: so.Session, make_user: Callable[..., User]
) -> None:
    _confidential_assessment(session, make_user("medlem", can_see_confidential=True))
    reader = make_user("läsare")
    _token, plain = services.create_token(session, reader, name="Test")
    session.commit()
    response = client.get(
        f"/api/v1/capabilities/{NUMBER}/history", headers={"Authorization": f"Bearer {plain}"}
    )
    assert response.status_code == 200
    [item] = response.get_json()["items"]
    assert item["confidential"] is True and item["secrecy_ref"] is None
    assert SECRECY_REF not in response.get_data(as_text=True)
    assert MARKER not in response.get_data(as_text=True)


# --- L1: an uncleared member cannot change a confidential measure ----------------------------


def test_uncleared_member_cannot_change_state_of_confidential_measure(
    client: Any, session: so.Session, make_user: Callable[..., User]
) -> None:
    cleared = make_user("medlem", can_see_confidential=True)
    measure = services.create_measure(
        session,
        cleared,
        MeasureInput(
            title=f"Hemlig åtgärd {MARKER}",
            capability_ids=[find_capability(session, NUMBER).id],
            confidential=True,
            secrecy_ref="OSL 15:2",
        ),
    )
    session.commit()
    member = make_user("medlem")
    with pytest.raises(PermissionDenied):
        services.transition_measure(
            session, member, measure, "prioriterad", expected_version=measure.version
        )
    login(client, member)
    page = client.get(f"/measures/{measure.id}").get_data(as_text=True)
    assert "change-state" not in page and MARKER not in page
    refused = post(
        client,
        f"/measures/{measure.id}/state",
        {"state": "prioriterad", "version": str(measure.version)},
    )
    assert refused.status_code == 403
    session.expire_all()
    assert session.get(Measure, measure.id).state == "förslag"  # type: ignore[union-attr]


def test_snapshot_content_is_shown_with_todays_markings(
    session: so.Session, make_user: Callable[..., User]
) -> None:
    """A frozen snapshot goes through the same rule with the record's marking now (issue 23
    F2): a measure public when the round closed and confidential now is hidden; the stored
    text and its hash stay as they were."""
    import json

    import sqlalchemy as sa

    from capabilities.models import RoundSnapshot
    from capabilities.queries.rounds import snapshot_data
    from capabilities.services import rounds

    admin = make_user("admin", can_see_confidential=True)
    cap = find_capability(session, NUMBER)
    measure = services.create_measure(
        session, admin, MeasureInput(title=MARKER, capability_ids=[cap.id])
    )
    round_ = rounds.open_round(
        session,
        admin,
        name="Frusen",
        reference_date="2026-01-31",
        deadline="2026-02-28",
        reviewer_ids=[admin.id],
    )
    snap = rounds.close_round(session, admin, round_)
    frozen = (snap.content, snap.sha256)
    services.update_measure(
        session,
        admin,
        measure,
        replace(MeasureInput.of(measure), confidential=True, secrecy_ref=SECRECY_REF),
        expected_version=measure.version,
    )
    session.flush()
    stored = session.scalars(sa.select(RoundSnapshot).where(RoundSnapshot.id == snap.id)).one()
    (item,) = (
        m
        for c in snapshot_data(session, stored)["capabilities"]
        for m in c["measures"]
        if m["id"] == measure.id
    )
    assert json.loads(stored.content) != snapshot_data(session, stored)
    assert (
        redact(MEASURE, item, confidential=item["confidential"], can_see_confidential=False)[
            "title"
        ]
        is None
    )
    assert (stored.content, stored.sha256) == frozen
