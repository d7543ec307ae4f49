"""The Uppdatering sheet into the open reporting round: rows become drafts or submissions.

The sheet is validated exactly as for a register import (`plan_import`); the planned rows are
then saved through the round service as the importing member, so the register itself only
changes when a reviewer approves them.
"""

from __future__ import annotations

import sqlalchemy.orm as so

from capabilities.models import ReportingRound, RoundEntry, User
from capabilities.services.rounds import EntryInput, save_entry
from importers.status_workbook import ImportPlan

ROUND_MODES = ("draft", "submit")


def apply_import_to_round(
    session: so.Session, user: User, plan: ImportPlan, round_: ReportingRound, *, mode: str
) -> list[RoundEntry]:
    """Save every planned row in `round_` as a draft (mode "draft") or submission ("submit")."""
    if mode not in ROUND_MODES:
        raise ValueError(f"unknown round import mode {mode!r}")
    return [
        save_entry(
            session,
            user,
            round_,
            capability,
            EntryInput(
                level=change.level,
                summary=change.summary,
                justification=change.justification,
                # the sheet's target column, once the Uppdatering sheet has one
                target_level=getattr(change, "target_level", None),
            ),
            submit=mode == "submit",
        )
        for change, capability in plan.with_capabilities(session)
    ]
