"""``readiness publish``: build HEAD's records and commit them to the pages branch as one version.

Registered in :mod:`generator.cli` with ``main.add_command(publish)``. Like
:mod:`generator.cli_evidence`, this module imports :mod:`generator.cli` and the
publishing logic (mike, MkDocs) only when the command runs.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import click


@click.command("publish")
@click.argument("version")
@click.option(
    "--alias",
    "aliases",
    multiple=True,
    metavar="ALIAS",
    help="Another name for this version, moved here from the version that had it, e.g. latest (repeatable).",
)
@click.option("--title", metavar="TEXT", help="The version's title in the version selector (default: VERSION).")
@click.option(
    "--set-default",
    "set_default",
    is_flag=True,
    help="Make the site root redirect here: to the first --alias (so it follows the alias), else to VERSION.",
)
@click.option("--push", is_flag=True, help="Fetch the pages branch from the remote first, and push it afterwards.")
@click.option("--branch", default="gh-pages", show_default=True, metavar="BRANCH", help="The pages branch.")
@click.option("--remote", default="origin", show_default=True, metavar="REMOTE", help="The remote for --push.")
@click.option(
    "--as-of",
    "as_of",
    metavar="DATE",
    help="Compute as of this date (end of day, UTC) or ISO time; default SOURCE_DATE_EPOCH, "
    "else the committer time of HEAD.",
)
def publish(**options: Any) -> None:
    """Build the site from HEAD and commit it to the pages branch as VERSION (with mike).

    Each version is a directory of the pages branch; versions.json lists them for the
    version selector and records the source commit of each. An alias is a symlink:
    publishing with --alias moves it to this version. The work tree and the current
    branch are never touched; uncommitted changes to data/, evidence/, docs/ or
    mkdocs.yml are refused, since the version records the commit it was built from.
    """
    from .cli import _report

    _report(_publish)(**options)


def _publish(
    *,
    version: str,
    aliases: tuple[str, ...],
    title: str | None,
    set_default: bool,
    push: bool,
    branch: str,
    remote: str,
    as_of: str | None,
) -> None:
    from .asof import requested_as_of
    from .cli import echo, field, log_to_terminal
    from .publish import publish as publish_version

    log_to_terminal()
    report = publish_version(
        _root(),
        version,
        aliases=list(aliases),
        title=title,
        set_default=set_default,
        push=push,
        branch=branch,
        remote=remote,
        as_of=requested_as_of(as_of, os.environ),  # None: the committer time of HEAD
    )
    named = f" (aliases: {', '.join(report.aliases)})" if report.aliases else ""
    if report.changed:
        echo(f"published {report.version}{named} from {report.short} to branch {report.branch}")
    else:
        echo(f"{report.version}{named} from {report.short} was already on branch {report.branch}: nothing changed")
    if report.previous_version is not None:
        since = f" (commit {report.previous_commit[:7]})" if report.previous_commit else ""
        echo(f"previous version: {field(report.previous_version)}{since}")
    if report.set_default:
        echo(f"the site root redirects to {field(report.default)}/")
    if report.pushed_to is not None:
        echo(f"pushed {report.branch} to {field(report.pushed_to)}")


def _root() -> Path:
    """The global ``--root`` (the current directory when run outside ``readiness``)."""
    from .cli import Context

    context = click.get_current_context().find_object(Context)
    return context.root if context is not None else Path(".")
