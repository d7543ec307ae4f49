"""Guard: services take typed inputs, never `**data`.

A service that takes `**data: Any` accepts a misspelled field as a silent no-op (issue 29); one
that takes a frozen dataclass (`MeasureInput`, `NewUser`, …) makes it a type error, and the
blueprint's form builds it (`to_input()`). This test fails on a public service function with a
`**` parameter and on an input dataclass that is not frozen (an input changed after the form
built it is no longer what the user sent).
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SERVICES = ROOT / "capabilities" / "services"


def untyped_services(source: str, filename: str) -> list[str]:
    """`file:line: name` for each public function that takes `**something`."""
    return [
        f"{filename}:{node.lineno}: {node.name}(**{node.args.kwarg.arg})"
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.FunctionDef)
        and not node.name.startswith("_")
        and node.args.kwarg is not None
    ]


def _is_frozen(decorator: ast.expr) -> bool:
    return isinstance(decorator, ast.Call) and any(
        keyword.arg == "frozen"
        and isinstance(keyword.value, ast.Constant)
        and keyword.value.value is True
        for keyword in decorator.keywords
    )


def _is_dataclass(decorator: ast.expr) -> bool:
    target = decorator.func if isinstance(decorator, ast.Call) else decorator
    return isinstance(target, ast.Name) and target.id == "dataclass"


def mutable_inputs(source: str, filename: str) -> list[str]:
    """`file:line: name` for each dataclass in a service module that is not frozen."""
    return [
        f"{filename}:{node.lineno}: {node.name}"
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.ClassDef)
        and any(_is_dataclass(d) for d in node.decorator_list)
        and not any(_is_frozen(d) for d in node.decorator_list)
    ]


def _service_modules() -> list[Path]:
    return sorted(SERVICES.rglob("*.py"))


def test_no_service_takes_keyword_data() -> None:
    problems = [
        problem
        for path in _service_modules()
        for problem in untyped_services(path.read_text("utf-8"), str(path.relative_to(ROOT)))
    ]
    assert problems == [], "take a frozen input dataclass built by the form"


def test_every_service_input_is_frozen() -> None:
    problems = [
        problem
        for path in _service_modules()
        for problem in mutable_inputs(path.read_text("utf-8"), str(path.relative_to(ROOT)))
    ]
    assert problems == [], "inputs are @dataclass(frozen=True)"


def test_the_guards_see_what_they_refuse() -> None:
    assert untyped_services("def create_thing(session, user, **data): ...\n", "x.py") == [
        "x.py:1: create_thing(**data)"
    ]
    assert untyped_services("def _helper(**data): ...\n", "x.py") == []
    source = (
        "from dataclasses import dataclass\n"
        "@dataclass\nclass A: ...\n"
        "@dataclass(frozen=True)\nclass B: ...\n"
        "@dataclass(order=True)\nclass C: ...\n"
    )
    assert mutable_inputs(source, "x.py") == ["x.py:3: A", "x.py:7: C"]
