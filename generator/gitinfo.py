"""Git access: read-only questions asked of ``git`` itself (never touching the work tree)."""

from __future__ import annotations

from pathlib import Path

from .tree import GitError, git


def head_commit(root: Path) -> str | None:
    """Full sha of HEAD when ``root`` is inside a git checkout with at least one commit."""
    try:
        if git(root, "rev-parse", "--is-inside-work-tree").strip() != "true":
            return None
        return git(root, "rev-parse", "--verify", "--quiet", "HEAD^{commit}").strip() or None
    except GitError:
        return None
