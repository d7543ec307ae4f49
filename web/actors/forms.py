"""Forms and display labels for actors. The service validates; the forms only carry input."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice

from capabilities.errors import ValidationFailed
from capabilities.models import Actor
from capabilities.services.actors import ActorInput

KIND_LABELS = {
    "myndighet": _l("myndighet"),
    "region": _l("region"),
    "kommun": _l("kommun"),
    "branschorganisation": _l("branschorganisation"),
    "företag": _l("företag"),
    "samverkansforum": _l("samverkansforum"),
    "internationell": _l("internationell"),
    "kunskapsstyrning": _l("NPO/NAG (kunskapsstyrning)"),
}
PUBLIC_LABELS = {True: _l("offentlig"), False: _l("privat")}
BEREDSKAP_LABELS = {True: _l("ja"), False: _l("nej"), None: _l("okänt")}
# Form values for the tri-state is_beredskapsmyndighet and the boolean is_public.
BEREDSKAP_VALUES = {"ja": True, "nej": False, "": None}
PUBLIC_VALUES = {"1": True, "0": False}
FIELD_LABELS = {
    "name": _l("Namn"),
    "short_name": _l("Kortnamn"),
    "kind": _l("Typ"),
    "is_public": _l("Offentlig eller privat"),
    "is_beredskapsmyndighet": _l("Beredskapsmyndighet"),
    "description": _l("Beskrivning"),
}


class ActorForm(FlaskForm):
    name = StringField(FIELD_LABELS["name"])
    short_name = StringField(FIELD_LABELS["short_name"])
    kind = SelectField(
        FIELD_LABELS["kind"],
        choices=[
            SelectChoice("", _l("Välj typ")),
            *(SelectChoice(k, v) for k, v in KIND_LABELS.items()),
        ],
        validate_choice=False,
    )
    is_public = SelectField(
        FIELD_LABELS["is_public"],
        choices=[SelectChoice("1", _l("Offentlig")), SelectChoice("0", _l("Privat"))],
        default="1",
        validate_choice=False,
    )
    is_beredskapsmyndighet = SelectField(
        FIELD_LABELS["is_beredskapsmyndighet"],
        choices=[
            SelectChoice("", _l("Okänt")),
            SelectChoice("ja", _l("Ja")),
            SelectChoice("nej", _l("Nej")),
        ],
        validate_choice=False,
    )
    description = TextAreaField(FIELD_LABELS["description"])
    version = HiddenField()

    def to_input(self) -> ActorInput:
        """What the service takes; unknown select values are refused like the service would."""
        errors: dict[str, list[str]] = {}
        if self.is_public.data not in PUBLIC_VALUES:
            errors["is_public"] = [_("Välj offentlig eller privat.")]
        if (self.is_beredskapsmyndighet.data or "") not in BEREDSKAP_VALUES:
            errors["is_beredskapsmyndighet"] = [_("Välj ja, nej eller okänt.")]
        if errors:
            raise ValidationFailed(errors)
        return ActorInput(
            name=self.name.data,
            short_name=self.short_name.data,
            kind=self.kind.data,
            is_public=PUBLIC_VALUES[self.is_public.data],
            is_beredskapsmyndighet=BEREDSKAP_VALUES[self.is_beredskapsmyndighet.data or ""],
            description=self.description.data,
        )


class ConfirmForm(FlaskForm):
    """A POST that needs nothing but the CSRF token (retiring an actor)."""


def stored_data(actor: Actor) -> dict[str, Any]:
    beredskap = {v: k for k, v in BEREDSKAP_VALUES.items()}
    return {
        "name": actor.name,
        "short_name": actor.short_name,
        "kind": actor.kind,
        "is_public": "1" if actor.is_public else "0",
        "is_beredskapsmyndighet": beredskap[actor.is_beredskapsmyndighet],
        "description": actor.description,
        "version": str(actor.version),
    }
