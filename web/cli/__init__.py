"""The `formaga` command: database, seeding, users, register output, rounds, serving.

`formaga --help` must answer at once, and a command should load only its own family: the group
names each command's module here and imports it when the command is asked for (`formaga
rounds list` loads web.cli.rounds, not the users or serving code). Only click and the standard
library are imported at start-up; each command imports what it needs (SQLAlchemy, pandas,
openpyxl, the app) when it runs. tests/test_cli.py checks both.
"""

from __future__ import annotations

import importlib

import click

#: Each command's name → "module:attribute" under web.cli (one module per command family).
COMMANDS = {
    "actors": "reference:actors",
    "assignments": "reference:assignments",
    "backup": "database:backup",
    "calendar": "deadlines:calendar",
    "commitments": "procurement:commitments",
    "db": "database:db",
    "export": "reports:export",
    "gaps": "gaps:gaps",
    "import": "register:import_",
    "init": "install:init",
    "proposals": "procurement:proposals",
    "register": "register:register",
    "remind": "deadlines:remind",
    "report": "reports:report",
    "restore": "database:restore",
    "rounds": "rounds:rounds",
    "run": "serve:run",
    "seed": "install:seed",
    "serve": "serve:serve",
    "users": "users:users",
}


class LazyGroup(click.Group):
    """A group whose commands are imported when named (or when --help lists them all)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = COMMANDS.get(cmd_name)
        if target is None:
            return None
        module, _, attribute = target.partition(":")
        command = getattr(importlib.import_module(f"{__name__}.{module}"), attribute)
        assert isinstance(command, click.Command) and command.name == cmd_name, target
        return command


@click.group(
    cls=LazyGroup,
    help="Förmågeregistret: the capability register for healthcare supply preparedness.",
)
def main() -> None:
    pass
