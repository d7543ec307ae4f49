"""Mina uppgifter, the calendar link and the profile in a real browser, with axe-core checks."""

from __future__ import annotations

import re
from typing import Any

import pytest
import sqlalchemy as sa
import sqlalchemy.orm as so
from playwright.sync_api import expect

from capabilities import services
from capabilities.db import make_engine
from capabilities.models import Actor, Capability, User
from capabilities.services.users import NewUser
from tests.browser.conftest import log_in, screenshot, serious_violations
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def lv_member(live_server: dict[str, Any]) -> str:
    """A member of Läkemedelsverket, which is responsible for 1.1.1 (not assessed)."""
    engine = make_engine(live_server["url"])
    with so.Session(engine) as session:
        if session.scalar(sa.select(User).where(User.username == "e2e-lv")) is None:
            admin = session.scalars(sa.select(User).where(User.username == "e2e-admin")).one()
            lv = session.scalars(sa.select(Actor).where(Actor.name == "Läkemedelsverket")).one()
            services.create_user(
                session,
                admin,
                NewUser(
                    username="e2e-lv",
                    display_name="E2E Läkemedelsverket",
                    role="medlem",
                    password=PASSWORD,
                    organisation_id=lv.id,
                ),
            )
            capability = session.scalars(
                sa.select(Capability).where(Capability.number == "1.1.1")
            ).one()
            services.add_responsibility(session, admin, capability, lv, role="ansvarar")
            session.commit()
    engine.dispose()
    return "e2e-lv"


def test_my_tasks_lead_to_where_they_are_done(page: Any, lv_member: str) -> None:
    log_in(page, lv_member)
    first = page.locator("main h2").first
    assert first.inner_text() == "Mina uppgifter"
    tasks = page.locator("table.tasks")
    # Seed 003's 2024-12-16 and 2025-12-15 had passed when the register was seeded: the register
    # cannot vouch for them, so they are no tasks ("Ej bekräftad" for an admin to confirm); the
    # next interim report, 2026-12-15, is.
    assert tasks.locator("tr", has_text="2024-12-16").count() == 0
    coming = tasks.locator("tr", has_text="2026-12-15")
    assert "Redovisning ej registrerad" not in coming.inner_text()
    assert serious_violations(page) == []
    screenshot(page, "my_tasks")
    # 1.1.1 is not assessed, or stale when tests/browser/test_dashboard.py ran first on this
    # shared database (it assesses 1.1.1 in 2025): either way the task leads to the form.
    task = re.compile(r"^(Bedöm|Ny bedömning av) delförmåga 1\.1\.1")
    tasks.get_by_role("link", name=task).click()
    page.wait_for_url("**/capabilities/1.1.1/assessments/new")
    expect(page.get_by_label("Statusbeskrivning")).to_be_visible()


def test_calendar_link_is_shown_once_works_and_stops_when_revoked(
    page: Any, lv_member: str
) -> None:
    log_in(page, lv_member)
    page.get_by_role("link", name="Kalender", exact=True).click()
    page.wait_for_url("**/account/calendar")
    assert serious_violations(page) == []
    page.get_by_label("Namn på kalenderlänken").fill("Outlook")
    page.get_by_role("button", name="Skapa kalenderlänk").click()
    url = page.get_by_label("Kalenderlänk", exact=True).input_value()
    assert "/calendar/feed.ics?token=frk_" in url
    assert serious_violations(page) == []
    screenshot(page, "calendar_link")

    feed = page.request.get(url)
    assert feed.status == 200 and feed.headers["content-type"].startswith("text/calendar")
    body = feed.text()
    for day in ("20241216", "20251215", "20261215", "20271031"):  # seed 003
        assert f"DTSTART;VALUE=DATE:{day}" in body

    page.goto("/account/calendar")
    assert url not in page.content()  # shown once
    page.get_by_role("button", name="Återkalla kalenderlänken Outlook").click()
    expect(page.get_by_text("är återkallad och fungerar inte längre")).to_be_visible()
    assert page.request.get(url).status == 404


def test_profile_switches_reminders_on(page: Any, lv_member: str) -> None:
    log_in(page, lv_member)
    page.get_by_role("link", name="Profil och påminnelser").click()
    page.wait_for_url("**/account/profile")
    page.get_by_label("Skicka påminnelser om mina uppgifter med e-post").check()
    page.get_by_role("button", name="Spara").click()
    expect(page.get_by_text("Ange en e-postadress för att få påminnelser.").first).to_be_visible()
    assert serious_violations(page) == []
    page.get_by_label("E-postadress").fill("e2e@lakemedelsverket.se")
    page.get_by_role("button", name="Spara").click()
    expect(page.get_by_text("Påminnelser skickas till e2e@lakemedelsverket.se")).to_be_visible()
    expect(page.get_by_label("Skicka påminnelser om mina uppgifter med e-post")).to_be_checked()
    screenshot(page, "profile")
