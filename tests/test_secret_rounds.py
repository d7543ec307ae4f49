"""Issue 23 F2 and F3: secrecy in rounds is judged when content is shown.

F2: a closed round's snapshot is frozen text, but the marking that decides who may read a
record is its marking now: a measure made confidential after the round closed is hidden in
every comparison output (page, xlsx, API, CLI, PDF report), and the stored snapshot and its
hash stay byte for byte as they were.
F3: a reviewer's return comment on a confidential entry is content of that entry.
"""

from __future__ import annotations

import io
import json
import subprocess
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pytest
import sqlalchemy as sa
import sqlalchemy.orm as so
from click.testing import CliRunner
from openpyxl import load_workbook

from capabilities import services
from capabilities.models import Measure, RoundSnapshot, User
from capabilities.queries import rounds as q
from capabilities.redaction import CONFIDENTIAL_LABEL
from capabilities.services import rounds as r
from capabilities.services.measures import MeasureInput
from capabilities.services.rounds import EntryInput
from capabilities.services.users import NewUser
from tests.conftest import PASSWORD, find_capability, login

TITLE = "ZQXSENAREHEMLIG"  # one word, so that it survives line breaks in the PDF
COMMENT = "ZQX-HEMLIG-KOMMENTAR"
NUMBER = "1.1.1"


def _two_rounds_then_secret(session: so.Session) -> tuple[int, int, str, str]:
    """Round 1 closed; a public measure; round 2 closed with it; then the measure made
    confidential. Returns the two round ids and round 2's stored content and hash."""
    admin = services.create_user(
        session,
        None,
        NewUser(
            username="f2-admin",
            display_name="Admin",
            role="admin",
            password=PASSWORD,
            can_see_confidential=True,
        ),
    )
    member = services.create_user(
        session,
        None,
        NewUser(username="f2-anna", display_name="Anna", role="medlem", password=PASSWORD),
    )
    cap = find_capability(session, NUMBER)
    ids = []
    for name, level in (("Omgång A", 2), ("Omgång B", 3)):
        if name == "Omgång B":
            services.create_measure(
                session, member, MeasureInput(title=TITLE, capability_ids=[cap.id])
            )
        round_ = r.open_round(
            session,
            admin,
            name=name,
            reference_date="2026-01-31",
            deadline="2026-02-28",
            reviewer_ids=[admin.id],
        )
        entry = r.save_entry(session, member, round_, cap, EntryInput(level, "S"), submit=True)
        r.approve_entry(session, admin, entry)
        r.close_round(session, admin, round_)
        ids.append(round_.id)
    measure = session.scalars(sa.select(Measure).where(Measure.title == TITLE)).one()
    services.update_measure(
        session,
        admin,
        measure,
        replace(MeasureInput.of(measure), confidential=True, secrecy_ref="OSL 18:13"),
        expected_version=measure.version,
    )
    session.flush()
    snap = session.scalars(sa.select(RoundSnapshot).where(RoundSnapshot.round_id == ids[1])).one()
    assert TITLE in snap.content  # frozen as it was
    return ids[0], ids[1], snap.content, snap.sha256


def test_comparison_hides_a_measure_made_confidential_after_closing(
    session: so.Session,
) -> None:
    first, second, content, sha = _two_rounds_then_secret(session)
    hidden = q.compare_rounds(session, first, second, can_see_confidential=False)
    row = next(c for c in hidden.capabilities if c.number == NUMBER)
    assert row.measures_added == [CONFIDENTIAL_LABEL]
    assert TITLE not in json.dumps(hidden.as_json(), ensure_ascii=False)
    shown = q.compare_rounds(session, first, second, can_see_confidential=True)
    assert next(c for c in shown.capabilities if c.number == NUMBER).measures_added == [TITLE]
    # the snapshot itself is never rewritten
    snap = session.scalars(sa.select(RoundSnapshot).where(RoundSnapshot.round_id == second)).one()
    assert (snap.content, snap.sha256) == (content, sha)
    assert q.round_summary(session, second)["sha256_verified"] is True


def test_comparison_page_xlsx_and_api_hide_it(
    session: so.Session, app: Any, make_user: Callable[..., User]
) -> None:
    first, second, _content, _sha = _two_rounds_then_secret(session)
    reader = make_user("läsare")
    _token, plain = services.create_token(session, make_user("läsare"), name="F2")
    session.commit()
    client = app.test_client()
    login(client, reader)
    page = client.get(f"/rounds/{first}/compare?with={second}")
    workbook = client.get(f"/rounds/{first}/compare.xlsx?with={second}")
    api = app.test_client().get(
        f"/api/v1/rounds/{first}/compare/{second}", headers={"Authorization": f"Bearer {plain}"}
    )
    assert (page.status_code, workbook.status_code, api.status_code) == (200, 200, 200)
    assert TITLE not in page.get_data(as_text=True)
    cells = [
        str(v)
        for sheet in load_workbook(io.BytesIO(workbook.data))
        for row in sheet.iter_rows(values_only=True)
        for v in row
        if v is not None
    ]
    assert not [c for c in cells if TITLE in c]
    assert any(CONFIDENTIAL_LABEL in c for c in cells)
    assert TITLE not in api.get_data(as_text=True)


def test_cli_compare_and_round_report_hide_it(
    db_kind: str,
    fresh_database_url: Callable[[str], str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Any,
) -> None:
    from capabilities.db import make_engine
    from web.cli import main

    url = fresh_database_url(db_kind)
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.delenv("FORMAGA_ADMIN_PASSWORD", raising=False)
    runner = CliRunner()
    assert runner.invoke(main, ["init"]).exit_code == 0
    engine = make_engine(url)
    with so.Session(engine) as session:
        first, second, _content, _sha = _two_rounds_then_secret(session)
        session.commit()
    engine.dispose()
    for fmt in ("table", "json", "csv"):
        result = runner.invoke(
            main, ["rounds", "compare", str(first), str(second), "--all", "--format", fmt]
        )
        assert result.exit_code == 0, result.output
        assert TITLE not in result.output, fmt
    pdf = tmp_path / "omgang.pdf"
    made = runner.invoke(main, ["report", "-o", str(pdf), "--round", str(second)])
    assert made.exit_code == 0, made.output
    text = subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "Förändringar sedan föregående omgång" in text
    assert TITLE not in text


# --- F3 --------------------------------------------------------------------------------------


def _returned_secret_entry(session: so.Session, make_user: Callable[..., User]) -> int:
    admin = make_user("admin", can_see_confidential=True)
    writer = make_user("medlem", can_see_confidential=True)
    reviewer = make_user("medlem", can_see_confidential=True)
    round_ = r.open_round(
        session,
        admin,
        name="Omgång F3",
        reference_date="2026-06-30",
        deadline="2026-09-30",
        reviewer_ids=[reviewer.id],
    )
    entry = r.save_entry(
        session,
        writer,
        round_,
        find_capability(session, NUMBER),
        EntryInput(3, "Hemligt.", confidential=True, secrecy_ref="OSL 18:13"),
        submit=True,
    )
    r.return_entry(session, reviewer, entry, comment=COMMENT)
    session.commit()
    return round_.id


def test_task_list_hides_the_return_comment_on_a_confidential_entry(
    session: so.Session, make_user: Callable[..., User], app: Any
) -> None:
    round_id = _returned_secret_entry(session, make_user)
    uncleared, cleared = make_user("medlem"), make_user("medlem", can_see_confidential=True)
    session.commit()
    task = next(t for t in q.round_tasks_for(session, uncleared) if t.capability_number == NUMBER)
    assert task.state == "återremitterad" and task.return_comment is None
    mine = next(t for t in q.round_tasks_for(session, cleared) if t.capability_number == NUMBER)
    assert mine.return_comment == COMMENT
    for user, visible in ((uncleared, False), (cleared, True)):
        client = app.test_client()
        login(client, user)
        page = client.get(f"/rounds/{round_id}").get_data(as_text=True)
        assert (COMMENT in page) is visible
        dashboard = client.get("/").get_data(as_text=True)
        assert COMMENT not in dashboard or visible
