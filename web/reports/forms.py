from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, DateField, HiddenField, RadioField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional


class ExportForm(FlaskForm):
    """Submitted by GET: downloading changes nothing, so no CSRF token is needed."""

    class Meta:
        csrf = False

    format = RadioField(
        _l("Format"),
        choices=[
            SelectChoice("pdf", _l("PDF-rapport (.pdf) att bifoga ett brev")),
            SelectChoice("xlsx", _l("Excel-arbetsbok (.xlsx) med alla blad")),
            SelectChoice("csv", _l("CSV för Excel (registret, semikolonseparerad)")),
        ],
        default="xlsx",
    )
    as_of = DateField(_l("Registret per datum (tomt = i dag)"), validators=[Optional()])
    include_confidential = BooleanField(_l("Ta med sekretessmarkerade uppgifter"))


class UploadForm(FlaskForm):
    file = FileField(
        _l("Arbetsbok (.xlsx) exporterad från Förmågeregistret"), validators=[FileRequired()]
    )
    # Only shown (and used) while a reporting round is open.
    round_mode = RadioField(
        _l("Läs in i den öppna uppföljningsomgången som"),
        choices=[
            SelectChoice("draft", _l("Utkast (skickas in senare)")),
            SelectChoice("submit", _l("Inskickade för granskning")),
        ],
        default="draft",
    )


class ConfirmImportForm(FlaskForm):
    token = HiddenField()
    round_mode = HiddenField()
