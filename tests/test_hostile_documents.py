"""A hostile string in every free-text field comes out as text in every document type.

Issue 23 ("nothing from the server gets into a document"): the text a user can set (round name,
assessment summary and justification, round entries, measure and assignment texts, actor names,
proposal answers, industry contacts, level labels, display names) is written once per
parametrisation into all of those fields; then each document is rendered once and read back:

- PDF (WeasyPrint): no embedded file, no request to a loopback listener, markup shown as text;
- docx (python-docx): the texts read back, control characters gone;
- xlsx (openpyxl): no formula anywhere; text cells are strings, formula-like ones quote-prefixed;
- CSV (register, comparison, every CLI --format csv): no field starts with = + - @;
- iCalendar: icalendar parses it, one event per task, nothing injected by CR/LF;
- e-mail digest: the HTML part carries the markup escaped, the headers hold.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
import sqlalchemy.orm as so
from click.testing import CliRunner
from docx import Document
from icalendar import Calendar
from openpyxl import load_workbook

from capabilities import services
from capabilities.errors import ValidationFailed
from capabilities.models import StatusLevel, User
from capabilities.queries.procurement import proposal_detail
from capabilities.queries.rounds import compare_rounds
from capabilities.reports.cells import FORMULA_TRIGGERS, clean_text
from capabilities.reports.csv_export import write_register_csv
from capabilities.reports.data import build_report
from capabilities.reports.pdf import write_pdf
from capabilities.reports.proposal_docx import proposal_document
from capabilities.reports.round_comparison import write_comparison_csv, write_comparison_workbook
from capabilities.reports.round_report import round_report
from capabilities.reports.xlsx import write_workbook
from capabilities.services import rounds as r
from capabilities.services.actors import ActorInput
from capabilities.services.assessments import AssessmentInput
from capabilities.services.assignments import AssignmentInput
from capabilities.services.industry_contacts import ContactInput, record_industry_contact
from capabilities.services.measures import MeasureInput
from capabilities.services.procurement import create_proposal
from capabilities.services.rounds import EntryInput
from tests.conftest import find_capability, once
from tests.test_pdf_fetch import Listener, assert_nothing_embedded_or_fetched, pdf_text
from tests.test_procurement import complete_input
from web.cli import main

MARKUP = "<script>alert(1)</script>"
PAYLOAD = (
    f"{MARKUP}</style><link rel=attachment href=file:///etc/passwd>"
    "<img src=http://127.0.0.1:{port}/x> url(file:///etc/passwd) "
    "\"citat\" 'apostrof' \x00\x0b\r\nX-INJECTED:1\r\nrad två"
)
VARIANTS = {
    "formula": "=cmd|' /C calc'!A0 " + PAYLOAD,
    "plus": "+1+1 " + PAYLOAD,
    "at": "@SUM(1) " + PAYLOAD,
    "markup": "</style><img src=http://127.0.0.1:{port}/y><style> " + PAYLOAD,
}


def shown(text: str) -> str:
    """The text as a reader sees it: storable characters, whitespace runs as one space."""
    return " ".join(clean_text(text).split())


@pytest.fixture
def listener() -> Iterator[Listener]:
    server = Listener()
    yield server
    server.close()


@dataclass
class World:
    text: str
    round_id: int
    proposal_id: int
    reader: User
    subscriber: User


def _fill(session: so.Session, make_user: Callable[..., User], text: str) -> World:
    """The hostile text in every free-text field a user can set, through the services."""
    short = text[:40]
    admin = make_user("admin", can_see_confidential=True, display_name=text[:200])
    member = make_user("medlem", can_see_confidential=True, display_name=text[:200])
    reviewer = make_user("medlem", can_see_confidential=True)
    actor = services.create_actor(
        session,
        admin,
        ActorInput(name=text[:200], short_name=short, kind="myndighet", description=text),
    )
    subscriber = make_user(
        "medlem", display_name=text[:200], organisation_id=actor.id, email="anna@example.se"
    )
    services.update_own_profile(
        session, subscriber, email="anna@example.se", reminders_enabled=True
    )
    level = session.scalars(sa.select(StatusLevel).where(StatusLevel.level == 2)).one()
    services.rename_level(session, admin, level, label=text[:80], expected_version=level.version)
    cap = find_capability(session, "1.1.1")
    services.record_assessment(
        session,
        member,
        cap,
        AssessmentInput(
            level=2, target_level=4, summary=text, justification=text, assessed_on="2026-10-15"
        ),
    )
    services.record_assessment(
        session,
        member,
        find_capability(session, "1.2.2"),
        AssessmentInput(
            level=3,
            summary=text,
            confidential=True,
            secrecy_ref=text[:80],
            assessed_on="2026-10-15",
        ),
    )
    assignment = services.create_assignment(
        session,
        admin,
        AssignmentInput(
            title=text, description=text, recipient_ids=[actor.id], lead_actor_id=actor.id
        ),
    )
    services.add_milestone(
        session,
        admin,
        assignment,
        due_on=date.today() + timedelta(days=10),
        kind="delredovisning",
        report_reference=text[:200],
    )
    services.link_assignment(session, admin, cap, assignment, note=text)
    services.add_responsibility(session, admin, cap, actor, role="ansvarar", note=text)
    proposal = create_proposal(
        session,
        member,
        complete_input(
            session,
            title=text[:300],
            description=text,
            product=text,
            preparedness_relevance=text,
            consensus_note=text,
        ),
    )
    record_industry_contact(
        session,
        member,
        proposal.measure,
        ContactInput(
            contacted_on="2026-10-01",
            organisation=text[:200],
            participants=text,
            form="mote",
            purpose=text,
            benefits=text,
            documented_in=text[:300],
        ),
    )
    round_ = r.open_round(
        session,
        admin,
        name=text[:200],
        reference_date="2026-06-30",
        deadline="2026-09-30",
        reviewer_ids=[reviewer.id],
    )
    other = find_capability(session, "2.1.1")
    entry = r.save_entry(
        session,
        member,
        round_,
        other,
        EntryInput(4, text, justification=text),
        submit=True,
    )
    r.approve_entry(session, reviewer, entry)
    r.close_round(session, admin, round_)
    # After the round: the comparison with today lists it as a measure added.
    services.create_measure(
        session, admin, MeasureInput(title=text[:300], description=text, capability_ids=[cap.id])
    )
    session.flush()
    return World(text, round_.id, proposal.id, make_user("läsare"), subscriber)


def _assert_pdf(session: so.Session, world: World, listener: Listener) -> None:
    _data, info, _snapshot = round_report(session, world.round_id, include_confidential=True)
    buffer = io.BytesIO()
    write_pdf(
        build_report(session, include_confidential=True, exported_by=world.text), buffer, info
    )
    data = buffer.getvalue()
    assert_nothing_embedded_or_fetched(data, listener)
    text = " ".join(pdf_text(data).split())
    assert text.count(MARKUP) >= 2  # the round name on the cover and the running header


def _assert_docx(session: so.Session, world: World) -> None:
    detail = proposal_detail(session, world.proposal_id, can_see_confidential=True)
    document = Document(io.BytesIO(proposal_document(detail, produced_on="2026-12-06")))
    texts = [p.text for p in document.paragraphs] + [
        cell.text for table in document.tables for row in table.rows for cell in row.cells
    ]
    blob = " ".join(" ".join(t.split()) for t in texts)
    expected = shown(world.text)
    assert blob.count(expected) >= 5  # description, answers, contact texts
    assert shown(world.text[:200]) in blob  # the contact's organisation
    title = f"Förslag till nationell upphandling: {shown(world.text[:300])}"
    assert document.core_properties.title == title[:255]


def _assert_workbook(data: bytes, world: World) -> int:
    """No formula anywhere; every cell with the text is a string. Returns how many hold it."""
    book = load_workbook(io.BytesIO(data))
    holding = 0
    for sheet in book:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str) and MARKUP in cell.value:
                    holding += 1
                    assert cell.data_type == "s", (sheet.title, cell.coordinate)
                    if cell.value.startswith(FORMULA_TRIGGERS):
                        assert cell.quotePrefix, (sheet.title, cell.coordinate)
    return holding


def _assert_csv(text: str, what: str, delimiter: str = ";", *, holds: bool = True) -> None:
    fields = [f for row in csv.reader(io.StringIO(text), delimiter=delimiter) for f in row]
    live = [f for f in fields if f.lstrip("\ufeff").startswith(("=", "+", "-", "@"))]
    assert not live, (what, live[:3])
    assert any(MARKUP in f for f in fields) == holds, what


@contextmanager
def _cli_session(session: so.Session, monkeypatch: pytest.MonkeyPatch) -> Iterator[CliRunner]:
    @contextmanager
    def scope(*, writing: bool = False) -> Iterator[so.Session]:
        yield session
        session.flush()

    from web.cli import common

    with monkeypatch.context() as patch:
        patch.setattr(common, "session_scope", scope)
        yield CliRunner()


def _assert_ics(app: Any, session: so.Session, world: World) -> None:
    from web.deadlines.feed import feed_bytes

    with app.test_request_context():
        data = feed_bytes(session, world.subscriber, today=date.today())
    calendar = Calendar.from_ical(data)
    events = list(calendar.walk("VEVENT"))
    summaries = [str(e["SUMMARY"]) for e in events]
    mine = [s for s in summaries if MARKUP in s]
    assert mine, summaries
    assert all(shown(world.text) in " ".join(s.split()) for s in mine)
    assert b"\r\nX-INJECTED" not in data
    assert all("X-INJECTED" not in e for e in events)


def _assert_digest(app: Any, session: so.Session, world: World) -> None:
    from capabilities.reminders import pending_digests
    from web.deadlines.remind import compose

    with app.test_request_context():
        digests = [
            d for d in pending_digests(session, today=date.today()) if d.user is world.subscriber
        ]
        assert digests
        message = compose(digests[0], sender="register@example.se", today=date.today())
    headers = message.as_bytes().split(b"\n\n", 1)[0]
    assert b"\nX-INJECTED" not in headers and "X-INJECTED" not in message  # no header added
    html_part = message.get_body(("html",))
    assert html_part is not None
    html = html_part.get_content()
    assert MARKUP not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<link rel=attachment" not in html and "<img src=http://127.0.0.1" not in html


def test_hostile_text_is_text_in_every_document(
    session: so.Session,
    make_user: Callable[..., User],
    app: Any,
    listener: Listener,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The whole payload (NUL, CR/LF, markup, a formula) through each database and back."""
    _check_every_document("formula", session, make_user, app, listener, monkeypatch)


@once
@pytest.mark.parametrize("variant", [name for name in VARIANTS if name != "formula"])
def test_each_trigger_is_text_in_every_document(
    variant: str,
    session: so.Session,
    make_user: Callable[..., User],
    app: Any,
    listener: Listener,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The other leading characters differ only in what the writers do with them, which does not
    depend on the database: they run once, on SQLite."""
    _check_every_document(variant, session, make_user, app, listener, monkeypatch)


def _check_every_document(
    variant: str,
    session: so.Session,
    make_user: Callable[..., User],
    app: Any,
    listener: Listener,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    text = VARIANTS[variant].replace("{port}", str(listener.port))
    world = _fill(session, make_user, text)

    _assert_pdf(session, world, listener)
    _assert_docx(session, world)

    report = build_report(session, include_confidential=True, exported_by=text)
    buffer = io.BytesIO()
    write_workbook(report, buffer)
    assert _assert_workbook(buffer.getvalue(), world) >= 8
    comparison = compare_rounds(session, world.round_id, None, can_see_confidential=True)
    buffer = io.BytesIO()
    write_comparison_workbook(comparison, buffer)
    assert _assert_workbook(buffer.getvalue(), world) >= 1

    out = io.StringIO()
    write_register_csv(report, out)
    _assert_csv(out.getvalue(), "register csv")
    out = io.StringIO()
    write_comparison_csv(comparison, out)
    _assert_csv(out.getvalue(), "comparison csv", delimiter=",")
    with _cli_session(session, monkeypatch) as cli:
        for command in (
            ["register", "--include-confidential"],
            ["gaps", "--include-confidential"],
            ["actors"],
            ["assignments"],
            ["proposals", "--include-confidential"],
            ["rounds", "list"],
            ["rounds", "compare", str(world.round_id), "today", "--all"],
        ):
            result = cli.invoke(main, [*command, "--format", "csv"])
            assert result.exit_code == 0, (command, result.output)
            delimiter = "," if "compare" in command else ";"
            _assert_csv(result.output, command[0], delimiter, holds=command[0] != "gaps")

    _assert_ics(app, session, world)
    _assert_digest(app, session, world)


@pytest.mark.parametrize("what", ["assessment", "measure", "round entry"])
def test_a_secrecy_reference_longer_than_its_column_is_a_message(
    what: str, session: so.Session, make_user: Callable[..., User]
) -> None:
    """The secrecy_ref columns hold 80 characters; 81 to 200 were a 500 on PostgreSQL."""
    member = make_user("medlem", can_see_confidential=True)
    cap = find_capability(session, "1.1.1")
    reference = "OSL " + "x" * 77
    with pytest.raises(ValidationFailed) as raised:
        if what == "assessment":
            services.record_assessment(
                session,
                member,
                cap,
                AssessmentInput(
                    level=2,
                    summary="s",
                    confidential=True,
                    secrecy_ref=reference,
                    assessed_on="2026-10-15",
                ),
            )
        elif what == "measure":
            services.create_measure(
                session, member, MeasureInput(title="t", confidential=True, secrecy_ref=reference)
            )
        else:
            admin = make_user("admin")
            round_ = r.open_round(
                session,
                admin,
                name="R",
                reference_date="2026-06-30",
                deadline="2026-09-30",
                reviewer_ids=[make_user("medlem").id],
            )
            r.save_entry(
                session,
                member,
                round_,
                cap,
                EntryInput(2, "s", confidential=True, secrecy_ref=reference),
            )
    assert "högst 80 tecken" in " ".join(raised.value.errors["secrecy_ref"])
