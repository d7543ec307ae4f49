"""Read and validate data/ (the hand-curated Bilaga 1–3 transcription) before writing."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from capabilities.dnr import DnrError, normalise_dnr, parse_dnr_list
from capabilities.models import ACTOR_KINDS, ASSIGNMENT_STATUSES, MILESTONE_KINDS, RECIPIENT_ROLES

DATA_DIR = Path(os.environ.get("FORMAGA_DATA_DIR", Path(__file__).resolve().parent.parent / "data"))


class SeedDataError(Exception):
    """data/ is inconsistent; the message names the file and entry."""


@dataclass
class SeedData:
    scale: list[dict[str, Any]]
    main_groups: list[dict[str, Any]]
    areas: list[dict[str, Any]]
    capabilities: list[dict[str, Any]]
    actors: list[dict[str, Any]]
    assignments: list[dict[str, Any]]
    # The date the register report (seed 002) is taken to carry; Bilaga 3's links count from it.
    report_dated: date | None = None
    problems: list[str] = field(default_factory=list)


def _load(directory: Path, name: str) -> Any:
    path = directory / name
    try:
        with path.open(encoding="utf-8") as handle:
            return yaml.safe_load(handle)
    except (OSError, yaml.YAMLError) as exc:
        raise SeedDataError(f"{path}: kan inte läsas ({exc})") from exc


def load_seed_data(directory: Path = DATA_DIR) -> SeedData:
    """Load all files and check every cross-reference; raise SeedDataError listing all problems."""
    structure = _load(directory, "structure.yaml")
    main_groups, areas = [], []
    for group in structure["main_groups"]:
        main_groups.append(
            {k: group[k] for k in ("number", "title", "stage", "desired_capability")}
        )
        for area in group["areas"]:
            areas.append({"main_group": group["number"], **area})
    data = SeedData(
        scale=_load(directory, "scale.yaml"),
        main_groups=main_groups,
        areas=areas,
        capabilities=_load(directory, "capabilities.yaml"),
        actors=_load(directory, "actors.yaml"),
        assignments=[_assignment(row) for row in _load(directory, "assignments.yaml")],
    )
    sources = _load(directory, "sources.yaml") if (directory / "sources.yaml").exists() else {}
    data.report_dated = (sources or {}).get("register_report", {}).get("dated")
    _check(data)
    if data.problems:
        raise SeedDataError("Fel i data/:\n" + "\n".join(f"- {p}" for p in data.problems))
    return data


def _assignment(row: dict[str, Any]) -> dict[str, Any]:
    """An assignment with dnrs, recipients, reports and milestones as dicts (short forms too)."""
    partial = bool(row.get("dnr_partial"))
    recipients = row.get("recipients") or []
    return {
        **row,
        "status": row.get("status", "pågående"),
        "dnrs": [
            d if isinstance(d, dict) else {"number": d, "printed": None, "partial": partial}
            for d in row.get("dnrs") or []
        ],
        "recipients": [
            r if isinstance(r, dict) else {"name": r, "lead": i == 0, "role": "mottagare"}
            for i, r in enumerate(recipients)
        ],
        "reports": [
            r if isinstance(r, dict) else {"reference": r} for r in row.get("reports") or []
        ],
        "milestones": list(row.get("milestones") or []),
    }


def _check(data: SeedData) -> None:
    problems = data.problems
    area_numbers = {a["number"] for a in data.areas}
    for area in data.areas:
        if not area["number"].startswith(area["main_group"] + "."):
            problems.append(f"structure.yaml: område {area['number']} hör inte till huvudgrupp")
    seen: set[str] = set()
    keys = {a["key"] for a in data.assignments}
    for cap in data.capabilities:
        number = str(cap.get("number"))
        if number in seen:
            problems.append(f"capabilities.yaml: {number} förekommer två gånger")
        seen.add(number)
        if cap.get("area") not in area_numbers or not number.startswith(f"{cap.get('area')}."):
            problems.append(
                f"capabilities.yaml: {number} har okänt eller fel område {cap.get('area')}"
            )
        if not str(cap.get("title") or "").strip():
            problems.append(f"capabilities.yaml: {number} saknar text")
        for link in cap.get("assignments") or []:
            if link.get("key") not in keys:
                problems.append(
                    f"capabilities.yaml: {number} hänvisar till okänt uppdrag {link.get('key')}"
                )
    actor_names = {a["name"] for a in data.actors}
    if len(actor_names) != len(data.actors):
        problems.append("actors.yaml: samma namn förekommer flera gånger")
    for actor in data.actors:
        if actor.get("kind") not in ACTOR_KINDS:
            problems.append(f"actors.yaml: {actor.get('name')} har okänd typ {actor.get('kind')}")
    if len(keys) != len(data.assignments):
        problems.append("assignments.yaml: samma nyckel förekommer flera gånger")
    for assignment in data.assignments:
        _check_assignment(assignment, actor_names, problems)
    if data.report_dated is not None and not isinstance(data.report_dated, date):
        problems.append("sources.yaml: register_report.dated ska vara ett datum (ÅÅÅÅ-MM-DD)")


def _check_assignment(
    assignment: dict[str, Any], actor_names: set[str], problems: list[str]
) -> None:
    key = assignment["key"]
    where = f"assignments.yaml: {key}"
    if assignment["status"] not in ASSIGNMENT_STATUSES:
        problems.append(f"{where}: okänd status {assignment['status']}")
    for dnr in assignment["dnrs"]:
        number = dnr.get("number")
        try:
            if normalise_dnr(number) != number:
                problems.append(f"{where}: {number} är inte normaliserat")
            if dnr.get("printed"):
                (parsed,) = parse_dnr_list(dnr["printed"])
                if (parsed.number, parsed.is_partial) != (number, bool(dnr.get("partial"))):
                    problems.append(f"{where}: {dnr['printed']} stämmer inte med {number}")
        except (DnrError, ValueError) as exc:
            problems.append(f"{where}: {getattr(exc, 'message', exc)}")
    for recipient in assignment["recipients"]:
        if recipient.get("name") not in actor_names:
            problems.append(f"{where}: okänd mottagare {recipient.get('name')}")
        if recipient.get("role", "mottagare") not in RECIPIENT_ROLES:
            problems.append(f"{where}: okänd roll {recipient.get('role')}")
    if sum(1 for r in assignment["recipients"] if r.get("lead")) > 1:
        problems.append(f"{where}: fler än en huvudansvarig mottagare")
    for milestone in assignment["milestones"]:
        done_on = milestone.get("done_on")
        if (
            milestone.get("kind") not in MILESTONE_KINDS
            or not isinstance(milestone.get("due_on"), date)
            or (done_on is not None and not isinstance(done_on, date))
        ):
            problems.append(f"{where}: ogiltig milstolpe {milestone}")
    for report in assignment["reports"]:
        if not str(report.get("reference") or "").strip():
            problems.append(f"{where}: redovisning utan referens")
