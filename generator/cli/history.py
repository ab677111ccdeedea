"""``readiness history`` and ``diff``: statuses through the git history, and what a change does to them."""

from __future__ import annotations

import click

from .common import as_of_moment, as_of_option, echo, echo_lines, field, history_cache, progress, report_errors, root


@click.command()
@as_of_option()
@click.option("--json", "as_json", is_flag=True, help="Print the JSON document only.")
@report_errors
def history(as_of: str | None, as_json: bool) -> None:
    """Status transitions, oldest first, from the first-parent git history."""
    from ..history import compute_history, history_document, history_lines
    from ..textsafe import json_text

    moment = as_of_moment(as_of)
    with progress("history") as tick:
        result = compute_history(root(), moment, tick, cache=history_cache())
    if as_json:
        echo(json_text(history_document(result)))
        return
    if not result.available:
        echo(f"history unavailable: {field(result.reason)}", err=True)
        return
    echo_lines(history_lines(result))
    echo(f"{len(result.transitions)} transitions in {len(result.points)} commits", err=True)


@click.command()
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
@as_of_option()
@report_errors
def diff(base: str | None, head: str | None, fmt: str, fail_on_regression: bool, as_of: str | None) -> None:
    """Compare BASE (default: merge-base with main) with HEAD (default: the work tree)."""
    from ..diff import compute_diff, diff_document, diff_markdown
    from ..textsafe import Word, json_text, plural

    moment = as_of_moment(as_of)
    with progress("diff") as tick:
        result = compute_diff(root(), base, head, moment, tick, cache=history_cache())
    if fmt == "json":
        echo(json_text(diff_document(result)))
    else:
        echo(diff_markdown(result), nl=False)  # Markdown for a pull request: never coloured
    if fail_on_regression and result.head.problems:
        echo(Word(f"HEAD has {plural(len(result.head.problems), 'validation problem')}", "bad"), err=True)
        click.get_current_context().exit(1)
    if fail_on_regression and result.regressions:
        count = len(result.regressions)
        echo(Word(f"{count} {'gate or wave' if count == 1 else 'gates or waves'} got worse", "bad"), err=True)
        click.get_current_context().exit(3)


COMMANDS = (history, diff)
