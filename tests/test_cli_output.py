"""The one CLI table: on a terminal it fits the width, cutting the last column with " …"."""

from __future__ import annotations

import pytest

from web.cli import output as cli_output
from web.cli.output import text_table


def test_a_terminal_cuts_the_last_column_and_a_file_does_not(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    rows = [("S2022/04550", "Uppdrag att ta fram underlag för vilka sjukvårdsprodukter " * 3)]
    monkeypatch.setattr(cli_output, "terminal_width", lambda: 60)
    narrow = text_table(("dnr", "uppdrag"), rows, numeric=set(), wrap=False)
    assert all(len(line) <= 60 for line in narrow.splitlines()) and narrow.endswith(" …")
    wrapped = text_table(("dnr", "uppdrag"), rows, numeric=set(), wrap=True)
    assert len(wrapped.splitlines()) > 3 and "…" not in wrapped
    monkeypatch.setattr(cli_output, "terminal_width", lambda: cli_output.UNLIMITED)
    whole = text_table(("dnr", "uppdrag"), rows, numeric=set(), wrap=False)
    assert rows[0][1].strip() in whole and "…" not in whole
