"""Spreadsheet and CSV output: text is never a formula, and every writer goes through cells.py.

Issue 23: F8 (a round named `=HYPERLINK(...)` was a live formula in A1 of compare.xlsx; the CLI's
`--format csv` printed `=`, `+`, `-`, `@` fields unchanged) and F9 (a `"` in a level label broke
the Uppdatering sheet's list of levels).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
import sqlalchemy.orm as so
from click.testing import CliRunner
from openpyxl import load_workbook

from capabilities import services
from capabilities.models import StatusLevel, User
from capabilities.reports.data import build_report
from capabilities.reports.xlsx import LEVEL_LIST_SHEET, UPDATE_SHEET, write_workbook
from capabilities.services import rounds as r
from capabilities.services.actors import ActorInput
from capabilities.services.assignments import AssignmentInput
from capabilities.services.procurement import create_proposal
from tests.conftest import login
from tests.test_procurement import complete_input
from web.cli import main

LINK = '=HYPERLINK("http://evil.example/r","klicka")&"'
TRIGGERS = (LINK, "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(1+1)")


@pytest.fixture
def cli_in_session(session: so.Session, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    """The CLI, reading the test's own (uncommitted) session instead of DATABASE_URL."""

    @contextmanager
    def scope(*, writing: bool = False) -> Iterator[so.Session]:
        yield session
        session.flush()

    from web.cli import common

    monkeypatch.setattr(common, "session_scope", scope)
    return CliRunner()


def _closed_round(session: so.Session, make_user: Callable[..., User], name: str) -> int:
    admin = make_user("admin")
    round_ = r.open_round(
        session,
        admin,
        name=name,
        reference_date="2026-06-30",
        deadline="2026-09-30",
        reviewer_ids=[make_user("medlem").id],
    )
    r.close_round(session, admin, round_)
    session.commit()
    return round_.id


def test_compare_xlsx_round_name_is_text_not_a_formula(
    client: Any, session: so.Session, make_user: Callable[..., User]
) -> None:
    round_id = _closed_round(session, make_user, LINK)
    login(client, make_user("läsare"))
    response = client.get(f"/rounds/{round_id}/compare.xlsx?with=today")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.data))
    sheet = book["Jämförelse"]
    title = sheet["A1"]
    assert title.data_type == "s" and title.value.startswith(LINK)
    assert title.quotePrefix  # Excel shows it as typed and keeps it text when edited
    assert sheet["A2"].data_type == "s" and LINK in sheet["A2"].value


def test_cli_csv_fields_are_neutralised(
    cli_in_session: CliRunner, session: so.Session, make_user: Callable[..., User]
) -> None:
    admin = make_user("admin")
    for index, text in enumerate(TRIGGERS):
        services.create_actor(session, admin, ActorInput(name=f"{text} {index}", kind="myndighet"))
        services.create_assignment(session, admin, AssignmentInput(title=f"{text} {index}"))
        create_proposal(session, admin, complete_input(session, title=f"{text} {index}"))
    _closed_round(session, make_user, LINK)
    for command in (["actors"], ["assignments"], ["proposals"], ["rounds", "list"]):
        result = cli_in_session.invoke(main, [*command, "--format", "csv"])
        assert result.exit_code == 0, (command, result.output)
        fields = [f for row in csv.reader(io.StringIO(result.output), delimiter=";") for f in row]
        assert not [f for f in fields if f.startswith(("=", "+", "-", "@"))], command
        assert f"'{LINK}" in " ".join(fields), command


def test_level_label_with_quote_and_comma_is_one_choice_in_the_update_sheet(
    session: so.Session, make_user: Callable[..., User]
) -> None:
    admin = make_user("admin")
    level = session.scalars(sa.select(StatusLevel).where(StatusLevel.level == 2)).one()
    label = 'Begränsad, "delvis" =1+1'
    services.rename_level(session, admin, level, label=label, expected_version=level.version)
    buffer = io.BytesIO()
    write_workbook(build_report(session), buffer)
    book = load_workbook(io.BytesIO(buffer.getvalue()))
    validation = next(
        v for v in book[UPDATE_SHEET].data_validations.dataValidation if v.type == "list"
    )
    match = re.fullmatch(r"'(.+)'!\$A\$1:\$A\$(\d+)", validation.formula1)
    assert match and match.group(1) == LEVEL_LIST_SHEET
    choices = book[LEVEL_LIST_SHEET]
    assert choices.sheet_state == "hidden"
    values = [row[0].value for row in choices.iter_rows(max_row=int(match.group(2)))]
    assert values[1] == f"2 {label}" and len(values) == 5
    assert all(row[0].data_type == "s" for row in choices.iter_rows())


def test_every_csv_writer_is_the_neutralising_one() -> None:
    """Guard: csv.writer, DictWriter and pandas' to_csv/to_excel appear only in cells.py."""
    root = Path(__file__).resolve().parent.parent
    pattern = re.compile(r"csv\.writer\(|csv\.DictWriter\(|\.to_csv\(|\.to_excel\(")
    offenders = [
        p.relative_to(root).as_posix()
        for folder in ("capabilities", "web", "importers")
        for p in (root / folder).rglob("*.py")
        if pattern.search(p.read_text(encoding="utf-8"))
    ]
    assert offenders == ["capabilities/reports/cells.py"]
