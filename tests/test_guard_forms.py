"""Guard: every form view runs its service through web/forms.py (`submit`/`save`).

A view that catches `ValidationFailed` itself decides on its own how a refusal looks, whether
it rolls back and whether it commits; that is how the rounds pages once parsed their own
versions and overwrote an entry. So no module in web/ catches `ValidationFailed` (alone or in a
tuple, by name or as `errors.ValidationFailed`) or puts messages on a form with `apply_errors`
outside web/forms.py.

No module is allowed besides web/forms.py: web/app.py maps domain errors with `errorhandler`,
never with `except`, and the console commands (web/cli/), which have no form, catch
`DomainError` and print `web.cli.common.refusal(exc)` (every field's message on one line).
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WEB = ROOT / "web"
HELPER = "web/forms.py"


def _names(node: ast.expr | None) -> list[str]:
    if node is None:
        return []
    if isinstance(node, ast.Tuple):
        return [name for element in node.elts for name in _names(element)]
    if isinstance(node, ast.Name):
        return [node.id]
    if isinstance(node, ast.Attribute):
        return [node.attr]
    return []


def offences(source: str) -> list[int]:
    """Lines that catch ValidationFailed or call apply_errors."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ExceptHandler) and "ValidationFailed" in _names(node.type):
            found.append(node.lineno)
        if isinstance(node, ast.Call) and _names(node.func) == ["apply_errors"]:
            found.append(node.lineno)
    return found


def test_only_the_form_helper_catches_validation_failed() -> None:
    found = {}
    for path in sorted(WEB.rglob("*.py")):
        relative = str(path.relative_to(ROOT))
        if relative == HELPER:
            continue
        lines = offences(path.read_text())
        if lines:
            found[relative] = lines
    assert found == {}, "catch ValidationFailed through web.forms.submit/save, not in the view"


def test_the_guard_sees_every_form_of_the_catch() -> None:
    assert offences("try:\n    f()\nexcept ValidationFailed:\n    pass\n") == [3]
    assert offences("try:\n    f()\nexcept (KeyError, errors.ValidationFailed) as e:\n    g()\n")
    assert offences("apply_errors(form, exc)\n")
    assert not offences("try:\n    f()\nexcept NotFound:\n    pass\nraise ValidationFailed({})\n")
