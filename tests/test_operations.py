"""The README's Drift section, exercised where a test can: the deploy files name commands and
options `formaga` accepts, the upgrade steps work on an older database with data, and the
README lists every command."""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
import sqlalchemy as sa
from click.testing import CliRunner

from capabilities import migrate
from capabilities.db import make_engine
from tests.test_upgrade import _dump, _fill, _tables, head_rows  # noqa: F401  (the shared fixture)
from web.cli import main

ROOT = Path(__file__).resolve().parents[1]
DEPLOY = ROOT / "deploy"
OLDER = "0009_actor_source"


def _formaga_commands(text: str) -> list[list[str]]:
    """Every `…/formaga ARGS` on a line that is not a comment, as argument lists (a trailing
    `# comment` and the shell quoting removed)."""
    found = []
    for line in text.splitlines():
        if line.lstrip().startswith("#"):
            continue
        match = re.search(r"/formaga\s+((?:serve|backup|db|seed)\b[^'\n]*)", line)
        if match:
            found.append(shlex.split(match.group(1).replace("$(date +%%F)", "D"), comments=True))
    return found


def _parses(args: list[str]) -> None:
    """Click accepts ARGS for `formaga` (options and arguments), without running the command."""
    context = click.Context(main, info_name="formaga")
    command: click.Command | None = main
    rest = list(args)
    name = "formaga"
    while isinstance(command, click.Group):
        name = rest.pop(0)
        command = command.get_command(context, name)
    assert command is not None, args
    command.make_context(name, rest, parent=context)


def test_the_units_run_commands_formaga_accepts() -> None:
    commands = [
        args
        for unit in ("formaga.service", "formaga-backup.service")
        for args in _formaga_commands((DEPLOY / unit).read_text())
    ]
    assert [c[0] for c in commands] == ["serve", "backup"]
    for args in commands:
        _parses(args)
    assert "OnCalendar=" in (DEPLOY / "formaga-backup.timer").read_text()


def test_nginx_sends_the_headers_the_app_trusts() -> None:
    conf = (DEPLOY / "nginx.conf").read_text()
    assert "proxy_set_header X-Forwarded-For $remote_addr;" in conf  # replaced, not appended
    assert "proxy_set_header X-Forwarded-Proto $scheme;" in conf
    assert "proxy_pass http://127.0.0.1:8000;" in conf
    env = (DEPLOY / "formaga.env.example").read_text()
    assert "FORMAGA_HTTPS=1" in env and "FORMAGA_TRUSTED_PROXIES=127.0.0.1" in env


def test_the_readme_upgrade_steps_work_on_an_older_database_with_data(
    db_kind: str,
    fresh_database_url: Callable[[str], str],
    head_rows: dict[str, list[dict[str, Any]]],  # noqa: F811
    tmp_path: Path,
) -> None:
    readme = (ROOT / "README.md").read_text()
    steps = readme.split("**Upgrade**", 1)[1].split("```sh", 1)[1].split("```", 1)[0]
    commands = [c for c in _formaga_commands(steps)]
    assert [c[0] for c in commands] == ["backup", "db", "seed"]
    url = fresh_database_url(db_kind)
    migrate.upgrade(url, OLDER)
    engine = make_engine(url)
    try:
        before = _fill(engine, _tables(engine), head_rows)
    finally:
        engine.dispose()
    runner = CliRunner()
    env = {"DATABASE_URL": url}
    for args in commands:
        if args[0] == "backup":
            args = ["backup", "-o", str(tmp_path / "before-upgrade.backup")]
        result = runner.invoke(main, args, env=env)
        assert result.exit_code == 0, (args, result.output)
    engine = make_engine(url)
    try:
        after = _dump(engine)
        with engine.connect() as connection:
            version = connection.scalar(sa.text("SELECT version_num FROM alembic_version"))
    finally:
        engine.dispose()
    assert version == migrate_head()
    for table in ("users", "status_assessments", "measures", "audit_events"):
        assert len(after[table]) >= len(before[table]) > 0, table
    assert (tmp_path / "before-upgrade.backup").stat().st_size > 0


def migrate_head() -> str:
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(migrate.alembic_config()).get_current_head()
    assert head is not None
    return head


def test_the_readme_lists_every_command() -> None:
    readme = (ROOT / "README.md").read_text()
    table = readme.split("## The `formaga` command", 1)[1]
    context = click.Context(main, info_name="formaga")
    for name in main.list_commands(context):
        assert f"`formaga {name}" in table, name
        command = main.get_command(context, name)
        if isinstance(command, click.Group):
            for sub in command.list_commands(context):
                pattern = rf"`formaga {name} [^`]*\b{sub}\b[^`]*`"
                assert re.search(pattern, table), f"{name} {sub}"
