"""`formaga serve` and `formaga run`: the web app under waitress, with plain errors.

A busy port or an unreachable or unmigrated database is one Swedish sentence and exit code 2,
never a traceback. `formaga run` (what `make run` calls) initialises first and prints the first
admin's one-time password after the server's start-up lines, so that it is the last thing on
the screen when the app is ready.
"""

from __future__ import annotations

import errno
import logging
from typing import Any, NoReturn

import click

from web.cli import common


def _refuse(message: str) -> NoReturn:
    common.fail(message, common.EXIT_CANNOT_SERVE)


def _bind(app: Any, host: str, port: int, threads: int) -> Any:
    """The waitress server, bound to HOST:PORT; a port that cannot be had is one sentence."""
    from waitress.server import create_server

    try:
        return create_server(app, host=host, port=port, threads=threads)
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            _refuse(
                f"porten {port} på {host} används redan av ett annat program. "
                f"Välj en annan port, till exempel: formaga serve --port {port + 1} "
                f"(eller make run PORT={port + 1})."
            )
        if exc.errno == errno.EACCES:
            _refuse(f"behörighet saknas att lyssna på port {port}. Välj en port över 1024.")
        _refuse(f"kan inte lyssna på {host}:{port} ({exc.strerror}).")


def _serve(host: str, port: int, threads: int, after_start: list[str] | None = None) -> None:
    from capabilities.db import database_url
    from web.app import create_app

    problem = common.database_problem(database_url())
    if problem:
        _refuse(problem)
    server = _bind(create_app(), host, port, threads)
    # One line per request (formaga.request) and per refusal (formaga.refused), on stderr.
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    click.echo(f"Förmågeregistret: http://{host}:{port}/ (stoppa med Ctrl+C)")
    if after_start:
        from web.cli.install import framed

        click.echo(framed(after_start))
    try:
        server.run()
    except KeyboardInterrupt:
        click.echo("Förmågeregistret stoppat.")
    finally:
        server.close()


_host = click.option("--host", default="127.0.0.1", show_default=True)
_port = click.option("--port", default=5000, type=int, show_default=True)
_threads = click.option("--threads", default=8, type=int, show_default=True)


@click.command(help="Serve the web app with waitress.")
@_host
@_port
@_threads
def serve(host: str, port: int, threads: int) -> None:
    _serve(host, port, threads)


@click.command(help="init, then serve; the first admin's password comes after the start-up lines.")
@_host
@_port
@_threads
def run(host: str, port: int, threads: int) -> None:
    from web.cli.install import initialise

    _serve(host, port, threads, after_start=initialise())
