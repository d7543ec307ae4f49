"""The three user roles, importable without SQLAlchemy (the CLI's --help lists them)."""

from __future__ import annotations

ROLES = ("läsare", "medlem", "admin")
