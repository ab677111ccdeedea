"""``readiness probe``: look at live endpoints and record what was seen as evidence.

The probes are imported only when a command runs, so ``readiness`` starts fast.

Exit codes: 0 when the probe passed (every probe, for ``run``), 1 when it
failed (or the records do not validate), 2 for a usage error (a bad option, a
broken plan). A failing probe is a record, not an error: it is printed or
written like a passing one.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from ..errors import UsageError
from .common import echo, field, report_errors, root

if TYPE_CHECKING:
    from ..probes.base import Probe
    from ..probes.plan import PlanResult


def _common_params() -> list[click.Parameter]:
    """The options every single probe takes, besides its own (the registry's)."""
    from ..probes.base import DEFAULT_TIMEOUT

    return [
        click.Option(
            ["--about", "about"],
            multiple=True,
            metavar="REF",
            help="An entity the record is about, kind:id (repeatable).",
        ),
        click.Option(
            ["--assess", "assess"],
            multiple=True,
            metavar="GATE=STATUS",
            help="Assess a gate in the record, e.g. OPS-G05=ready (repeatable; written whatever the result).",
        ),
        click.Option(
            ["--timeout"],
            type=click.FloatRange(min=0, min_open=True, max=600),
            default=DEFAULT_TIMEOUT,
            show_default=True,
            metavar="SECONDS",
            help="Wait at most this long to connect and for each answer.",
        ),
        click.Option(
            ["--write"],
            is_flag=True,
            help="Write the record to evidence/<year>/ and print its path (default: print the record).",
        ),
    ]


class _ProbeGroup(click.Group):
    """``probe run`` plus one command per registered probe (made from the registry when asked for,
    so that ``readiness`` starts without importing any probe)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        from ..probes import PROBES

        return sorted([*PROBES, *self.commands])

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        from ..probes import PROBES

        entry = PROBES.get(name)
        return _probe_command(entry) if entry is not None else self.commands.get(name)


def _probe_command(entry: Probe[Any, Any]) -> click.Command:
    @report_errors
    def callback(about: tuple[str, ...], assess: tuple[str, ...], write: bool, **values: Any) -> None:
        _run(entry, entry.from_cli(**values), about=about, assess=assess, write=write)

    return click.Command(
        entry.name, params=[*entry.cli_params(), *_common_params()], callback=callback, help=entry.help
    )


@click.group(cls=_ProbeGroup)
def probe() -> None:
    """Probe endpoints and record what was seen as evidence.

    Each probe prints an evidence record (YAML), or writes it with --write, with
    one observation per step. Exit 0 when every step passed, 1 when one failed:
    a failure (a timeout, a refused connection, a bad certificate) is recorded,
    not raised. No credential, token or cookie is ever recorded or printed.
    """


@probe.command("run")
@click.argument("plan", required=False, type=click.Path(dir_okay=False, path_type=Path))
@report_errors
def run_command(plan: Path | None) -> None:
    """Run every probe of a plan and write the records.

    PLAN defaults to ROOT/data/probes.yaml. Writes one record per probe and prints
    one line for each. Exit 1 if any probe failed, 2 if the plan is broken.
    """
    from ..probes.plan import DEFAULT_PLAN, run_plan
    from ..probes.record import one_line

    where = root()
    path = plan if plan is not None else where / DEFAULT_PLAN
    if not path.is_file():
        if plan is None:
            echo(f"no probe plan at {field(path)}: nothing to probe", err=True)
            return
        raise UsageError(f"{field(plan)}: no such plan file")

    def report(result: PlanResult) -> None:
        summary = result.outcome.secrets.scrub(one_line(result.outcome.summary, limit=500))
        echo(f"{result.outcome.result}  {field(result.path.relative_to(where).as_posix())}  {field(summary)}")

    results = run_plan(where, path, report)
    failed = sum(1 for result in results if not result.outcome.passed)
    echo(f"{len(results)} probes: {len(results) - failed} passed, {failed} failed", err=True)
    if failed:
        click.get_current_context().exit(1)


COMMANDS = (probe,)


# ----------------------------------------------------------------------- helpers


def _run(entry: Probe[Any, Any], spec: Any, *, about: tuple[str, ...], assess: tuple[str, ...], write: bool) -> None:
    """Check the record options, run the probe, print or write the record, exit 1 on a failure."""
    from ..authoring import parse_assess
    from ..probes.single import run_single
    from ..records.recordfile import render_evidence

    where = root()
    result = run_single(where, entry, spec, about=about, assess=parse_assess(assess), write=write)
    for gate in result.refused:
        echo(
            f"not assessing {field(gate)} ready: the probe failed, and a failing record cannot prove a gate ready",
            err=True,
        )
    if write:
        echo(field(result.write(where).relative_to(where).as_posix()))
    else:
        echo(render_evidence(result.record), nl=False)
    echo(f"{result.outcome.result}: {field(result.record.summary)}", err=True)
    if not result.outcome.passed:
        click.get_current_context().exit(1)
