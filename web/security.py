"""Security headers on every response, and safe redirect targets."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from typing import Any, TypeGuard
from urllib.parse import urlsplit

from flask import Flask, Response, request
from werkzeug.middleware.proxy_fix import ProxyFix

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'; "
    "object-src 'none'; frame-ancestors 'none'"
)


def add_security_headers(response: Response) -> Response:
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    if request.endpoint != "static":
        # The one caching rule: every page, answer and download (docx, pdf, xlsx, csv, the
        # calendar feed) may hold what only this user may read, so no browser or proxy keeps
        # a copy. Views set no Cache-Control of their own.
        response.headers["Cache-Control"] = "no-store"
    return response


def is_safe_next(target: str | None) -> TypeGuard[str]:
    """Only local paths: no scheme, no host, no protocol-relative `//evil`, no backslashes, and
    no control characters (a raw CR/LF would split the Location header: a 500, issue 23 F10)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return False
    if any(ord(char) < 0x20 or ord(char) == 0x7F for char in target):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc


Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_proxies(setting: str | Iterable[str] | None) -> list[Network]:
    """FORMAGA_TRUSTED_PROXIES: comma-separated addresses or networks (10.0.0.5, 10.1.0.0/16)."""
    items = setting.split(",") if isinstance(setting, str) else list(setting or ())
    return [ipaddress.ip_network(item.strip(), strict=False) for item in items if item.strip()]


class TrustedProxyFix:
    """Werkzeug's ProxyFix (one proxy hop: X-Forwarded-For and -Proto), applied only when the
    request comes straight from one of the configured reverse proxies.

    Anyone else's X-Forwarded-For is ignored, so a client cannot choose the address the login
    throttle counts against, and nobody behind the proxy shares one address in the throttle.
    """

    def __init__(self, wsgi_app: Any, proxies: list[Network]) -> None:
        self.plain = wsgi_app
        self.fixed = ProxyFix(wsgi_app, x_for=1, x_proto=1)
        self.proxies = proxies

    def _trusted(self, address: str | None) -> bool:
        try:
            ip = ipaddress.ip_address(address or "")
        except ValueError:
            return False
        return any(ip in network for network in self.proxies)

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        if self._trusted(environ.get("REMOTE_ADDR")):
            return self.fixed(environ, start_response)
        return self.plain(environ, start_response)


def init_security(app: Flask) -> None:
    app.after_request(add_security_headers)
    proxies = parse_proxies(app.config.get("TRUSTED_PROXIES"))
    if proxies:
        app.wsgi_app = TrustedProxyFix(app.wsgi_app, proxies)  # type: ignore[method-assign]
