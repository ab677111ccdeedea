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
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import wraps
from pathlib import Path
from types import MappingProxyType
from typing import IO, TYPE_CHECKING, Any, TypeVar

import click

from ..errors import ReadinessError, ValidationFailed

if TYPE_CHECKING:
    from ..cache import HistoryCache
    from ..progress import Progress
    from ..textsafe import Word

F = TypeVar("F", bound=Callable[..., Any])


# ------------------------------------------------------------------ printing


@dataclass(frozen=True, slots=True)
class _Style:
    fg: str | None = None
    bold: bool = False
    dim: bool = False


_STATUS_STYLES: Mapping[str, _Style] = MappingProxyType(
    {
        # the site's colours (site/cards.py): green, amber, red, grey
        "ready": _Style("green"),
        "passed": _Style("green"),
        "partial": _Style("yellow"),
        "in-progress": _Style("yellow"),
        "blocked": _Style("red"),
        "unknown": _Style(dim=True),
        "not-started": _Style(dim=True),
    }
)
_ROLE_STYLES: Mapping[str, _Style] = MappingProxyType(
    {
        "location": _Style("cyan"),
        "good": _Style("green", bold=True),
        "bad": _Style("red", bold=True),
        "warning": _Style("yellow", bold=True),
    }
)


def colour(stream: IO[str]) -> bool:
    """Whether what goes to ``stream`` is coloured: the one rule, for every command.

    ``NO_COLOR`` (any non-empty value) turns colour off; else ``FORCE_COLOR`` (any
    non-empty value) turns it on, even into a pipe; else colour is on when the
    stream is a terminal and ``TERM`` is not ``dumb``. A CI log is no terminal.
    """
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return os.environ.get("TERM") != "dumb" and _is_terminal(stream)


def _is_terminal(stream: IO[str]) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # no isatty, or closed
        return False


def echo(*parts: object, err: bool = False, nl: bool = True, file: IO[str] | None = None) -> None:
    """Print a message, given in parts: every line the command prints goes through here.

    ``terminal_text(..., lines=True)``: control and format characters show escaped and no
    line can pass for a CI workflow command. A value from the records or from git that
    sits inside a line is escaped as one field first (``terminal_text(value)``), so that
    its own line breaks cannot start a line either. A :class:`~generator.textsafe.Word`
    part is coloured when :func:`colour` says so, after the text has been made safe.
    """
    from ..textsafe import Word, terminal_text

    stream = file or (sys.stderr if err else sys.stdout)
    texts = [part.text if isinstance(part, Word) else str(part) for part in parts]
    text = terminal_text("".join(texts), lines=True)
    coloured = colour(stream)
    if coloured and any(isinstance(part, Word) for part in parts):
        text = _painted(parts, texts, text)
    click.echo(text, file=file, nl=nl, err=err, color=coloured)


def _painted(parts: Sequence[object], texts: Sequence[str], safe: str) -> str:
    """``safe`` (the escaped message) with its words coloured; ``safe`` itself when escaping the parts
    one by one would show other characters (a part starting a line with ``::``): colour never changes
    what is shown, and the only escape sequences printed are the ones added here."""
    from ..textsafe import Word, terminal_text

    pieces = [terminal_text(text, lines=True) for text in texts]
    if "".join(pieces) != safe:
        return safe
    out = []
    for part, piece in zip(parts, pieces, strict=True):
        style = _style(part) if isinstance(part, Word) else None
        if style is None or not piece:
            out.append(piece)
        else:
            out.append(
                click.style(piece, fg=style.fg, bold=True if style.bold else None, dim=True if style.dim else None)
            )
    return "".join(out)


def _style(word: Word) -> _Style | None:
    if word.role == "status":
        return _STATUS_STYLES.get(word.text)
    return _ROLE_STYLES.get(word.role)


def echo_lines(lines: Iterable[Iterable[object]], *, err: bool = False) -> None:
    """Print lines given in parts (a view's terminal lines), in one :func:`echo`."""
    parts = [part for line in lines for part in (*line, "\n")]
    if parts:
        echo(*parts, err=err, nl=False)


class _ProgressLine:
    """One line on stderr, rewritten in place (``\\r``), saying how far long work got; :meth:`clear` wipes it.

    It is redrawn when the whole percent changes (at most about a hundred times a
    count), and only with printable characters: spaces, not an escape sequence, wipe it.
    """

    def __init__(self, label: str, stream: IO[str]) -> None:
        self.label = label
        self.stream = stream
        self.width = 0
        self.shown: tuple[str, int] | None = None

    def __call__(self, unit: str, done: int, total: int) -> None:
        from ..textsafe import terminal_text

        step = (unit, done * 100 // total if total > 0 else 100)
        if total <= 0 or step == self.shown:
            return
        self.shown = step
        text = terminal_text(f"{self.label}: {done}/{total} {unit}")
        self.stream.write("\r" + text.ljust(self.width))
        self.stream.flush()
        self.width = max(self.width, len(text))

    def clear(self) -> None:
        if self.width:
            self.stream.write("\r" + " " * self.width + "\r")
            self.stream.flush()
            self.width = 0
            self.shown = None


@contextlib.contextmanager
def progress(label: str) -> Iterator[Progress | None]:
    """A :data:`~generator.progress.Progress` for long work, shown as ``label: 120/400 commits`` on stderr.

    Only when stderr is a terminal (else ``None``: nothing is shown in a pipe or a CI log,
    whatever FORCE_COLOR says). The line is wiped before each log record is printed (call
    :func:`log_to_terminal` first) and when the work ends, however it ends.
    """
    stream = sys.stderr
    if not _is_terminal(stream):
        yield None
        return
    line = _ProgressLine(label, stream)

    def clear_first(record: logging.LogRecord) -> bool:
        line.clear()
        return True

    handlers = logging.getLogger().handlers[:]
    for handler in handlers:
        handler.addFilter(clear_first)
    try:
        yield line
    finally:
        for handler in handlers:
            handler.removeFilter(clear_first)
        line.clear()


def echo_error(exc: Exception) -> None:
    """``error: message`` on stderr."""
    from ..textsafe import Word

    echo(Word("error:", "bad"), f" {exc}", err=True)


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
            from ..textsafe import Word, problem_parts

            if debug:
                echo(traceback.format_exc(), err=True, nl=False)
            to_stdout = bool(ctx.meta.get("problems_to_stdout"))
            echo_lines((problem_parts(problem) for problem in exc.problems), err=not to_stdout)
            echo(Word("invalid:", "bad"), f" {exc}", err=True)
            ctx.exit(exc.exit_code)
        except ReadinessError as exc:
            if debug:
                echo(traceback.format_exc(), err=True, nl=False)
            echo_error(exc)
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


def repeatable(name: str, metavar: str, help_text: str, **extra: Any) -> Callable[[F], F]:
    """An option given any number of times (``--about A --about B``), collected as a tuple under the
    option's name (``--approved-by`` -> ``approved_by``); its help ends with "(repeatable)"."""
    dest = name.lstrip("-").replace("-", "_")
    return click.option(name, dest, multiple=True, metavar=metavar, help=f"{help_text} (repeatable).", **extra)


# ------------------------------------------------------------------ the history's cache


def history_cache() -> HistoryCache | None:
    """The history cache of ``--root`` (``READINESS_CACHE_DIR``, else ROOT/.cache/readiness; ``off``: none)."""
    from ..cache import open_cache

    return open_cache(root(), os.environ)
