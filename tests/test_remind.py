"""`formaga remind` against a real SMTP server (aiosmtpd) started by the test, and
`formaga calendar`, on a fresh seeded database of each kind."""

from __future__ import annotations

import email
import email.policy
import re
import socket
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
import sqlalchemy.orm as so
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from click.testing import CliRunner
from icalendar import Calendar

from capabilities import services
from capabilities.db import make_engine
from capabilities.models import Actor, Assignment, Capability, ReminderNotice, User
from capabilities.queries.tasks import calendar_tasks, tasks_for
from capabilities.services import create_user
from capabilities.services.users import NewUser
from tests.conftest import PASSWORD
from tests.test_tasks import SEED_003_DATES, SEED_003_KEY
from web.cli import main

SENDER = "Förmågeregistret <formaga@example.se>"


class Inbox:
    """aiosmtpd handler that keeps every accepted message."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        self.messages.append(parsed)
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if address in str(m["To"])]


class SmtpServer:
    """A real SMTP server on a loopback port, which the test can stop and start again.

    With `login`, the server demands AUTH with that (user, password) (plain connection: the
    test has no certificate, so the server allows AUTH without TLS).
    """

    def __init__(self, login: tuple[str, str] | None = None) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.inbox = Inbox()
        self.login = login
        self.controller: Controller | None = None

    def _authenticate(
        self, server: Any, session: Any, envelope: Any, mechanism: str, data: Any
    ) -> AuthResult:
        ok = isinstance(data, LoginPassword) and self.login == (
            data.login.decode(),
            data.password.decode(),
        )
        # handled=False: aiosmtpd then answers 235 or 535 itself, as a real server does; with
        # the default handled=True it would send nothing and the client would wait out its timeout.
        return AuthResult(success=ok, handled=False)

    def start(self) -> None:
        options: dict[str, Any] = {}
        if self.login:
            options = {
                "authenticator": self._authenticate,
                "auth_required": True,
                "auth_require_tls": False,
            }
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port, **options)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    server = SmtpServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def database(
    db_kind: str, initialised_database_url: Callable[[str], str], monkeypatch: pytest.MonkeyPatch
) -> Iterator[so.Session]:
    """A fresh database set up by `formaga init`, and a session on it for the test."""
    url = initialised_database_url(db_kind)
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("FORMAGA_ADMIN_PASSWORD", PASSWORD)
    monkeypatch.setenv("FORMAGA_BASE_URL", "https://formaga.example.se")
    engine = make_engine(url)
    with so.Session(engine, expire_on_commit=False) as session:
        yield session
    engine.dispose()


def _env(smtp: SmtpServer) -> dict[str, str]:
    return {
        "FORMAGA_SMTP_HOST": "127.0.0.1",
        "FORMAGA_SMTP_PORT": str(smtp.port),
        "FORMAGA_SMTP_STARTTLS": "0",
        "FORMAGA_MAIL_FROM": SENDER,
    }


def _remind(smtp: SmtpServer, *args: str) -> Any:
    return CliRunner().invoke(main, ["remind", *args], env=_env(smtp))


def _actor(session: so.Session, name: str) -> Actor:
    return session.scalars(sa.select(Actor).where(Actor.name == name)).one()


def _user(session: so.Session, username: str, **extra: Any) -> User:
    admin = session.scalars(sa.select(User).where(User.username == "admin")).one()
    return create_user(
        session,
        admin,
        NewUser(
            username=username,
            display_name=username.capitalize(),
            role="medlem",
            password=PASSWORD,
            **extra,
        ),
    )


def _notices(session: so.Session) -> int:
    """How many reminder log rows there are; ends the read so the CLI may write next."""
    count = session.scalar(sa.select(sa.func.count(ReminderNotice.id))) or 0
    session.commit()
    return count


def _parts(message: EmailMessage) -> tuple[str, str]:
    text = message.get_body(("plain",))
    html = message.get_body(("html",))
    assert text is not None and html is not None
    return text.get_content(), html.get_content()


def test_one_digest_per_subscriber_never_twice_and_a_failed_run_is_retried(
    database: so.Session, smtp: SmtpServer
) -> None:
    session = database
    lv = _actor(session, "Läkemedelsverket")
    anna = _user(session, "anna", organisation_id=lv.id, email="anna@lakemedelsverket.se")
    services.update_own_profile(session, anna, email=anna.email, reminders_enabled=True)
    bertil = _user(session, "bertil", organisation_id=lv.id, email="bertil@lakemedelsverket.se")
    assert not bertil.reminders_enabled  # reminders are off until the user switches them on
    cecilia = _user(session, "cecilia", email="cecilia@example.se")  # no organisation
    services.update_own_profile(session, cecilia, email=cecilia.email, reminders_enabled=True)
    admin = session.scalars(sa.select(User).where(User.username == "admin")).one()
    assignment = session.scalars(
        sa.select(Assignment).where(Assignment.seed_key == SEED_003_KEY)
    ).one()
    cap = session.scalars(sa.select(Capability).where(Capability.number == "1.1.1")).one()
    services.add_responsibility(session, admin, cap, lv, role="ansvarar")
    session.commit()

    today = date.today()
    # Seeded deadlines already past when seeded are unconfirmed, so no one is reminded of them.
    expected = [d for d in SEED_003_DATES if today <= d <= today + timedelta(days=90)]
    later = [d for d in SEED_003_DATES if d > today + timedelta(days=90)]
    tasks = tasks_for(session, anna, today=today)  # seed 003's and other LV assignments'
    session.commit()
    assert {t.due_on for t in tasks} >= set(expected)

    # First run: one digest, to the one subscriber with tasks.
    result = _remind(smtp)
    assert result.exit_code == 0, result.output
    assert [str(m["To"]) for m in smtp.inbox.messages] == ["Anna <anna@lakemedelsverket.se>"]
    [message] = smtp.inbox.messages
    assert str(message["From"]) == SENDER
    assert message.get_content_type() == "multipart/alternative"
    assert str(message["Subject"]) == f"Förmågeregistret: {len(tasks)} uppgifter"
    text, html = _parts(message)
    for part in (text, html):
        for day in expected:
            assert day.isoformat() in part
        for day in later:
            assert day.isoformat() not in part
        assert "Bedöm delförmåga 1.1.1" in part
        assert "https://formaga.example.se/account/profile" in part  # unsubscribe
        assert f"https://formaga.example.se/assignments/{assignment.id}#redovisningar" in part
        assert "https://formaga.example.se/capabilities/1.1.1/assessments/new" in part
    assert "Hej Anna!" in text and "Nya uppgifter" in text
    if any(d < today for d in expected):
        assert "Datum passerat" in text and "Redovisning ej registrerad" in text
    assert message["List-Unsubscribe"] == "<https://formaga.example.se/account/profile>"
    assert "Skickade 1 påminnelse." in result.output
    logged = _notices(session)
    assert logged == len(tasks)

    # Second run: nothing has changed, nothing goes.
    result = _remind(smtp)
    assert result.exit_code == 0, result.output
    assert "Inga nya påminnelser: 2 prenumeranter har inget nytt" in result.output
    assert len(smtp.inbox.messages) == 1

    # A new milestone due in three days; the server is down: nothing is sent or logged.
    services.add_milestone(
        session, admin, assignment, due_on=today + timedelta(days=3), kind="delredovisning"
    )
    session.commit()
    smtp.stop()
    result = _remind(smtp)
    assert result.exit_code != 0
    assert "Kunde inte ansluta till e-postservern" in result.output
    assert "1 av 1 påminnelse skickades inte och skickas vid nästa körning." in result.output
    assert _notices(session) == logged

    # Back up: the next run sends it, and only it.
    smtp.start()
    result = _remind(smtp)
    assert result.exit_code == 0, result.output
    assert len(smtp.inbox.messages) == 2
    text, _html = _parts(smtp.inbox.messages[-1])
    assert "Inom 14 dagar" in text
    assert (today + timedelta(days=3)).isoformat() in text
    assert str(smtp.inbox.messages[-1]["Subject"]) == "Förmågeregistret: 1 uppgift"
    for day in expected:
        assert day.isoformat() not in text
    assert _remind(smtp).exit_code == 0
    assert len(smtp.inbox.messages) == 2


def test_dry_run_on_a_fresh_install_says_why_nothing_would_go(database: so.Session) -> None:
    result = CliRunner().invoke(main, ["remind", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Inga påminnelser: ingen användare prenumererar.")
    assert "Profil och påminnelser" in result.output


def test_dry_run_shows_who_would_get_what_and_sends_nothing(
    database: so.Session, smtp: SmtpServer
) -> None:
    session = database
    lv = _actor(session, "Läkemedelsverket")
    anna = _user(session, "anna", organisation_id=lv.id, email="anna@lakemedelsverket.se")
    services.update_own_profile(session, anna, email=anna.email, reminders_enabled=True)
    session.commit()
    result = CliRunner().invoke(main, ["remind", "--dry-run"])  # needs no SMTP settings
    assert result.exit_code == 0, result.output
    assert "Till Anna <anna@lakemedelsverket.se>:" in result.output
    assert "Provkörning: 1 påminnelse skulle skickas." in result.output
    # Every line says its section, date and dnr in Swedish, so that several interim reports of
    # one assignment can be told apart.
    lines = [line for line in result.output.splitlines() if line.startswith("  [")]
    assert lines and all(re.match(r"  \[[^]]+\] \d{4}-\d{2}-\d{2} ", line) for line in lines)
    assert not any("overdue" in line or "due_soon" in line for line in lines)
    seed_003 = [line for line in lines if "Uppdrag att möjliggöra framtagande" in line]
    assert len(seed_003) == len(set(seed_003)) >= 1
    assert smtp.inbox.messages == []
    assert _notices(session) == 0
    # Without settings a real run refuses clearly.
    result = CliRunner().invoke(main, ["remind"], env={"FORMAGA_SMTP_HOST": ""})
    assert result.exit_code == 1
    assert "E-postinställningar saknas: FORMAGA_SMTP_HOST, FORMAGA_MAIL_FROM." in result.output


# The loopback test server has no certificate, so it accepts AUTH without TLS and says so.
@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS:UserWarning")
def test_the_smtp_login_comes_from_the_environment_and_a_refused_one_sends_nothing(
    database: so.Session,
) -> None:
    session = database
    server = SmtpServer(login=("formaga", "hemligt-lösen"))
    server.start()
    try:
        lv = _actor(session, "Läkemedelsverket")
        anna = _user(session, "anna", organisation_id=lv.id, email="anna@lakemedelsverket.se")
        services.update_own_profile(session, anna, email=anna.email, reminders_enabled=True)
        session.commit()
        env = {**_env(server), "FORMAGA_SMTP_USER": "formaga", "FORMAGA_SMTP_PASSWORD": "fel"}
        refused = CliRunner().invoke(main, ["remind"], env=env)
        assert refused.exit_code == 1
        assert "tog inte emot inloggningen" in refused.output
        assert server.inbox.messages == [] and _notices(session) == 0
        env["FORMAGA_SMTP_PASSWORD"] = "hemligt-lösen"
        result = CliRunner().invoke(main, ["remind"], env=env)
        assert result.exit_code == 0, result.output
        assert [str(m["To"]) for m in server.inbox.messages] == ["Anna <anna@lakemedelsverket.se>"]
    finally:
        server.stop()


def test_calendar_command_writes_seed_003_milestones_on_their_dates(
    database: so.Session, tmp_path: Path
) -> None:
    session = database
    everything = tmp_path / "alla.ics"
    result = CliRunner().invoke(main, ["calendar", "-o", str(everything)])
    assert result.exit_code == 0, result.output
    assignment = session.scalars(
        sa.select(Assignment).where(Assignment.seed_key == SEED_003_KEY)
    ).one()
    cal = Calendar.from_ical(everything.read_bytes())
    seed = sorted(
        e.decoded("DTSTART")
        for e in cal.walk("VEVENT")
        if str(e["URL"]) == f"https://formaga.example.se/assignments/{assignment.id}#redovisningar"
    )
    assert seed == SEED_003_DATES

    lv = _actor(session, "Läkemedelsverket")
    anna = _user(session, "anna", organisation_id=lv.id)
    wanted = calendar_tasks(session, anna)
    session.commit()
    mine = tmp_path / "anna.ics"
    result = CliRunner().invoke(main, ["calendar", "-o", str(mine), "--user", "Anna"])
    assert result.exit_code == 0, result.output
    assert f"({len(wanted)} händelser)" in result.output
    events = Calendar.from_ical(mine.read_bytes()).walk("VEVENT")
    assert sorted(str(e["UID"]) for e in events) == sorted(
        f"{t.key}@formagaregistret" for t in wanted
    )
    ours = [e for e in events if f"/assignments/{assignment.id}#" in str(e["URL"])]
    assert sorted(e.decoded("DTSTART") for e in ours) == SEED_003_DATES
    # Nothing of assignments Läkemedelsverket neither receives nor leads.
    assert len(events) < len(cal.walk("VEVENT"))

    result = CliRunner().invoke(main, ["calendar", "-o", str(mine), "--user", "ingen"])
    assert result.exit_code == 1
    assert "Okänd eller inaktiv användare: ingen" in result.output


def test_round_return_and_approval_mail_the_author_and_the_deadline_reminds(
    database: so.Session, smtp: SmtpServer
) -> None:
    """Issue 24: a returned entry mails its author with the reviewer's comment (redacted for an
    author without clearance), an approval mails the author, and entries not submitted are
    reminded of as the round's last day nears — all through the one digest."""
    from capabilities.services import rounds as r
    from capabilities.services.rounds import EntryInput

    session = database
    admin = session.scalars(sa.select(User).where(User.username == "admin")).one()
    anna = _user(session, "anna", email="anna@example.se", can_see_confidential=True)
    services.update_own_profile(session, anna, email=anna.email, reminders_enabled=True)
    greta = _user(session, "greta", can_see_confidential=True)
    round_ = r.open_round(
        session,
        admin,
        name="Lägesbild 2026",
        reference_date=date.today(),
        deadline=date.today() + timedelta(days=10),
        reviewer_ids=[greta.id],
    )
    first, second, secret = (
        session.scalars(sa.select(Capability).where(Capability.number == n)).one()
        for n in ("1.1.1", "1.1.2", "1.1.3")
    )
    entries = [
        r.save_entry(session, anna, round_, first, EntryInput(3, "Lager."), submit=True),
        r.save_entry(session, anna, round_, second, EntryInput(2, "Avtal."), submit=True),
        r.save_entry(
            session,
            anna,
            round_,
            secret,
            EntryInput(4, "Hemligt.", confidential=True, secrecy_ref="OSL 18:13"),
            submit=True,
        ),
    ]
    r.approve_entry(session, greta, entries[0])
    r.return_entry(session, greta, entries[1], comment="Ange källa för avtalen.")
    r.return_entry(session, greta, entries[2], comment="Hemlig kommentar om lagret.")
    anna.can_see_confidential = False  # clearance taken away since she wrote it
    session.commit()

    result = _remind(smtp)
    assert result.exit_code == 0, result.output
    [message] = smtp.inbox.to("anna@example.se")
    text, html = _parts(message)
    returned = text.index("1.1.2 är återremitterad")
    assert text.index("Inom 14 dagar") < returned  # the deadline is 10 days away
    assert returned < text.index("fyll i och skicka in")  # the returned entry leads
    assert "Granskarens kommentar: ”Ange källa för avtalen.”" in text
    assert "1.1.3 är återremitterad" in text and "Hemlig kommentar" not in text + html
    assert "Sekretessmarkerad uppgift" in text
    assert "din bedömning av 1.1.1 är fastställd" in text
    assert "Beslut om dina bedömningar i uppföljningsomgången" in text
    assert f"/rounds/{round_.id}/capabilities/1.1.2" in text

    # Told once: nothing new, no mail. A second return of the same entry is news again.
    assert _remind(smtp).exit_code == 0
    assert len(smtp.inbox.to("anna@example.se")) == 1
    entry = session.merge(entries[1])
    r.submit_entry(session, anna, entry)
    r.return_entry(session, greta, entry, comment="Fortfarande ingen källa.")
    session.commit()
    assert _remind(smtp).exit_code == 0
    latest = smtp.inbox.to("anna@example.se")[-1]
    assert "Fortfarande ingen källa." in _parts(latest)[0]
