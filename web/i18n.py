"""Language: Swedish first, English second. Chosen by ?lang=, remembered in a cookie."""

from __future__ import annotations

from flask import request

LANGUAGES = ("sv", "en")
DEFAULT_LANGUAGE = "sv"
COOKIE = "lang"


def select_locale() -> str:
    wanted = request.args.get("lang") or request.cookies.get(COOKIE)
    return wanted if wanted in LANGUAGES else DEFAULT_LANGUAGE
