"""``readiness validate``, ``status`` and ``schema``: the records, their statuses, their schemas."""

from __future__ import annotations

from pathlib import Path

import click

from ..errors import ReadinessError
from .common import as_of_moment, as_of_option, directory_option, echo, echo_lines, field, report_errors, root


@click.command()
@as_of_option()
@report_errors
def validate(as_of: str | None) -> None:
    """Check every record; print each problem as path:line:column: message."""
    from ..textsafe import Word
    from ..validation import load_valid

    as_of_moment(as_of)  # a bad --as-of is a usage error here too
    click.get_current_context().meta["problems_to_stdout"] = True
    catalog = load_valid(root())
    echo(
        Word("valid:", "good"),
        f" {len(catalog.gates)} gates, {len(catalog.waves)} waves, {len(catalog.services)} services, "
        f"{len(catalog.stores)} stores, {len(catalog.environments)} environments, {len(catalog.repos)} repos, "
        f"{len(catalog.evidence)} evidence records",
    )


@click.command()
@as_of_option()
@click.option("--json", "as_json", is_flag=True, help="Print the JSON document only.")
@report_errors
def status(as_of: str | None, as_json: bool) -> None:
    """Gate and wave statuses with their reasons."""
    from ..pipeline import build_model
    from ..site.report import status_document, status_lines
    from ..textsafe import json_text

    model = build_model(root(), as_of_moment(as_of), history=False)
    if as_json:
        echo(json_text(status_document(model.catalog, model.derived)))
    else:
        echo_lines(status_lines(model.catalog, model.derived))


@click.command()
@directory_option("--out", "Directory to write into (default: ROOT/schema).")
@click.option("--check", is_flag=True, help="Write nothing; exit 1 if the committed schemas are stale.")
@report_errors
def schema(out: Path | None, check: bool) -> None:
    """Write the JSON Schema of every record kind and Inter-Hub file, generated from the models."""
    from ..interhub.models import schema_texts
    from ..records.schema import schemas, stale_schemas, write_schemas

    directory = out or root() / "schema"
    texts = {**schemas(), **schema_texts()}
    if check:
        stale = stale_schemas(directory, texts)
        if stale:
            raise ReadinessError(f"stale schemas in {field(directory)}: {', '.join(stale)}; run 'readiness schema'")
        echo(f"schemas in {field(directory)} are up to date")
        return
    for path in write_schemas(directory, texts):
        echo(f"wrote {field(path)}")


COMMANDS = (validate, status, schema)
