"""Issue 10 on a fresh `formaga init`: the acceptance points through the CLI the analysts use."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable

import pytest
from click.testing import CliRunner

from importers.seed_data import load_seed_data
from tests.conftest import in_bilaga_2
from web.cli import main


@pytest.fixture
def runner(
    db_kind: str, initialised_database_url: Callable[[str], str], monkeypatch: pytest.MonkeyPatch
) -> CliRunner:
    monkeypatch.setenv("DATABASE_URL", initialised_database_url(db_kind))
    monkeypatch.delenv("FORMAGA_ADMIN_PASSWORD", raising=False)
    return CliRunner()


def _json(runner: CliRunner, *args: str) -> list[dict[str, object]]:
    result = runner.invoke(main, [*args, "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)  # type: ignore[no-any-return]


def test_fresh_init_answers_as_the_seeds_state(runner: CliRunner) -> None:
    items = _json(runner, "assignments")
    assert len(items) == 41
    by_dnr = {d: a for a in items for d in a["dnrs"] if not str(a["title"]).startswith("Tillägg")}
    for number in (
        "S2021/08235",
        "S2021/05469",
        "S2021/02922",
        "S2022/01264",
        "S2022/01265",
        "N2021/02613",
        "S2022/00453",
    ):
        assert by_dnr[number]["status"] != "pågående", number
        assert by_dnr[number]["status_source"], number
    deadlines = {
        "S2022/00453": "2023-12-31",
        "S2023/02002": "2024-06-16",
        "S2022/03298": "2023-12-31",
        "S2023/01932": "2024-04-01",
    }
    for number, due in deadlines.items():
        assert due in [m["due_on"] for m in by_dnr[number]["milestones"]], number
    done = by_dnr["S2022/00453"]["milestones"][0]
    assert (done["is_done"], done["done_on"]) == (True, "2023-12-29")
    cbrn = by_dnr["S2023/01047"]["diary_numbers"]
    assert [(d["number"], d["printed"], d["partial"]) for d in cbrn] == [
        ("S2022/02246", "S2022/02246", False),
        ("S2023/01047", "S2023/01047 (delvis)", True),
    ]
    lead = [r for r in by_dnr["S2022/03175"]["recipients"] if r["is_lead"]]
    assert [r["name"] for r in lead] == ["Läkemedelsverket"]
    assert "1.3.1" in by_dnr["S2022/03175"]["capability_numbers"]

    actors = _json(runner, "actors")
    names = {a["name"] for a in actors}
    bilaga_2 = {a["name"] for a in load_seed_data().actors if in_bilaga_2(a["source"])}
    assert len(bilaga_2) == 41 and bilaga_2 <= names
    assert {"Regioner och kommuner", "Partnerskap för fred och Nato"} <= names
    lv = next(a for a in actors if a["short_name"] == "LV")
    assert any(a["is_lead"] for a in lv["assignments"])

    rows = _json(runner, "register", "--as-of", "2025-01-01")
    assert sum(len(r["assignments"]) for r in rows) == 61
    before = _json(runner, "register", "--as-of", "2023-11-19")
    assert sum(len(r["assignments"]) for r in before) == 0


def test_table_and_csv_output(runner: CliRunner) -> None:
    table = runner.invoke(main, ["assignments"], env={"COLUMNS": None})
    assert table.exit_code == 0, table.output
    assert "S2022/ 03176" in table.output and "redovisat" in table.output
    # Tables have a header row and a rule, like every `formaga` table.
    header, rule = table.output.splitlines()[:2]
    assert header.split()[:3] == ["dnr", "status", "ansvarig"] and set(rule) == {"-"}
    # Into a file or a pipe nothing is cut unless COLUMNS asks for a width.
    whole = "Uppdrag att se över myndigheters uppgifter och ansvar inom energiområdet"
    assert whole in table.output
    assert " …" in runner.invoke(main, ["assignments"], env={"COLUMNS": "80"}).output
    actor_table = runner.invoke(main, ["actors"]).output.splitlines()
    assert actor_table[0].split() == ["kortnamn", "slag", "ansvar", "uppdrag", "aktör"]
    result = runner.invoke(main, ["assignments", "--format", "csv"])
    rows = list(csv.DictReader(io.StringIO(result.output), delimiter=";"))
    assert len(rows) == 41
    production = next(r for r in rows if r["dnr"] == "S2022/00453")
    assert production["status"] == "redovisat" and production["statuskälla"] == "001:167"
    assert "2023-12-31 slutredovisning (redovisad 2023-12-29)" in production["redovisningar"]
    assert "Läkemedelsverket (huvudansvarig)" in production["mottagare"]
    actors = runner.invoke(main, ["actors", "--format", "csv"])
    actor_rows = list(csv.DictReader(io.StringIO(actors.output), delimiter=";"))
    assert any(r["namn"] == "Regioner och kommuner" for r in actor_rows)
    assert runner.invoke(main, ["actors"]).exit_code == 0
