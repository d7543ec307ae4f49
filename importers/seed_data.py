"""Read and validate data/ (the hand-curated Bilaga 1–3 transcription) before writing."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from capabilities.dnr import DnrError, normalise_dnr
from capabilities.models import ACTOR_KINDS, MILESTONE_KINDS

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
        assignments=_load(directory, "assignments.yaml"),
    )
    _check(data)
    if data.problems:
        raise SeedDataError("Fel i data/:\n" + "\n".join(f"- {p}" for p in data.problems))
    return data


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
        key = assignment["key"]
        for dnr in assignment.get("dnrs") or []:
            try:
                if normalise_dnr(dnr) != dnr:
                    problems.append(f"assignments.yaml: {key}: {dnr} är inte normaliserat")
            except DnrError as exc:
                problems.append(f"assignments.yaml: {key}: {exc.message}")
        for name in assignment.get("recipients") or []:
            if name not in actor_names:
                problems.append(f"assignments.yaml: {key}: okänd mottagare {name}")
        for milestone in assignment.get("milestones") or []:
            if milestone.get("kind") not in MILESTONE_KINDS or not isinstance(
                milestone.get("due_on"), date
            ):
                problems.append(f"assignments.yaml: {key}: ogiltig milstolpe {milestone}")
