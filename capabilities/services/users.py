"""Users: admins create them and set role, organisation and clearance; users set passwords."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, fields, replace
from typing import Any, cast

import sqlalchemy as sa
import sqlalchemy.orm as so

from capabilities.db import stored
from capabilities.errors import PermissionDenied
from capabilities.i18n import N_
from capabilities.models import ROLES, SYSTEM_USERNAME, Actor, User
from capabilities.passwords import hash_password, password_problem, verify_password
from capabilities.services.base import (
    MAX_SHORT,
    Errors,
    audit,
    change_audited,
    check_version,
    flush_versioned,
    require_admin,
    snapshot,
)

log = logging.getLogger(__name__)

SYSTEM_DISPLAY_NAME = N_("Systemet (seed)")
_USERNAME = re.compile(r"^[a-z0-9åäöéü._@-]{2,120}$")
# One @, something on each side, a dot in the domain, no spaces or angle brackets: enough to
# catch typing mistakes and header injection; the mail server does the rest.
_EMAIL = re.compile(r"^[^@\s<>,;]+@[^@\s<>,;]+\.[^@\s<>,;]+$")


def system_user(session: so.Session) -> User:
    """The user the seeder acts as; created on first use, can never log in."""
    user = session.scalar(sa.select(User).where(User.username == SYSTEM_USERNAME))
    if user is None:
        user = User(
            username=SYSTEM_USERNAME,
            display_name=str(SYSTEM_DISPLAY_NAME),
            role="admin",
            is_system=True,
            is_active=True,
            can_see_confidential=False,
        )
        session.add(user)
        session.flush()
    return user


# Fields whose change ends every session of the user (what they may see or do has changed).
SESSION_FIELDS = ("role", "can_see_confidential", "is_active")


def _password_errors(
    errors: Errors,
    password: str | None,
    field: str = "password",
    *,
    username: str | None = None,
    display_name: str | None = None,
) -> None:
    problem = password_problem(password, (username, display_name))
    if problem:
        errors.add(field, problem)


def end_sessions(session: so.Session, user: User) -> None:
    """End every web session of `user` at once: each request compares this generation.

    A Core UPDATE (like the login time) so that it neither bumps the version an admin's open
    edit form relies on nor races with another process doing the same.
    """
    table = cast(sa.Table, User.__table__)
    session.execute(
        sa.update(table)
        .where(table.c.id == user.id)
        .values(session_generation=table.c.session_generation + 1)
    )
    generation = session.scalar(sa.select(table.c.session_generation).where(table.c.id == user.id))
    so.attributes.set_committed_value(user, "session_generation", generation)


def log_out_everywhere(session: so.Session, user: User) -> None:
    """Logging out ends every session of the user, on every device; the caller commits."""
    end_sessions(session, user)
    audit(session, user, user, "logout")
    session.flush()


def _require_cleared_actor(actor: User | None, user: str, what: str, field: str) -> None:
    """Handing out clearance, or the keys to an account that has it, takes an admin who has
    clearance: otherwise an admin without it could make such an account (or take one over)
    and read as it.

    Allowed without the check: `formaga init` creating the first admin (actor None) and the
    console, which acts as the system user: whoever runs `formaga users …` on the server is
    the operator, who can read the database and its backups anyway.
    """
    if actor is None or actor.is_system or actor.can_see_confidential:
        return
    log.warning("Refused: %s without clearance tried to %s for %s", actor.username, what, user)
    messages = {
        "can_see_confidential": N_(
            "Bara en administratör med behörighet till sekretessmarkerade uppgifter kan ge "
            "den behörigheten."
        ),
        "email": N_(
            "Bara en administratör med behörighet till sekretessmarkerade uppgifter kan ändra "
            "e-postadressen för en användare med den behörigheten."
        ),
        "new_password": N_(
            "Bara en administratör med behörighet till sekretessmarkerade uppgifter kan sätta "
            "lösenord för en användare med den behörigheten."
        ),
    }
    raise PermissionDenied(messages[field], field=field)


def _audit_clearance(session: so.Session, actor: User, user: User, before: bool) -> None:
    """Every change of clearance is one kind of event, whether made on creation or later."""
    audit(
        session,
        actor,
        user,
        "change_clearance",
        before={"can_see_confidential": before},
        after={"can_see_confidential": user.can_see_confidential},
    )


@dataclass(frozen=True)
class UserInput:
    """A user's details as the admin form, the CLI or a test gives them; the service checks."""

    display_name: str | None = None
    email: str | None = None
    role: str | None = None
    can_see_confidential: bool = False
    is_active: bool = True
    organisation_id: int | str | None = None

    @classmethod
    def of(cls, user: User) -> UserInput:
        """The user as stored: change a few fields with dataclasses.replace."""
        return cls(**stored(user, (f.name for f in fields(UserInput))))


@dataclass(frozen=True)
class NewUser(UserInput):
    """A new account: the details plus the username (never changed later) and first password."""

    username: str = ""
    password: str = ""


def _validate(session: so.Session, data: UserInput, account: NewUser | None) -> dict[str, Any]:
    """The checked details; for a new account (`account`) also its username and password."""
    errors = Errors()
    clean: dict[str, Any] = {
        "display_name": errors.text(
            "display_name",
            data.display_name,
            label="Namn",
            required=True,
            max_length=MAX_SHORT,
        ),
        "email": errors.text("email", data.email, label="E-post", max_length=MAX_SHORT),
        "role": errors.choice("role", data.role, ROLES, label="Roll"),
        "can_see_confidential": bool(data.can_see_confidential),
        "is_active": bool(data.is_active),
    }
    org = data.organisation_id
    clean["organisation_id"] = int(org) if org not in (None, "") else None
    if (
        clean["organisation_id"] is not None
        and session.get(Actor, clean["organisation_id"]) is None
    ):
        errors.add("organisation_id", N_("Okänd organisation."))
    if clean["email"] and "@" not in clean["email"]:
        errors.add("email", N_("E-postadressen ser inte giltig ut."))
    if account is not None:
        username = (account.username or "").strip().lower()
        if not _USERNAME.match(username):
            errors.add("username", N_("Användarnamnet ska vara 2–120 tecken: a–ö, 0–9, . _ @ -."))
        elif username == SYSTEM_USERNAME or session.scalar(
            sa.select(User.id).where(User.username == username)
        ):
            errors.add(
                "username", N_("Användarnamnet ”%(username)s” är upptaget.", username=username)
            )
        clean["username"] = username
        _password_errors(
            errors,
            account.password,
            username=username,
            display_name=clean["display_name"],
        )
    errors.raise_if_any()
    return clean


def create_user(session: so.Session, actor: User | None, data: NewUser) -> User:
    """Create a user. `actor` is the admin doing it; None only for `formaga init`'s first admin."""
    if actor is not None:
        require_admin(actor)
    clean = _validate(session, data, data)
    if clean["can_see_confidential"]:
        _require_cleared_actor(actor, clean["username"], "create", "can_see_confidential")
    user = User(password_hash=hash_password(data.password), **clean)
    session.add(user)
    session.flush()
    audit(session, actor or user, user, "create", after=snapshot(user))
    if user.can_see_confidential:
        _audit_clearance(session, actor or user, user, False)
    session.flush()
    return user


def update_user(
    session: so.Session, actor: User, user: User, data: UserInput, *, expected_version: int
) -> User:
    """Set role, organisation, clearance, active. Admins cannot demote or deactivate themselves."""
    require_admin(actor)
    if user.is_system:
        raise PermissionDenied(N_("Systemanvändaren kan inte ändras."))
    check_version(user, expected_version, "Användaren")
    clean = _validate(session, data, None)
    if user.id == actor.id and (clean["role"] != "admin" or not clean["is_active"]):
        raise PermissionDenied(
            N_("Du kan inte ta bort din egen administratörsroll eller inaktivera dig själv."),
            field="role" if clean["role"] != "admin" else "is_active",
        )
    clearance_changed = clean["can_see_confidential"] != user.can_see_confidential
    if user.id == actor.id and clearance_changed:
        # separation of duties: an admin cannot grant (or drop) their own clearance
        raise PermissionDenied(
            N_(
                "Du kan inte ändra din egen behörighet till sekretessmarkerade uppgifter. "
                "Be en annan administratör."
            ),
            field="can_see_confidential",
        )
    if clean["can_see_confidential"] and not user.can_see_confidential:
        _require_cleared_actor(actor, user.username, "grant clearance", "can_see_confidential")
    if user.can_see_confidential and clean["email"] != user.email:
        # where reminders (and any future reset link) go: a way into the account
        _require_cleared_actor(actor, user.username, "change the e-mail address", "email")
    ends_sessions = any(clean[k] != getattr(user, k) for k in SESSION_FIELDS)
    before = snapshot(user)
    for key, value in clean.items():
        setattr(user, key, value)
    flush_versioned(session, "Användaren")
    after = snapshot(user)
    if after != before:
        audit(session, actor, user, "update", before=before, after=after)
    if clearance_changed:
        _audit_clearance(session, actor, user, bool(before["can_see_confidential"]))
    if ends_sessions:
        end_sessions(session, user)
    session.flush()
    return user


def deactivate_user(session: so.Session, actor: User, user: User) -> User:
    return update_user(
        session,
        actor,
        user,
        replace(UserInput.of(user), is_active=False),
        expected_version=user.version,
    )


def _store_password(
    session: so.Session, actor: User, user: User, new_password: str, action: str
) -> None:
    """Store a checked password's hash, audit it (never the hash) and end the user's sessions."""
    user.password_hash = hash_password(new_password)
    flush_versioned(session, "Användaren")
    audit(session, actor, user, action)
    end_sessions(session, user)
    session.flush()


def change_own_password(
    session: so.Session, user: User, *, current_password: str, new_password: str
) -> None:
    errors = Errors()
    if not verify_password(user.password_hash, current_password or ""):
        errors.add("current_password", N_("Nuvarande lösenord stämmer inte."))
    _password_errors(
        errors, new_password, "new_password", username=user.username, display_name=user.display_name
    )
    if new_password and new_password == current_password:
        errors.add("new_password", N_("Det nya lösenordet måste skilja sig från det nuvarande."))
    errors.raise_if_any()
    # this ends the current session too: the view logs it in again
    _store_password(session, user, user, new_password, "change_password")


def update_own_profile(
    session: so.Session, user: User, *, email: str | None, reminders_enabled: bool
) -> User:
    """A user sets their own e-mail address and switches e-mail reminders on or off."""
    if not user.is_active or user.is_system:
        raise PermissionDenied(N_("Inaktiva användare kan inte ändra sina uppgifter."))
    errors = Errors()
    address = errors.text("email", email, label="E-post", max_length=MAX_SHORT)
    if address and not _EMAIL.match(address):
        errors.add(
            "email", N_("E-postadressen ser inte giltig ut, till exempel namn@myndighet.se.")
        )
    if reminders_enabled and not address:
        errors.add("email", N_("Ange en e-postadress för att få påminnelser."))
    errors.raise_if_any()
    values = {"email": address, "reminders_enabled": bool(reminders_enabled)}
    return change_audited(session, user, user, values, what="Användaren")


def set_password(session: so.Session, actor: User, user: User, *, new_password: str) -> None:
    """An admin resets someone's password (a cleared user's only by a cleared admin)."""
    require_admin(actor)
    if user.is_system:
        raise PermissionDenied(N_("Systemanvändaren kan inte ändras."))
    if user.can_see_confidential:
        _require_cleared_actor(actor, user.username, "reset the password", "new_password")
    errors = Errors()
    _password_errors(
        errors, new_password, "new_password", username=user.username, display_name=user.display_name
    )
    errors.raise_if_any()
    _store_password(session, actor, user, new_password, "reset_password")
