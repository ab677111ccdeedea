"""``readiness evidence``: commands that write evidence records.

Registered in :mod:`generator.cli` with ``main.add_command(evidence)``. This
module imports :mod:`generator.cli` and the authoring logic only when a command
runs: either module may be imported first, and ``readiness`` starts fast.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import click

KINDS = (
    "assessment",
    "endpoint-verified",
    "backup-verified",
    "restore-tested",
    "registry-verified",
    "tls-verified",
    "risk-raised",
    "note",
)
"""The evidence kinds (``generator.models.KINDS``; a test keeps them equal).

Spelled out here so that starting ``readiness`` does not import the models."""
RESULTS = ("pass", "fail")
SEVERITIES = ("low", "medium", "high", "critical")


@click.group()
def evidence() -> None:
    """Write evidence records."""


@evidence.command("new")
@click.option(
    "--kind",
    required=True,
    type=click.Choice(KINDS),
    metavar="KIND",
    help=f"What kind of evidence: {', '.join(KINDS)}.",
)
@click.option("--summary", required=True, metavar="TEXT", help="One line of plain text; the file name is made from it.")
@click.option("--about", "about", multiple=True, metavar="REF", help="An entity it is about, kind:id (repeatable).")
@click.option(
    "--assess", "assess", multiple=True, metavar="GATE=STATUS", help="Assess a gate, e.g. OPS-G05=ready (repeatable)."
)
@click.option(
    "--attach",
    "attach",
    multiple=True,
    type=click.Path(path_type=Path),
    metavar="FILE",
    help="Copy FILE into evidence/files/<year>/ and list it with its SHA-256 (repeatable).",
)
@click.option(
    "--observed",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    metavar="DATE",
    help="When the fact was observed (default: today, UTC).",
)
@click.option("--details", metavar="TEXT", help="Details (Markdown).")
@click.option("--result", type=click.Choice(RESULTS), help="Required for the verification kinds.")
@click.option("--source", metavar="TEXT", help="How it was obtained: script, command, or manual.")
@click.option("--submitted-by", "submitted_by", metavar="NAME", help="Who submits it.")
@click.option("--severity", type=click.Choice(SEVERITIES), help="For risk-raised records.")
@click.option(
    "--supersedes", "supersedes", multiple=True, metavar="ID", help="An evidence id this record corrects (repeatable)."
)
@click.option(
    "--resolves", "resolves", multiple=True, metavar="ID", help="A risk-raised record this one closes (repeatable)."
)
def new(**options: Any) -> None:
    """Write a new evidence record to evidence/<year>/<date>-<slug>.yaml and print its path.

    Every value is checked against the catalog first; nothing is written when
    one is wrong, and no file is ever overwritten.
    """
    from .cli import _report

    _report(_new)(**options)


def _new(
    *,
    kind: str,
    summary: str,
    about: tuple[str, ...],
    assess: tuple[str, ...],
    attach: tuple[Path, ...],
    observed: dt.datetime | None,
    details: str | None,
    result: str | None,
    source: str | None,
    submitted_by: str | None,
    severity: str | None,
    supersedes: tuple[str, ...],
    resolves: tuple[str, ...],
) -> None:
    from .authoring import new_evidence, parse_assess
    from .cli import echo, field

    root = _root()
    path = new_evidence(
        root,
        kind=kind,
        summary=summary,
        about=list(about),
        assess=parse_assess(assess),
        attach=list(attach),
        observed=observed.date() if observed is not None else None,
        details=details,
        result=result,
        source=source,
        submitted_by=submitted_by,
        severity=severity,
        supersedes=list(supersedes),
        resolves=list(resolves),
        today=dt.datetime.now(dt.UTC).date(),
    )
    echo(field(path.relative_to(root).as_posix()))


def _root() -> Path:
    """The global ``--root`` (the current directory when run outside ``readiness``)."""
    from .cli import Context

    context = click.get_current_context().find_object(Context)
    return context.root if context is not None else Path(".")
