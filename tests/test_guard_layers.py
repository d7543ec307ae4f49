"""Guard: views reach the database only through capabilities/queries and services.

A module in web/ that imports SQLAlchemy writes its own queries, the way the rounds pages once
parsed their own versions. The CLI's session setup and the request session (web/db.py) are the
only places that may; the modules listed in PENDING still hold queries to move into
capabilities/queries (issue 29), and the list only shrinks.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WEB = ROOT / "web"
ALLOWED = {"web/db.py", "web/cli.py", "web/app.py"}  # session setup, error mapping
PENDING = {
    "web/admin/queries.py",
    "web/admin/routes.py",
    "web/api/guard.py",
    "web/cli_rounds.py",
    "web/cli_serve.py",
    "web/cli_users.py",
    "web/dashboard/routes.py",
    "web/deadlines/feed.py",
    "web/deadlines/remind.py",
    "web/deadlines/routes.py",
    "web/measures/routes.py",
    "web/register/routes.py",
    "web/rounds/entries.py",
    "web/rounds/routes.py",
    "web/tokens/routes.py",
}


def imports_sqlalchemy(source: str) -> bool:
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import) and any(
            a.name.split(".")[0] == "sqlalchemy" for a in node.names
        ):
            return True
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "sqlalchemy":
            return True
    return False


def _modules_with_sqlalchemy() -> set[str]:
    return {
        str(path.relative_to(ROOT))
        for path in WEB.rglob("*.py")
        if imports_sqlalchemy(path.read_text())
    }


def test_no_new_module_in_web_imports_sqlalchemy() -> None:
    assert _modules_with_sqlalchemy() - ALLOWED - PENDING == set()


def test_the_pending_list_only_shrinks() -> None:
    """A module that no longer imports SQLAlchemy leaves the list, so it cannot slip back."""
    assert PENDING - _modules_with_sqlalchemy() == set()


def test_the_guard_sees_both_import_forms() -> None:
    assert imports_sqlalchemy("import sqlalchemy as sa\n")
    assert imports_sqlalchemy("def f():\n    from sqlalchemy.orm import Session\n")
    assert not imports_sqlalchemy("from capabilities.queries import register\n")
