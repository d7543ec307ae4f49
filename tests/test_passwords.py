"""Password hashing: production parameters, and the cheap profile only the suite uses."""

from __future__ import annotations

from argon2 import extract_parameters, profiles

from capabilities import passwords


def test_production_profile_uses_rfc_9106_low_memory_parameters() -> None:
    digest = passwords.make_hasher().hash("korrekt-hast-batteri-häftstift")
    assert extract_parameters(digest) == profiles.RFC_9106_LOW_MEMORY
    assert passwords.make_hasher().verify(digest, "korrekt-hast-batteri-häftstift")


def test_suite_runs_with_the_cheap_profile() -> None:
    digest = passwords.hash_password("korrekt-hast-batteri-häftstift")
    assert extract_parameters(digest) == profiles.CHEAPEST
    assert passwords.verify_password(digest, "korrekt-hast-batteri-häftstift")
    assert not passwords.verify_password(digest, "fel-lösenord-som-är-långt")
