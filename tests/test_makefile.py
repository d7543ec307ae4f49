"""`make run` serves the app with runtime dependencies only; `make test` adds the dev tools."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _planned(target: str, tmp_path: Path, *variables: str) -> str:
    """The commands make would run for TARGET on a fresh clone (dry run, nothing executed)."""
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    result = subprocess.run(
        ["make", "--dry-run", "--always-make", f"VENV={tmp_path / 'venv'}", *variables, target],
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
    assert "formaga run --host 127.0.0.1 --port 5000" in plan


def test_make_run_honours_host_and_port(tmp_path: Path) -> None:
    plan = _planned("run", tmp_path, "PORT=5055", "HOST=0.0.0.0")
    assert "formaga run --host 0.0.0.0 --port 5055" in plan


def test_make_clean_keeps_the_database(tmp_path: Path) -> None:
    plan = _planned("clean", tmp_path)
    assert "rm -rf" in plan and "venv" in plan
    assert "instance" not in plan.split("rm -rf", 1)[1]


def test_make_test_installs_the_developer_tools(tmp_path: Path) -> None:
    plan = _planned("test", tmp_path)
    assert "pip install --quiet -e '.[dev]'" in plan
    assert "pytest" in plan
