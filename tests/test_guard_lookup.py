"""Guard: a row is loaded by id, or not found, in one way: `capabilities.queries.lookup`.

`one_or_not_found(session, Model, id, **expected)` checks the id's range, the parent the row
must belong to, and raises the domain's NotFound (a Swedish 404 page, a JSON 404 in the API).
Seventeen hand-written "get, then check for None" lookups had drifted apart (some answered
400, some skipped the range check), so this test fails on a new one: a name assigned from a
`.get(...)` call and then tested `is None` with a 404 (`abort(404)` or `raise NotFound`) in web/
or capabilities/queries/.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCANNED = [ROOT / "web", ROOT / "capabilities" / "queries"]
HELPER = "capabilities/queries/lookup.py"


def _answers_404(statements: list[ast.stmt]) -> bool:
    for statement in statements:
        for node in ast.walk(statement):
            if isinstance(node, ast.Raise) and node.exc is not None:
                target = node.exc.func if isinstance(node.exc, ast.Call) else node.exc
                if isinstance(target, ast.Name) and target.id == "NotFound":
                    return True
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "abort"
                and any(isinstance(a, ast.Constant) and a.value == 404 for a in node.args)
            ):
                return True
    return False


def _none_tested(test: ast.expr) -> set[str]:
    """Names compared `is None` anywhere in an if's condition."""
    return {
        node.left.id
        for node in ast.walk(test)
        if isinstance(node, ast.Compare)
        and isinstance(node.left, ast.Name)
        and any(isinstance(op, ast.Is) for op in node.ops)
        and any(isinstance(c, ast.Constant) and c.value is None for c in node.comparators)
    }


def hand_written_lookups(source: str) -> list[int]:
    """Lines of `if x is None: → 404` where x came from a `.get(...)` call."""
    found = []
    for function in ast.walk(ast.parse(source)):
        if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef | ast.Module):
            continue
        fetched: set[str] = set()
        for node in ast.walk(function):
            if (
                isinstance(node, ast.Assign)
                and isinstance(node.value, ast.Call)
                and isinstance(node.value.func, ast.Attribute)
                and node.value.func.attr == "get"
            ):
                fetched |= {t.id for t in node.targets if isinstance(t, ast.Name)}
        for node in ast.walk(function):
            if (
                isinstance(node, ast.If)
                and _none_tested(node.test) & fetched
                and _answers_404(node.body)
            ):
                found.append(node.lineno)
    return sorted(set(found))


def test_no_hand_written_get_then_404() -> None:
    found = {}
    for folder in SCANNED:
        for path in sorted(folder.rglob("*.py")):
            relative = str(path.relative_to(ROOT))
            if relative == HELPER:
                continue
            lines = hand_written_lookups(path.read_text())
            if lines:
                found[relative] = lines
    assert found == {}, "load with capabilities.queries.lookup.one_or_not_found"


def test_the_guard_sees_both_answers() -> None:
    view = "def v(i):\n    m = db.get(M, i)\n    if m is None or m.p != 1:\n        abort(404)\n"
    query = "def q(s, i):\n    m = s.get(M, i)\n    if m is None:\n        raise NotFound('x')\n"
    assert hand_written_lookups(view) == [3]
    assert hand_written_lookups(query) == [3]
    form = "def f(i):\n    a = db.get(A, i)\n    if a is None:\n        errors.append('x')\n"
    assert hand_written_lookups(form) == []  # a choice not in the list is a form error
