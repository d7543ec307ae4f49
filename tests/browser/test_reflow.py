"""Reflow at 320 CSS px (WCAG 1.4.10) and choice inputs beside their labels.

The page itself must never scroll sideways; wide data tables may scroll inside their own
labelled, focusable region.
"""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in, screenshot

pytestmark = pytest.mark.browser

PAGES = [
    ("dashboard", "/"),
    ("register", "/register"),
    ("capability", "/capabilities/3.2.10"),
    ("measures", "/measures/"),
    ("assignments", "/assignments/"),
    ("gaps", "/gaps"),
    ("measure-form", "/measures/new?capability=2.1.2"),
    ("link-assignment", "/capabilities/1.1.1/assignments/link"),
    ("reports", "/reports/"),
    ("rounds", "/rounds/"),
    ("round-new", "/rounds/new"),  # reviewer checkboxes beside their names (issue 24)
]

# Elements that stick out of the viewport, for a readable failure message.
OVERFLOWING = """() => {
  const width = document.documentElement.clientWidth;
  const out = [];
  for (const el of document.querySelectorAll('body *')) {
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.right <= width + 1) continue;
    let clipped = false;
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      const style = getComputedStyle(p);
      if (['auto', 'scroll', 'hidden', 'clip'].includes(style.overflowX)) { clipped = true; break; }
    }
    const name = el.tagName.toLowerCase() + '.' + el.className;
    if (!clipped) out.push(name + ' → ' + Math.round(box.right));
  }
  return out.slice(0, 8);
}"""

# Every radio/checkbox with a label: [input box, label box, label text].
CHOICES = """() => [...document.querySelectorAll('input[type=radio], input[type=checkbox]')]
  .filter((input) => input.offsetParent !== null && input.labels && input.labels.length)
  .map((input) => {
    const a = input.getBoundingClientRect(), b = input.labels[0].getBoundingClientRect();
    return {name: input.name + '=' + input.value, label: input.labels[0].innerText.slice(0, 40),
            input: [a.left, a.top, a.right, a.bottom], text: [b.left, b.top, b.right, b.bottom]};
  })"""


def _beside(choice: dict[str, Any]) -> bool:
    """The input's box is left of its label's text, on the same line, close to it."""
    il, it, ir, ib = choice["input"]
    ll, lt, _lr, lb = choice["text"]
    if choice["text"][0] <= il:  # label wraps the input (<label><input> text</label>)
        return it >= lt - 2 and ib <= lb + 2 and (ir - ll) < 40
    gap = ll - ir
    return 0 <= gap <= 24 and it < lb and ib > lt and (ir - il) < 40


@pytest.mark.parametrize("width", [320, 1366])
@pytest.mark.parametrize(("name", "path"), PAGES, ids=[p[0] for p in PAGES])
def test_no_horizontal_page_scroll(
    browser: Any, live_server: Any, name: str, path: str, width: int
) -> None:
    context = browser.new_context(
        base_url=live_server["base"], locale="sv-SE", viewport={"width": width, "height": 800}
    )
    page = context.new_page()
    try:
        log_in(page, "e2e-admin")
        page.goto(path)
        expect(page.locator("h1").first).to_be_visible()
        scroll_width = page.evaluate("document.documentElement.scrollWidth")
        viewport = page.evaluate("document.documentElement.clientWidth")
        assert scroll_width <= viewport, (name, scroll_width, viewport, page.evaluate(OVERFLOWING))
        for region in page.locator(".table-scroll").all():
            # a scrolling table is reachable by keyboard and named for screen readers
            assert region.get_attribute("tabindex") == "0"
            assert region.get_attribute("role") == "region"
            assert region.get_attribute("aria-label") or region.get_attribute("aria-labelledby")
        choices = page.evaluate(CHOICES)
        misplaced = [c for c in choices if not _beside(c)]
        assert misplaced == [], misplaced[:3]
        if width == 320:
            screenshot(page, f"reflow-{name}")
    finally:
        context.close()


def test_navigation_is_compact_on_a_phone(browser: Any, live_server: Any) -> None:
    """The menu is one tap away and leaves the first screen to the page's content."""
    context = browser.new_context(
        base_url=live_server["base"], locale="sv-SE", viewport={"width": 320, "height": 640}
    )
    page = context.new_page()
    try:
        log_in(page, "e2e-admin")
        page.goto("/register")
        heading = page.locator("h1").first.bounding_box()
        assert heading is not None and heading["y"] < 640 / 2, heading
        menu = page.get_by_role("link", name="Åtgärder", exact=True)
        expect(menu).to_be_hidden()
        toggle = page.get_by_role("button", name="Meny")
        assert toggle.get_attribute("aria-expanded") == "false"
        toggle.click()
        assert toggle.get_attribute("aria-expanded") == "true"
        menu.click()
        page.wait_for_url("**/measures/")
        # keyboard: the button is reached with Tab and opens with Enter
        page.goto("/register")
        page.keyboard.press("Tab")  # skip link
        page.keyboard.press("Tab")  # brand
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.className") == "menu-toggle"
        page.keyboard.press("Enter")
        expect(page.get_by_role("link", name="Täckningsluckor", exact=True)).to_be_visible()
        # on a wide screen the menu is always shown and the button is not
        page.set_viewport_size({"width": 1366, "height": 800})
        expect(toggle).to_be_hidden()
        expect(menu).to_be_visible()
    finally:
        context.close()
