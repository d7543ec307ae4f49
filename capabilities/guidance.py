"""Seed 000's guidance for proposing a national procurement, as printed.

"Vägledning för grupper inom kunskapsstyrningen … vid förslag om nationella upphandlingar av
medicintekniska produkter" (seeds/000_633d89705f10bf9a.txt). The texts are the guidance's own
(the PDF's line breaks joined with one space; "koncensus" as printed), each with its source line,
because forms, the Word export and the API label the answers with them. `help` is ours.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from capabilities.models import ProcurementProposal


@dataclass(frozen=True)
class Question:
    number: int
    text: str
    source: str
    help: str
    fields: tuple[str, ...]  # the ProcurementProposal columns that hold the answer


CATEGORIES = {
    "a": (
        "befintliga medicintekniska produkter som redan används brett och finns upphandlade i "
        "regionerna men för vilka man ser synergier av att arbeta tillsammans vid kommande "
        "upphandlingar,"
    ),  # 000:25-28
    "b": (
        "införande av nya medicintekniska produkter som inte tidigare är införda eller bara "
        "används i några regioner. Dessa produkter kan bli aktuella för ett nationellt ordnat "
        "införande genom vilket MTP-rådet kan utfärda rekommendationer."
    ),  # 000:32-34
}

QUESTIONS = (
    Question(
        1,
        "Vilken produkt eller produktgrupp gäller förslaget?",
        "000:39",
        "Produktens eller produktgruppens namn och en kort beskrivning.",
        ("product",),
    ),
    Question(
        2,
        "Är a eller b i steg 1 aktuellt för denna produkt eller produktgrupp?",
        "000:40",
        "a: befintliga produkter som redan används brett; b: införande av nya produkter.",
        ("category",),
    ),
    Question(
        3,
        "Finns det koncensus i NPO/NAG om önskemål av en nationell upphandling?",
        "000:41",
        "Svara ja eller nej och beskriv vid behov hur gruppen har ställt sig.",
        ("consensus", "consensus_note"),
    ),
    Question(
        4,
        "Hur många regioner är intresserade?",
        "000:49",
        "Kryssa för de regioner som är intresserade; antalet räknas fram.",
        ("interested_regions",),
    ),
    Question(
        5,
        "Finns produkten eller produktgruppen upphandlad redan? Hur länge gäller i så fall "
        "befintligt/befintliga avtal (inklusive förlängningsmöjligheter)?",
        "000:50-52",
        "Om avtal finns: ange sista giltighetsdag inklusive förlängningar.",
        ("existing_contract", "contract_ends_on", "contract_note"),
    ),
    Question(
        6,
        "Hur stort bedöms kommande behov vara av produkten/produktgruppen?",
        "000:53",
        "Ange behovet i antal per år om det går, och beskriv det med ord.",
        ("expected_need_per_year", "expected_need"),
    ),
    Question(
        7,
        "Är produkten/produktgruppen relevant ur ett beredskapsperspektiv?",
        "000:54",
        "Beskriv relevansen och koppla förslaget till de delförmågor det berör.",
        ("preparedness_relevance",),
    ),
    Question(
        8,
        "Kan produkten/produktgruppen vara relevant att utvärdera hälsoekonomiskt?",
        "000:55",
        "Svara ja eller nej och motivera.",
        ("health_economic_relevance", "health_economic_note"),
    ),
    Question(
        9,
        "Innebär produkten extern hantering av hälsodata och personuppgifter exempelvis i en "
        "molntjänst – dvs. behövs det göras en juridisk analys av IT-säkerheten.",
        "000:56-59",
        "Svara ja eller nej; vid ja behövs en juridisk analys av IT-säkerheten.",
        ("external_health_data", "external_health_data_note"),
    ),
    Question(
        10,
        "Har förslaget stämts av med någon eller några regioners inköpsorganisation? I så fall "
        "vilken eller vilka?",
        "000:61-62",
        "Svara ja eller nej; vid ja, kryssa för vilka regioners inköpsorganisationer.",
        ("consulted_procurement", "consulted_regions"),
    ),
)

# Seed 001 (line 150): "Då ansvaret är fördelat på 21 regioner". The seeds do not list them; these
# are the regions' own official names.
REGIONS = (
    "Region Blekinge",
    "Region Dalarna",
    "Region Gotland",
    "Region Gävleborg",
    "Region Halland",
    "Region Jämtland Härjedalen",
    "Region Jönköpings län",
    "Region Kalmar län",
    "Region Kronoberg",
    "Region Norrbotten",
    "Region Skåne",
    "Region Stockholm",
    "Region Sörmland",
    "Region Uppsala",
    "Region Värmland",
    "Region Västerbotten",
    "Region Västernorrland",
    "Region Västmanland",
    "Region Örebro län",
    "Region Östergötland",
    "Västra Götalandsregionen",
)

# The four principles of the cooperation rules between healthcare and industry, v3.0 from
# 2026-02-01 (seed 004, lines 64-65 and 82), shown as a checklist when a contact is recorded.
PRINCIPLES = {
    "fortroende": "förtroendeprincipen",
    "transparens": "transparensprincipen",
    "mattfullhet": "måttfullhetsprincipen",
    "dokumentation": "dokumentationsprincipen",
}


def unanswered_questions(proposal: ProcurementProposal) -> list[int]:
    """Numbers of the guidance's ten questions that the proposal does not yet answer."""
    answered = {
        1: bool(proposal.product),
        2: proposal.category is not None,
        3: proposal.consensus is not None,
        4: bool(proposal.interested_regions),
        5: proposal.existing_contract is not None
        and (proposal.existing_contract != "ja" or proposal.contract_ends_on is not None),
        6: proposal.expected_need_per_year is not None or bool(proposal.expected_need),
        7: bool(proposal.preparedness_relevance),
        8: proposal.health_economic_relevance is not None,
        9: proposal.external_health_data is not None,
        10: proposal.consulted_procurement is not None
        and (proposal.consulted_procurement != "ja" or bool(proposal.consulted_regions)),
    }
    return [number for number, done in answered.items() if not done]
