"""Attachments: the files under evidence/ that records point to, each checked against its digest
and scanned for secrets."""

from __future__ import annotations

import hashlib

from .. import scantext
from ..catalog import Catalog, Origin
from ..tree import Entry, TooLarge
from .messages import Loc
from .state import Run

MAX_ATTACHMENT_BYTES = 25 * 1024 * 1024
"""Largest attachment accepted (25 MiB): bigger artefacts belong in a store the record links to."""
TEXT_ATTACHMENT_TYPES = frozenset(
    {
        ".txt",
        ".log",
        ".json",
        ".csv",
        ".yaml",
        ".yml",
        ".md",
        ".xml",
        ".conf",
        ".cfg",
        ".ini",
        ".env",
        ".sh",
        ".toml",
        ".pem",
        ".crt",
        ".key",
    }
)
"""Attachments always scanned as text, even when their content does not look like text.
Others are scanned as text when they decode as text (UTF-8, -16 or -32), by their embedded
text when they are PDF, PNG, JPEG, GIF or WebP, and refused otherwise (see :mod:`scantext`)."""


def check_attachment(run: Run, origin: Origin, index: int, rel_path: str, digest: str) -> None:
    """The attachment ``index`` of the record at ``origin``: a regular file inside evidence/,
    within the size limit, scannable, free of secrets, and with the digest written."""
    loc: Loc = ("attachments", index, "path")
    parts = rel_path.replace("\\", "/").split("/")
    if rel_path.startswith("/") or ".." in parts or any(part in ("", ".") for part in parts):
        run.add(origin, loc, f"'{rel_path}' must be a plain path inside evidence/ (no '..', no leading '/')")
        return
    current = "evidence"
    entry: Entry | None = None
    for part in parts:
        current = f"{current}/{part}"
        entry = run.tree.entry(current)
        if entry is None:
            run.add(origin, loc, f"attachment 'evidence/{rel_path}' does not exist: add the file or fix the path")
            return
        if entry.kind == "link":
            run.add(origin, loc, f"attachment 'evidence/{rel_path}' goes through a link: attach the file itself")
            return
    if entry is None or entry.kind != "file":
        run.add(origin, loc, f"attachment 'evidence/{rel_path}' is not a regular file")
        return
    try:
        actual, scanned = _attachment(run, entry)
    except TooLarge as exc:
        run.add(
            origin,
            loc,
            f"attachment 'evidence/{rel_path}' is {exc.size:,} bytes, over the {MAX_ATTACHMENT_BYTES // (1 << 20)} MiB "
            "limit: link to it instead",
        )
        return
    if scanned.refused is not None:
        run.add(origin, loc, f"attachment 'evidence/{rel_path}' {scanned.refused}")
    for finding in scanned.findings:
        run.secret(entry.rel, finding)
    if actual != digest:
        run.add(
            origin,
            ("attachments", index, "sha256"),
            f"sha256 of 'evidence/{rel_path}' is {actual}, not {digest}: update the digest if the file is right",
        )


def _attachment(run: Run, entry: Entry) -> tuple[str, scantext.AttachmentScan]:
    """(sha256, possible secrets or why it is refused) of an attachment, cached by blob id across revisions."""
    if run.cache is not None and entry.blob is not None and entry.blob in run.cache.attachments:
        return run.cache.attachments[entry.blob]
    data = run.tree.read(entry, MAX_ATTACHMENT_BYTES)
    suffix = "." + entry.name.rsplit(".", 1)[-1].lower() if "." in entry.name else ""
    scanned = scantext.scan_attachment(entry.name, data, text_by_name=suffix in TEXT_ATTACHMENT_TYPES)
    result = (hashlib.sha256(data).hexdigest(), scanned)
    if run.cache is not None and entry.blob is not None:
        run.cache.attachments[entry.blob] = result
    return result


def attachment_case(run: Run, catalog: Catalog) -> None:
    """Attachment paths that differ only by case name two files here and one file on a
    case-insensitive filesystem (macOS, Windows): the site would not build the same there."""
    first: dict[str, str] = {}
    for evidence_id, record in catalog.evidence.items():
        for index, attachment in enumerate(record.attachments or []):
            folded = attachment.path.casefold()
            seen = first.setdefault(folded, attachment.path)
            if seen != attachment.path:
                run.add(
                    catalog.origins[("evidence", evidence_id)],
                    ("attachments", index, "path"),
                    f"attachment '{attachment.path}' differs from '{seen}' only by case: the two clash on "
                    "case-insensitive filesystems; rename one of the files",
                )
