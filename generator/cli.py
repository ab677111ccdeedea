"""The ``readiness`` command: parse, call the core, report. Nothing else lives here."""

from __future__ import annotations

import contextlib
import logging
import os
import sys
import traceback
from collections.abc import Callable, Iterator
from functools import wraps
from pathlib import Path
from typing import IO, Any, TypeVar

import click

from . import __version__
from .cli_evidence import evidence
from .cli_probe import probe
from .cli_publish import publish
from .errors import ReadinessError, UsageError, ValidationFailed

F = TypeVar("F", bound=Callable[..., Any])


def echo(message: object = "", *, err: bool = False, nl: bool = True, file: IO[str] | None = None) -> None:
    """Print a message: every line the command prints goes through here.

    ``terminal_text(..., lines=True)``: control and format characters show escaped and no
    line can pass for a CI workflow command. A value from the records or from git that
    sits inside a line is escaped as one field first (``terminal_text(value)``), so that
    its own line breaks cannot start a line either.
    """
    from .textsafe import terminal_text

    click.echo(terminal_text(message, lines=True), file=file, nl=nl, err=err)


def field(value: object) -> str:
    """One value inside a printed line (a path, an id, a summary): one line, escaped."""
    from .textsafe import terminal_text

    return terminal_text(value)


class _TerminalFormatter(logging.Formatter):
    """Log records (MkDocs' warnings name pages, links and record text) escaped like :func:`echo`."""

    def format(self, record: logging.LogRecord) -> str:
        from .textsafe import terminal_text

        return terminal_text(super().format(record), lines=True)


def log_to_terminal() -> None:
    """Warnings and errors of the build (MkDocs, mike) to stderr, escaped (once per process)."""
    handler = logging.StreamHandler()
    handler.setFormatter(_TerminalFormatter("%(levelname)s - %(message)s"))
    logging.basicConfig(level=logging.WARNING, handlers=[handler])


class _Group(click.Group):
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
        from .textsafe import terminal_text

        # ``message`` is Final to type checkers only; every Click error shows it.
        object.__setattr__(exc, "message", terminal_text(exc.message, lines=True))
        raise


class Context:
    """Global options."""

    def __init__(self, root: Path, debug: bool) -> None:
        self.root = root
        self.debug = debug


def _report(func: F) -> F:
    """Translate the exception tree into messages and exit codes at the edge."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        ctx = click.get_current_context()
        debug = bool(ctx.find_object(Context) and ctx.find_object(Context).debug)  # type: ignore[union-attr]
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


@click.group(
    cls=_Group, context_settings={"help_option_names": ["-h", "--help"], "terminal_width": 88, "max_content_width": 88}
)
@click.option(
    "--root",
    type=click.Path(file_okay=False, path_type=Path),
    default=".",
    show_default=True,
    help="Repository root holding data/ and evidence/.",
)
@click.option("--debug", is_flag=True, help="Show tracebacks for errors.")
@click.version_option(__version__, prog_name="readiness")
@click.pass_context
def main(ctx: click.Context, root: Path, debug: bool) -> None:
    """Readiness gates from evidence kept in git."""
    ctx.obj = Context(root, debug)


as_of_option = click.option(
    "--as-of",
    "as_of",
    metavar="DATE",
    help="Compute as of this date (end of day, UTC) or ISO time; default SOURCE_DATE_EPOCH, else now.",
)


config_file_option = click.option(
    "--config-file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="MkDocs configuration (default: ROOT/mkdocs.yml).",
)


@main.command()
@as_of_option
@click.pass_obj
@_report
def validate(obj: Context, as_of: str | None) -> None:
    """Check every record; print each problem as path:line:column: message."""
    from .asof import resolve_as_of
    from .loader import load_catalog

    resolve_as_of(as_of, os.environ)  # a bad --as-of is a usage error here too
    click.get_current_context().meta["problems_to_stdout"] = True
    catalog = load_catalog(obj.root)
    echo(
        f"valid: {len(catalog.gates)} gates, {len(catalog.waves)} waves, {len(catalog.services)} services, "
        f"{len(catalog.stores)} stores, {len(catalog.environments)} environments, {len(catalog.repos)} repos, "
        f"{len(catalog.evidence)} evidence records"
    )


@main.command()
@as_of_option
@click.option("--json", "as_json", is_flag=True, help="Print the JSON document only.")
@click.pass_obj
@_report
def status(obj: Context, as_of: str | None, as_json: bool) -> None:
    """Gate and wave statuses with their reasons."""
    from .asof import resolve_as_of
    from .pipeline import build_model
    from .report import status_document, status_text
    from .textsafe import json_text

    model = build_model(obj.root, resolve_as_of(as_of, os.environ), history=False)
    if as_json:
        echo(json_text(status_document(model.catalog, model.derived)))
    else:
        echo(status_text(model.catalog, model.derived), nl=False)


@main.command()
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Directory to write into (default: ROOT/schema).",
)
@click.option("--check", is_flag=True, help="Write nothing; exit 1 if the committed schemas are stale.")
@click.pass_obj
@_report
def schema(obj: Context, out: Path | None, check: bool) -> None:
    """Write the JSON Schema of every record kind, generated from the models."""
    from .schema import stale_schemas, write_schemas

    directory = out or obj.root / "schema"
    if check:
        stale = stale_schemas(directory)
        if stale:
            raise ReadinessError(f"stale schemas in {field(directory)}: {', '.join(stale)}; run 'readiness schema'")
        echo(f"schemas in {field(directory)} are up to date")
        return
    for path in write_schemas(directory):
        echo(f"wrote {field(path)}")


@main.command()
@as_of_option
@click.option(
    "--site-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Where to put the site (default: ROOT/site).",
)
@config_file_option
@click.pass_obj
@_report
def build(obj: Context, as_of: str | None, site_dir: Path | None, config_file: Path | None) -> None:
    """Validate, then build the site strictly (a failed build leaves the old site as it was)."""
    from .asof import resolve_as_of
    from .site import build_site

    log_to_terminal()
    moment = resolve_as_of(as_of, os.environ)
    report = build_site(obj.root, moment, site_dir, config_file)
    echo(f"built {report.pages} pages into {field(report.site_dir)} in {report.seconds:.1f} s")


@main.command()
@as_of_option
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="Directory to write the generated Markdown into.",
)
@click.pass_obj
@_report
def render(obj: Context, as_of: str | None, out: Path) -> None:
    """Write the generated Markdown pages (what the plugin adds), without MkDocs."""
    from . import pipeline
    from .asof import resolve_as_of

    rendered = pipeline.render(obj.root, pipeline.build_model(obj.root, resolve_as_of(as_of, os.environ)))
    pipeline.write(rendered, out)
    echo(f"wrote {len(rendered.pages)} pages and {len(rendered.files)} other files into {field(out)}")


@main.command()
@as_of_option
@click.option("--dev-addr", default="127.0.0.1:8000", show_default=True, help="Address to serve on.")
@config_file_option
@click.pass_obj
@_report
def serve(obj: Context, as_of: str | None, dev_addr: str, config_file: Path | None) -> None:
    """Preview the site with live reload; edits under data/ and evidence/ rebuild it."""
    from .asof import resolve_as_of
    from .site import serve_site

    resolve_as_of(as_of, os.environ)  # reject a bad --as-of before starting
    log_to_terminal()
    serve_site(obj.root, as_of, dev_addr, config_file)


@main.command()
@as_of_option
@click.option("--json", "as_json", is_flag=True, help="Print the JSON document only.")
@click.pass_obj
@_report
def history(obj: Context, as_of: str | None, as_json: bool) -> None:
    """Status transitions, oldest first, from the first-parent git history."""
    from .asof import resolve_as_of
    from .history import compute_history, history_document, history_lines
    from .textsafe import json_text

    result = compute_history(obj.root, resolve_as_of(as_of, os.environ))
    if as_json:
        echo(json_text(history_document(result)))
        return
    if not result.available:
        echo(f"history unavailable: {field(result.reason)}", err=True)
        return
    for line in history_lines(result):
        echo(line)
    echo(f"{len(result.transitions)} transitions in {len(result.points)} commits", err=True)


@main.command()
@click.argument("base", required=False)
@click.argument("head", required=False)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["markdown", "json"]),
    default="markdown",
    show_default=True,
    help="Markdown is what a pull-request comment shows.",
)
@click.option("--fail-on-regression", is_flag=True, help="Exit 3 when any gate or wave got worse.")
@as_of_option
@click.pass_obj
@_report
def diff(
    obj: Context, base: str | None, head: str | None, fmt: str, fail_on_regression: bool, as_of: str | None
) -> None:
    """Compare BASE (default: merge-base with main) with HEAD (default: the work tree)."""
    from .asof import resolve_as_of
    from .diff import compute_diff, diff_document, diff_markdown
    from .textsafe import json_text

    result = compute_diff(obj.root, base, head, resolve_as_of(as_of, os.environ))
    if fmt == "json":
        echo(json_text(diff_document(result)))
    else:
        echo(diff_markdown(result), nl=False)
    if fail_on_regression and result.head.problems:
        echo(f"HEAD has {len(result.head.problems)} validation problem(s)", err=True)
        click.get_current_context().exit(1)
    if fail_on_regression and result.regressions:
        echo(f"{len(result.regressions)} gate(s) or wave(s) got worse", err=True)
        click.get_current_context().exit(3)


main.add_command(evidence)
main.add_command(probe)
main.add_command(publish)


def run() -> None:  # pragma: no cover - console entry
    try:
        main()
    except UsageError as exc:
        echo(f"error: {exc}", err=True)
        sys.exit(exc.exit_code)
