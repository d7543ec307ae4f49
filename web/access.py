"""View decorators for roles; the services check again (defence in depth)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask_login import current_user

from capabilities.errors import PermissionDenied
from capabilities.i18n import N_
from capabilities.models import User

F = TypeVar("F", bound=Callable[..., Any])


def acting_user() -> User:
    """The logged-in User model (not flask-login's proxy), to pass into services."""
    user: User = current_user._get_current_object()
    return user


def editor_required(view: F) -> F:
    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if not current_user.can_edit:
            raise PermissionDenied(
                N_("Du behöver rollen medlem eller admin för att ändra i registret.")
            )
        return view(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


def admin_required(view: F) -> F:
    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if not current_user.is_admin:
            raise PermissionDenied(N_("Endast administratörer har tillgång till den här sidan."))
        return view(*args, **kwargs)

    return wrapper  # type: ignore[return-value]
