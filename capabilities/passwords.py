"""Password hashing with Argon2id (memory-hard), and generation of first passwords."""

from __future__ import annotations

import functools
import os
import re
import secrets
from collections.abc import Iterable

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
MAX_PASSWORD_LENGTH = 1024
MIN_DISTINCT_CHARACTERS = 5
MIN_CONTEXT = 4  # shorter names and name parts are not looked for in the password

# Passwords (and their letters-only cores) that lists of leaked passwords put near the top,
# in English and Swedish. Compared case-folded, after removing digits and punctuation too, so
# "Sommar2026!!" counts as "sommar".
COMMON_PASSWORDS = frozenset(
    [
        "password",
        "passw0rd",
        "lösenord",
        "losenord",
        "losen",
        "lösen",
        "qwerty",
        "qwertyuiop",
        "qwertz",
        "azerty",
        "asdfgh",
        "asdfghjkl",
        "zxcvbnm",
        "letmein",
        "welcome",
        "välkommen",
        "valkommen",
        "admin",
        "administrator",
        "root",
        "master",
        "secret",
        "hemlig",
        "hemligt",
        "dragon",
        "monkey",
        "football",
        "fotboll",
        "hockey",
        "sommar",
        "vinter",
        "hösten",
        "höst",
        "våren",
        "vår",
        "sverige",
        "stockholm",
        "göteborg",
        "malmö",
        "iloveyou",
        "princess",
        "sunshine",
        "shadow",
        "superman",
        "batman",
        "trustno",
        "abc",
        "abcdef",
        "abcdefg",
        "abcdefgh",
        "changeme",
        "password",
        "user",
        "användare",
        "anvandare",
        "test",
        "testing",
        "guest",
        "gäst",
        "default",
        "login",
        "inloggning",
        "hejsan",
        "hej",
        "hello",
        "lösenordet",
    ]
)
# Words from this application's own name and context: guessed first for this site.
CONTEXT_WORDS = ("förmåg", "formag", "registret", "socialstyrelsen", "beredskap")
_SEQUENCES = (
    "01234567890123456789",
    "abcdefghijklmnopqrstuvwxyzåäö",
    "qwertyuiopåasdfghjklöäzxcvbnm",
)
_NOT_LETTERS = re.compile(r"[\W\d_]+")
_LEET = str.maketrans("013457@$!", "oleastasi")


@functools.cache
def _dummy_hash() -> str:
    """A hash to verify against when the username is unknown, so timing does not reveal it.
    Made on first use, not at import: importing must stay cheap (`formaga --help`)."""
    return _hasher.hash("dummy-password-for-timing")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return (
            _hasher.verify(password_hash or _dummy_hash(), password) and password_hash is not None
        )
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


def generate_password() -> str:
    """A random password that is easy to type: 4 groups of 5 characters."""
    alphabet = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "-".join("".join(secrets.choice(alphabet) for _ in range(5)) for _ in range(4))


def _is_pattern(folded: str) -> bool:
    """A run like 123456789012, qwertyuiopås, or a short unit repeated (abcabcabcabc)."""
    for sequence in _SEQUENCES:
        if folded in sequence or folded in sequence[::-1]:
            return True
    return any(
        len(folded) % size == 0 and folded == folded[:size] * (len(folded) // size)
        for size in range(1, 5)
    )


def password_problem(password: str | None, context: Iterable[str | None] = ()) -> str | None:
    """Why a new password is refused (Swedish, for the user), or None when it is acceptable.

    Length first; then passwords that are guessed early: few distinct characters, keyboard or
    digit runs, common passwords (also with digits and punctuation added), and passwords that
    contain the username, the user's name or the application's own name (`context`).
    """
    if not password or len(password) < MIN_PASSWORD_LENGTH:
        return f"Lösenordet måste ha minst {MIN_PASSWORD_LENGTH} tecken."
    if len(password) > MAX_PASSWORD_LENGTH:
        return "Lösenordet är för långt."
    folded = password.casefold()
    letters = _NOT_LETTERS.sub("", folded)
    # digits and marks added around a word do not hide it; inside it they stand for letters
    unleet = _NOT_LETTERS.sub("", folded.strip("0123456789!?#.,;:-_*+ ").translate(_LEET))
    if (
        len(set(folded)) < MIN_DISTINCT_CHARACTERS
        or _is_pattern(folded)
        or folded in COMMON_PASSWORDS
        or letters in COMMON_PASSWORDS
        or unleet in COMMON_PASSWORDS
        or (letters and _is_pattern(letters) and len(letters) < MIN_PASSWORD_LENGTH)
    ):
        return (
            "Lösenordet är för vanligt eller för enkelt att gissa. "
            "Välj till exempel en fras av fyra ord som inte hör ihop."
        )
    # a name or username of 4 characters or more, and each such part of it ("anna.svensson")
    words = [w.casefold() for w in context if w]
    parts = [p for w in words for p in (w, *re.split(r"[\s._@-]+", w)) if len(p) >= MIN_CONTEXT]
    if any(word in folded for word in (*CONTEXT_WORDS, *parts)):
        return (
            "Lösenordet får inte innehålla användarnamnet, användarens namn eller "
            "Förmågeregistrets namn."
        )
    return None
