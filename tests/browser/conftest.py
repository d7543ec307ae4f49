"""Browser tests: the real app under waitress on loopback, driven by Playwright + Debian Chromium.

Never `playwright install`: the browser is /usr/bin/chromium (apt-get install chromium).
Missing browser → skip loudly; with REQUIRE_BROWSER=1 (CI) → fail.
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy.orm as so

from capabilities import migrate
from capabilities.db import make_engine
from capabilities.services import create_user
from capabilities.services.users import NewUser
from importers.seed import seed
from tests.conftest import PASSWORD
from tests.live import waitress_thread

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "screenshots"


def _skip_or_fail(reason: str) -> None:
    if os.environ.get("REQUIRE_BROWSER", "") not in ("", "0", "false"):
        pytest.fail(f"Browser tests are required (REQUIRE_BROWSER=1): {reason}")
    sys.stderr.write(f"\n*** SKIPPING browser tests: {reason} ***\n")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        _skip_or_fail(f"{CHROMIUM} not found (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:  # pragma: no cover
        _skip_or_fail(f"playwright not installed: {exc}")
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        yield instance
        instance.close()


@pytest.fixture(scope="session")
def live_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A seeded SQLite database with the e2e users, made once; each module serves a copy."""
    path = tmp_path_factory.mktemp("live-template") / "live.sqlite"
    url = f"sqlite:///{path}"
    migrate.upgrade(url)
    engine = make_engine(url)
    with so.Session(engine) as session:
        seed(session)
        for role in ("läsare", "medlem", "admin"):
            create_user(
                session,
                None,
                NewUser(
                    username=f"e2e-{role}",
                    display_name=f"E2E {role}",
                    role=role,
                    password=PASSWORD,
                    can_see_confidential=role == "admin",
                ),
            )
        session.commit()
    engine.dispose()
    return path


@pytest.fixture(scope="module")
def live_server(
    live_template: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, Any]]:
    """The app served by waitress on a free loopback port, on a fresh copy of the template
    for each test module: a module builds on its own data only, whichever worker runs it
    and whatever ran there before (the test files are spread over the workers)."""
    from web.app import create_app

    path = tmp_path_factory.mktemp("live") / "live.sqlite"
    shutil.copyfile(live_template, path)
    url = f"sqlite:///{path}"
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "e2e"})
    with waitress_thread(app, threads=4) as port:
        yield {"base": f"http://127.0.0.1:{port}", "app": app, "url": url}


@pytest.fixture
def page(browser: Any, live_server: dict[str, Any]) -> Iterator[Any]:
    context = browser.new_context(base_url=live_server["base"], locale="sv-SE")
    tab = context.new_page()
    yield tab
    context.close()


def log_in(page: Any, username: str) -> None:
    page.goto("/login")
    page.get_by_label("Användarnamn").fill(username)
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_url("**/")


def screenshot(page: Any, name: str) -> None:
    """A full-page image in screenshots/ for a person to look at, taken with
    `make screenshots` (FORMAGA_SCREENSHOTS=1); `make test` asserts the pages but takes none,
    since nobody looks at a CI machine's images and they cost a tenth of the browser run."""
    if os.environ.get("FORMAGA_SCREENSHOTS", "") in ("", "0"):
        return
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def serious_violations(page: Any) -> list[str]:
    """axe-core violations with impact serious or critical, as readable strings."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} – {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v.get("impact") in ("serious", "critical")
    ]
