"""``readiness build``, ``render`` and ``serve``: the site, with MkDocs or without."""

from __future__ import annotations

from pathlib import Path

import click

from .common import (
    as_of_moment,
    as_of_option,
    config_file_option,
    directory_option,
    echo,
    field,
    history_cache,
    log_to_terminal,
    progress,
    report_errors,
    root,
)


@click.command()
@as_of_option()
@directory_option("--site-dir", "Where to put the site (default: ROOT/site).")
@config_file_option
@report_errors
def build(as_of: str | None, site_dir: Path | None, config_file: Path | None) -> None:
    """Validate, then build the site strictly (a failed build leaves the old site as it was)."""
    from ..mkdocs.build import build_site

    moment = as_of_moment(as_of)
    log_to_terminal()
    with progress("build") as tick:
        built = build_site(root(), moment, site_dir, config_file, progress=tick)
    echo(f"built {built.pages} pages into {field(built.site_dir)} in {built.seconds:.1f} s")


@click.command()
@as_of_option()
@directory_option("--out", "Directory to write the generated Markdown into.", required=True)
@report_errors
def render(as_of: str | None, out: Path) -> None:
    """Write the generated Markdown pages (what the plugin adds), without MkDocs."""
    from .. import pipeline

    where = root()
    moment = as_of_moment(as_of)
    with progress("render") as tick:
        rendered = pipeline.render(where, pipeline.build_model(where, moment, progress=tick, cache=history_cache()))
    pipeline.write(rendered, out)
    echo(f"wrote {len(rendered.pages)} pages and {len(rendered.files)} other files into {field(out)}")


@click.command()
@as_of_option()
@click.option("--dev-addr", default="127.0.0.1:8000", show_default=True, help="Address to serve on.")
@config_file_option
@report_errors
def serve(as_of: str | None, dev_addr: str, config_file: Path | None) -> None:
    """Preview the site with live reload; edits under data/ and evidence/ rebuild it."""
    from ..mkdocs.build import serve_address, serve_site

    as_of_moment(as_of)  # reject a bad --as-of before starting
    url = serve_address(dev_addr)
    log_to_terminal()
    echo(f"Serving the site at {url} (Ctrl+C stops it; saving a file under data/ or evidence/ rebuilds it)", err=True)
    serve_site(root(), as_of, dev_addr, config_file)


COMMANDS = (build, render, serve)
