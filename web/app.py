"""Application factory."""

from __future__ import annotations

import os
import secrets
from typing import Any

from flask import Flask, render_template_string

from capabilities.db import database_url
from capabilities.queries.register import register_rows
from web.db import db_session, init_db

PLACEHOLDER = """<!doctype html><html lang="sv"><head><meta charset="utf-8">
<title>Förmågeregistret</title></head><body><h1>Förmågeregistret</h1>
<p>{{ rows|length }} delförmågor.</p>
<ul>{% for r in rows %}<li>{{ r.number }} {{ r.title }}</li>{% endfor %}</ul></body></html>"""


def create_app(config: dict[str, Any] | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=False)
    app.config.update(
        DATABASE_URL=database_url(),
        SECRET_KEY=os.environ.get("SECRET_KEY") or secrets.token_hex(32),
    )
    if config:
        app.config.update(config)
    init_db(app)

    @app.get("/")
    def index() -> str:
        rows = register_rows(db_session())
        return render_template_string(PLACEHOLDER, rows=rows)

    return app
