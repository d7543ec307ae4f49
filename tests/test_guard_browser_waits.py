"""Browser tests wait for what they assert: `expect(locator)`, never `assert locator.is_visible()`.

`is_visible()` answers at once, before the page a click leads to has loaded; a fresh CI machine
is slower than a warm laptop, so such an assertion passes here and fails there (it did: the
two-round browser test failed a CI run on "inskickad för granskning"). `expect(...)` retries
until its timeout. Reading `is_visible()` into a variable for a branch is still allowed.
"""

from __future__ import annotations

import re
from pathlib import Path

BROWSER_TESTS = Path(__file__).parent / "browser"
INSTANT_ASSERT = re.compile(r"^\s*assert\b.*\.is_(visible|hidden|checked|enabled)\(\)", re.M)


def test_browser_assertions_wait_for_the_page() -> None:
    offenders = [
        f"{path.name}:{text[: match.start()].count(chr(10)) + 1}"
        for path in sorted(BROWSER_TESTS.glob("*.py"))
        for text in [path.read_text(encoding="utf-8")]
        for match in INSTANT_ASSERT.finditer(text)
    ]
    assert offenders == [], f"use expect(locator).to_be_visible() etc.: {offenders}"
