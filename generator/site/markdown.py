"""The engine-neutral render step: the site model -> Markdown pages and generated files.

``render_site`` returns every generated page as plain Markdown (pipe tables,
relative ``.md`` links), keyed by its path under the docs directory, plus the
attachments to publish and the other generated files (JSON API, badges, widget
cards, redirects). The MkDocs plugin adds them in memory; ``readiness render``
writes them out for inspection. Output depends only on the records, the as-of
moment and the build's own facts (:class:`SiteInfo`).

Every fact comes from :mod:`generator.site.model`, every path and link from
:mod:`generator.site.urls`: the templates only format.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from ..asof import format_moment
from ..engine.status import Derived
from ..git import COMMIT_SHA, Commit
from ..records.catalog import Catalog
from ..records.recordfile import SCHEMA_COMMENT
from ..textsafe import (
    front_matter_title,
    html_text,
    markdown_converter,
    md_code,
    md_link,
    md_text,
    plural,
    render_markdown,
    safe_url,
    terminal_text,
)
from . import charts, urls
from .api import api_files
from .cards import widget_files
from .model import PageLink, ReasonView, SiteInfo, SiteModel, build_model
from .model.records import PAGE_SIZE, observed_text
from .urls import Target

__all__ = ["Rendered", "SiteInfo", "render_site", "status_badge"]


@dataclass(slots=True)
class Rendered:
    """The render step's output."""

    pages: dict[str, str] = field(default_factory=dict)
    """Path under docs/ (``gates/ops-g05.md``) -> Markdown."""
    attachments: dict[str, Path] = field(default_factory=dict)
    """Published path under the site (``evidence/files/...``) -> source file."""
    files: dict[str, str] = field(default_factory=dict)
    """Other generated files (JSON API, badges, widget cards, redirects): path under the site -> text."""


def git_text(value: object) -> Markup:
    """Text from git (a subject, an author, git's own error) as plain Markdown text.

    git keeps whatever bytes a commit holds: control and format characters are shown
    escaped (``\\x1b``, ``\\u202e``), then the text is escaped like any record text.
    """
    return md_text(terminal_text(value))


def git_code(value: object) -> Markup:
    """Text from git or a problem message as one inline code span nothing inside can close."""
    return md_code(terminal_text(value))


def _finalize(value: Any) -> Any:
    """Escape by default: anything not already Markup is plain text."""
    if isinstance(value, Markup):
        return value
    if value is None:
        return ""
    return md_text(value)


def _date(value: dt.date | dt.datetime | None) -> str:
    return "" if value is None else observed_text(value)


def status_badge(status: str) -> Markup:
    return Markup(f'<span class="rd-status rd-{html_text(status)}">{html_text(status)}</span>')


def _status_or_none(status: str | None) -> Markup:
    return status_badge(status) if status else Markup("<em>none</em>")


def _link(link: PageLink, here: str) -> Markup:
    """A link from the page at ``here``; one to no page is its text."""
    if link.target is None:
        return md_text(link.text)
    return md_link(link.text, urls.href(link.target, here))


def _href(target: Target, here: str) -> Markup:
    return Markup(urls.href(target, here))


def _file_href(path: str, here: str) -> Markup:
    """The link to a generated file (a calendar, the feed) from the page at ``here``."""
    return Markup(urls.href_file(path, here))


def _external(text: str, url: str | None) -> Markup:
    """A link out of the site; a path without a URL shows as code."""
    if url is None:
        # Inline HTML does not stop Markdown inside it: the text is escaped for Markdown too.
        return Markup(f"<code>{md_text(text)}</code>")
    return md_link(text, url)


def _reason(reason: ReasonView, here: str) -> Markup:
    """A reason's text with the record, gate or entity it names turned into links."""
    out = Markup("").join(_link(part, here) for part in reason.parts)
    if reason.extra:
        out += Markup(f" ({', '.join(_link(link, here) for link in reason.extra)})")
    return out


def _environment(model: SiteModel) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("generator.site", "templates"),
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        finalize=_finalize,
    )
    env.filters["git"] = git_text
    env.filters["git_code"] = git_code
    converter = markdown_converter()
    env.filters["md"] = lambda text: render_markdown(text, converter)
    env.filters["date"] = _date
    env.filters["plural"] = plural
    env.filters["html"] = html_text
    commit_url = model.info.commit_url

    def commit_link(commit: Commit | str) -> Markup:
        """The short sha, linked to the commit when a link template is configured."""
        sha = commit if isinstance(commit, str) else commit.sha
        if not COMMIT_SHA.fullmatch(sha):
            return md_code(sha)
        if commit_url:
            return Markup(f"[`{sha[:7]}`](<{safe_url(commit_url.replace('{sha}', sha))}>)")
        return Markup(f"`{sha[:7]}`")

    env.globals.update(
        site=model,
        as_of=format_moment(model.as_of),
        status=status_badge,
        status_or_none=_status_or_none,
        link=_link,
        href=_href,
        file_href=_file_href,
        page=urls.page,
        root_of=urls.root_of,
        badge_path=urls.badge,
        embed_path=urls.embed_url,
        api_path=urls.api_document,
        calendar=urls.calendar,
        events_feed=urls.events_feed,
        external=_external,
        reason=_reason,
        commit_link=commit_link,
        chart=charts.status_bar,
        history_chart=charts.history_lines,
        Markup=Markup,
        page_size=PAGE_SIZE,
        schema_comment=Markup(SCHEMA_COMMENT),
    )
    return env


def render_site(catalog: Catalog, derived: Derived, info: SiteInfo | None = None) -> Rendered:
    """Every generated page as Markdown, keyed by path under docs/, and every generated file."""
    return render_model(build_model(catalog, derived, info), catalog.root / "evidence")


def render_model(model: SiteModel, evidence_root: Path) -> Rendered:
    """The pages and files that show ``model`` (attachments are published from ``evidence_root``)."""
    env = _environment(model)
    out = Rendered()

    def page(target: Target, template: str, title: str, search: str = "", **context: Any) -> None:
        body = env.get_template(template).render(here=target.path, **context)
        out.pages[target.path] = f"---\ntitle: {front_matter_title(title)}\n{search}---\n\n{body}"

    page(urls.page("home"), "home.md.j2", "Readiness handoff")
    page(urls.page("gates"), "gates.md.j2", "Gates")
    for gate in model.gates:
        page(urls.page("gate", gate.id), "gate.md.j2", f"{gate.id}: {gate.gate.title}", OWN_PAGE, g=gate)
    page(urls.page("waves"), "waves.md.j2", "Waves")
    for wave in model.waves:
        page(urls.page("wave", wave.id), "wave.md.j2", f"{wave.id}: {wave.wave.title}", OWN_PAGE, w=wave)
    page(urls.page("services"), "services.md.j2", "Services")
    for service in model.services:
        title = f"{service.id}: {service.service.name}"
        page(urls.page("service", service.id), "service.md.j2", title, OWN_PAGE, s=service)
    page(urls.page("environments"), "environments.md.j2", "Environments")
    for environment in model.environments:
        target = urls.page("environment", environment.id)
        page(target, "environment.md.j2", f"{environment.id}: {environment.environment.name}", OWN_PAGE, e=environment)
    page(urls.page("owners"), "owners.md.j2", "Owners")
    for owner in model.owners:
        page(urls.page("owner", owner.id), "owner.md.j2", f"Owner {owner.id}", OWN_PAGE, o=owner)
    for index in model.records.pages:
        title = "Evidence" if index.number == 1 else f"Evidence, page {index.number} of {index.count}"
        # The first page is found by its title and introduction (its table is left out of the search index); the
        # others would only repeat them.
        page(index.target, "evidence_index.md.j2", title, "" if index.number == 1 else NOT_SEARCHED, p=index)
    for record in model.records.visible:
        for attachment in record.attachments:
            if attachment.published is not None:
                out.attachments[attachment.published.path] = evidence_root / attachment.path
        page(urls.page("evidence", record.id), "evidence.md.j2", f"{record.id}: {record.record.summary}", r=record)
    page(urls.page("risks"), "risks.md.j2", "Risks")
    page(urls.page("history"), "history.md.j2", "History")
    out.files.update(api_files(model))
    out.files.update(widget_files(model))
    return out


OWN_PAGE = "search:\n  boost: 4\n"
"""Front matter of the page of one gate, wave, service, environment, owner or record: its id typed into the
search box finds it before the pages that only mention it (MkDocs Material's per-page search boost)."""
NOT_SEARCHED = "search:\n  exclude: true\n"
"""Front matter of a page left out of the search index."""


def problems_page(problems: Sequence[object]) -> str:
    """The page a preview shows while the records do not validate: every problem, as ``validate`` prints it."""
    lines = "\n".join(f"- {md_code(str(problem))}" for problem in problems)
    return (
        '---\ntitle: "The records do not validate"\n---\n\n'
        "# The records do not validate\n\n"
        "Fix these, save, and the preview rebuilds (`readiness validate` lists the same):\n\n"
        f"{lines}\n"
    )
