"""Results kept per app until the register changes: the one cache for pages and documents.

Whole-register results (the gap frame behind the dashboard, /gaps and /api/v1/gaps, the heat
map, the as-of-today report files) cost time in proportion to the register, but change only
when the register does. Every change writes an audit event in its own transaction, so each
result is kept under `register_version` (read once per request) plus what else it depends on —
the date, the secrecy view, the language — and is computed again as soon as the key moves.
Nothing is ever invalidated by hand: a stale entry is simply never asked for again, and the
oldest entries are dropped when a kind holds more than `size`.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from flask import current_app, g

from capabilities.queries.dashboard import RegisterVersion, register_version
from web.db import db_session

T = TypeVar("T")

_LOCK = threading.Lock()
_EXTENSION = "formaga.kept"


def current_version() -> RegisterVersion:
    """The register's version for this request: one query, on first use."""
    version: RegisterVersion | None = g.get("formaga_register_version")
    if version is None:
        version = register_version(db_session())
        g.formaga_register_version = version
    return version


def kept(kind: str, key: Hashable, compute: Callable[[], T], *, size: int = 8) -> T:
    """`compute()`'s result for `key` under the register's current version, computed once.

    `key` must hold everything the result depends on besides the register's content (the
    date, stale months, the secrecy view, the language). Two requests that miss at once both
    compute; the results are equal, the last one is kept.
    """
    full = (current_version(), key)
    store: dict[str, OrderedDict[Any, Any]] = current_app.extensions.setdefault(_EXTENSION, {})
    with _LOCK:
        entries = store.setdefault(kind, OrderedDict())
        if full in entries:
            entries.move_to_end(full)
            found: T = entries[full]
            return found
    value = compute()
    with _LOCK:
        entries[full] = value
        while len(entries) > size:
            entries.popitem(last=False)
    return value
