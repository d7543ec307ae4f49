"""The PDF report embeds and fetches nothing it did not put there itself (issue 23, F1).

A round name once went into the report's CSS unescaped: `</style><link rel=attachment ...>`
attached the server's environment to the PDF and made WeasyPrint request an internal URL.
Each test listens on a loopback port and fails if anything connects to it.
"""

from __future__ import annotations

import io
import socket
import subprocess
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import sqlalchemy.orm as so

from capabilities.models import User
from capabilities.reports.data import build_report
from capabilities.reports.pdf import STYLESHEETS, RoundInfo, write_pdf
from capabilities.reports.weasy import ASSETS, PackageFetcher, html_to_pdf


class Listener:
    """A loopback TCP server that records every connection (and answers nothing)."""

    def __init__(self) -> None:
        self.socket = socket.create_server(("127.0.0.1", 0))
        self.socket.settimeout(0.2)
        self.port = self.socket.getsockname()[1]
        self.connections = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.socket.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.connections += 1
            conn.close()

    def close(self) -> None:
        self._stop.set()
        self._thread.join()
        self.socket.close()


@pytest.fixture
def listener() -> Iterator[Listener]:
    server = Listener()
    yield server
    server.close()


def hostile_markup(port: int) -> str:
    return (
        "</style><link rel=attachment href=file:///proc/self/environ>"
        "<link rel=attachment href=file:///etc/passwd>"
        f"<img src=http://127.0.0.1:{port}/x><style>"
    )


def pdf_text(data: bytes) -> str:
    out = subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True)
    return out.stdout.decode()


def assert_nothing_embedded_or_fetched(data: bytes, listener: Listener) -> None:
    assert data.startswith(b"%PDF-")
    assert b"/EmbeddedFile" not in data and b"/Filespec" not in data
    assert b"SECRET_KEY" not in data and b"root:x:" not in data
    assert listener.connections == 0


def test_hostile_round_name_is_text_in_the_pdf(
    session: so.Session, make_user: Callable[..., User], listener: Listener
) -> None:
    name = hostile_markup(listener.port)
    info = RoundInfo(name=name, reference_date="2026-10-01", closed="2026-11-01", sha256="0" * 64)
    buffer = io.BytesIO()
    write_pdf(build_report(session), buffer, info)
    data = buffer.getvalue()
    assert_nothing_embedded_or_fetched(data, listener)
    text = " ".join(pdf_text(data).split())
    assert "</style><link rel=attachment" in text  # the name is shown, as text
    assert "Förmågeregistret, </style><link rel=attachment" in text  # the running header too


@pytest.mark.parametrize(
    "markup",
    [
        '<link rel="attachment" href="file:///etc/passwd">',
        '<a rel="attachment" href="file:///etc/passwd">bilaga</a>',
        '<img src="http://127.0.0.1:{port}/img.png">',
        '<img src="https://127.0.0.1:{port}/img.png">',
        '<div style="background: url(http://127.0.0.1:{port}/bg)">x</div>',
        '<link rel="stylesheet" href="http://127.0.0.1:{port}/s.css">',
        "<style>@import url(http://127.0.0.1:{port}/i.css);</style>",
        "<style>@font-face { font-family: X; src: url(http://127.0.0.1:{port}/f.ttf); }"
        "</style><p style='font-family: X'>x</p>",
        '<img src="data:image/svg+xml,<svg xmlns=%22http://www.w3.org/2000/svg%22>'
        '<image href=%22http://127.0.0.1:{port}/svg%22/></svg>">',
        '<link rel="attachment" href="data:text/plain,hemligt">',
        '<img src="../../../../../etc/passwd">',
    ],
)
def test_the_pdf_fetcher_refuses_everything_outside_the_package(
    markup: str, listener: Listener
) -> None:
    """Even markup that reached the HTML cannot make WeasyPrint read a file or a URL."""
    body = markup.replace("{port}", str(listener.port))
    html = f'<!DOCTYPE html><html lang="sv"><body><p>Rapport</p>{body}</body></html>'
    buffer = io.BytesIO()
    html_to_pdf(html, buffer, STYLESHEETS)
    assert_nothing_embedded_or_fetched(buffer.getvalue(), listener)
    assert b"hemligt" not in buffer.getvalue()


def test_the_pdf_fetcher_serves_the_package_own_files(tmp_path: Path) -> None:
    fetcher = PackageFetcher()
    own = (ASSETS / "report.css").as_uri()
    response = fetcher(own)
    assert b"@page" in response.read()
    response.close()
    outside = tmp_path / "x.css"
    outside.write_text("p {}")
    for url in (outside.as_uri(), (ASSETS / ".." / ".." / "models.py").as_uri()):
        with pytest.raises(ValueError, match="hämtar inte"):
            fetcher(url)


def test_weasyprint_runs_only_through_the_package_fetcher_and_css_is_no_template() -> None:
    """Guard: a new PDF path cannot skip the fetcher, and no value can be templated into CSS."""
    root = Path(__file__).resolve().parent.parent
    sources = [*root.glob("capabilities/**/*.py"), *root.glob("web/**/*.py")]
    callers = [p for p in sources if "weasyprint" in p.read_text(encoding="utf-8")]
    assert [p.relative_to(root).as_posix() for p in callers] == ["capabilities/reports/weasy.py"]
    templates = [*root.glob("capabilities/**/templates/*"), *root.glob("web/**/templates/**/*")]
    for path in templates:
        if path.is_file():
            text = path.read_text(encoding="utf-8")
            assert "|safe" not in text.replace(" ", ""), path
            if path.suffix == ".css":
                assert "{{" not in text and "{%" not in text, path
