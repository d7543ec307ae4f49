"""What the proposal form sends and the answers to the guidance's ten questions, checked field by
field. Each answer may still be empty: a proposal is saved as a draft and completed later."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from capabilities.guidance import QUESTIONS, REGIONS
from capabilities.i18n import N_
from capabilities.models.procurement import CONTRACT_ANSWERS, YES_NO
from capabilities.services.base import MAX_SHORT, Errors

ANSWER_FIELDS = tuple(name for question in QUESTIONS for name in question.fields)
MAX_NEED = 10**12


@dataclass(frozen=True)
class ProposalInput:
    """What the proposal form sends. Strings as typed; the service parses and checks them."""

    title: str = ""
    description: str = ""
    proposing_group: str = ""
    capability_ids: Sequence[str | int] = ()
    confidential: bool = False
    secrecy_ref: str = ""
    product: str = ""
    category: str = ""
    consensus: str = ""
    consensus_note: str = ""
    interested_regions: Sequence[str] = ()
    existing_contract: str = ""
    contract_ends_on: str | date | None = None
    contract_note: str = ""
    expected_need_per_year: str | int | None = None
    expected_need: str = ""
    preparedness_relevance: str = ""
    health_economic_relevance: str = ""
    health_economic_note: str = ""
    external_health_data: str = ""
    external_health_data_note: str = ""
    consulted_procurement: str = ""
    consulted_regions: Sequence[str] = ()


@dataclass(frozen=True)
class StepInput:
    """A decision that moves the proposal to its next stage."""

    to_stage: str = ""
    decided_on: str | date | None = None
    decided_by: str = ""
    decision: str = ""
    procuring_body: str = ""
    procuring_region: str = ""


def _regions(errors: Errors, name: str, values: Sequence[str], label: str) -> list[str]:
    chosen = [v for v in dict.fromkeys(str(v).strip() for v in values) if v]
    unknown = [v for v in chosen if v not in REGIONS]
    if unknown:
        errors.add(
            name,
            N_(
                "Okänd region i %(label)s: %(items)s.",
                label=label.lower(),
                items=", ".join(unknown),
            ),
        )
    return sorted((v for v in chosen if v in REGIONS), key=REGIONS.index)


def _count(errors: Errors, name: str, value: str | int | None, label: str) -> int | None:
    text = str(value if value is not None else "").strip().replace(" ", "").replace("\u00a0", "")
    if not text:
        return None
    if not (text.isascii() and text.isdigit()) or int(text) > MAX_NEED:
        errors.add(
            name, f"{label} ska vara ett heltal mellan 0 och {MAX_NEED:,}.".replace(",", " ")
        )
        return None
    return int(text)


def check_answers(data: ProposalInput) -> dict[str, Any]:
    """Validate the answers to the ten questions; each may still be empty (a draft)."""
    errors = Errors()

    def yes_no(name: str, label: str, options: Sequence[str] = YES_NO) -> str | None:
        value: str | None = errors.choice(
            name, getattr(data, name) or None, options, label=label, required=False
        )
        return value

    def text(name: str, label: str, max_length: int = 20_000) -> str | None:
        return errors.text(name, getattr(data, name), label=label, max_length=max_length)

    clean: dict[str, Any] = {
        "proposing_group": text("proposing_group", "Förslagsställande NPO/NAG", MAX_SHORT),
        "product": text("product", "Produkt eller produktgrupp"),
        "category": yes_no("category", "Alternativ a eller b", ("a", "b")),
        "consensus": yes_no("consensus", "Konsensus"),
        "consensus_note": text("consensus_note", "Kommentar om konsensus"),
        "interested_regions": _regions(
            errors, "interested_regions", data.interested_regions, "Intresserade regioner"
        ),
        "existing_contract": yes_no("existing_contract", "Befintligt avtal", CONTRACT_ANSWERS),
        "contract_ends_on": errors.date_value(
            "contract_ends_on", data.contract_ends_on, label="Avtalet gäller till och med"
        ),
        "contract_note": text("contract_note", "Kommentar om avtal"),
        "expected_need_per_year": _count(
            errors, "expected_need_per_year", data.expected_need_per_year, "Behov per år"
        ),
        "expected_need": text("expected_need", "Bedömt behov"),
        "preparedness_relevance": text("preparedness_relevance", "Relevans för beredskap"),
        "health_economic_relevance": yes_no(
            "health_economic_relevance", "Hälsoekonomisk utvärdering"
        ),
        "health_economic_note": text("health_economic_note", "Kommentar om hälsoekonomi"),
        "external_health_data": yes_no("external_health_data", "Extern hantering av hälsodata"),
        "external_health_data_note": text("external_health_data_note", "Kommentar om hälsodata"),
        "consulted_procurement": yes_no("consulted_procurement", "Avstämt med inköpsorganisation"),
        "consulted_regions": _regions(
            errors, "consulted_regions", data.consulted_regions, "Avstämda regioner"
        ),
    }
    if clean["contract_ends_on"] is not None and clean["existing_contract"] == "nej":
        errors.add(
            "contract_ends_on",
            N_("Ange inget slutdatum när det inte finns något befintligt avtal."),
        )
    if clean["consulted_regions"] and clean["consulted_procurement"] == "nej":
        errors.add(
            "consulted_regions",
            N_("Välj inga regioner när förslaget inte har stämts av med någon."),
        )
    errors.raise_if_any()
    return clean
