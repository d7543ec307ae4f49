"""Forms for the admin pages, and the mapping between them, the services and the conflict box.

The services validate; the forms only carry input.

Selects skip WTForms' own choice check (`validate_choice=False`) so that every refusal comes
from the service, with its Swedish message on the right field.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, PasswordField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.widgets import EmailInput

from capabilities.models import User
from capabilities.services.users import NewUser, UserInput
from web.filters import USER_ROLE_LABELS
from web.forms import ComparedField, compare_fields, parse_id, shown_text

FIELD_LABELS = {
    "display_name": _l("Namn"),
    "email": _l("E-post"),
    "organisation_id": _l("Organisation"),
    "role": _l("Roll"),
    "can_see_confidential": _l("Får se sekretessmarkerade uppgifter"),
    "is_active": _l("Aktiv"),
}


class _UserFields(FlaskForm):
    """What create and edit share."""

    display_name = StringField(FIELD_LABELS["display_name"], render_kw={"autocomplete": "off"})
    email = StringField(
        FIELD_LABELS["email"], widget=EmailInput(), render_kw={"autocomplete": "off"}
    )
    organisation_id = SelectField(
        FIELD_LABELS["organisation_id"], choices=[], validate_choice=False
    )
    role = SelectField(
        FIELD_LABELS["role"],
        choices=[SelectChoice(k, v) for k, v in USER_ROLE_LABELS.items()],
        default="läsare",
        validate_choice=False,
    )
    can_see_confidential = BooleanField(FIELD_LABELS["can_see_confidential"])

    def details(self) -> UserInput:
        """What create_user and update_user take; they strip and validate in Swedish."""
        return UserInput(
            display_name=self.display_name.data,
            email=self.email.data,
            organisation_id=_organisation_id(self.organisation_id.data),
            role=self.role.data,
            can_see_confidential=bool(self.can_see_confidential.data),
        )


class UserCreateForm(_UserFields):
    username = StringField(
        _l("Användarnamn"), render_kw={"autocomplete": "off", "autocapitalize": "none"}
    )
    password = PasswordField(
        _l("Första lösenord (minst 12 tecken)"), render_kw={"autocomplete": "new-password"}
    )

    def to_input(self) -> NewUser:
        return NewUser(
            **vars(self.details()), username=self.username.data, password=self.password.data
        )


class UserEditForm(_UserFields):
    is_active = BooleanField(_l("Aktiv (kan logga in)"))
    version = HiddenField()

    def to_input(self) -> UserInput:
        return replace(self.details(), is_active=bool(self.is_active.data))


class PasswordResetForm(FlaskForm):
    """An admin sets a new password for someone who has lost theirs."""

    new_password = PasswordField(
        _l("Nytt lösenord (minst 12 tecken)"), render_kw={"autocomplete": "new-password"}
    )


class ConfirmForm(FlaskForm):
    """A bare form: a button that POSTs with a CSRF token (deactivate)."""


class LevelForm(FlaskForm):
    """Rename one level of the status scale; one per level on the page, told apart by prefix."""

    label = StringField(_l("Ny benämning"))
    version = HiddenField()


# --- form <-> service data, and the conflict comparison -------------------------------------


def _organisation_id(raw: str | None) -> int | None:
    """The chosen actor's id; a malformed value becomes 0 so the service reports it as unknown."""
    if not raw:
        return None
    return parse_id(raw) or 0


def stored_data(user: User) -> dict[str, Any]:
    return {
        "display_name": user.display_name,
        "email": user.email or "",
        "organisation_id": str(user.organisation_id or ""),
        "role": user.role,
        "can_see_confidential": user.can_see_confidential,
        "is_active": user.is_active,
        "version": str(user.version),
    }


def _shown(form: UserEditForm, name: str, value: Any) -> str:
    """A field value as the conflict box shows it."""
    if name == "organisation_id":
        if not value:
            return _("Ingen organisation")
        labels = {c.value: c.label for c in form.organisation_id.choices or []}
        return str(labels.get(str(value), "–"))
    if name == "role":
        return str(USER_ROLE_LABELS.get(value, value))
    if isinstance(value, bool):
        return _("Ja") if value else _("Nej")
    return str(shown_text(value))


def compare(form: UserEditForm, stored: User) -> list[ComparedField]:
    """Both versions side by side: what the admin submitted and what is stored now."""
    mine = vars(form.to_input())
    return compare_fields(
        FIELD_LABELS, mine, stored_data(stored), lambda name, value: _shown(form, name, value)
    )
