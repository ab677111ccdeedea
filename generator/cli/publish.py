"""``readiness publish``: build HEAD's records and commit them to the pages branch as one version.

The publishing logic (mike, MkDocs) is imported only when the command runs.
"""

from __future__ import annotations

from typing import Any

import click

from .common import as_of_option, echo, field, log_to_terminal, progress, report_errors, requested_moment, root


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
    "--force",
    is_flag=True,
    help="Replace a frozen version (one no alias points to) published from another commit.",
)
@as_of_option("the committer time of HEAD")
@report_errors
def publish(as_of: str | None, **options: Any) -> None:
    """Build the site from HEAD and commit it to the pages branch as VERSION (with mike).

    Each version is a directory of the pages branch; versions.json lists them for the
    version selector and records the source commit of each. An alias is a symlink:
    publishing with --alias moves it to this version. A version no alias points to is
    frozen: publishing it again from another commit needs --force. The work tree and the current
    branch are never touched; uncommitted changes to data/, evidence/, docs/ or
    mkdocs.yml are refused, since the version records the commit it was built from.
    """
    from ..publish import publish as publish_version

    log_to_terminal()
    # The other options are publish()'s parameters as they are; neither --as-of nor
    # SOURCE_DATE_EPOCH (None) means the committer time of HEAD.
    moment = requested_moment(as_of)
    with progress("publish") as tick:
        report = publish_version(root(), as_of=moment, progress=tick, **options)
    named = f" (aliases: {', '.join(report.aliases)})" if report.aliases else ""
    if report.replaced is not None:
        echo(f"replaced frozen version {field(report.version)}, published from {report.replaced[:7]}", err=True)
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


COMMANDS = (publish,)
