"""Issue 23, F12 (part): unconfirmed import uploads are private and expire after an hour.

Before, they stayed for ever in the shared temp folder with mode 0644.
"""

from __future__ import annotations

import io
import os
import stat
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
import sqlalchemy.orm as so

from capabilities.models import StatusAssessment, User
from tests.conftest import post
from web.reports import pending

HOURS_AGO = time.time() - 2 * 3600


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _preview(client: Any) -> str:
    """Upload an export with one changed row; the token of the stored upload."""
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(client.get("/reports/export?format=xlsx").data))
    wb["Uppdatering"].cell(3, 7).value = 3
    wb["Uppdatering"].cell(3, 8).value = "Ny status"
    buffer = io.BytesIO()
    wb.save(buffer)
    response = post(
        client,
        "/reports/import",
        {"file": (io.BytesIO(buffer.getvalue()), "u.xlsx")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    return html.split('name="token" type="hidden" value="')[1].split('"')[0]


def _old(path: Path) -> Path:
    path.write_bytes(b"PK")
    os.utime(path, (HOURS_AGO, HOURS_AGO))
    return path


def test_the_default_folder_is_the_apps_own_not_the_shared_temp_folder(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("FORMAGA_IMPORT_DIR", raising=False)
    folder = Path(pending.default_folder())
    # The checkout's own instance folder — wherever the checkout is (a CI clone may sit in
    # /tmp) — never the shared temporary folder itself.
    assert folder == pending.PROJECT_ROOT / "instance" / "imports"
    assert folder.parent.parent != Path(tempfile.gettempdir())
    monkeypatch.setenv("FORMAGA_IMPORT_DIR", "/srv/formaga/uppladdningar")
    assert pending.default_folder() == "/srv/formaga/uppladdningar"


def test_a_previewed_upload_is_kept_private(
    client: Any, app: Any, as_role: Callable[..., User], tmp_path: Path
) -> None:
    folder = tmp_path / "imports"
    app.config["IMPORT_DIR"] = str(folder)
    as_role("medlem")
    token = _preview(client)
    stored = folder / f"{token}.xlsx"
    assert _mode(folder) == 0o700 and _mode(stored) == 0o600
    assert folder.stat().st_uid == os.getuid() == stored.stat().st_uid


def test_a_folder_others_may_enter_is_closed(
    client: Any, app: Any, as_role: Callable[..., User], tmp_path: Path
) -> None:
    folder = tmp_path / "imports"
    folder.mkdir(mode=0o755)
    folder.chmod(0o755)
    app.config["IMPORT_DIR"] = str(folder)
    as_role("medlem")
    _preview(client)
    assert _mode(folder) == 0o700


@pytest.mark.skipif(os.getuid() != 0, reason="needs root to give the folder to someone else")
def test_a_folder_of_another_user_is_refused(app: Any, tmp_path: Path) -> None:
    folder = tmp_path / "imports"
    folder.mkdir(mode=0o700)
    os.chown(folder, 65534, 65534)  # nobody
    app.config["IMPORT_DIR"] = str(folder)
    with app.test_request_context(), pytest.raises(RuntimeError, match="not a folder of"):
        pending.store(b"PK")


def test_uploads_older_than_an_hour_are_deleted_on_the_next_upload(
    client: Any, app: Any, as_role: Callable[..., User], tmp_path: Path
) -> None:
    folder = tmp_path / "imports"
    folder.mkdir(mode=0o700)
    app.config["IMPORT_DIR"] = str(folder)
    expired = _old(folder / f"{'a' * 32}.xlsx")
    recent = folder / f"{'b' * 32}.xlsx"
    recent.write_bytes(b"PK")
    as_role("medlem")
    token = _preview(client)
    assert not expired.exists()
    assert recent.exists() and (folder / f"{token}.xlsx").exists()


def test_uploads_older_than_an_hour_are_deleted_at_start_up(tmp_path: Path) -> None:
    from web.app import create_app

    folder = tmp_path / "imports"
    folder.mkdir(mode=0o700)
    expired = _old(folder / f"{'c' * 32}.xlsx")
    app = create_app(
        {"DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite'}", "IMPORT_DIR": str(folder)}
    )
    app.extensions["formaga_engine"].dispose()
    assert not expired.exists()


def test_confirming_an_expired_upload_writes_nothing(
    client: Any,
    app: Any,
    session: so.Session,
    as_role: Callable[..., User],
    tmp_path: Path,
) -> None:
    folder = tmp_path / "imports"
    app.config["IMPORT_DIR"] = str(folder)
    as_role("medlem")
    token = _preview(client)
    stored = folder / f"{token}.xlsx"
    os.utime(stored, (HOURS_AGO, HOURS_AGO))
    response = post(client, "/reports/import/confirm", {"token": token}, follow_redirects=True)
    assert "Förhandsgranskningen har gått ut" in response.get_data(as_text=True)
    assert not stored.exists()
    assert session.scalar(sa.select(sa.func.count(StatusAssessment.id))) == 0
