"""Issue 23, F5: every upload path refuses a crafted workbook cheaply, with a Swedish reason.

Before, a 77 KB workbook repeating <xf/> in styles.xml cost 720 MB and 16 s in openpyxl, and
a 780 KB definedNames bomb 1.9 GB. Each bomb of tests/bombs.py (about 100 KB) must now be
refused through the import's own entry point, naming the reason, within 100 MB (tracemalloc
peak) and 2 s of CPU time. Precise figures: benchmarks/upload_bombs.py.
"""

from __future__ import annotations

import io
import re
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from capabilities.models import User
from importers.status_workbook import ImportRejected, read_workbook
from tests.bombs import BOMBS, base_workbook, rebuild
from tests.conftest import post
from web.cli import main

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("name", sorted(BOMBS))
def test_a_crafted_workbook_is_refused_cheaply_naming_the_reason(name: str) -> None:
    make, words = BOMBS[name]
    data = make()
    assert 30_000 < len(data) < 200_000
    tracemalloc.start()
    started = time.process_time()
    try:
        with pytest.raises(ImportRejected) as refused:
            read_workbook(io.BytesIO(data))
        cpu = time.process_time() - started
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    message = str(refused.value)
    assert all(word in message for word in words), message
    assert peak < 100 * 1024 * 1024, f"{name}: peak {peak / 1e6:.0f} MB"
    assert cpu < 2, f"{name}: {cpu:.2f} s of CPU"  # tracemalloc included; about 10× less without


def test_the_base_workbook_of_the_corpus_passes() -> None:
    """The bombs differ from an acceptable file only in the part made hostile."""
    for data in (base_workbook(), rebuild({})):  # bare, and with the padding most bombs carry
        assert isinstance(read_workbook(io.BytesIO(data)), list)


def test_the_web_upload_refuses_a_bomb_with_the_reason(
    client: Any, as_role: Callable[..., User]
) -> None:
    as_role("medlem")
    data = BOMBS["defined-names"][0]()
    response = post(
        client,
        "/reports/import",
        {"file": (io.BytesIO(data), "bok.xlsx")},
        content_type="multipart/form-data",
        token_from="/reports/import",
    )
    assert response.status_code == 422
    assert "fler än 1000 definierade namn (definedNames)" in response.get_data(as_text=True)


def test_the_cli_import_refuses_a_bomb_before_touching_the_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "bomb.xlsx"
    path.write_bytes(BOMBS["styles-xf"][0]())
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'none' / 'absent.sqlite'}")
    result = CliRunner().invoke(main, ["import", str(path), "--user", "vem"])
    assert result.exit_code == 1
    assert "cellformat (cellXfs)" in result.output


def _python_sources() -> dict[str, str]:
    return {
        str(path.relative_to(ROOT)): path.read_text(encoding="utf-8")
        for package in ("capabilities", "importers", "web")
        for path in (ROOT / package).rglob("*.py")
    }


def test_every_upload_goes_through_the_one_limits_module() -> None:
    """Guard: openpyxl opens uploaded data in one place, after check_workbook; every view
    that takes a file reads it through that place."""
    sources = _python_sources()
    openers = {name for name, text in sources.items() if re.search(r"load_workbook\(", text)}
    assert openers == {"importers/status_workbook.py"}
    opener = sources["importers/status_workbook.py"]
    body = opener[opener.index("def open_workbook(") :]
    assert body.index("check_workbook(") < body.index("load_workbook(")
    takers = {
        name
        for name, text in sources.items()
        if re.search(r"request\.files|FileField\(|\.file\.data", text) and "forms.py" not in name
    }
    assert takers == {"web/reports/routes.py"}
    assert "read_workbook(" in sources["web/reports/routes.py"]
    assert "plan_import(" not in sources["web/reports/routes.py"]
