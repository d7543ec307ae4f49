"""Guard: level labels reach pages only through the one helper (issue 24).

The round pages read `StatusLevel.label` directly and showed Swedish labels on English pages.
Labels come from `capabilities.queries.register.level_labels` / `level_options`, which follow
the page's language; no view, template or other query reads the columns itself.
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HELPER = ROOT / "capabilities" / "queries" / "register.py"
DIRECT = re.compile(r"StatusLevel\.label\b|StatusLevel\.label_en\b")


def test_no_code_reads_level_labels_around_the_helper() -> None:
    offenders = [
        f"{path.relative_to(ROOT)}:{number}"
        for folder in ("web", "capabilities/queries", "capabilities/services")
        for path in sorted((ROOT / folder).rglob("*.py"))
        if path != HELPER
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if DIRECT.search(line)
    ]
    assert offenders == [], offenders
