"""The freshness rule: how long evidence counts. One rule for a gate's assessments and a check's records."""

from __future__ import annotations

import datetime as dt


def stale_from(observed: dt.date, max_age_days: int) -> dt.date:
    """The first day evidence observed on ``observed`` no longer counts, when it may be at most
    ``max_age_days`` old: of age N (whole calendar days) it is fresh under N and stale at N+1."""
    return observed + dt.timedelta(days=max_age_days + 1)


def is_stale(observed: dt.date, max_age_days: int, today: dt.date) -> bool:
    """Whether evidence observed on ``observed`` no longer counts on ``today``."""
    return today >= stale_from(observed, max_age_days)
