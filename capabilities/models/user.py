"""Users, their API tokens, and login attempts (for throttling)."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
import sqlalchemy.orm as so

from capabilities.db import Base, UTCDateTime, utcnow
from capabilities.roles import ROLES as ROLES  # re-exported: models.ROLES

if TYPE_CHECKING:
    from capabilities.models.actor import Actor

SYSTEM_USERNAME = "system"
# What a personal token opens: the read-only JSON API, or one user's calendar feed.
TOKEN_KINDS = ("api", "calendar")


class User(Base):
    """A NAS member. `läsare` reads, `medlem` edits, `admin` also manages structure and users."""

    __tablename__ = "users"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    username: so.Mapped[str] = so.mapped_column(sa.String(120), unique=True)
    display_name: so.Mapped[str] = so.mapped_column(sa.String(200))
    email: so.Mapped[str | None] = so.mapped_column(sa.String(200))
    # E-mail digests of deadlines (`formaga remind`); the user switches them on and off.
    reminders_enabled: so.Mapped[bool] = so.mapped_column(default=False, server_default=sa.false())
    organisation_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("actors.id"))
    role: so.Mapped[str] = so.mapped_column(sa.String(10), default="läsare")
    can_see_confidential: so.Mapped[bool] = so.mapped_column(default=False)
    is_active: so.Mapped[bool] = so.mapped_column(default=True)
    is_system: so.Mapped[bool] = so.mapped_column(default=False)
    password_hash: so.Mapped[str | None] = so.mapped_column(sa.String(255))
    last_login_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime())
    # Bumped to end every web session of the user at once (logout, password, role, clearance,
    # deactivation); a session cookie carries the generation it was made in.
    session_generation: so.Mapped[int] = so.mapped_column(default=1, server_default="1")
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), default=utcnow)
    version: so.Mapped[int] = so.mapped_column(default=1)

    organisation: so.Mapped[Actor | None] = so.relationship()

    __table_args__ = (sa.CheckConstraint("role IN ('läsare', 'medlem', 'admin')", name="role"),)
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012

    # The four members flask-login expects, without importing it into the domain.
    is_authenticated = True
    is_anonymous = False

    def get_id(self) -> str:
        """What the session cookie stores: the id and the session generation, "12.3"."""
        return f"{self.id}.{self.session_generation}"

    @property
    def can_edit(self) -> bool:
        return self.is_active and self.role in ("medlem", "admin")

    @property
    def is_admin(self) -> bool:
        return self.is_active and self.role == "admin"


class ApiToken(Base):
    """A personal token, only its SHA-256 stored: for the read-only JSON API (`api`) or a
    user's calendar feed URL (`calendar`). A token opens only what its kind says."""

    __tablename__ = "api_tokens"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"), index=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(120))
    kind: so.Mapped[str] = so.mapped_column(sa.String(20), default="api", server_default="api")
    token_hash: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True)
    prefix: so.Mapped[str] = so.mapped_column(sa.String(12))
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), default=utcnow)
    last_used_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime())
    revoked_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime())
    # Optional: the token works through this day (local date), then no more.
    expires_on: so.Mapped[date | None] = so.mapped_column(sa.Date())

    user: so.Mapped[User] = so.relationship()

    __table_args__ = (sa.CheckConstraint("kind IN ('api', 'calendar')", name="kind"),)

    def is_expired(self, today: date) -> bool:
        return self.expires_on is not None and self.expires_on < today


class LoginAttempt(Base):
    """A failed or successful login, for throttling by username and by address."""

    __tablename__ = "login_attempts"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    username: so.Mapped[str] = so.mapped_column(sa.String(120), index=True)
    address: so.Mapped[str] = so.mapped_column(sa.String(64), index=True)
    attempted_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), default=utcnow, index=True)
    succeeded: so.Mapped[bool] = so.mapped_column(default=False)
