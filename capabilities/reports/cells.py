"""Cell text that spreadsheets must never run: formula-injection guard shared by xlsx and CSV."""

from __future__ import annotations

import re

# A cell starting with one of these may be taken as a formula by Excel or LibreOffice.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
# Characters the xlsx XML cannot hold (openpyxl refuses them).
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def looks_like_formula(text: str) -> bool:
    return text.startswith(FORMULA_TRIGGERS)


def clean_text(text: str) -> str:
    """Drop control characters no spreadsheet can store; keep tabs and line breaks."""
    return _ILLEGAL.sub("", text)


def csv_safe(text: str) -> str:
    """CSV has no cell types: a leading apostrophe makes Excel show the text literally."""
    text = clean_text(text)
    return "'" + text if looks_like_formula(text) else text
