"""Forms and labels for procurement proposals and industry contacts.

The forms only carry input; the service validates and answers in Swedish per field. Choice fields
skip WTForms' own check (`validate_choice=False`) so that every refusal comes from the service.
"""

from __future__ import annotations

from dataclasses import fields
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    HiddenField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.widgets import CheckboxInput, DateInput, ListWidget

from capabilities.guidance import PRINCIPLES, QUESTIONS, REGIONS
from capabilities.models import ProcurementProposal
from capabilities.services.industry_contacts import ContactInput
from capabilities.services.proposal_answers import ProposalInput, StepInput
from web.forms import to_choices

QUESTION = {q.number: q for q in QUESTIONS}
STAGE_LABELS = {
    "forslag": _l("NPO/NAG:s förslag"),
    "inkopsfunktion": _l("Inköpsfunktionens bedömning"),
    "mtp_nsg": _l("MTP-rådet/NSG"),
    "halsoekonomi": _l("Hälsoekonomisk utvärdering och rekommendation"),
    "upphandling": _l("Upphandling"),
    "avtal": _l("Avtal"),
    "avslutat": _l("Avslutat utan upphandling"),
}
YES_NO_LABELS = {"ja": _l("Ja"), "nej": _l("Nej")}
CONTRACT_LABELS = {"ja": _l("Ja"), "nej": _l("Nej"), "vet_ej": _l("Vet ej")}
PROCURING_LABELS = {
    "region": _l("En eller flera regioner (region med värdskap)"),
    "adda": _l("Adda inköpscentral (efter beslut i NSG)"),
    "inera": _l("Inera (efter beslut i NSG)"),
}
FORM_LABELS = {
    "mote": _l("Möte"),
    "digitalt_mote": _l("Digitalt möte"),
    "skriftlig": _l("Skriftlig"),
}
PRINCIPLE_HINTS = {
    "fortroende": _l("Förtroendeprincipen: samverkan får inte påverka vårdens oberoende."),
    "transparens": _l("Transparensprincipen: samverkan ska vara öppen och kunna granskas."),
    "mattfullhet": _l("Måttfullhetsprincipen: förmåner, resor och måltider hålls måttfulla."),
    "dokumentation": _l("Dokumentationsprincipen: kontakten och eventuella förmåner dokumenteras."),
}


class MultiCheckboxField(SelectMultipleField):
    """Checkboxes instead of a multi-select: usable with a plain click, a keyboard and touch."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _radio(label: Any, labels: dict[str, Any]) -> RadioField:
    return RadioField(label, choices=to_choices(labels.items()), validate_choice=False)


class ProposalForm(FlaskForm):
    title = StringField(_l("Rubrik"))
    description = TextAreaField(_l("Bakgrund"))
    proposing_group = StringField(_l("Förslagsställande NPO/NAG"))
    capability_ids = MultiCheckboxField(
        _l("Delförmågor som förslaget berör"), choices=[], coerce=str, validate_choice=False
    )
    product = TextAreaField(QUESTION[1].text)
    category = RadioField(
        QUESTION[2].text,
        choices=[
            SelectChoice("a", _l("a) befintliga produkter")),
            SelectChoice("b", _l("b) nya produkter")),
        ],
        validate_choice=False,
    )
    consensus = _radio(QUESTION[3].text, YES_NO_LABELS)
    consensus_note = TextAreaField(_l("Kommentar"))
    interested_regions = MultiCheckboxField(
        QUESTION[4].text, choices=[SelectChoice(r, r) for r in REGIONS], validate_choice=False
    )
    existing_contract = _radio(QUESTION[5].text, CONTRACT_LABELS)
    contract_ends_on = StringField(
        _l("Befintligt avtal gäller till och med (inklusive förlängningar)"), widget=DateInput()
    )
    contract_note = TextAreaField(_l("Kommentar om avtal"))
    expected_need_per_year = StringField(
        _l("Bedömt behov, antal per år"), render_kw={"inputmode": "numeric"}
    )
    expected_need = TextAreaField(QUESTION[6].text)
    preparedness_relevance = TextAreaField(QUESTION[7].text)
    health_economic_relevance = _radio(QUESTION[8].text, YES_NO_LABELS)
    health_economic_note = TextAreaField(_l("Motivering"))
    external_health_data = _radio(QUESTION[9].text, YES_NO_LABELS)
    external_health_data_note = TextAreaField(_l("Kommentar om hälsodata"))
    consulted_procurement = _radio(QUESTION[10].text, YES_NO_LABELS)
    consulted_regions = MultiCheckboxField(
        _l("Regioner vars inköpsorganisation förslaget har stämts av med"),
        choices=[SelectChoice(r, r) for r in REGIONS],
        validate_choice=False,
    )
    confidential = BooleanField(_l("Sekretessmarkerad"))
    secrecy_ref = StringField(_l("Sekretesshänvisning (t.ex. OSL 18:13)"))
    version = HiddenField()

    def to_input(self) -> ProposalInput:
        """The proposal as the service takes it: text as typed, an unanswered question as ""."""
        return ProposalInput(
            title=self.title.data or "",
            description=self.description.data or "",
            proposing_group=self.proposing_group.data or "",
            capability_ids=self.capability_ids.data or (),
            confidential=bool(self.confidential.data),
            secrecy_ref=self.secrecy_ref.data or "",
            product=self.product.data or "",
            category=self.category.data or "",
            consensus=self.consensus.data or "",
            consensus_note=self.consensus_note.data or "",
            interested_regions=self.interested_regions.data or (),
            existing_contract=self.existing_contract.data or "",
            contract_ends_on=self.contract_ends_on.data or "",
            contract_note=self.contract_note.data or "",
            expected_need_per_year=self.expected_need_per_year.data or "",
            expected_need=self.expected_need.data or "",
            preparedness_relevance=self.preparedness_relevance.data or "",
            health_economic_relevance=self.health_economic_relevance.data or "",
            health_economic_note=self.health_economic_note.data or "",
            external_health_data=self.external_health_data.data or "",
            external_health_data_note=self.external_health_data_note.data or "",
            consulted_procurement=self.consulted_procurement.data or "",
            consulted_regions=self.consulted_regions.data or (),
        )


class StepForm(FlaskForm):
    to_stage = SelectField(_l("Nästa steg"), choices=[], validate_choice=False)
    decided_on = StringField(_l("Beslutsdatum"), widget=DateInput())
    decided_by = SelectField(_l("Beslutad av"), choices=[], validate_choice=False)
    decision = TextAreaField(_l("Beslut"))
    procuring_body = RadioField(
        _l("Upphandlande organisation"),
        choices=to_choices(PROCURING_LABELS.items()),
        validate_choice=False,
    )
    procuring_region = SelectField(
        _l("Region som genomför upphandlingen"),
        choices=[SelectChoice("", _l("Välj region")), *(SelectChoice(r, r) for r in REGIONS)],
        validate_choice=False,
    )
    version = HiddenField()

    def to_input(self) -> StepInput:
        return StepInput(
            to_stage=self.to_stage.data or "",
            decided_on=self.decided_on.data or "",
            decided_by=self.decided_by.data or "",
            decision=self.decision.data or "",
            procuring_body=self.procuring_body.data or "",
            procuring_region=self.procuring_region.data or "",
        )


class ContactForm(FlaskForm):
    contacted_on = StringField(_l("Datum för kontakten"), widget=DateInput())
    organisation = StringField(_l("Företag eller branschorganisation"))
    participants = TextAreaField(_l("Deltagare (namn och organisation)"))
    form = _radio(_l("Form"), FORM_LABELS)
    purpose = TextAreaField(_l("Syfte"))
    benefits = TextAreaField(_l("Vad som erbjöds eller betalades, och av vem"))
    documented_in = StringField(_l("Var kontakten är dokumenterad (t.ex. diarienummer)"))
    principles = MultiCheckboxField(
        _l("Samverkansreglernas principer som kontakten har följt"),
        choices=[SelectChoice(k, v) for k, v in PRINCIPLES.items()],
        validate_choice=False,
    )

    def to_input(self) -> ContactInput:
        return ContactInput(
            contacted_on=self.contacted_on.data or "",
            organisation=self.organisation.data or "",
            participants=self.participants.data or "",
            form=self.form.data or "",
            purpose=self.purpose.data or "",
            benefits=self.benefits.data or "",
            documented_in=self.documented_in.data or "",
            principles=self.principles.data or (),
        )


def stored_data(proposal: ProcurementProposal) -> dict[str, Any]:
    """The stored proposal as form data (the measure's fields and the answers)."""
    measure = proposal.measure
    data = {f.name: getattr(proposal, f.name, None) for f in fields(ProposalInput)}
    data |= {
        "title": measure.title,
        "description": measure.description,
        "confidential": measure.confidential,
        "secrecy_ref": measure.secrecy_ref,
        "capability_ids": [
            str(link.capability_id) for link in measure.capability_links if link.removed_at is None
        ],
        "contract_ends_on": proposal.contract_ends_on.isoformat()
        if proposal.contract_ends_on
        else "",
    }
    return data
