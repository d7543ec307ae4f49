"""Password hashing with Argon2id (memory-hard), and generation of first passwords."""

from __future__ import annotations

import os
import secrets

from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError

# The test suite sets FORMAGA_PASSWORD_PROFILE=test: hashing with production parameters for every
# test user dominated the suite's run time. Production never sets it.
TEST_PROFILE_VARIABLE = "FORMAGA_PASSWORD_PROFILE"


def make_hasher(profile: str | None = None) -> PasswordHasher:
    """Argon2id with RFC 9106's low-memory parameters, or the cheapest profile for tests."""
    if profile == "test":
        return PasswordHasher.from_parameters(profiles.CHEAPEST)
    return PasswordHasher.from_parameters(profiles.RFC_9106_LOW_MEMORY)


_hasher = make_hasher(os.environ.get(TEST_PROFILE_VARIABLE))
MIN_PASSWORD_LENGTH = 12

# A hash to verify against when the username is unknown, so timing does not reveal it.
_DUMMY_HASH = _hasher.hash("dummy-password-for-timing")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


def generate_password() -> str:
    """A random password that is easy to type: 4 groups of 5 characters."""
    alphabet = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "-".join("".join(secrets.choice(alphabet) for _ in range(5)) for _ in range(4))
