"""Forms for personal API tokens; the service validates the name."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.widgets import DateInput


class TokenForm(FlaskForm):
    name = StringField(
        _l("Namn på nyckeln"),
        render_kw={"maxlength": 120, "autocomplete": "off"},
    )
    # A string: the service parses and explains a bad date in its own words.
    expires_on = StringField(_l("Gäller till och med (valfritt)"), widget=DateInput())


class RevokeForm(FlaskForm):
    """Only the CSRF token: revoking is a POST."""
