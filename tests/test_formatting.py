"""One number rule for pages, PDF, CLI and files (issue 26 point 4): Babel's for the locale,
in capabilities/formatting.py, and a guard that nothing formats a float around it."""

from __future__ import annotations

import re
from pathlib import Path

from capabilities import formatting

ROOT = Path(__file__).resolve().parents[1]
# A float formatted by hand: a format spec with decimals, or a point swapped for a comma.
HAND_MADE = re.compile(
    r"""(:[+ ]?\.\d+f\}|%[+ ]?\.\d+f|replace\(\s*["']\.["']\s*,\s*["'],["']|format_decimal)"""
)
ALLOWED = {"capabilities/formatting.py", "web/request_log.py"}  # the rule; a log line


def test_swedish_and_english_numbers() -> None:
    assert formatting.percent(44.0) == "44,0 %"
    assert formatting.percent(44.0, locale="en") == "44.0 %"
    assert formatting.signed(20) == "+20,0"
    assert formatting.signed(-20) == "-20,0"
    assert formatting.signed(-20, locale="en") == "-20.0"
    assert formatting.decimal(2.45) == "2,5" or formatting.decimal(2.45) == "2,4"
    assert formatting.decimal(None) == formatting.percent(None) == "–"


def test_no_float_is_formatted_outside_the_one_rule() -> None:
    found = []
    for folder in ("capabilities", "web", "importers"):
        for path in sorted((ROOT / folder).rglob("*")):
            if path.suffix not in (".py", ".html", ".txt") or "translations" in path.parts:
                continue
            name = path.relative_to(ROOT).as_posix()
            if name in ALLOWED:
                continue
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if HAND_MADE.search(line):
                    found.append(f"{name}:{number}: {line.strip()[:80]}")
    assert found == [], "\n".join(found)
