"""Git access: read-only questions asked of ``git`` itself (never touching the work tree)."""

from __future__ import annotations

import subprocess
from pathlib import Path


def _git(root: Path, *args: str) -> str | None:
    try:
        proc = subprocess.run(
            ["git", "-C", str(root), *args],
            capture_output=True,
            text=True,
            check=False,
            timeout=60,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return proc.stdout.strip() if proc.returncode == 0 else None


def head_commit(root: Path) -> str | None:
    """Full sha of HEAD when ``root`` is inside a git checkout with at least one commit."""
    if _git(root, "rev-parse", "--is-inside-work-tree") != "true":
        return None
    sha = _git(root, "rev-parse", "--verify", "--quiet", "HEAD^{commit}")
    return sha or None
