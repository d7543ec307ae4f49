"""Read side of reporting rounds, one module per part of the feature: which rounds there are
(lifecycle), what each user must do and where a round stands (progress), one capability's
entry (entries), what a closed round keeps (snapshot), and rounds compared (comparison).

The package exports the feature's read API, so `from capabilities.queries import rounds` reads
as one place; the modules keep each part under 400 lines.
"""

from __future__ import annotations

from capabilities.queries.rounds.comparison import (
    CapabilityChange,
    Comparison,
    compare_rounds,
    data_scores,
)
from capabilities.queries.rounds.entries import (
    EntryHistory,
    capability_round_history,
    current_target_level,
)
from capabilities.queries.rounds.lifecycle import (
    get_round,
    list_rounds,
    the_open_round,
)
from capabilities.queries.rounds.progress import (
    MEMBER_OPEN_STATES,
    RoundCounts,
    RoundProgress,
    RoundTask,
    StateCounts,
    round_counts_for,
    round_progress,
    round_summary,
    round_tasks_for,
)
from capabilities.queries.rounds.snapshot import (
    SNAPSHOT_FORMAT,
    current_register_data,
    round_snapshot_data,
    snapshot_data,
)

__all__ = [
    "MEMBER_OPEN_STATES",
    "SNAPSHOT_FORMAT",
    "CapabilityChange",
    "Comparison",
    "EntryHistory",
    "RoundCounts",
    "RoundProgress",
    "RoundTask",
    "StateCounts",
    "capability_round_history",
    "compare_rounds",
    "current_register_data",
    "current_target_level",
    "data_scores",
    "get_round",
    "list_rounds",
    "round_counts_for",
    "round_progress",
    "round_snapshot_data",
    "round_summary",
    "round_tasks_for",
    "snapshot_data",
    "the_open_round",
]
