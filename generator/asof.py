"""The as-of moment: from ``--as-of``, else ``SOURCE_DATE_EPOCH``, else now (UTC)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from .errors import UsageError

UTC = dt.UTC


def end_of_day(day: dt.date) -> dt.datetime:
    """An as-of given as a date means the end of that day (UTC)."""
    return dt.datetime(day.year, day.month, day.day, 23, 59, 59, 999999, tzinfo=UTC)


def parse_day(text: str, option: str) -> dt.date:
    """A date option's value, ``YYYY-MM-DD``; :class:`UsageError` naming ``option`` and what is wrong."""
    value = text.strip()
    try:
        if len(value) == 10 and value[4] == "-" and value[7] == "-":
            return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise UsageError(f"{option} '{text}' is not a valid date ({exc}): write YYYY-MM-DD, e.g. 2026-06-14") from None
    raise UsageError(f"{option} '{text}' is not a date: write YYYY-MM-DD, e.g. 2026-06-14")


def parse_as_of(text: str) -> dt.datetime:
    """``2026-06-14`` (end of that day) or an ISO time (``2026-06-14T12:00:00Z``)."""
    value = text.strip()
    try:
        if len(value) == 10:
            moment = end_of_day(parse_day(value, "--as-of"))
        else:
            moment = dt.datetime.fromisoformat(value.replace("z", "Z"))
    except ValueError:
        raise UsageError(
            f"--as-of '{text}' is not a date: write YYYY-MM-DD (end of that day, UTC) or an ISO time such as 2026-06-14T12:00:00Z"
        ) from None
    try:
        moment = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    except OverflowError:
        moment = dt.datetime.min.replace(tzinfo=UTC)  # before year 1 in UTC: refused below
    if not EARLIEST <= moment.year <= LATEST:
        raise UsageError(f"--as-of '{text}' is out of range: give a moment between the years {EARLIEST} and {LATEST}")
    return moment


EARLIEST, LATEST = 1970, 9000
"""The years an as-of moment may fall in: far enough that freshness windows and targets after it
are still dates."""


def requested_as_of(option: str | None, environ: Mapping[str, str]) -> dt.datetime | None:
    """The as-of moment a run asks for: ``--as-of``, else ``SOURCE_DATE_EPOCH``; ``None`` when neither is given."""
    if option:
        return parse_as_of(option)
    epoch = environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not epoch:
        return None
    try:
        return dt.datetime.fromtimestamp(int(epoch), tz=UTC)
    except (ValueError, OverflowError, OSError):
        raise UsageError(f"SOURCE_DATE_EPOCH '{epoch}' is not a whole number of seconds since 1970") from None


def resolve_as_of(option: str | None, environ: Mapping[str, str]) -> dt.datetime:
    """The as-of moment for a run: ``--as-of``, else ``SOURCE_DATE_EPOCH``, else now."""
    requested = requested_as_of(option, environ)
    return requested if requested is not None else dt.datetime.now(UTC)


def format_moment(moment: dt.datetime) -> str:
    """ISO form, seconds precision, with Z."""
    return moment.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
