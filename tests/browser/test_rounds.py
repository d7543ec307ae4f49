"""Two whole reporting rounds in the browser, as issues 16 and 24 describe them.

Admin opens a round with a reviewer; two members submit (one through the form, one through an
Excel upload); the reviewer returns one with a comment — it leads the author's tasks and is
e-mailed to her — it is resubmitted and approved, and the register names its author; the admin
closes the round with the figures shown; the snapshot hash survives backup/restore; a second
round, compared from the newer round's page, reads older → newer on the page, in the Excel
file and in the round's PDF, which downloads from the page (the second time from storage).
"""

from __future__ import annotations

import hashlib
import io
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
import sqlalchemy.orm as so
from click.testing import CliRunner
from openpyxl import load_workbook
from pdfminer.high_level import extract_text
from playwright.sync_api import expect

from capabilities import migrate
from capabilities.backup import backup, restore
from capabilities.db import make_engine
from capabilities.models import Capability, RoundSnapshot, User
from capabilities.services import create_measure, create_user, update_own_profile
from capabilities.services.measures import MeasureInput
from capabilities.services.users import NewUser
from tests.browser.conftest import log_in, screenshot, serious_violations
from tests.conftest import PASSWORD
from tests.test_remind import SmtpServer
from web.cli import main

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def people(live_server: dict[str, Any]) -> dict[str, str]:
    engine = make_engine(live_server["url"])
    with so.Session(engine) as session:
        for username, name in (("e2e-granskare", "Greta Granskare"), ("e2e-medlem2", "Bo Berg")):
            create_user(
                session,
                None,
                NewUser(
                    username=username,
                    display_name=name,
                    role="medlem",
                    password=PASSWORD,
                    can_see_confidential=True,
                ),
            )
        anna = session.scalars(sa.select(User).where(User.username == "e2e-medlem")).one()
        update_own_profile(session, anna, email="anna@example.se", reminders_enabled=True)
        session.commit()
    engine.dispose()
    return {
        "admin": "e2e-admin",
        "anna": "e2e-medlem",
        "bo": "e2e-medlem2",
        "greta": "e2e-granskare",
    }


@pytest.fixture
def as_user(browser: Any, live_server: dict[str, Any]) -> Iterator[Any]:
    contexts: list[Any] = []

    def open_as(username: str) -> Any:
        context = browser.new_context(base_url=live_server["base"], locale="sv-SE")
        contexts.append(context)
        tab = context.new_page()
        log_in(tab, username)
        return tab

    yield open_as
    for context in contexts:
        context.close()


def _open_round(page: Any, name: str) -> str:
    page.goto("/rounds/")
    page.get_by_role("link", name="Öppna ny omgång").click()
    page.get_by_label("Namn").fill(name)
    page.get_by_label("Lägesdatum").fill("2026-06-30")
    page.get_by_label("Sista dag för inskick").fill("2026-09-30")
    page.get_by_label("Greta Granskare").check()
    assert serious_violations(page) == []
    screenshot(page, "round_new")
    page.get_by_role("button", name="Öppna omgången").click()
    expect(page.get_by_text(f"Uppföljningsomgången ”{name}” är öppnad.")).to_be_visible()
    return str(page.url)


def _submit_by_form(page: Any, round_url: str, number: str, level: str, summary: str) -> None:
    page.goto(round_url)
    page.locator("table").get_by_role("link", name=number, exact=True).click()
    page.locator(f"#level-{level}").check()
    page.get_by_label("Statusbeskrivning").fill(summary)
    page.get_by_role("button", name="Skicka in för granskning").click()
    expect(
        page.get_by_text(f"Bedömningen av {number} är inskickad för granskning.")
    ).to_be_visible()


def _submit_by_excel(page: Any, tmp: Path, number: str, level: int, summary: str) -> None:
    workbook = load_workbook(io.BytesIO(page.request.get("/reports/export?format=xlsx").body()))
    sheet = workbook["Uppdatering"]
    row = next(r for r in range(3, sheet.max_row + 1) if sheet.cell(r, 1).value == number)
    sheet.cell(row, 7).value = level
    sheet.cell(row, 8).value = summary
    path = tmp / f"uppdatering-{number}.xlsx"
    workbook.save(path)
    page.goto("/reports/import")
    page.get_by_label("Inskickade för granskning").check()
    page.set_input_files("input[type=file]", str(path))
    page.get_by_role("button", name="Förhandsgranska").click()
    assert (
        page.locator("#round-import-mode")
        .inner_text()
        .startswith("Raderna läses in i uppföljningsomgången")
    )
    assert "som inskickade bedömningar" in page.locator("#round-import-mode").inner_text()
    screenshot(page, "round_import_preview")
    page.get_by_role("button", name="Spara 1 bedömning").click()
    expect(page.get_by_text("1 bedömning är inskickad")).to_be_visible()


def _decide(page: Any, round_url: str, number: str, decision: str, comment: str = "") -> None:
    page.goto(round_url)
    page.locator("table").get_by_role("link", name=number, exact=True).click()
    if comment:
        page.get_by_label("Kommentar (krävs vid återremiss)").fill(comment)
    assert serious_violations(page) == []
    screenshot(page, "round_review")
    if decision == "return":
        page.get_by_role("button", name="Återremittera").click()
        expect(page.get_by_text(f"Bedömningen av {number} är återremitterad.")).to_be_visible()
    else:
        page.get_by_role("button", name="Fastställ version").click()
        expect(page.get_by_text(f"Bedömningen av {number} är fastställd.")).to_be_visible()


def _close(page: Any, round_url: str, name: str) -> str:
    page.goto(round_url)
    figures = page.locator("#close-figures").inner_text()
    assert "Fastställda" in figures and "Ej påbörjade" in figures
    page.get_by_role("button", name="Stäng omgången").click()  # the name is not typed yet
    expect(page.locator(".error-summary")).to_be_visible()
    assert page.evaluate("document.activeElement.className") == "error-summary"
    page.get_by_label("Skriv omgångens namn för att stänga den").fill(name)
    page.get_by_role("button", name="Stäng omgången").click()
    page.wait_for_selector("#snapshot-hash")
    return str(page.locator("#snapshot-hash").inner_text())


def test_a_whole_round(
    as_user: Any, people: dict[str, str], live_server: dict[str, Any], tmp_path: Path
) -> None:
    admin = as_user(people["admin"])
    round_url = _open_round(admin, "Lägesbild 2026")

    anna = as_user(people["anna"])
    _submit_by_form(anna, round_url, "1.1.1", "2", "Lager för 10 dagar.")
    bo = as_user(people["bo"])
    _submit_by_excel(bo, tmp_path, "1.1.2", 3, "Avtal finns med två leverantörer.")

    greta = as_user(people["greta"])
    greta.goto(round_url)
    expect(greta.get_by_role("heading", name="Att granska (2)")).to_be_visible()
    screenshot(greta, "round_progress")
    _decide(greta, round_url, "1.1.1", "return", "Ange källa för lagernivån.")
    _decide(greta, round_url, "1.1.2", "approve")

    # The returned entry leads the author's tasks, with the comment, and was e-mailed to her.
    anna.goto("/")
    first_task = anna.locator("table.tasks tbody tr").first.inner_text()
    assert "1.1.1 är återremitterad" in first_task and "Ange källa för lagernivån." in first_task
    assert "1 återremitterad" in anna.locator("#round-counts").inner_text()
    assert serious_violations(anna) == []
    screenshot(anna, "round_start_page_returned")
    mail = _remind(live_server)
    [message] = mail.to("anna@example.se")
    body = message.get_body(("plain",))
    assert body is not None
    text = body.get_content()
    assert "1.1.1 är återremitterad" in text and "Ange källa för lagernivån." in text
    anna.goto(round_url)
    assert "Ange källa för lagernivån." in anna.locator("#returned-tasks").inner_text()
    anna.locator("#returned-tasks").get_by_role("link", name="1.1.1", exact=True).click()
    assert anna.locator("#return-comment").inner_text() == "Ange källa för lagernivån."
    assert serious_violations(anna) == []
    screenshot(anna, "round_entry_returned")
    anna.get_by_label("Statusbeskrivning").fill("Lager för 10 dagar (källa: LV 2026).")
    anna.get_by_role("button", name="Skicka in för granskning").click()
    _decide(greta, round_url, "1.1.1", "approve", "Tack.")

    greta.goto("/capabilities/1.1.1")
    # The register names the author; the reviewer is named as the one who approved it.
    assert "E2E medlem" in greta.locator("#assessed-by").inner_text()
    assert "Greta Granskare" in greta.locator("#approved-by").inner_text()
    steps = greta.locator("table.round-history").inner_text()
    assert "Återremitterad" in steps and "Ange källa för lagernivån." in steps
    assert "Fastställd" in steps and "(version 2)" in steps
    screenshot(greta, "round_capability_steps")

    first_hash = _close(admin, round_url, "Lägesbild 2026")
    assert admin.locator("#completion").inner_text().startswith("3,")  # 2 of 62 approved
    assert serious_violations(admin) == []
    screenshot(admin, "round_closed")

    # The snapshot hash is stable across backup and restore.
    archive = tmp_path / "backup.sqlite"
    backup(live_server["url"], archive)
    restored_url = f"sqlite:///{tmp_path / 'restored.sqlite'}"
    migrate.upgrade(restored_url)
    restore(archive, restored_url)
    engine = make_engine(restored_url)
    with so.Session(engine) as session:
        snap = session.scalars(sa.select(RoundSnapshot).order_by(RoundSnapshot.id)).first()
        assert snap is not None and snap.sha256 == first_hash
        assert hashlib.sha256(snap.content.encode("utf-8")).hexdigest() == first_hash
    engine.dispose()

    # Between the rounds a measure is added to 1.1.2; in the second round 1.1.1 rises to 4
    # and 1.1.2 is reported unchanged.
    engine = make_engine(live_server["url"])
    with so.Session(engine) as session:
        member = session.scalars(sa.select(User).where(User.username == people["bo"])).one()
        cap = session.scalars(sa.select(Capability).where(Capability.number == "1.1.2")).one()
        create_measure(
            session,
            member,
            MeasureInput(title="Tredje leverantör upphandlas", capability_ids=[cap.id]),
        )
        session.commit()
    engine.dispose()
    second_url = _open_round(admin, "Lägesbild 2027")
    _submit_by_form(anna, second_url, "1.1.1", "4", "Lager för 60 dagar.")
    _submit_by_form(bo, second_url, "1.1.2", "3", "Avtal finns med två leverantörer.")
    _decide(greta, second_url, "1.1.1", "approve")
    _decide(greta, second_url, "1.1.2", "approve")
    _close(admin, second_url, "Lägesbild 2027")

    # Compared from the newer round's page, it still reads older → newer.
    admin.goto(second_url)
    admin.get_by_label("Jämför med").select_option(label="Lägesbild 2026")
    admin.get_by_role("button", name="Jämför", exact=True).click()
    title = "Lägesbild 2026 → Lägesbild 2027"
    assert admin.locator("#comparison-title").inner_text() == f"Jämförelse: {title}"
    expect(admin.get_by_role("heading", name="Delförmågor som har ändrats (2)")).to_be_visible()
    first_row = admin.locator("#cmp-1\\.1\\.1").inner_text()
    assert "↑" in first_row and "Begränsad förmåga" in first_row and "Påvisad förmåga" in first_row
    second_row = admin.locator("#cmp-1\\.1\\.2").inner_text()
    assert "=" in second_row and "+ Tredje leverantör upphandlas" in second_row
    scores = admin.locator("table.scores").inner_text()
    assert "50,0 % (2/" in scores and "70,0 % (2/" in scores and "+20,0" in scores
    assert serious_violations(admin) == []
    screenshot(admin, "round_comparison")
    with admin.expect_download() as download:
        admin.get_by_role("link", name="Ladda ner jämförelsen som Excel").click()
    book = load_workbook(io.BytesIO(Path(download.value.path()).read_bytes()))
    assert book["Jämförelse"]["A1"].value == title
    row = next(r for r in book["Jämförelse"].iter_rows(values_only=True) if r[0] == "1.1.1")
    assert (row[4], row[5], row[6]) == (2, 4, "↑")
    _no_sideways_scroll(admin, [admin.url, second_url])

    # The newer round's report downloads from its page; the second time it comes from storage.
    admin.goto(second_url)
    assert serious_violations(admin) == []
    with admin.expect_download() as download:
        admin.get_by_role("link", name="Ladda ner rapporten som PDF").click()
    pdf = Path(download.value.path())
    text = extract_text(str(pdf))
    assert pdf.read_bytes().startswith(b"%PDF") and f"Jämförelse: {title}" in " ".join(text.split())
    href = admin.locator("#report-pdf").get_attribute("href")
    started = time.perf_counter()
    again = admin.request.get(href)
    seconds = time.perf_counter() - started
    assert again.ok and again.body() == pdf.read_bytes()
    print(f"\nSecond download of the closed round's PDF: {seconds:.3f} s")
    assert seconds < 2.0, seconds
    admin.goto("/reports/")
    assert "Lägesbild 2027" in admin.locator("#round-reports").inner_text()
    assert serious_violations(admin) == []


def _remind(live_server: dict[str, Any]) -> Any:
    """`formaga remind` against the live database and a real SMTP server; its inbox."""
    smtp = SmtpServer()
    smtp.start()
    try:
        result = CliRunner().invoke(
            main,
            ["remind"],
            env={
                "DATABASE_URL": live_server["url"],
                "FORMAGA_BASE_URL": live_server["base"],
                "FORMAGA_SMTP_HOST": "127.0.0.1",
                "FORMAGA_SMTP_PORT": str(smtp.port),
                "FORMAGA_SMTP_STARTTLS": "0",
                "FORMAGA_MAIL_FROM": "Förmågeregistret <noreply@example.se>",
            },
        )
        assert result.exit_code == 0, result.output
    finally:
        smtp.stop()
    return smtp.inbox


def _no_sideways_scroll(page: Any, urls: list[str]) -> None:
    """At 200 % zoom (640 CSS px) the round pages reflow: the page never scrolls sideways."""
    page.set_viewport_size({"width": 640, "height": 800})
    try:
        for url in urls:
            page.goto(url)
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= 640, (url, width)
            screenshot(page, "round_640_" + url.rstrip("/").split("/")[-1].split("?")[0])
    finally:
        page.set_viewport_size({"width": 1280, "height": 800})
