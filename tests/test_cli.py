"""The `formaga` command on a fresh database: init, seed, register."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from typing import Any

import pytest
from click.testing import CliRunner

from web.cli import main


@pytest.fixture
def runner(
    db_kind: str, fresh_database_url: Callable[[str], str], monkeypatch: pytest.MonkeyPatch
) -> CliRunner:
    monkeypatch.setenv("DATABASE_URL", fresh_database_url(db_kind))
    monkeypatch.delenv("FORMAGA_ADMIN_PASSWORD", raising=False)
    return CliRunner()


def test_init_then_register_json(runner: CliRunner) -> None:
    result = runner.invoke(main, ["init"])
    assert result.exit_code == 0, result.output
    assert "användarnamn admin" in result.output
    assert "Lösenord (visas bara nu" in result.output
    # the one-time password comes last, framed, where make's pip output cannot bury it
    lines = result.output.strip().splitlines()
    rule = lines[-1]
    assert set(rule) == {"="} and lines.count(rule) == 2
    frame = lines[lines.index(rule) + 1 : -1]
    assert frame[0].strip().startswith("Första administratören skapad")
    assert frame[-1].strip().startswith("Lösenord (visas bara nu, spara det): ")
    again = runner.invoke(main, ["init"])
    assert again.exit_code == 0 and "Lösenord" not in again.output
    assert "inga ändringar" in again.output

    result = runner.invoke(main, ["register", "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert len(rows) == 62
    first = rows[0]
    assert set(first) >= {
        "number",
        "title",
        "area",
        "main_group",
        "retired_on",
        "assignments_note",
        "assignments",
        "responsibilities",
        "current_status",
    }
    assert first["area"] == {"number": "1.1", "title": "Robust lagerhållning"}
    assert first["main_group"]["number"] == "1"
    assert first["assignments"][0] == {
        "title": "Uppdrag att ta fram underlag för vilka sjukvårdsprodukter som bör omfattas "
        "av hälso- och sjukvårdens försörjningsberedskap",
        "dnrs": ["S2022/04550"],
        "partial": False,
    }
    assert first["current_status"] is None
    by_number = {r["number"]: r for r in rows}
    assert by_number["1.1.4"]["assignments_note"] == "Ett flertal uppdrag finns (redovisas ej här)"
    assert sum(len(r["assignments"]) for r in rows) == 61


def test_register_csv_and_table(runner: CliRunner) -> None:
    assert runner.invoke(main, ["init"]).exit_code == 0
    out = runner.invoke(main, ["register", "--format", "csv"]).output
    parsed = list(csv.reader(io.StringIO(out), delimiter=";"))
    assert parsed[0][0] == "nummer" and len(parsed) == 63
    table = runner.invoke(main, ["register"], env={"COLUMNS": "100"}).output.splitlines()
    # a header, a rule, then one line per capability that fits the terminal
    assert table[0].split() == ["nr", "nivå", "bedömd", "uppdrag", "delförmåga"]
    assert set(table[1]) == {"-"}
    assert len(table) == 64 and table[2].startswith("1.1.1") and table[-1].startswith("3.3.9")
    assert max(len(line) for line in table) <= 100
    assert "Robust lagerhållning avseende hälso- och sjukvårdens" in table[2]


def test_gaps_table_is_readable(runner: CliRunner) -> None:
    assert runner.invoke(main, ["init"]).exit_code == 0
    result = runner.invoke(main, ["gaps"], env={"COLUMNS": "100"})
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split() == ["nr", "nivå", "mål", "avstånd", "luckor"]
    assert max(len(line) for line in lines) <= 100
    assert "<NA>" not in result.output and "nan" not in result.output.lower()
    first = next(line for line in lines if line.startswith("1.1.1 "))
    assert first.split()[1:3] == ["–", "–"] and "Ej bedömd" in first
    assert "Summa: Ej bedömd 62" in result.output


def test_admin_password_from_environment(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FORMAGA_ADMIN_PASSWORD", "ett-långt-lösenord")
    monkeypatch.setenv("FORMAGA_ADMIN_USERNAME", "nas-admin")
    result = runner.invoke(main, ["init"])
    assert result.exit_code == 0
    assert "nas-admin" in result.output and "ett-långt-lösenord" not in result.output


def test_db_downgrade_base_and_upgrade(runner: CliRunner) -> None:
    assert runner.invoke(main, ["db", "upgrade"]).exit_code == 0
    assert runner.invoke(main, ["db", "downgrade", "base"]).exit_code == 0
    assert runner.invoke(main, ["db", "upgrade"]).exit_code == 0


def test_export_and_import_round_trip(runner: CliRunner, tmp_path: Any) -> None:
    from openpyxl import load_workbook

    assert runner.invoke(main, ["init"]).exit_code == 0
    xlsx, csv_file = tmp_path / "r.xlsx", tmp_path / "r.csv"
    result = runner.invoke(main, ["export", "-o", str(xlsx), "--exported-by", "CLI"])
    assert result.exit_code == 0, result.output
    assert runner.invoke(main, ["export", "--format", "csv", "-o", str(csv_file)]).exit_code == 0
    assert csv_file.read_bytes().startswith("\ufeff".encode())
    wb = load_workbook(xlsx)
    wb["Uppdatering"].cell(3, 7).value = 2
    wb["Uppdatering"].cell(3, 8).value = "Från Excel"
    wb.save(xlsx)
    dry = runner.invoke(main, ["import", str(xlsx), "--user", "admin", "--dry-run"])
    assert dry.exit_code == 0 and "1.1.1: Ej bedömd → 2" in dry.output
    assert "Ej bedömd" in runner.invoke(main, ["register"]).output.splitlines()[2]
    done = runner.invoke(main, ["import", str(xlsx), "--user", "admin"])
    assert done.exit_code == 0 and "Läste in 1 nya" in done.output
    assert "Begränsad förmåga" in runner.invoke(main, ["register"]).output.splitlines()[2]
    wb["Uppdatering"].cell(3, 7).value = 9
    wb.save(xlsx)
    bad = runner.invoke(main, ["import", str(xlsx), "--user", "admin"])
    assert bad.exit_code == 1 and "kolumn G (Ny nivå)" in bad.output


def test_help_imports_nothing_heavy() -> None:
    """`formaga --help` answers at once: the heavy libraries load only in the commands."""
    import subprocess
    import sys

    heavy = ("pandas", "openpyxl", "sqlalchemy", "flask", "alembic", "argon2", "capabilities.db")
    script = (
        "import sys\n"
        "from web.cli import main\n"
        "try:\n"
        "    main(['--help'])\n"
        "except SystemExit:\n"
        "    pass\n"
        f"print('loaded:' + ','.join(m for m in {heavy!r} if m in sys.modules))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=120
    )
    assert "Usage:" in result.stdout
    assert result.stdout.strip().splitlines()[-1] == "loaded:", result.stdout


def test_a_command_loads_only_its_own_family() -> None:
    """`formaga rounds …` imports web.cli.rounds (and the shared helpers), no other command."""
    import subprocess
    import sys

    script = (
        "import sys\n"
        "from web.cli import main\n"
        "try:\n"
        "    main(['rounds', 'list', '--help'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "print('loaded:' + ','.join(sorted(m for m in sys.modules if m.startswith('web.'))))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=120
    )
    assert "Usage:" in result.stdout
    loaded = result.stdout.strip().splitlines()[-1].removeprefix("loaded:").split(",")
    assert loaded == ["web.cli", "web.cli.common", "web.cli.output", "web.cli.rounds"]


def test_every_command_is_found_under_its_name() -> None:
    from click import Context

    from web.cli import COMMANDS, main

    context = Context(main)
    assert main.list_commands(context) == sorted(COMMANDS)
    assert all(main.get_command(context, name).name == name for name in COMMANDS)  # type: ignore[union-attr]
    assert main.get_command(context, "nope") is None


def test_stale_months_default_matches_the_analysis() -> None:
    from capabilities.queries.gaps import DEFAULT_STALE_MONTHS
    from web.cli import gaps

    assert gaps.DEFAULT_STALE_MONTHS == DEFAULT_STALE_MONTHS


def test_readme_json_example_is_what_a_fresh_install_prints(runner: CliRunner) -> None:
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    section = readme.split("### `formaga register --format json`", 1)[1]
    example = json.loads(section.split("```json", 1)[1].split("```", 1)[0])
    assert runner.invoke(main, ["init"]).exit_code == 0
    printed = json.loads(runner.invoke(main, ["register", "--format", "json"]).output)
    assert example == printed[: len(example)]
