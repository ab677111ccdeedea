"""Which status is lower: the order of gate and wave statuses, and what counts as worse."""

from __future__ import annotations

from collections.abc import Mapping

GATE_RANK: dict[str, int] = {"unknown": 0, "partial": 1, "ready": 2}
WAVE_RANK: dict[str, int] = {"not-started": 0, "in-progress": 1, "passed": 2}


def regressed(before: str | None, after: str | None, rank: Mapping[str, int]) -> bool:
    """Worse: down the ``rank`` (gates ready > partial > unknown, waves passed > in-progress >
    not-started), or becoming blocked."""
    if before is None or after is None or before == after:
        return False
    if after == "blocked":
        return True
    return before in rank and rank[after] < rank[before]
