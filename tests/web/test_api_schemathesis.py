"""Schemathesis against /api/v1: generated requests from the OpenAPI document.

Every operation is called with generated parameters (valid and invalid) under a valid bearer
token; the default checks must hold: no server error, status codes, content types, headers and
bodies as the document declares.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from capabilities import services
from capabilities.models import User

MAX_EXAMPLES = 30
CASES: dict[str, int] = {}


@pytest.fixture(scope="module", autouse=True)
def _report_cases() -> Iterator[None]:
    yield
    print(f"\nschemathesis: {sum(CASES.values())} cases over {len(CASES)} operations")


@pytest.fixture
def bearer_headers(session: Any, make_user: Callable[..., User]) -> dict[str, str]:
    user = make_user("läsare")
    _token, plain = services.create_token(session, user, name="Schemathesis")
    session.commit()
    return {"Authorization": f"Bearer {plain}"}


def test_api_conforms_to_its_openapi_document(app: Any, bearer_headers: dict[str, str]) -> None:
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 8
    failures: list[str] = []
    for operation in operations:
        run = _fuzz(operation, bearer_headers)
        key = f"{operation.method.upper()} {operation.path}"
        try:
            run()
        except Exception as exc:  # collect every operation's failure, not just the first
            failures.append(f"{key}: {exc}")
    assert not failures, "\n\n".join(failures)


def _fuzz(operation: Any, headers: dict[str, str]) -> Callable[[], None]:
    key = f"{operation.method.upper()} {operation.path}"

    @given(case=operation.as_strategy())
    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def run(case: Any) -> None:
        CASES[key] = CASES.get(key, 0) + 1
        case.call_and_validate(headers=headers)

    return run  # type: ignore[no-any-return]


def test_page_limit_is_the_documented_one_and_empty_as_of_is_refused(
    client: Any, bearer_headers: dict[str, str]
) -> None:
    """L12: a page the OpenAPI document allows is accepted; an empty as_of= is refused."""
    far = client.get("/api/v1/capabilities?page=999999999", headers=bearer_headers)
    assert far.status_code == 200 and far.get_json()["items"] == []
    beyond = client.get("/api/v1/capabilities?page=1000000000", headers=bearer_headers)
    assert beyond.status_code == 400
    assert "från 1 till 999999999" in beyond.get_json()["message"]
    empty = client.get("/api/v1/capabilities?as_of=", headers=bearer_headers)
    assert empty.status_code == 400 and "as_of" in empty.get_json()["message"]
