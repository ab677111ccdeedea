"""What every ``readiness`` command shares: the options, the root, the printing, the exit codes.

Every command module imports from here and from no other command module. The
core is imported inside the commands, when one runs, so ``readiness --help``
starts fast.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
import sys
import traceback
from collections.abc import Callable, Iterator
from functools import wraps
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, TypeVar

import click

from ..errors import ReadinessError, ValidationFailed

if TYPE_CHECKING:
    from ..cache import HistoryCache

F = TypeVar("F", bound=Callable[..., Any])


# ------------------------------------------------------------------ printing


def echo(message: object = "", *, err: bool = False, nl: bool = True, file: IO[str] | None = None) -> None:
    """Print a message: every line the command prints goes through here.

    ``terminal_text(..., lines=True)``: control and format characters show escaped and no
    line can pass for a CI workflow command. A value from the records or from git that
    sits inside a line is escaped as one field first (``terminal_text(value)``), so that
    its own line breaks cannot start a line either.
    """
    from ..textsafe import terminal_text

    click.echo(terminal_text(message, lines=True), file=file, nl=nl, err=err)


def field(value: object) -> str:
    """One value inside a printed line (a path, an id, a summary): one line, escaped."""
    from ..textsafe import terminal_text

    return terminal_text(value)


class _TerminalFormatter(logging.Formatter):
    """Log records (MkDocs' warnings name pages, links and record text) escaped like :func:`echo`."""

    def format(self, record: logging.LogRecord) -> str:
        from ..textsafe import terminal_text

        return terminal_text(super().format(record), lines=True)


def log_to_terminal() -> None:
    """Warnings and errors of the build (MkDocs, mike) to stderr, escaped (once per process)."""
    handler = logging.StreamHandler()
    handler.setFormatter(_TerminalFormatter("%(levelname)s - %(message)s"))
    logging.basicConfig(level=logging.WARNING, handlers=[handler])


class Group(click.Group):
    """Click's own messages (a bad option, an unknown command) quote the command line: escaped too."""

    def make_context(self, *args: Any, **kwargs: Any) -> click.Context:
        with _escaped_click_errors():
            return super().make_context(*args, **kwargs)

    def invoke(self, ctx: click.Context) -> Any:
        with _escaped_click_errors():
            return super().invoke(ctx)


@contextlib.contextmanager
def _escaped_click_errors() -> Iterator[None]:
    try:
        yield
    except click.ClickException as exc:
        from ..textsafe import terminal_text

        # ``message`` is Final to type checkers only; every Click error shows it.
        object.__setattr__(exc, "message", terminal_text(exc.message, lines=True))
        raise


# ------------------------------------------------------------------ the global options


class Context:
    """Global options."""

    def __init__(self, root: Path, debug: bool) -> None:
        self.root = root
        self.debug = debug


def _context() -> Context | None:
    return click.get_current_context().find_object(Context)


def root() -> Path:
    """The global ``--root`` (the current directory when a command runs outside ``readiness``)."""
    context = _context()
    return context.root if context is not None else Path(".")


def report_errors(func: F) -> F:
    """Translate the exception tree into messages and exit codes at the edge."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        ctx = click.get_current_context()
        context = _context()
        debug = bool(context and context.debug)
        try:
            return func(*args, **kwargs)
        except ValidationFailed as exc:
            if debug:
                echo(traceback.format_exc(), err=True, nl=False)
            stream = sys.stdout if ctx.meta.get("problems_to_stdout") else sys.stderr
            for problem in exc.problems:
                echo(field(problem), file=stream)
            echo(f"invalid: {exc}", err=True)
            ctx.exit(exc.exit_code)
        except ReadinessError as exc:
            if debug:
                echo(traceback.format_exc(), err=True, nl=False)
            echo(f"error: {exc}", err=True)
            ctx.exit(exc.exit_code)

    return wrapper  # type: ignore[return-value]


# ------------------------------------------------------------------ options more than one command takes


def as_of_option(otherwise: str = "now") -> Callable[[F], F]:
    """``--as-of DATE``; ``otherwise`` says what a run without it and without SOURCE_DATE_EPOCH uses."""
    return click.option(
        "--as-of",
        "as_of",
        metavar="DATE",
        help=f"Compute as of this date (end of day, UTC) or ISO time; default SOURCE_DATE_EPOCH, else {otherwise}.",
    )


def as_of_moment(option: str | None) -> dt.datetime:
    """The run's as-of moment: ``--as-of``, else ``SOURCE_DATE_EPOCH``, else now (one rule for every command)."""
    from ..asof import resolve_as_of

    return resolve_as_of(option, os.environ)


def requested_moment(option: str | None) -> dt.datetime | None:
    """The as-of moment the run asks for: ``--as-of``, else ``SOURCE_DATE_EPOCH``; ``None`` for neither."""
    from ..asof import requested_as_of

    return requested_as_of(option, os.environ)


def directory_option(name: str, help: str, *, required: bool = False) -> Callable[[F], F]:
    """An option that names a directory (to write into)."""
    return click.option(name, type=click.Path(file_okay=False, path_type=Path), required=required, help=help)


config_file_option = click.option(
    "--config-file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="MkDocs configuration (default: ROOT/mkdocs.yml).",
)


# ------------------------------------------------------------------ the history's cache


def history_cache() -> HistoryCache | None:
    """The history cache of ``--root`` (``READINESS_CACHE_DIR``, else ROOT/.cache/readiness; ``off``: none)."""
    from ..cache import open_cache

    return open_cache(root(), os.environ)
