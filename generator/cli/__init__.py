"""The ``readiness`` command: parse, call the core, report. Nothing else lives here.

``main`` is the command group with the global options; each command group
lives in its own module (records, site, history, evidence, probe, publish, interhub),
which imports only :mod:`generator.cli.common`; its ``COMMANDS`` are the
group's commands.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .. import __version__
from ..errors import UsageError
from . import evidence, history, interhub, probe, publish, records, site
from .common import Context, Group, echo_error


@click.group(
    cls=Group,
    commands=[
        *records.COMMANDS,
        *site.COMMANDS,
        *history.COMMANDS,
        *evidence.COMMANDS,
        *probe.COMMANDS,
        *publish.COMMANDS,
        *interhub.COMMANDS,
    ],
    context_settings={"help_option_names": ["-h", "--help"], "terminal_width": 88, "max_content_width": 88},
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
    """Readiness gates from evidence kept in git.

    Exit codes, for every command: 0 success; 1 the records do not validate, the
    build failed, a probe failed or an event was not acknowledged; 2 the command line
    is wrong (an unknown option, a malformed value, or a value naming a gate, entity,
    record or environment variable that does not exist); 3 diff --fail-on-regression
    found a gate or wave that got worse.
    """
    ctx.obj = Context(root, debug)


def run() -> None:  # pragma: no cover - console entry
    try:
        main()
    except UsageError as exc:
        echo_error(exc)
        sys.exit(exc.exit_code)
