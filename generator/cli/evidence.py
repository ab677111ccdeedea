"""``readiness evidence``: commands that write evidence records.

The authoring logic is imported only when a command runs, so ``readiness`` starts fast.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from .common import echo, field, repeatable, report_errors, root

KINDS = (
    "assessment",
    "endpoint-verified",
    "backup-verified",
    "restore-tested",
    "registry-verified",
    "tls-verified",
    "risk-raised",
    "note",
    "waiver",
    "sign-off",
)
"""The evidence kinds (``generator.records.models.KINDS``; a test keeps them equal).

Spelled out here so that starting ``readiness`` does not import the models."""
RESULTS = ("pass", "fail")
SEVERITIES = ("low", "medium", "high", "critical")
DECISIONS = ("go", "no-go")


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
@repeatable("--about", "REF", "An entity it is about, kind:id")
@repeatable("--assess", "GATE=STATUS", "Assess a gate, e.g. OPS-G05=ready")
@repeatable(
    "--attach",
    "FILE",
    "Copy FILE into evidence/files/<year>/ and list it with its SHA-256",
    type=click.Path(path_type=Path),
)
@click.option(
    "--observed",
    metavar="YYYY-MM-DD",
    help="When the fact was observed (default: today, UTC).",
)
@click.option("--details", metavar="TEXT", help="Details (Markdown).")
@click.option("--result", type=click.Choice(RESULTS), help="Required for the verification kinds.")
@click.option("--source", metavar="TEXT", help="How it was obtained: script, command, or manual.")
@click.option("--submitted-by", "submitted_by", metavar="NAME", help="Who submits it.")
@click.option("--severity", type=click.Choice(SEVERITIES), help="For risk-raised records.")
@repeatable("--supersedes", "ID", "An evidence id this record corrects")
@repeatable("--resolves", "ID", "A risk-raised record this one closes")
@repeatable(
    "--waive",
    "GATE=ENTITY",
    "waiver: a gate's failing result for an entity it covers, e.g. OPS-G06=store:gitea-packages",
)
@repeatable("--approved-by", "REPO", "waiver, sign-off: an owner repo that decides")
@click.option("--expires", metavar="YYYY-MM-DD", help="waiver: the last day it is in force (at most 180 days out).")
@click.option("--wave", metavar="WAVE", help="sign-off: the wave decided on.")
@click.option("--decision", type=click.Choice(DECISIONS), help="sign-off: go or no-go.")
@repeatable("--accept", "GATE", "sign-off (go): an open gate the decision knowingly accepts")
@report_errors
def new(
    *,
    kind: str,
    summary: str,
    about: tuple[str, ...],
    assess: tuple[str, ...],
    attach: tuple[Path, ...],
    observed: str | None,
    details: str | None,
    result: str | None,
    source: str | None,
    submitted_by: str | None,
    severity: str | None,
    supersedes: tuple[str, ...],
    resolves: tuple[str, ...],
    waive: tuple[str, ...],
    approved_by: tuple[str, ...],
    expires: str | None,
    wave: str | None,
    decision: str | None,
    accept: tuple[str, ...],
) -> None:
    """Write a new evidence record to evidence/<year>/<date>-<slug>.yaml and print its path.

    Every value is checked against the catalog first; nothing is written when
    one is wrong, and no file is ever overwritten.
    """
    from ..asof import parse_day
    from ..authoring import new_evidence, parse_assess

    where = root()
    path = new_evidence(
        where,
        kind=kind,
        summary=summary,
        about=list(about),
        assess=parse_assess(assess),
        attach=list(attach),
        observed=parse_day(observed, "--observed") if observed is not None else None,
        details=details,
        result=result,
        source=source,
        submitted_by=submitted_by,
        severity=severity,
        supersedes=list(supersedes),
        resolves=list(resolves),
        waive=list(waive),
        approved_by=list(approved_by),
        expires=parse_day(expires, "--expires") if expires is not None else None,
        wave=wave,
        decision=decision,
        accept=list(accept),
        today=dt.datetime.now(dt.UTC).date(),
    )
    rel = field(path.relative_to(where).as_posix())
    echo(rel)
    echo(
        f"next: read it over, then commit it on a branch (git add {rel}) and open a pull request; "
        "the pull request shows what it changes, and readiness validate checks it now",
        err=True,
    )


COMMANDS = (evidence,)
