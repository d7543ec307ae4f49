"""Translatable labels for the dashboard and the gaps page.

The flag texts repeat capabilities.queries.gaps.FLAGS (plain Swedish in the domain) so that
Babel can extract them; a test keeps the two in step.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from web.filters import AUDIT_ACTIONS, AUDIT_ENTITIES

FLAG_LABELS = {
    "not_assessed": _l("Ej bedömd"),
    "stale": _l("Gammal bedömning"),
    "below_target": _l("Under målnivå"),
    "no_responsible_actor": _l("Ingen ansvarig aktör"),
    "no_linked_assignment": _l("Inget kopplat uppdrag"),
    "no_active_measure": _l("Ingen aktiv åtgärd"),
    "low_level_without_measure": _l("Låg nivå utan åtgärd"),
    "milestone_overdue": _l("Redovisning ej registrerad"),
}
FLAG_EXPLANATIONS = {
    "not_assessed": _l("Delförmågan har ingen statusbedömning."),
    "stale": _l("Senaste bedömningen är äldre än det valda antalet månader."),
    "below_target": _l("Aktuell nivå är lägre än målnivån."),
    "no_responsible_actor": _l("Ingen aktör har rollen ”ansvarar” för delförmågan."),
    "no_linked_assignment": _l(
        "Inget regeringsuppdrag är kopplat och registret anger inte att uppdrag finns."
    ),
    "no_active_measure": _l("Ingen åtgärd är prioriterad, beslutad eller pågående."),
    "low_level_without_measure": _l("Nivå 2 eller lägre och ingen aktiv åtgärd."),
    "milestone_overdue": _l(
        "Ett kopplat uppdrag har ett redovisningsdatum som passerat utan registrerad redovisning."
    ),
}
ENTITY_LABELS = {
    **AUDIT_ENTITIES,
    "assignments": _l("Regeringsuppdrag"),
    "milestones": _l("Redovisningstillfälle"),
    "actors": _l("Aktör"),
    "status_levels": _l("Nivå i statusskalan"),
    "main_groups": _l("Huvudgrupp"),
    "areas": _l("Område"),
    "measure_capabilities": _l("Åtgärdens koppling till delförmåga"),
    "measure_actors": _l("Åtgärdens aktör"),
}
ACTION_LABELS = {
    **AUDIT_ACTIONS,
    "complete": _l("klarmarkerad"),
    "revoke": _l("återkallad"),
}
SECRET_LABEL = _l("Sekretess")
NOT_ASSESSED_LABEL = _l("Ej bedömd")
SORT_LABELS = {
    "register": _l("Registerordning"),
    "distance": _l("Störst avstånd till målnivå först"),
    "level": _l("Lägst nivå först"),
    "age": _l("Äldst bedömning först"),
    "flags": _l("Flest flaggor först"),
}
UNLINKED_LABEL = _l("Uppdrag utan kopplad delförmåga")
DISTANCE_LABELS = {
    "3": _l("3 steg eller mer under målnivån"),
    "2": _l("2 steg under målnivån"),
    "1": _l("1 steg under målnivån"),
    "0": _l("På eller över målnivån"),
    "no_target": _l("Bedömd, ingen målnivå"),
    "none": _l("Ej bedömd"),
    "secret": _l("Sekretessmarkerad uppgift"),
}
