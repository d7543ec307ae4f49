"""Guard: views reach the database only through capabilities/queries and services.

A module in web/ that imports SQLAlchemy writes its own queries, the way the rounds pages once
parsed their own versions. Only these may, and none of them queries:
- web/db.py: the request session and the write lock;
- web/cli/common.py: the console's one transaction per command (and the check, before serving
  or after a failed command, that the database can be reached and is migrated);
- web/app.py, web/api/guard.py: the error boundaries of the pages and of the API, which answer
  a database that is busy or cannot be reached (`OperationalError`) with a Swedish 503.
A module that only annotates a session uses `capabilities.db.Session`. PENDING held the modules
still to empty (issue 29); it is empty now and stays so. Nor does a view read through the
session without an import (`db.get(Model, id)`, `db.query(...)`, `db.scalars(...)`): a row by id
goes through `capabilities.queries.lookup`; only web/app.py's user loader reads a user by id.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WEB = ROOT / "web"
ALLOWED = {"web/db.py", "web/cli/common.py", "web/app.py", "web/api/guard.py"}
PENDING: set[str] = set()


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


SESSION_READS = {"query", "execute", "scalar", "scalars"}


def session_reads(source: str) -> list[int]:
    """Lines that read through a session: `.query/.execute/.scalar(s)(…)`, `.get(Model, …)`."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        name = node.func.attr
        first = node.args[0] if node.args else None
        # a model class (Actor), not a constant (COOKIE)
        by_model = isinstance(first, ast.Name) and first.id[:1].isupper() and not first.id.isupper()
        if name in SESSION_READS or (name == "get" and by_model):
            found.append(node.lineno)
    return found


def test_no_view_reads_through_the_session() -> None:
    found = {}
    for path in sorted(WEB.rglob("*.py")):
        relative = str(path.relative_to(ROOT))
        if relative in ALLOWED:
            continue
        lines = session_reads(path.read_text())
        if lines:
            found[relative] = lines
    assert found == {}, "read through capabilities/queries (lookup.one_or_not_found for an id)"


def test_the_session_guard_sees_reads_without_an_import() -> None:
    assert session_reads("a = db.get(Actor, 1)\nb = db.query(Actor).all()\n") == [1, 2]
    assert session_reads("db_session().scalars(statement)\n") == [1]
    assert not session_reads("request.args.get('page', 1)\nlabels.get(value)\nc.get(COOKIE)\n")
