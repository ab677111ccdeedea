"""Finding, reading, decoding and parsing record files, and caching what each contributes."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ...errors import Problem
from .. import scantext, yamlstrict
from ..catalog import Catalog, Origin
from ..kinds import EVIDENCE, KINDS, SERVICE
from ..secrets import Finding
from ..tree import Entry, TooLarge, Tree

WHOLE_FILE = "*"
"""In :attr:`FileResult.broken`, for a kind's id: none of its records in the file could be read
(a syntax error, an empty list file), so no reference to that kind is reported as dangling."""

ATTACHMENTS_DIR = "files"
"""The folder under evidence/ that holds attachments, not records."""


@dataclass(slots=True)
class FileResult:
    """What one file contributes, which depends only on its path and content:
    so it is cached by git blob id when revisions are read one after another."""

    records: list[tuple[Any, Origin]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    broken: list[tuple[str, str]] = field(default_factory=list)
    """(kind, id or alias) of records that did not validate."""
    secrets: list[tuple[str, Finding]] = field(default_factory=list)
    """(path, finding) of possible secrets; reviewed exceptions are applied per load."""
    held: list[Problem] = field(default_factory=list)
    """Problems of a record that count once it is in the catalog: the record rules it breaks."""

    def add_broken(self, kind: str, value: object) -> None:
        """Remember the id and aliases of a record that did not validate."""
        if not isinstance(value, dict):
            return
        aliases = value.get("aliases")
        names = [value.get("id"), *(aliases if isinstance(aliases, list) else [])]
        self.broken.extend((kind, name) for name in names if isinstance(name, str))


class ParseCache:
    """Parsed and validated files by (blob id, path), and attachment digests by blob id.

    Handed from one revision's load to the next (history, diff); never global.
    """

    def __init__(self) -> None:
        self.files: dict[tuple[str, str], FileResult] = {}
        self.attachments: dict[str, tuple[str, scantext.AttachmentScan]] = {}
        """Blob id -> (sha256, possible secrets or why it is refused) of an attachment."""
        self.keys: frozenset[tuple[str, object]] | None = None
        """Every id and alias of the previous load (evidence with its record's identity)."""
        self.verified: dict[int, tuple[str, str]] = {}
        """id(record) -> (kind, id) of records whose references all resolved in an earlier load."""

    def stable(self, catalog: Catalog) -> bool:
        """True when nothing the previous load had was removed or replaced: references that
        resolved then still resolve, so unchanged evidence records need not be checked again."""
        keys: set[tuple[str, object]] = {
            (kind, ident) for kind, aliases in catalog.aliases.items() for ident in aliases
        }
        for kind in KINDS:
            if kind is not EVIDENCE:
                keys.update((kind.name, ident) for ident in kind.table(catalog))
        keys.update(("evidence", (ident, id(record))) for ident, record in catalog.evidence.items())
        frozen = frozenset(keys)
        stable = self.keys is not None and self.keys <= frozen
        self.keys = frozen
        if not stable:
            self.verified.clear()
        return stable


def cached(cache: ParseCache | None, entry: Entry, compute: Callable[[], FileResult]) -> FileResult:
    """What the file ``entry`` contributes: ``compute()``, once per blob and path when there is a cache."""
    if cache is None or entry.blob is None:
        return compute()
    key = (entry.blob, entry.rel)
    found = cache.files.get(key)
    if found is None:
        found = cache.files[key] = compute()
    return found


def discover(tree: Tree, problems: list[Problem]) -> tuple[list[Entry], list[Entry]]:
    """Service files and evidence files, sorted by path."""
    services = [e for e in tree.children(SERVICE.layout.path) if _is_record_file(e, problems)]
    evidence: list[Entry] = []
    pending = [e for e in tree.children(EVIDENCE.layout.path) if not (e.kind == "dir" and e.name == ATTACHMENTS_DIR)]
    while pending:
        entry = pending.pop()
        if entry.kind == "dir":
            if _bad_name(entry, problems):
                continue
            pending.extend(tree.children(entry.rel))
        elif _is_record_file(entry, problems):
            evidence.append(entry)
    evidence.sort(key=lambda e: e.rel)
    return services, evidence


def _bad_name(entry: Entry, problems: list[Problem]) -> bool:
    """A file or folder whose name holds a control, bidirectional or zero-width character."""
    reason = yamlstrict.forbidden_in_name(entry.name)
    if reason is not None:
        problems.append(Problem(entry.rel, 1, 1, reason))
    return reason is not None


def _is_record_file(entry: Entry, problems: list[Problem]) -> bool:
    name = entry.name
    if _bad_name(entry, problems):
        return False
    if name.endswith(".yml"):
        problems.append(Problem(entry.rel, 1, 1, "record files end in .yaml: rename it, or it is never read"))
        return False
    if not name.endswith(".yaml"):
        return False
    if entry.kind == "link":
        problems.append(Problem(entry.rel, 1, 1, "record files must be regular files, not links"))
        return False
    return entry.kind == "file"


def read(
    tree: Tree, rel: str, problems: list[Problem], secrets: list[tuple[str, Finding]] | None = None
) -> yamlstrict.Parsed | None:
    """Read, decode and parse one file of the tree (problems located in it); scan it for
    secrets (its text and its decoded values) and hidden characters when ``secrets`` collects them."""
    entry = tree.entry(rel)
    if entry is None:
        problems.append(Problem(rel, 1, 1, "cannot read file: it does not exist"))
        return None
    try:
        data = tree.read(entry, yamlstrict.MAX_FILE_BYTES)
    except TooLarge as exc:
        problems.append(yamlstrict.too_large(rel, exc.size))
        return None
    except OSError as exc:
        problems.append(Problem(rel, 1, 1, f"cannot read file: {exc.strerror}"))
        return None
    text = yamlstrict.decode(data, rel, problems)
    if text is None:
        return None
    if secrets is not None:
        yamlstrict.hidden_characters(text, rel, problems)
    parsed = yamlstrict.parse(text, rel, problems)
    if secrets is not None:
        # The raw text (comments included), then what escaped or folded values read as.
        root = parsed.node if parsed is not None else None
        secrets.extend((rel, finding) for finding in scantext.scan_record(text, root))
    return parsed
