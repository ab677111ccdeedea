"""The MkDocs plugin ``readiness``: a thin adapter over :mod:`generator.pipeline`.

It builds the model (load, validate, derive, history) and renders it once per build, adds every generated page in
memory (``File.generated``; nothing is written into docs/), publishes the
vendored assets and inert attachments, and asks ``mkdocs serve`` to watch
data/ and evidence/.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import posixpath
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.utils.templates import TemplateContext

from ..asof import format_moment, resolve_as_of
from ..cache import open_cache
from ..errors import ReadinessError, ValidationFailed
from ..git import GitError
from ..pipeline import build_model, render
from ..progress import Progress
from ..site.markdown import problems_page

log = logging.getLogger("mkdocs.plugins.readiness")

ASSETS = Path(__file__).parent.parent / "site" / "assets"
ASSET_DIR = "assets/readiness"
HISTORY_OFF = "history is turned off in mkdocs.yml (readiness: history: false)"


class ReadinessConfig(Config):  # type: ignore[no-untyped-call]
    root = c.Optional(c.Type(str))
    """Repository root holding data/ and evidence/ (default: the directory of mkdocs.yml)."""
    as_of = c.Optional(c.Type(str))
    """As-of date or time; default SOURCE_DATE_EPOCH, else now (UTC)."""
    history = c.Type(bool, default=True)
    """Compute the status history from git (off: the site says history is unavailable)."""
    commit_url = c.Optional(c.Type(str))
    """Link template for commits, with {sha}, e.g. https://git.example/org/repo/commit/{sha}; default: the
    commit page on the host of the ``origin`` remote (Gitea and GitHub style); "" shows plain shas."""
    version = c.Optional(c.Type(str))
    """The published version this build is (set by ``readiness publish``; also read from MIKE_DOCS_VERSION)."""
    previous_version = c.Optional(c.Type(str))
    """The version published before this one (set by ``readiness publish``)."""
    previous_commit = c.Optional(c.Type(str))
    """The source commit the previous version recorded: home shows what changed since (set by ``readiness publish``)."""


class _GeneratedFile(File):
    """A generated file that knows whether its content changed since the previous build."""

    unchanged: bool = False

    def is_modified(self) -> bool:
        return not self.unchanged and super().is_modified()


@dataclass(slots=True)
class _Count:
    """Pages counted for a :data:`Progress`."""

    progress: Progress
    unit: str
    total: int
    done: int = 0

    def step(self) -> None:
        self.done += 1
        self.progress(self.unit, self.done, self.total)


class ReadinessPlugin(BasePlugin[ReadinessConfig]):  # type: ignore[no-untyped-call]
    """Adds the readiness pages to a MkDocs build.

    Under ``mkdocs serve --dirty`` (what ``readiness serve`` runs) the instance
    lives across rebuilds: it remembers a digest of every generated file, so only
    pages whose content changed are rendered again, and it merges the search
    index so that the pages not rebuilt stay searchable.

    ``progress``, set by :func:`~generator.mkdocs.build.build_site` on the instance
    of one build, is told how far the history got, then how many pages MkDocs has
    converted (Markdown to HTML) and written.
    """

    progress: Progress | None = None
    _converted: _Count | None = None
    _written: _Count | None = None
    _sections: dict[str, Page] | None = None
    """Folder -> the index page of it that the navigation lists (``gates`` -> Gates), set by ``on_nav``."""
    _active_section: Page | None = None

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self._serving = command == "serve"
        self._dirty = dirty
        self._digests: dict[str, str] = {}
        self._search: list[dict[str, Any]] | None = None

    def _root(self, config: MkDocsConfig) -> Path:
        base = Path(config.config_file_path).parent if config.config_file_path else Path.cwd()
        return (base / (self.config.root or ".")).resolve()

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        # Generated pages hold Markdown inside HTML blocks (folded result lists, embed snippets):
        # without md_in_html they would reach the page as raw HTML.
        if "md_in_html" not in config.markdown_extensions:
            config.markdown_extensions.append("md_in_html")
        for name in sorted(os.listdir(ASSETS)):
            target = f"{ASSET_DIR}/{name}"
            if name.endswith(".css") and target not in config.extra_css:
                config.extra_css.append(target)
            elif name.endswith(".js") and target not in [str(s) for s in config.extra_javascript]:
                config.extra_javascript.append(target)
        return config

    def on_files(self, files: Files, /, *, config: MkDocsConfig) -> Files:
        root = self._root(config)
        try:
            as_of = resolve_as_of(self.config.as_of or os.environ.get("READINESS_AS_OF"), os.environ)
            cache = open_cache(root, os.environ) if self.config.history else None
            model = build_model(
                root, as_of, history=self.config.history, history_off=HISTORY_OFF, progress=self.progress, cache=cache
            )
        except ValidationFailed as exc:
            if getattr(self, "_serving", False):
                return self._problem_pages(files, config, exc)
            raise PluginError("invalid records:\n" + "\n".join(str(p) for p in exc.problems)) from None
        except GitError:
            raise  # git failing while the history is read: reported as itself, not as a configuration problem
        except ReadinessError as exc:
            raise PluginError(str(exc)) from None
        if model.history is not None and not model.history.available:
            log.info("readiness: history unavailable: %s", model.history.reason)
        try:
            rendered = render(
                root,
                model,
                commit_url=self.config.commit_url,
                version=self.config.version or os.environ.get("MIKE_DOCS_VERSION") or None,
                previous_version=self.config.previous_version,
                previous_commit=self.config.previous_commit,
                cache=cache,
            )
        except GitError:
            raise  # as above
        except ReadinessError as exc:  # e.g. a previous_commit that is no revision
            raise PluginError(str(exc)) from None
        digests: dict[str, str] = {}
        for path, text in rendered.pages.items():
            # Record pages stay out of the navigation: large catalogs build fast, the
            # index pages link to them, and MkDocs does not list them as omitted.
            inclusion = InclusionLevel.INCLUDED if path.endswith("index.md") else InclusionLevel.NOT_IN_NAV
            self._add(files, self._generated(config, path, text, inclusion, digests))
        for path, content in rendered.files.items():
            self._add(files, self._generated(config, path, content, InclusionLevel.UNDEFINED, digests))
        self._next_digests = digests
        self._page_urls = {f.url for f in files.documentation_pages()}
        for path, source in rendered.attachments.items():
            self._add(files, File.generated(config, path, abs_src_path=str(source)))
        for name in sorted(os.listdir(ASSETS)):
            self._add(files, File.generated(config, f"{ASSET_DIR}/{name}", abs_src_path=str(ASSETS / name)))
        log.debug("readiness: %d generated pages as of %s", len(rendered.pages), format_moment(as_of))
        return files

    def _problem_pages(self, files: Files, config: MkDocsConfig, exc: ValidationFailed) -> Files:
        """While previewing: the records do not validate, so every generated page the browser may
        be on (home, and each page of the last good build) says so and lists the problems; the
        preview rebuilds when a file is saved again."""
        log.warning("readiness: the records do not validate; the preview lists the problems until they do")
        text = problems_page(exc.problems)
        paths = {path for path in getattr(self, "_digests", {}) if path.endswith(".md")} | {"index.md"}
        for path in sorted(paths):
            self._add(files, _GeneratedFile.generated(config, path, content=text, inclusion=InclusionLevel.NOT_IN_NAV))
        self._next_digests = {}  # the next good build renders every page again
        self._page_urls = {f.url for f in files.documentation_pages()}
        return files

    def on_nav(self, nav: Navigation, /, *, config: MkDocsConfig, files: Files) -> Navigation:
        # The index page of each folder that the navigation lists, e.g. gates/ -> Gates (the root's is home).
        self._sections = {
            posixpath.dirname(p.file.src_uri): p for p in nav.pages if p.is_index and "/" in p.file.src_uri
        }
        if self.progress is not None:
            total = len(files.documentation_pages(inclusion=InclusionLevel.is_included))
            self._converted = _Count(self.progress, "pages converted", total)
            self._written = _Count(self.progress, "pages written", total)
            self.progress("pages converted", 0, total)
        return nav

    def on_page_content(self, html: str, /, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        if self._converted is not None:
            self._converted.step()
        return html

    def on_page_context(
        self, context: TemplateContext, /, *, page: Page, config: MkDocsConfig, nav: Navigation
    ) -> TemplateContext:
        """A page out of the navigation (a gate's, a record's) marks the section it is in as active while
        it is rendered, so that the theme highlights that section's tab and navigation entry; the pages
        of a section are in its folder (``gates/ops-g05.md`` is in Gates, ``gates/index.md``)."""
        self._release_section()
        if self._sections is None or page in nav.pages:
            return context
        folder = posixpath.dirname(page.file.src_uri)
        while folder and folder not in self._sections:
            folder = posixpath.dirname(folder)
        if folder:
            self._active_section = self._sections[folder]
            self._active_section.active = True
        return context

    def _release_section(self) -> None:
        if self._active_section is not None:
            self._active_section.active = False
            self._active_section = None

    def on_post_page(self, output: str, /, *, page: Page, config: MkDocsConfig) -> str:
        self._release_section()
        if self._written is not None:
            self._written.step()
        return output

    def _generated(
        self, config: MkDocsConfig, path: str, content: str, inclusion: InclusionLevel, digests: dict[str, str]
    ) -> File:
        digest = hashlib.sha256(content.encode("utf-8")).hexdigest()
        digests[path] = digest
        file = _GeneratedFile.generated(config, path, content=content, inclusion=inclusion)
        assert isinstance(file, _GeneratedFile)
        previous = getattr(self, "_digests", {})
        file.unchanged = bool(getattr(self, "_dirty", False)) and previous.get(path) == digest
        return file

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        """Keep the digests; in dirty rebuilds, merge the search index of the pages not rebuilt."""
        if not hasattr(self, "_dirty"):
            return
        self._digests = getattr(self, "_next_digests", {})
        index_path = Path(config.site_dir) / "search" / "search_index.json"
        if not index_path.is_file():
            return
        index = json.loads(index_path.read_text(encoding="utf-8"))
        docs: list[dict[str, Any]] = index.get("docs", [])
        if self._dirty and self._search is not None:
            rebuilt = {doc["location"].split("#", 1)[0] for doc in docs}
            kept = [
                doc
                for doc in self._search
                if doc["location"].split("#", 1)[0] not in rebuilt
                and doc["location"].split("#", 1)[0] in self._page_urls
            ]
            docs = kept + docs
            docs.sort(key=lambda doc: str(doc["location"]))
            index["docs"] = docs
            index_path.write_text(json.dumps(index, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
        self._search = docs

    @staticmethod
    def _add(files: Files, file: File) -> None:
        existing = files.get_file_from_path(file.src_uri)
        if existing is not None and not existing.generated_by:
            raise PluginError(
                f"docs/{file.src_uri} is a hand-written page where the readiness plugin generates one: rename it"
            )
        if existing is not None:
            files.remove(existing)
        files.append(file)

    def on_serve(self, server: Any, /, *, config: MkDocsConfig, builder: Any) -> Any:
        root = self._root(config)
        for name in ("data", "evidence"):
            if (root / name).is_dir():
                server.watch(str(root / name))
        return server
