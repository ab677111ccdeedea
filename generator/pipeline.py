"""The one way from records to pages: load -> derive -> history (:func:`build_model`), then render.

The CLI (``status``, ``render``, ``build`` through the plugin), the MkDocs
plugin and the golden tests all go through here, so every output is made from
the same model by the same steps.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .diff import compute_diff
from .engine.status import Derived, derive
from .git import default_commit_url, head_commit
from .history import History, compute_history
from .progress import Progress
from .records.catalog import Catalog
from .site.markdown import Rendered, SiteInfo, render_site
from .validation import load_valid

if TYPE_CHECKING:
    from .cache import HistoryCache


@dataclass(frozen=True, slots=True)
class Model:
    """What every output is made from: the records, their statuses as of one moment, their history."""

    catalog: Catalog
    derived: Derived
    history: History | None
    """The git history of statuses (``None``: not computed)."""


def build_model(
    root: Path,
    as_of: dt.datetime,
    *,
    history: bool = True,
    history_off: str | None = None,
    progress: Progress | None = None,
    cache: HistoryCache | None = None,
) -> Model:
    """Load and validate the records under ``root``, derive every status as of ``as_of``, read the history.

    The history ends at ``as_of`` too. ``history=False`` leaves it out: the
    model holds none, or, with ``history_off``, one that is unavailable for
    that reason (what the site then says). ``progress`` is told how far the
    history got (:func:`compute_history`); ``cache``: the history's cache
    (:mod:`generator.cache`; it saves work, never changes an answer). Raises
    :class:`ValidationFailed` with every problem when the records do not validate.
    """
    catalog = load_valid(root)
    derived = derive(catalog, as_of)
    if history:
        past: History | None = compute_history(root, as_of, progress, cache=cache)
    elif history_off is not None:
        past = History(available=False, reason=history_off)
    else:
        past = None
    return Model(catalog, derived, past)


def render(
    root: Path,
    model: Model,
    *,
    commit_url: str | None = None,
    version: str | None = None,
    previous_version: str | None = None,
    previous_commit: str | None = None,
    cache: HistoryCache | None = None,
) -> Rendered:
    """Every generated page and file of the model (``root``: the checkout it was read from).

    With ``previous_commit`` (set when publishing a version) the home page shows
    what changed since that commit (reading the history's ``cache``). Commits link to ``commit_url``
    (with ``{sha}``), by default to the commit page of the ``origin`` remote's host; ``""`` shows plain shas.
    """
    changes = compute_diff(root, previous_commit, None, model.derived.as_of, cache=cache) if previous_commit else None
    info = SiteInfo(
        commit=head_commit(root),
        history=model.history,
        commit_url=commit_url if commit_url is not None else default_commit_url(root),
        version=version,
        previous_version=previous_version,
        changes=changes,
    )
    return render_site(model.catalog, model.derived, info)


def write(rendered: Rendered, out: Path) -> None:
    """Write the generated pages and other files under ``out`` (what ``readiness render`` does)."""
    made: set[str] = set()
    base = str(out)
    for path, text in {**rendered.pages, **rendered.files}.items():
        folder = os.path.dirname(os.path.join(base, path))
        if folder not in made:
            os.makedirs(folder, exist_ok=True)
            made.add(folder)
        with open(os.path.join(base, path), "w", encoding="utf-8") as handle:
            handle.write(text)
