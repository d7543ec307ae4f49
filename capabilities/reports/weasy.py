"""The one way the package calls WeasyPrint: package stylesheets and a package-only fetcher.

WeasyPrint fetches whatever the HTML or CSS names: stylesheets, images, fonts, and files
named by `<link rel=attachment>` / `<a rel=attachment>`, which it embeds in the PDF. A report
is built only from the package's own templates, so `PackageFetcher` serves files inside the
report templates directory and refuses every other URL (file: elsewhere, http:, https:,
data:, ftp:) without reading it. Even markup that slipped into the HTML then cannot attach a
server file or make the server request a URL (issue 23, F1).
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import IO, Any
from urllib.parse import unquote, urlsplit

from weasyprint import CSS, HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

ASSETS = Path(__file__).resolve().parent / "templates"

log = logging.getLogger(__name__)


def package_file(url: str) -> Path | None:
    """The file a `file:` URL names if it lies inside the report assets, else None."""
    parts = urlsplit(url)
    if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
        return None
    path = Path(unquote(parts.path)).resolve()
    return path if path.is_relative_to(ASSETS) and path.is_file() else None


class PackageFetcher(URLFetcher):  # type: ignore[misc]  # WeasyPrint is untyped
    """Serves the report package's own files; refuses every other URL, unread."""

    def fetch(self, url: str, headers: Any = None) -> Any:
        path = package_file(url)
        if path is None:
            log.warning("PDF: refused to fetch %.200r", url)
            raise ValueError(f"Rapporten hämtar inte {url[:200]!r}")
        return URLFetcherResponse(path.as_uri(), path.read_bytes())


def html_to_pdf(html: str, stream: IO[bytes], stylesheets: tuple[str, ...]) -> None:
    """Write `html` as a tagged PDF (PDF/UA-1) styled by the named package stylesheets."""
    fetcher = PackageFetcher()
    sheets = [CSS(filename=str(ASSETS / name), url_fetcher=fetcher) for name in stylesheets]
    document = HTML(string=html, base_url=ASSETS.as_uri() + "/", url_fetcher=fetcher)
    document.write_pdf(stream, stylesheets=sheets, pdf_variant="pdf/ua-1")
