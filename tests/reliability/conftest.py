"""Reliability tests: a real database of each kind, a real server, real concurrent clients.

Unlike the rest of the suite these tests commit: each gets its own freshly migrated and seeded
database (SQLite file or PostgreSQL database), never the shared rolled-back one.
"""

from __future__ import annotations

import http.client
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import urlencode

import pytest
import sqlalchemy.orm as so

from capabilities import migrate
from capabilities.db import make_engine
from importers.seed import seed
from tests.conftest import PASSWORD
from tests.live import waitress_thread


@pytest.fixture(params=["sqlite", "postgresql"])
def kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def seeded_database(
    kind: str, fresh_database_url: Callable[[str], str]
) -> Callable[[Callable[[so.Session], Any] | None], tuple[str, Any]]:
    """Factory: a new migrated + seeded database; `prepare(session)` adds data (committed)."""

    def make(prepare: Callable[[so.Session], Any] | None = None) -> tuple[str, Any]:
        url = fresh_database_url(kind)
        migrate.upgrade(url)
        engine = make_engine(url)
        try:
            with so.Session(engine, expire_on_commit=False) as session:
                seed(session)
                extra = prepare(session) if prepare else None
                session.commit()
        finally:
            engine.dispose()
        return url, extra

    return make


@contextmanager
def served(url: str, threads: int = 8) -> Iterator[tuple[str, int]]:
    """The real app under waitress on a free loopback port; yields (host, port)."""
    from web.app import create_app

    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "reliability"})
    try:
        with waitress_thread(app, threads) as port:
            yield "127.0.0.1", port
    finally:
        app.extensions["formaga_engine"].dispose()


# --- a browser-like HTTP client without requests ---------------------------------------------


@dataclass
class Form:
    action: str | None
    method: str
    fields: list[tuple[str, str]] = field(default_factory=list)

    def names(self) -> set[str]:
        return {name for name, _ in self.fields}

    def data(self, **changes: str) -> list[tuple[str, str]]:
        """The form as a browser would submit it, with some fields replaced."""
        kept = [(n, v) for n, v in self.fields if n not in changes]
        return kept + list(changes.items())


class _FormParser(HTMLParser):
    """Collects every form's submittable fields (inputs, checked boxes, selected options)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: str | None = None
        self._textarea: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self._form = Form(a.get("action"), a.get("method", "get").lower())
            self.forms.append(self._form)
        if self._form is None:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text").lower()
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            if kind not in ("submit", "button", "reset", "file"):
                self._form.fields.append((name, a.get("value", "on" if kind == "checkbox" else "")))
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and "selected" in a:
            self._form.fields.append((self._select, a.get("value", "")))
        elif tag == "textarea" and name:
            self._textarea, self._text = name, []

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea" and self._textarea is not None and self._form is not None:
            text = "".join(self._text)
            self._form.fields.append((self._textarea, text.removeprefix("\n")))
            self._textarea = None


def forms(html: str) -> list[Form]:
    parser = _FormParser()
    parser.feed(html)
    return parser.forms


def form_with(html: str, field_name: str) -> Form:
    """The POST form that has a field called `field_name`."""
    for form in forms(html):
        if form.method == "post" and field_name in form.names():
            return form
    raise AssertionError(f"no POST form with {field_name!r}")


@dataclass
class Response:
    status: int
    body: str
    location: str | None


class Client:
    """One browser: a keep-alive connection and a cookie jar (http.client, no requests)."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.conn = http.client.HTTPConnection(host, port, timeout=120)
        self.cookies: dict[str, str] = {}

    def request(
        self, method: str, path: str, data: list[tuple[str, str]] | None = None
    ) -> Response:
        headers = {"Accept-Language": "sv"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if data is not None:
            body = urlencode(data).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        self.conn.request(method, path, body=body, headers=headers)
        reply = self.conn.getresponse()
        text = reply.read().decode("utf-8", "replace")
        for header in reply.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                if (morsel["expires"] and "1970" in morsel["expires"]) or not morsel.value:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        return Response(reply.status, text, reply.headers.get("Location"))

    def get(self, path: str) -> Response:
        return self.request("GET", path)

    def post(self, path: str, data: list[tuple[str, str]]) -> Response:
        return self.request("POST", path, data)

    def login(self, username: str, password: str = PASSWORD) -> None:
        form = form_with(self.get("/login").body, "csrf_token")
        reply = self.post("/login", form.data(username=username, password=password))
        assert reply.status == 302, (reply.status, reply.body[:500])

    def close(self) -> None:
        self.conn.close()


def message_in(html: str) -> str:
    """The visible text of an error page or conflict box, roughly, for assertions."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
