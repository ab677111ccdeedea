"""The URL scheme: where every page and file of the site is, and how any page links to it.

Like Pelican's ``*_SAVE_AS`` and ``*_URL`` settings, one table says, for each
kind of page, its Markdown path under the docs directory and its URL once
built (MkDocs' directory URLs). Every other path the site publishes (API
documents, their schemas, badges, widget cards, redirects for former ids,
attachments) is made by a function here. Nothing else in the generator or its
templates builds a path.

Links between Markdown pages go up to the site root and down again
(``../gates/ops-g05.md``), so a link reads the same from every page of a
section. Two links are written from the page's own folder instead: the link
back to the index of the section a page is in (``index.md``) and a record's
link to its attachments (``files/2026/log.txt``). Links in generated files
(widget cards, redirects, a document's ``$schema``, the Atom feed's entries) are relative to the file.
"""

from __future__ import annotations

import posixpath
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final, Literal

from ..records.models import slug_of_gate

PageKind = Literal[
    "home",
    "gates",
    "gate",
    "waves",
    "wave",
    "services",
    "service",
    "environments",
    "environment",
    "owners",
    "owner",
    "evidence-index",
    "evidence-page",
    "evidence",
    "attachment",
    "risks",
    "history",
]

SAVE_AS: Final[Mapping[PageKind, str]] = {
    "home": "index.md",
    "gates": "gates/index.md",
    "gate": "gates/{slug}.md",
    "waves": "waves/index.md",
    "wave": "waves/{id}.md",
    "services": "services/index.md",
    "service": "services/{id}.md",
    "environments": "environments/index.md",
    "environment": "environments/{id}.md",
    "owners": "owners/index.md",
    "owner": "owners/{id}.md",
    "evidence-index": "evidence/index.md",
    "evidence-page": "evidence/page/{id}.md",
    "evidence": "evidence/{id}.md",
    "attachment": "evidence/{id}",
    "risks": "risks/index.md",
    "history": "history/index.md",
}
"""Kind -> path under the docs directory (``{id}``: the canonical id, ``{slug}``: the gate slug)."""

URL: Final[Mapping[PageKind, str]] = {
    "home": "",
    "gates": "gates/",
    "gate": "gates/{slug}/",
    "waves": "waves/",
    "wave": "waves/{id}/",
    "services": "services/",
    "service": "services/{id}/",
    "environments": "environments/",
    "environment": "environments/{id}/",
    "owners": "owners/",
    "owner": "owners/{id}/",
    "evidence-index": "evidence/",
    "evidence-page": "evidence/page/{id}/",
    "evidence": "evidence/{id}/",
    "attachment": "evidence/{id}",
    "risks": "risks/",
    "history": "history/",
}
"""Kind -> URL of the built page, relative to the root of the published version."""

_LOCAL: frozenset[PageKind] = frozenset({"attachment"})
"""Kinds linked from the page's own folder (see the module's docstring)."""

SECTIONS: Final[Mapping[str, PageKind]] = {
    "gate": "gates",
    "wave": "waves",
    "service": "services",
    "environment": "environments",
    "repo": "owners",
}
"""Entity kind -> the section that has a page for each entity of that kind."""

_PAGE_OF: Final[Mapping[str, PageKind]] = {
    "gate": "gate",
    "wave": "wave",
    "service": "service",
    "environment": "environment",
}

API_ROOT = "api/v1"


@dataclass(frozen=True, slots=True)
class Target:
    """A page, or a place on a page, that a link can point to."""

    kind: PageKind
    id: str = ""
    anchor: str = ""
    """A fragment on the page (``store-gitea-db``), without ``#``."""

    def _fill(self, pattern: str) -> str:
        return pattern.format(id=self.id, slug=slug_of_gate(self.id))

    @property
    def path(self) -> str:
        """The page's path under the docs directory."""
        return self._fill(SAVE_AS[self.kind])

    @property
    def url(self) -> str:
        """The built page's URL, relative to the version root (what API documents give)."""
        return self._fill(URL[self.kind])

    @property
    def fragment(self) -> str:
        return f"#{self.anchor}" if self.anchor else ""


def page(kind: PageKind, ident: str = "") -> Target:
    return Target(kind, ident)


def evidence_page(number: int) -> Target:
    """Page ``number`` (from 1) of the evidence index: the first is the index itself (``evidence/``), the
    others ``evidence/page/2/`` and on (``page`` is a reserved id, so no record takes that folder)."""
    return Target("evidence-index") if number <= 1 else Target("evidence-page", str(number))


def store(service_id: str, store_id: str) -> Target:
    """A store has no page of its own: it is a section of its service's page."""
    return Target("service", service_id, f"store-{store_id}")


def entity(kind: str, ident: str) -> Target:
    """The page of an entity of ``kind`` (``gate``, ``wave``, ``service``, ``environment``, ``repo``)."""
    return Target("owner" if kind == "repo" else _PAGE_OF[kind], ident)


def href(target: Target, here: str) -> str:
    """The link to ``target`` from the Markdown page at ``here`` (a path under the docs directory)."""
    folder = posixpath.dirname(here)
    path = target.path
    own_index = posixpath.basename(path) == "index.md" and posixpath.dirname(path) == folder
    if (own_index or target.kind in _LOCAL) and path.startswith(f"{folder}/"):
        return path[len(folder) + 1 :] + target.fragment
    return "../" * here.count("/") + path + target.fragment


def root_of(target: Target) -> str:
    """The link to the version root from the page of ``target`` as served (``gates/ops-g05/`` -> ``../../``)."""
    return "../" * target.url.count("/")


def href_file(path: str, here: str) -> str:
    """The link to the generated file at ``path`` (a calendar, the feed) from the Markdown page at ``here``."""
    return "../" * here.count("/") + path


def file_href(url: str, here: str) -> str:
    """The link to ``url`` (relative to the version root) from the generated file at ``here``."""
    relative = posixpath.relpath(url or ".", posixpath.dirname(here) or ".")
    return relative + "/" if url.endswith("/") or not url else relative


# ------------------------------------------------------------------ generated files


def api_document(name: str, ident: str = "") -> str:
    """An API document: ``summary`` -> ``api/v1/summary.json``; ``gates``, ``OPS-G05`` -> ``api/v1/gates/ops-g05.json``."""
    if not ident:
        return f"{API_ROOT}/{name}.json"
    return f"{API_ROOT}/{name}/{slug_of_gate(ident) if name == 'gates' else ident}.json"


def calendar(owner: str = "") -> str:
    """The iCalendar file of the whole site, or of what the owner repo ``owner`` is responsible for."""
    return f"{API_ROOT}/owners/{owner}/calendar.ics" if owner else f"{API_ROOT}/calendar.ics"


def events_feed() -> str:
    """The Atom feed of the events (the same events as ``events.json``)."""
    return f"{API_ROOT}/events.atom"


def api_schema(name: str) -> str:
    """The JSON Schema of the documents called ``name``."""
    return f"{API_ROOT}/schema/{name}.schema.json"


def badge(section: str, ident: str) -> str:
    """A status badge (``gates`` or ``waves``)."""
    return f"badges/{section}/{slug_of_gate(ident) if section == 'gates' else ident}.svg"


def embed_url(section: str, ident: str) -> str:
    """A widget card's URL (``gates`` or ``waves``)."""
    return f"embed/{section}/{slug_of_gate(ident) if section == 'gates' else ident}/"


def embed(section: str, ident: str) -> str:
    """The file of a widget card."""
    return embed_url(section, ident) + "index.html"


def redirect(old: Target) -> str:
    """The file that sends a former id's URL on to the page's current one."""
    return old.url + "index.html"
