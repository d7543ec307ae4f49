"""`formaga serve` / `formaga run` as an operator meets them: one sentence when it cannot serve,
the first admin's password after the start-up lines, a session key that survives a restart."""

from __future__ import annotations

import os
import signal
import socket
import stat
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.conftest import once
from tests.live import free_port
from web.cli import main

ROOT = Path(__file__).resolve().parents[1]
FORMAGA = str(Path(sys.executable).with_name("formaga"))


def _env(url: str, instance: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY",)}
    env |= {"DATABASE_URL": url, "FORMAGA_INSTANCE_DIR": str(instance), "PYTHONPATH": str(ROOT)}
    return env


def _formaga(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [FORMAGA, *args], env=env, capture_output=True, text=True, timeout=60, check=False
    )


def _one_sentence(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    return lines[0]


@once
def test_a_busy_port_is_one_sentence(
    db_kind: str, fresh_database_url: Callable[[str], str], tmp_path: Path
) -> None:
    url = fresh_database_url(db_kind)
    env = _env(url, tmp_path)
    assert _formaga("init", env=env).returncode == 0
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        line = _one_sentence(_formaga("serve", "--port", str(port), env=env))
    assert line.startswith(f"Fel: porten {port} på 127.0.0.1 används redan"), line
    assert f"PORT={port + 1}" in line


def test_a_database_it_cannot_use_is_one_sentence(
    db_kind: str, fresh_database_url: Callable[[str], str], tmp_path: Path
) -> None:
    empty = _one_sentence(_formaga("serve", env=_env(fresh_database_url(db_kind), tmp_path)))
    assert empty == "Fel: databasen är tom. Kör först: formaga init"
    if db_kind == "postgresql":
        unreachable = f"postgresql://formaga@127.0.0.1:{free_port()}/formaga"
        line = _one_sentence(_formaga("serve", env=_env(unreachable, tmp_path)))
        assert line.startswith("Fel: databasen kan inte nås ("), line
        assert line.endswith("Kontrollera DATABASE_URL."), line


@once
@pytest.mark.parametrize("command", [["assignments"], ["register"], ["users", "list"]])
def test_commands_on_an_empty_database_say_so(
    db_kind: str, fresh_database_url: Callable[[str], str], tmp_path: Path, command: list[str]
) -> None:
    line = _one_sentence(_formaga(*command, env=_env(fresh_database_url(db_kind), tmp_path)))
    assert line == "Fel: databasen är tom. Kör först: formaga init"


@once
def test_an_old_database_asks_for_an_upgrade(
    db_kind: str, fresh_database_url: Callable[[str], str], tmp_path: Path
) -> None:
    url = fresh_database_url(db_kind)
    env = _env(url, tmp_path)
    assert _formaga("db", "upgrade", "0001", env=env).returncode == 0
    line = _one_sentence(_formaga("serve", env=env))
    assert "Kör först: formaga db upgrade" in line, line


@once
def test_run_prints_the_password_after_the_start_up_lines_and_keeps_the_key(
    db_kind: str, fresh_database_url: Callable[[str], str], tmp_path: Path
) -> None:
    url = fresh_database_url(db_kind)
    env = _env(url, tmp_path) | {"PYTHONUNBUFFERED": "1"}
    env.pop("FORMAGA_ADMIN_PASSWORD", None)
    port = free_port()
    process = subprocess.Popen(
        [FORMAGA, "run", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert process.stdout is not None
        lines: list[str] = []
        deadline = time.monotonic() + 90
        while not any(line.startswith("  Lösenord") for line in lines):
            assert time.monotonic() < deadline, lines
            lines.append(process.stdout.readline().rstrip("\n"))
        started = lines.index(f"Förmågeregistret: http://127.0.0.1:{port}/ (stoppa med Ctrl+C)")
        password = next(i for i, line in enumerate(lines) if line.startswith("  Lösenord"))
        assert started < password, lines
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=10) as response:
            assert response.status == 200
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=30)
        if process.stdout is not None:
            process.stdout.close()
    key = tmp_path / "secret_key"
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert stat.S_IMODE(tmp_path.stat().st_mode) == 0o700  # the instance folder is private
    assert len(key.read_text().strip()) == 64
    assert _key_after_a_restart(tmp_path) == key.read_text().strip()


def _key_after_a_restart(instance: Path) -> str:
    """The session key a new process uses: the one kept in instance/, so sessions survive."""
    probe = subprocess.run(
        [
            sys.executable,
            "-c",
            "from web.app import create_app; print(create_app().config['SECRET_KEY'])",
        ],
        env=_env("sqlite://", instance),
        capture_output=True,
        text=True,
        check=True,
    )
    return probe.stdout.strip()


def test_help_lists_run_and_serve() -> None:
    output = CliRunner().invoke(main, ["--help"]).output
    assert "run " in output and "serve " in output


@pytest.mark.parametrize("command", ["serve", "run"])
def test_serve_help_names_host_and_port(command: str) -> None:
    output = CliRunner().invoke(main, [command, "--help"]).output
    assert "--host" in output and "--port" in output
