"""Git access: read-only questions asked of ``git`` itself (never touching the work tree)."""

from __future__ import annotations

import re
from pathlib import Path

from .errors import UsageError
from .tree import GitError, git

_SHA = re.compile(r"[0-9a-f]{40}(?:[0-9a-f]{24})?")


def head_commit(root: Path) -> str | None:
    """Full sha of HEAD when ``root`` is inside a git checkout with at least one commit."""
    try:
        if git(root, "rev-parse", "--is-inside-work-tree").strip() != "true":
            return None
        return git(root, "rev-parse", "--verify", "--quiet", "HEAD^{commit}").strip() or None
    except GitError:
        return None


def resolve_commit(root: Path, revision: str) -> str:
    """The full sha of the commit a user's ``revision`` names (a sha, branch, tag, ``HEAD~2``...).

    A revision is only ever read as one: a value that starts with ``-`` (which
    git would take for an option, like ``--output=FILE``) is refused before git
    runs, and git is told where options end (``--end-of-options``). Raises
    :class:`UsageError` (exit 2) when it names no commit.
    """
    from .textsafe import terminal_text

    shown = terminal_text(revision)
    if revision.startswith("-"):
        raise UsageError(
            f"revision '{shown}' starts with '-': name a commit, branch or tag (a revision is never read as an option)"
        )
    if not revision:
        raise UsageError("unknown revision ''")
    try:
        out = git(root, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{revision}^{{commit}}", check=False)
    except GitError:
        out = ""
    sha = out.strip()
    if not _SHA.fullmatch(sha):
        raise UsageError(f"unknown revision '{shown}'")
    return sha
