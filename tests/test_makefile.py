"""`make run` serves the app with runtime dependencies only; `make test` adds the dev tools."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _planned(target: str, tmp_path: Path) -> str:
    """The commands make would run for TARGET on a fresh clone (dry run, nothing executed)."""
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    result = subprocess.run(
        ["make", "--dry-run", "--always-make", f"VENV={tmp_path / 'venv'}", target],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    return result.stdout


def test_make_run_installs_only_the_runtime_dependencies(tmp_path: Path) -> None:
    plan = _planned("run", tmp_path)
    assert "pip install --quiet -e ." in plan
    assert "[dev]" not in plan
    assert "formaga init" in plan and "formaga serve" in plan


def test_make_test_installs_the_developer_tools(tmp_path: Path) -> None:
    plan = _planned("test", tmp_path)
    assert "pip install --quiet -e '.[dev]'" in plan
    assert "pytest" in plan
