"""Two app processes (waitress, `formaga serve`) against one PostgreSQL database.

A login made on one process works on the other; a logout on one ends the session on the
other (the session generation lives in the database); the login throttle counts failures made
on either (the attempts live in the database), also when the attempts come all at once; and
an edit based on a stale version is refused whichever process the first edit went to.
"""

from __future__ import annotations

import http.client
import os
import re
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

import pytest
import sqlalchemy as sa
import sqlalchemy.orm as so

from capabilities import migrate, services
from capabilities.db import make_engine
from capabilities.models import Capability, Measure
from capabilities.services.measures import MeasureInput
from capabilities.services.users import NewUser
from importers.seed import seed
from tests.conftest import PASSWORD
from tests.live import free_port

_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
_VERSION = re.compile(r'name="version" type="hidden" value="(\d+)"')


@dataclass
class Browser:
    """A cookie jar of one: the Flask session cookie, sent to whichever process is asked."""

    cookie: str | None = None
    last: dict[str, str] = field(default_factory=dict)

    def request(
        self, port: int, method: str, path: str, data: dict[str, str] | None = None
    ) -> tuple[int, str, str]:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        headers = {"Cookie": f"session={self.cookie}"} if self.cookie else {}
        body = None
        if data is not None:
            body = urlencode(data)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode("utf-8", "replace")
            for name, value in response.getheaders():
                if name.lower() == "set-cookie" and value.startswith("session="):
                    self.cookie = value.split(";", 1)[0].split("=", 1)[1] or None
            return response.status, response.getheader("Location") or "", text
        finally:
            connection.close()

    def csrf(self, port: int, path: str) -> str:
        _status, _location, html = self.request(port, "GET", path)
        match = _CSRF.search(html)
        assert match, f"no csrf token on {path}"
        return match.group(1)

    def login(self, port: int, username: str, password: str) -> int:
        token = self.csrf(port, "/login")
        status, _location, _html = self.request(
            port,
            "POST",
            "/login",
            {"csrf_token": token, "username": username, "password": password},
        )
        return status

    def logged_in(self, port: int) -> bool:
        status, location, _html = self.request(port, "GET", "/")
        return status == 200 and not location


@pytest.fixture(scope="module")
def database(fresh_database_url: Callable[[str], str]) -> str:
    url = fresh_database_url("postgresql")
    migrate.upgrade(url)
    engine = make_engine(url)
    with so.Session(engine) as session:
        seed(session)
        member = services.create_user(
            session,
            None,
            NewUser(username="anna", display_name="Anna", role="medlem", password=PASSWORD),
        )
        services.create_user(
            session,
            None,
            NewUser(username="cecilia", display_name="Cecilia", role="medlem", password=PASSWORD),
        )
        services.create_user(
            session,
            None,
            NewUser(username="bertil", display_name="Bertil", role="medlem", password=PASSWORD),
        )
        capability = session.scalars(sa.select(Capability).order_by(Capability.sort_key)).first()
        assert capability is not None
        services.create_measure(
            session, member, MeasureInput(title="Gemensam åtgärd", capability_ids=[capability.id])
        )
        session.commit()
    engine.dispose()
    return url


@pytest.fixture(scope="module")
def ports(database: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[int, int]]:
    env = {
        **os.environ,
        "DATABASE_URL": database,
        "SECRET_KEY": "delad-nyckel-for-bada-processerna",
        "FORMAGA_PASSWORD_PROFILE": "test",
    }
    formaga = Path(sys.executable).with_name("formaga")
    logs = tmp_path_factory.mktemp("two-processes")
    chosen = (free_port(), free_port())
    outputs = [(logs / f"{port}.out").open("w") for port in chosen]
    processes = [
        subprocess.Popen(
            [str(formaga), "serve", "--host", "127.0.0.1", "--port", str(port), "--threads", "4"],
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
        for port, output in zip(chosen, outputs, strict=True)
    ]
    try:
        deadline = time.monotonic() + 60
        for port, process in zip(chosen, processes, strict=True):
            while True:
                assert process.poll() is None, (logs / f"{port}.out").read_text()
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=1).close()
                    break
                except OSError:
                    assert time.monotonic() < deadline, "formaga serve did not start"
                    time.sleep(0.2)
        yield chosen
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        for output in outputs:
            output.close()


def test_login_on_one_process_works_on_the_other_and_logout_ends_it_on_both(
    ports: tuple[int, int],
) -> None:
    a, b = ports
    laptop = Browser()
    assert laptop.login(a, "anna", PASSWORD) == 302
    assert laptop.logged_in(a) and laptop.logged_in(b)
    copy = Browser(cookie=laptop.cookie)  # the same cookie, stolen or on another tab
    assert copy.logged_in(b)
    token = laptop.csrf(b, "/account/password")
    status, _location, _html = laptop.request(b, "POST", "/logout", {"csrf_token": token})
    assert status == 302
    assert not copy.logged_in(a) and not copy.logged_in(b)


def test_login_throttle_counts_failures_made_on_either_process(ports: tuple[int, int]) -> None:
    a, b = ports
    from capabilities.services.login import MAX_FAILURES

    for n in range(MAX_FAILURES):
        assert Browser().login(a if n % 2 else b, "bertil", "fel-lösenord-igen") == 401
    assert Browser().login(a, "bertil", PASSWORD) == 429
    assert Browser().login(b, "bertil", PASSWORD) == 429


def test_conflicting_edit_is_refused_whichever_process_saved_first(
    ports: tuple[int, int], database: str
) -> None:
    a, b = ports
    engine = make_engine(database)
    with so.Session(engine) as session:
        measure = session.scalars(
            sa.select(Measure).where(Measure.title == "Gemensam åtgärd")
        ).one()
        measure_id = measure.id
        capability_id = str(measure.capability_links[0].capability_id)
    engine.dispose()
    first, second = Browser(), Browser()
    assert first.login(a, "anna", PASSWORD) == 302
    assert second.login(b, "anna", PASSWORD) == 302
    forms = []
    for browser, port in ((first, a), (second, b)):
        _status, _location, html = browser.request(port, "GET", f"/measures/{measure_id}/edit")
        version, token = _VERSION.search(html), _CSRF.search(html)
        assert version and token
        forms.append({"version": version.group(1), "csrf_token": token.group(1)})
    assert forms[0]["version"] == forms[1]["version"]
    common = {"capability_ids": capability_id, "state": "förslag", "priority": ""}

    def save(browser: Browser, port: int, form: dict[str, str], title: str) -> int:
        data = {**common, **form, "title": title}
        return browser.request(port, "POST", f"/measures/{measure_id}/edit", data)[0]

    assert save(first, a, forms[0], "Första processens titel") == 302
    assert save(second, b, forms[1], "Andra processens titel") == 409
    engine = make_engine(database)
    with so.Session(engine) as session:
        assert session.get(Measure, measure_id).title == "Första processens titel"  # type: ignore[union-attr]
    engine.dispose()


def test_parallel_wrong_passwords_on_two_processes_get_at_most_the_limit_evaluated(
    ports: tuple[int, int], database: str
) -> None:
    """Issue 23, F7: counting failures and recording one were two statements, so 30 parallel
    attempts all counted too few: 12 were evaluated with one process, 20 with two (limit 5)."""
    from capabilities.models import LoginAttempt
    from capabilities.services.login import MAX_FAILURES

    a, b = ports
    attempts = 30
    browsers = [Browser() for _ in range(attempts)]
    tokens = [browser.csrf(a if n % 2 else b, "/login") for n, browser in enumerate(browsers)]
    start = threading.Barrier(attempts)

    def attempt(n: int) -> int:
        start.wait()
        return browsers[n].request(
            a if n % 2 else b,
            "POST",
            "/login",
            {"csrf_token": tokens[n], "username": "cecilia", "password": "gissning-nummer-ett"},
        )[0]

    with ThreadPoolExecutor(max_workers=attempts) as pool:
        statuses = list(pool.map(attempt, range(attempts)))
    assert set(statuses) <= {401, 429}, statuses
    assert statuses.count(401) <= MAX_FAILURES, statuses
    assert statuses.count(401) + statuses.count(429) == attempts
    engine = make_engine(database)
    with so.Session(engine) as session:
        recorded = session.scalar(
            sa.select(sa.func.count(LoginAttempt.id)).where(LoginAttempt.username == "cecilia")
        )
    engine.dispose()
    assert recorded == statuses.count(401)
