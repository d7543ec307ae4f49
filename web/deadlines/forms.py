"""Forms for the profile (e-mail, reminders) and calendar feed links; services validate."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, StringField


class ProfileForm(FlaskForm):
    email = EmailField(_l("E-postadress"), render_kw={"maxlength": 200, "autocomplete": "email"})
    reminders_enabled = BooleanField(_l("Skicka påminnelser om mina uppgifter med e-post"))


class FeedForm(FlaskForm):
    name = StringField(
        _l("Namn på kalenderlänken"), render_kw={"maxlength": 120, "autocomplete": "off"}
    )
