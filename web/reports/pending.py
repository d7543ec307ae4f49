"""Uploaded workbooks waiting for confirmation, between the preview and "Läs in".

They hold register content, confidential rows included, so they live in a private folder: the
app's own (IMPORT_DIR, else FORMAGA_IMPORT_DIR, else instance/imports), mode 0700, files 0600
created anew (never through a planted file or link). Before, they sat in the shared temp
folder with mode 0644 for ever. An upload not confirmed within an hour is deleted: on every
new upload, at start-up, and when its confirmation comes too late.
"""

from __future__ import annotations

import os
import secrets
import stat
import time
from pathlib import Path

from flask import Flask, current_app

from capabilities.db import PROJECT_ROOT

MAX_AGE_SECONDS = 3600
SUFFIX = ".xlsx"


def default_folder() -> str:
    return os.environ.get("FORMAGA_IMPORT_DIR") or str(PROJECT_ROOT / "instance" / "imports")


def _folder(app: Flask | None = None) -> Path:
    """The private folder, made if missing; refused if it belongs to someone else."""
    folder = Path((app or current_app).config.get("IMPORT_DIR") or default_folder())
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    info = folder.lstat()
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid():
        raise RuntimeError(f"{folder} is not a folder of this user: uploads are not kept there")
    if stat.S_IMODE(info.st_mode) != 0o700:
        folder.chmod(0o700)  # ours, but others could enter it
    return folder


def store(data: bytes) -> str:
    """Keep an upload (0600) after deleting expired ones; returns its token."""
    folder = _folder()
    prune(folder)
    token = secrets.token_hex(16)
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    descriptor = os.open(folder / f"{token}{SUFFIX}", flags, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(data)
    return token


def find(token: str | None) -> Path | None:
    """The unexpired upload behind `token` (a token this app made), or None."""
    if not token or len(token) != 32 or not token.isalnum() or not token.isascii():
        return None
    path = _folder() / f"{token}{SUFFIX}"
    try:
        age = time.time() - path.stat().st_mtime
    except FileNotFoundError:
        return None
    if age > MAX_AGE_SECONDS:
        path.unlink(missing_ok=True)
        return None
    return path


def prune(folder: Path | None = None, *, now: float | None = None) -> int:
    """Delete uploads older than an hour; returns how many."""
    folder = folder or _folder()
    cutoff = (now or time.time()) - MAX_AGE_SECONDS
    removed = 0
    for path in folder.glob(f"*{SUFFIX}"):
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink()
                removed += 1
        except FileNotFoundError:
            continue  # another process pruned it first
    return removed


def prune_at_startup(app: Flask) -> None:
    """Expired uploads left by an earlier run go at start-up (only if the folder exists)."""
    folder = Path(app.config.get("IMPORT_DIR") or default_folder())
    if folder.is_dir():
        prune(_folder(app))
