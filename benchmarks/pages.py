"""Page latency at 1× and 100×, on SQLite and PostgreSQL, through the real server.

    .venv/bin/python benchmarks/pages.py                      # both databases, 1× and 100×
    .venv/bin/python benchmarks/pages.py --databases sqlite   # SQLite only

For each database kind, the 1× and 100× registers of `generate.py` are built (SQLite files under
--dir are reused when present; PostgreSQL runs in a throwaway cluster started the way the tests
start theirs, tests/pg.py), both are served at the same time by `formaga serve` (waitress) in
their own processes, the admin bench0 logs in through the login form, an API token is made for
the API lists, and every page is fetched --repeat times (median reported) after one warm-up
request. A static file served by the same server is the floor each page is compared with.

Columns: median ms at 1× and 100×, the 1× time over the static file, and 100× over 1×.
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
import sqlalchemy.orm as so

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from generate import BENCH_PASSWORD, generate  # noqa: E402

from capabilities import migrate  # noqa: E402
from capabilities.db import make_engine  # noqa: E402
from capabilities.models import User  # noqa: E402
from capabilities.services.tokens import create_token  # noqa: E402

STATIC = "/static/style.css"
# (label, path); API paths are fetched with the bearer token instead of the session cookie.
PAGES = [
    ("/ (dashboard)", "/"),
    ("/register", "/register"),
    ("/register?page=30 (a later page)", "/register?page=30"),
    ("/register?area=1.1 (filter)", "/register?area=1.1"),
    ("/register?level=3&q=… (filters)", "/register?level=3&q=del"),
    ("/capabilities/1.1.1", "/capabilities/1.1.1"),
    ("/gaps", "/gaps"),
    ("/assignments/", "/assignments/"),
    ("/measures/", "/measures/"),
    ("/actors/", "/actors/"),
    ("/reports/", "/reports/"),
    ("/api/v1/capabilities", "/api/v1/capabilities"),
    ("/api/v1/assignments", "/api/v1/assignments"),
    ("/api/v1/actors", "/api/v1/actors"),
    ("/api/v1/measures", "/api/v1/measures"),
    ("/api/v1/gaps", "/api/v1/gaps"),
]
_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Client:
    """One keep-alive connection with a cookie jar of one (the session cookie)."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}
        self.bearer: str | None = None
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)

    def request(
        self, method: str, path: str, body: str | None = None, *, api: bool = False
    ) -> tuple[int, str]:
        headers = {"Accept-Language": "sv"}
        if api:
            headers["Authorization"] = f"Bearer {self.bearer}"
        elif self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
        except (http.client.RemoteDisconnected, ConnectionError):
            # waitress closes a keep-alive connection idle for two minutes: open a new one.
            self.conn.close()
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=600)
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
        data = response.read()
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
        return response.status, data.decode("utf-8", "replace")

    def login(self, username: str, password: str) -> None:
        status, html = self.request("GET", "/login")
        match = _CSRF.search(html)
        if status != 200 or match is None:
            raise RuntimeError(f"login page: {status}")
        form = urllib.parse.urlencode(
            {"csrf_token": match.group(1), "username": username, "password": password}
        )
        status, _html = self.request("POST", "/login", form)
        if status != 302:
            raise RuntimeError(f"login failed: {status}")

    def median_ms(self, path: str, repeat: int) -> float:
        api = path.startswith("/api/")
        status, _body = self.request("GET", path, api=api)  # warm-up
        if status != 200:
            raise RuntimeError(f"GET {path}: {status}")
        times = []
        for _ in range(repeat):
            started = time.perf_counter()
            status, _body = self.request("GET", path, api=api)
            times.append((time.perf_counter() - started) * 1000)
            if status != 200:
                raise RuntimeError(f"GET {path}: {status}")
        return statistics.median(times)


def prepare(url: str, scale: int, fresh: bool) -> str:
    """Build the register (or reuse it) and return a new API token for the admin bench0."""
    engine = make_engine(url)
    with engine.connect() as conn:
        exists = sa.inspect(conn).has_table("users") and (
            conn.execute(
                sa.text("SELECT count(*) FROM users WHERE username = 'bench0'")
            ).scalar_one()
            > 0
        )
    engine.dispose()
    if exists and not fresh:
        migrate.upgrade(url)  # a reused file gets migrations landed since it was built
    else:
        started = time.perf_counter()
        counts = generate(url, scale)
        print(
            f"  generated {scale}×: {counts} in {time.perf_counter() - started:.0f} s", flush=True
        )
    engine = make_engine(url)
    with so.Session(engine) as session:
        admin = session.scalars(sa.select(User).where(User.username == "bench0")).one()
        _token, plain = create_token(session, admin, name=f"benchmark {secrets.token_hex(4)}")
        session.commit()
    engine.dispose()
    return plain


@contextmanager
def serve(url: str, threads: int = 4) -> Iterator[int]:
    """`formaga serve` on a free port in its own process; yields the port once it answers.

    Its output goes to a log file, never to a pipe nobody reads: under load the request log
    filled the pipe and the server stopped, waiting to write (the first load run stalled so)."""
    port = _free_port()
    log = Path(tempfile.mkstemp(prefix=f"formaga-serve-{port}-", suffix=".log")[1])
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "SECRET_KEY": secrets.token_hex(16),
        "PYTHONPATH": str(ROOT),  # serve this checkout's code
    }
    formaga = Path(sys.executable).parent / "formaga"
    process = subprocess.Popen(
        [
            str(formaga),
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--threads",
            str(threads),
        ],
        env=env,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"server did not start: {log.read_text()}") from None
                time.sleep(0.2)
        yield port
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@dataclass
class Row:
    label: str
    small: float
    large: float


def measure(urls: dict[int, str], repeat: int, fresh: bool) -> tuple[float, list[Row]]:
    tokens = {scale: prepare(url, scale, fresh) for scale, url in urls.items()}
    with ExitStack() as stack:
        clients: dict[int, Client] = {}
        for scale, url in urls.items():
            client = Client(stack.enter_context(serve(url)))
            client.login("bench0", BENCH_PASSWORD)
            client.bearer = tokens[scale]
            clients[scale] = client
        small, large = clients[1], clients[max(urls)]
        static = small.median_ms(STATIC, repeat)
        rows = []
        for label, path in PAGES:
            rows.append(Row(label, small.median_ms(path, repeat), large.median_ms(path, repeat)))
            print(f"  {label}: {rows[-1].small:.0f} / {rows[-1].large:.0f} ms", flush=True)
    return static, rows


def table(kind: str, scale: int, static: float, rows: list[Row]) -> str:
    lines = [
        f"### {kind} (static file {STATIC}: {static:.1f} ms)",
        "",
        f"| page | 1× ms | {scale}× ms | 1× / static file | {scale}× / 1× |",
        "|---|---|---|---|---|",
    ]
    for row in rows:
        lines.append(
            f"| {row.label} | {row.small:.0f} | {row.large:.0f} | "
            f"{row.small / static:.1f} | {row.large / row.small:.1f} |"
        )
    return "\n".join(lines)


@contextmanager
def postgres_urls(scales: list[int]) -> Iterator[dict[int, str]]:
    from tests.pg import ThrowawayCluster, create_database

    cluster = ThrowawayCluster()
    cluster.start()
    try:
        yield {scale: create_database(cluster.url()) for scale in scales}
    finally:
        cluster.stop()


@contextmanager
def empty_database(kind: str, folder: Path, name: str) -> Iterator[str]:
    """A fresh database of `kind` to generate into: a new SQLite file `name` in `folder` (one
    left from an earlier run is removed first) or a database in a throwaway PostgreSQL
    cluster, stopped afterwards."""
    if kind == "sqlite":
        folder.mkdir(parents=True, exist_ok=True)
        for leftover in folder.glob(f"{name}.sqlite*"):  # -wal and -shm too
            leftover.unlink()
        yield f"sqlite:///{folder / f'{name}.sqlite'}"
    elif kind == "postgresql":
        with postgres_urls([1]) as urls:
            yield urls[1]
    else:
        raise SystemExit(f"unknown database kind {kind!r}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--scale", type=int, default=100, help="the large size (default 100)")
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--dir", default="/tmp/formaga-bench", help="where SQLite files live")
    parser.add_argument("--fresh", action="store_true", help="delete and rebuild the SQLite files")
    args = parser.parse_args()
    scales = [1, args.scale]
    print(f"load before: {os.getloadavg()[0]:.2f} (1 min), {os.cpu_count()} cores", flush=True)
    tables = []
    for kind in args.databases.split(","):
        print(f"{kind}:", flush=True)
        with ExitStack() as stack:
            if kind == "sqlite":
                Path(args.dir).mkdir(parents=True, exist_ok=True)
                files = {s: Path(args.dir) / f"bench{s}.sqlite" for s in scales}
                if args.fresh:
                    for file in files.values():
                        for leftover in file.parent.glob(f"{file.name}*"):  # -wal, -shm too
                            leftover.unlink()
                urls = {s: f"sqlite:///{file}" for s, file in files.items()}
                fresh = args.fresh
            elif kind == "postgresql":
                urls = stack.enter_context(postgres_urls(scales))
                fresh = True
            else:
                raise SystemExit(f"unknown database kind {kind!r}")
            static, rows = measure(urls, args.repeat, fresh)
        tables.append(table(kind, args.scale, static, rows))
    print(f"load after: {os.getloadavg()[0]:.2f} (1 min)")
    print()
    print("\n\n".join(tables))


if __name__ == "__main__":
    main()
