"""The main flows as a member does them, by keyboard and mouse, plus axe-core checks."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in, screenshot, serious_violations

pytestmark = pytest.mark.browser


def test_login_page_is_accessible(page: Any) -> None:
    page.goto("/login")
    assert page.locator("html").get_attribute("lang") == "sv"
    assert serious_violations(page) == []
    screenshot(page, "login")


def test_accessibility_statement_is_reached_from_the_login_page_and_is_accessible(
    page: Any,
) -> None:
    page.goto("/login")
    page.get_by_role("link", name="Tillgänglighetsredogörelse").click()
    page.wait_for_url("**/tillganglighet")
    assert (
        page.get_by_role("heading", level=1).inner_text() == "Tillgänglighet för Förmågeregistret"
    )
    assert serious_violations(page) == []
    screenshot(page, "tillganglighet")


def test_wrong_password_shows_generic_message(page: Any) -> None:
    page.goto("/login")
    page.get_by_label("Användarnamn").fill("e2e-medlem")
    page.get_by_label("Lösenord").fill("fel-lösenord-123")
    page.get_by_role("button", name="Logga in").click()
    expect(page.get_by_text("Fel användarnamn eller lösenord.")).to_be_visible()


def test_member_filters_records_status_links_assignment_adds_measure_and_logs_out(
    page: Any,
) -> None:
    log_in(page, "e2e-medlem")
    page.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Registret").click()
    page.wait_for_url("**/register")
    assert serious_violations(page) == []
    screenshot(page, "overview")

    page.get_by_label("Område").select_option("3.2")
    page.get_by_role("button", name="Filtrera").click()
    assert "area=3.2" in page.url
    rows = page.locator("table.register tbody tr td:first-child a")
    assert rows.count() == 11
    page.get_by_role("link", name="3.2.10", exact=True).click()
    expect(page.get_by_role("heading", name="Delförmåga 3.2.10")).to_be_visible()
    assert serious_violations(page) == []

    page.get_by_role("link", name="Ny statusbedömning").click()
    assert serious_violations(page) == []  # the level radios with their descriptions
    page.get_by_role("group", name="Nivå").get_by_label("3 – Utvecklad förmåga").check()
    page.get_by_label("Statusbeskrivning").fill("Rutiner finns men är inte övade.")
    page.get_by_role("button", name="Spara bedömning").click()
    expect(page.get_by_text("Statusbedömningen för 3.2.10 är sparad.")).to_be_visible()
    expect(page.get_by_text("Rutiner finns men är inte övade.").first).to_be_visible()
    screenshot(page, "capability")

    page.get_by_role("link", name="Koppla regeringsuppdrag").click()
    page.get_by_label("Sök på dnr eller titel").fill("S2022/02527")
    page.get_by_label("Sök på dnr eller titel").press("Enter")
    page.locator("input[name=assignment_id]").first.check()
    page.get_by_role("button", name="Koppla uppdraget").click()
    expect(page.get_by_text("S2022/02527").first).to_be_visible()

    page.get_by_role("link", name="Ny åtgärd").click()
    page.get_by_label("Titel").fill("Övning av prioriteringsrutiner")
    page.get_by_role("button", name=re.compile("Spara")).click()
    # expect() waits for the page the save redirects to; is_visible() would ask at once.
    expect(page.get_by_text("Övning av prioriteringsrutiner").first).to_be_visible()

    page.get_by_role("button", name="Logga ut").click()
    assert "/login" in page.url
    page.goto("/")
    assert "/login" in page.url


def test_keyboard_only_login_and_visible_focus(page: Any) -> None:
    page.goto("/login")
    assert page.evaluate("document.activeElement.name") == "username"  # autofocus
    page.keyboard.type("e2e-läsare")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.name") == "password"
    page.keyboard.type("korrekt-hast-batteri-häftstift")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline not in ("none", "")
    page.keyboard.press("Enter")
    page.wait_for_url("**/")
    expect(page.get_by_role("heading", name="Översikt", exact=True)).to_be_visible()
    page.keyboard.press("Tab")  # the first stop on every page is the skip link
    assert page.evaluate("document.activeElement.className") == "skip-link"
    expect(page.locator(".skip-link")).to_be_visible()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


@pytest.mark.parametrize("path", ["/assignments/", "/measures/", "/actors/", "/capabilities/1.1.1"])
def test_pages_have_no_serious_axe_violations(page: Any, path: str) -> None:
    log_in(page, "e2e-admin")
    page.goto(path)
    assert serious_violations(page) == []
    screenshot(page, path.strip("/").replace("/", "_") or "root")
