"""Translatable domain messages without Flask.

The domain speaks Swedish. A message the user may see is marked with `N_()`: it stays a plain
Swedish `str` (so the CLI, logs and tests read it as before) and remembers its msgid and named
placeholders, so the edge (view, CLI, export) can translate it with its own gettext:
`translate(message, gettext)`. Babel extracts `N_` by default.

`label_language` says which level labels (`label` or `label_en`) queries return; the web sets it
per request from the interface language, everything else keeps Swedish.
"""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

label_language: ContextVar[str] = ContextVar("label_language", default="sv")


class Message(str):
    """A Swedish message with the msgid and placeholders it was made from."""

    msgid: str
    params: dict[str, Any]
    lowercase: bool

    def __new__(cls, msgid: str, *, lowercase: bool = False, **params: Any) -> Message:
        text = msgid % params if params else msgid
        obj = super().__new__(cls, text.lower() if lowercase else text)
        obj.msgid = msgid
        obj.params = params
        obj.lowercase = lowercase
        return obj

    def lower(self) -> Message:
        """Lower case that survives translation ("Ogiltigt värde för status")."""
        return Message(self.msgid, lowercase=True, **self.params)


def N_(msgid: str, **params: Any) -> Message:
    """Mark a message for translation; the Swedish text is `msgid % params`."""
    return Message(msgid, **params)


def translate(message: str, gettext: Callable[..., str]) -> str:
    """The message in the caller's language. Placeholders that are messages are translated too;
    other values (user input, numbers) are inserted as they are."""
    if not isinstance(message, Message):
        return message
    params = {
        key: translate(value, gettext) if isinstance(value, Message) else value
        for key, value in message.params.items()
    }
    text = gettext(message.msgid, **params) if params else gettext(message.msgid)
    return text.lower() if message.lowercase else text


# Field names the services put into their messages ("%(label)s måste fyllas i."): listed here
# so that they are extracted into the catalogue.
FIELD_NAMES = (
    N_("Namn"),
    N_("Kortnamn"),
    N_("Typ"),
    N_("Beskrivning"),
    N_("Titel"),
    N_("Rubrik"),
    N_("Beslutsdatum"),
    N_("Länk"),
    N_("Status"),
    N_("Datum"),
    N_("Rapportreferens"),
    N_("Anteckning"),
    N_("Roll"),
    N_("Kostnadseffektivitet"),
    N_("Rättslig bedömning"),
    N_("Prioritet"),
    N_("Klart senast"),
    N_("Sekretesshänvisning"),
    N_("Delförmåga"),
    N_("Anteckning om uppdrag"),
    N_("Avvecklingsdatum"),
    N_("Benämning"),
    N_("Nivå"),
    N_("Målnivå"),
    N_("Statusbeskrivning"),
    N_("Motivering"),
    N_("Organisationer"),
    N_("Bedömningsdatum"),
    N_("E-post"),
    N_("Gäller till och med"),
    # whose version is stale (check_version)
    N_("Delförmågan"),
    N_("Nivån"),
    N_("Användaren"),
    N_("Åtgärden"),
    N_("Uppdraget"),
    N_("Aktören"),
)
