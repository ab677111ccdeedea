"""The one exception tree of the generator.

Every error a user can cause is a :class:`ReadinessError`; the CLI edge turns it
into a message and an exit code (``--debug`` shows the traceback). Anything else
that escapes is a bug.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True, order=True)
class Problem:
    """One validation problem, located in a file (path relative to the root)."""

    path: str
    line: int
    column: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}: {self.message}"


class ReadinessError(Exception):
    """Base of every error the user can fix; ``exit_code`` is what the CLI returns."""

    exit_code = 1


class UsageError(ReadinessError):
    """A bad command line or option value (exit 2)."""

    exit_code = 2


class ValidationFailed(ReadinessError):
    """The records did not validate; ``problems`` holds every problem found."""

    exit_code = 1

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems)
        count = len(self.problems)
        super().__init__(f"{count} problem{'s' if count != 1 else ''} found")
