"""English works after a plain `pip install .`, not only in a developer's checkout.

The package is built from a copy of the files a fresh clone has (no compiled .mo) and
installed the way a user does it (`pip install .`, with build isolation, so the catalogue is
compiled by the build step in setup.py) into a directory of its own. The app then runs from
that directory, not from the source tree, on a fresh SQLite database, and five pages and one
refused form are read with `?lang=en`. Dependencies come from the running environment
(`--no-deps`) so that the test stays fast.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]

PROBE = r"""
import json, sys
import sqlalchemy as sa
import sqlalchemy.orm as so
import capabilities, web
from capabilities import migrate
from capabilities.db import make_engine
from capabilities.models import Capability
from capabilities.services import create_user
from capabilities.services.users import NewUser
from importers.seed import seed
from web.app import create_app

url, password = sys.argv[1], "ett-långt-lösenord-för-testet"
migrate.upgrade(url)
engine = make_engine(url)
with so.Session(engine) as session:
    seed(session)
    create_user(session, None, NewUser(username="reader", display_name="Reader", role="admin",
                                       password=password, can_see_confidential=True))
    session.commit()
    capability_id = session.scalar(sa.select(Capability.id).where(Capability.number == "2.1.1"))
engine.dispose()
app = create_app({"DATABASE_URL": url, "SECRET_KEY": "probe", "WTF_CSRF_ENABLED": False})
client = app.test_client()
client.post("/login", data={"username": "reader", "password": password})
new_status = {"level": "2", "summary": "Lagren räcker en vecka.", "assessed_on": "2026-01-15"}
saved = client.post("/capabilities/2.1.1/assessments/new", data=new_status)
measure = {"title": "Beredskapslager", "state": "pågående", "capability_ids": [str(capability_id)]}
created = client.post("/measures/new", data=measure)
out = {"files": [capabilities.__file__, web.__file__], "saved": [saved.status_code,
       created.status_code]}
for name, path in [("dashboard", "/"), ("register", "/register"),
                   ("capability", "/capabilities/2.1.1"), ("measures", "/measures/"),
                   ("gaps", "/gaps")]:
    response = client.get(path + "?lang=en")
    out[name] = [response.status_code, response.get_data(as_text=True)]
refused = client.post("/capabilities/2.1.2/assessments/new?lang=en", data={"summary": ""})
out["refused"] = [refused.status_code, refused.get_data(as_text=True)]
print("PROBE" + json.dumps(out))
"""


def fresh_clone(destination: Path) -> Path:
    """The files a clone would have: tracked and not-ignored ones (no .mo, no build/)."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        check=True,
        capture_output=True,
    ).stdout.split(b"\0")
    for name in filter(None, (item.decode() for item in listed)):
        source = ROOT / name
        if source.is_file():
            (destination / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, destination / name)
    assert not list(destination.rglob("*.mo"))
    return destination


@pytest.fixture(scope="module")
def english_pages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    clone = fresh_clone(tmp_path_factory.mktemp("clone"))
    target = tmp_path_factory.mktemp("installed")
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", target, "."],
        cwd=clone,
        check=True,
        capture_output=True,
    )
    compiled = target / "web" / "translations" / "en" / "LC_MESSAGES" / "messages.mo"
    assert compiled.is_file(), "the build did not compile the English catalogue"
    work = tmp_path_factory.mktemp("probe")
    # the seed data is the checkout's data/ (FORMAGA_DATA_DIR), as for `formaga init`
    env = {**os.environ, "PYTHONPATH": str(target), "FORMAGA_DATA_DIR": str(ROOT / "data")}
    result = subprocess.run(
        [sys.executable, "-c", PROBE, f"sqlite:///{work / 'probe.sqlite'}"],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    line = next(line for line in result.stdout.splitlines() if line.startswith("PROBE"))
    pages: dict[str, Any] = json.loads(line[len("PROBE") :])
    pages["target"] = str(target)
    return pages


def test_the_probe_ran_the_installed_copy(english_pages: dict[str, Any]) -> None:
    for module in english_pages["files"]:
        assert module.startswith(english_pages["target"]), module
    assert english_pages["saved"] == [302, 302]


@pytest.mark.parametrize(
    ("page", "english", "swedish"),
    [
        ("dashboard", ["Overview", "Limited capacity", "Coverage gaps"], ["Antal per nivå"]),
        (
            "register",
            ["Capability structure register", "Showing 62 sub-capabilities.", "Limited capacity"],
            ["delförmågor visas", "Begränsad förmåga"],
        ),
        (
            "capability",
            ["Current status", "Limited capacity", "– ongoing", "The system (seed)"],
            ["Begränsad förmåga", "– pågående", "Systemet (seed)"],
        ),
        (
            "measures",
            ["Capability-raising measures", ">ongoing<", "1 measure matches."],
            [">pågående<"],
        ),
        ("gaps", ["Coverage gaps", "Status as of"], ["Läget den"]),
    ],
)
def test_pages_are_english(
    english_pages: dict[str, Any], page: str, english: list[str], swedish: list[str]
) -> None:
    status, html = english_pages[page]
    assert status == 200
    assert '<html lang="en">' in html
    for text in english:
        assert text in html, text
    for text in swedish:
        assert text not in html, text


def test_a_refused_form_explains_itself_in_english(english_pages: dict[str, Any]) -> None:
    status, html = english_pages["refused"]
    assert status == 422
    assert "Level must be selected." in html
    assert "Status description must be filled in." in html
    assert "Nivå måste väljas." not in html
    # the error summary does not repeat the field's name in front of the message
    assert "Level: Level must be selected." not in html
