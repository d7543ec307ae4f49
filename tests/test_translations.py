"""Swedish is the source language; English must cover every string the UI can show."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[1]
CATALOG = ROOT / "web" / "translations" / "en" / "LC_MESSAGES" / "messages.po"


def _read(path: Path) -> dict[str, str]:
    with path.open("rb") as handle:
        catalog = read_po(handle)
    return {str(m.id): str(m.string) for m in catalog if m.id and not m.fuzzy}


def test_english_catalogue_is_complete_and_up_to_date(tmp_path: Path) -> None:
    template = tmp_path / "messages.pot"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "extract",
            "-F",
            "babel.cfg",
            "-k",
            "_l",
            "-o",
            str(template),
            ".",
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    wanted = set(_read(template))
    english = _read(CATALOG)
    missing = sorted(wanted - {k for k, v in english.items() if v})
    assert not missing, f"untranslated or not in the catalogue (run make translations): {missing}"
    for msgid, msgstr in english.items():
        assert sorted(re.findall(r"%\(\w+\)s", msgid)) == sorted(
            re.findall(r"%\(\w+\)s", msgstr)
        ), msgid


def test_an_english_request_leaves_the_label_language_swedish_after_it(app: object) -> None:
    """The label language is per request: a CLI command or a later request in the same thread
    must not inherit English level labels from an English page served before it."""
    from capabilities.i18n import label_language

    client = app.test_client()  # type: ignore[attr-defined]
    client.get("/login?lang=en")
    assert label_language.get() == "sv"
