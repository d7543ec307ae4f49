"""English help for seed 000's guidance: the questions stay verbatim in Swedish (they are the
seed's text, marked lang="sv"), and an English reader gets a translation beside them.

The msgids repeat capabilities.guidance.QUESTIONS (question text and help) so that Babel can
extract them; a test keeps the two in step.
"""

from __future__ import annotations

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape

from capabilities.guidance import QUESTIONS

QUESTION_TEXT = {
    1: _l("Vilken produkt eller produktgrupp gäller förslaget?"),
    2: _l("Är a eller b i steg 1 aktuellt för denna produkt eller produktgrupp?"),
    3: _l("Finns det koncensus i NPO/NAG om önskemål av en nationell upphandling?"),
    4: _l("Hur många regioner är intresserade?"),
    5: _l(
        "Finns produkten eller produktgruppen upphandlad redan? Hur länge gäller i så fall "
        "befintligt/befintliga avtal (inklusive förlängningsmöjligheter)?"
    ),
    6: _l("Hur stort bedöms kommande behov vara av produkten/produktgruppen?"),
    7: _l("Är produkten/produktgruppen relevant ur ett beredskapsperspektiv?"),
    8: _l("Kan produkten/produktgruppen vara relevant att utvärdera hälsoekonomiskt?"),
    9: _l(
        "Innebär produkten extern hantering av hälsodata och personuppgifter exempelvis i en "
        "molntjänst – dvs. behövs det göras en juridisk analys av IT-säkerheten."
    ),
    10: _l(
        "Har förslaget stämts av med någon eller några regioners inköpsorganisation? I så fall "
        "vilken eller vilka?"
    ),
}
QUESTION_HELP = {
    1: _l("Produktens eller produktgruppens namn och en kort beskrivning."),
    2: _l("a: befintliga produkter som redan används brett; b: införande av nya produkter."),
    3: _l("Svara ja eller nej och beskriv vid behov hur gruppen har ställt sig."),
    4: _l("Kryssa för de regioner som är intresserade; antalet räknas fram."),
    5: _l("Om avtal finns: ange sista giltighetsdag inklusive förlängningar."),
    6: _l("Ange behovet i antal per år om det går, och beskriv det med ord."),
    7: _l("Beskriv relevansen och koppla förslaget till de delförmågor det berör."),
    8: _l("Svara ja eller nej och motivera."),
    9: _l("Svara ja eller nej; vid ja behövs en juridisk analys av IT-säkerheten."),
    10: _l("Svara ja eller nej; vid ja, kryssa för vilka regioners inköpsorganisationer."),
}
_QUESTIONS = {q.number: q for q in QUESTIONS}


def question_hint(number: int) -> Markup:
    """The help under a question: in Swedish as is; in another language the question
    translated ("In English: …") and the help in that language."""
    if str(get_locale() or "sv") == "sv":
        return Markup(escape(_QUESTIONS[number].help))
    return Markup('<span class="translation">{}</span> {}').format(
        _l("På engelska: %(text)s", text=QUESTION_TEXT[number]), QUESTION_HELP[number]
    )
