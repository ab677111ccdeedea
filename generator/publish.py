"""Versioned publishing: build the site and commit it to a pages branch with mike.

``publish`` builds the records of HEAD into a temporary directory and lets
mike commit that build to the pages branch (default ``gh-pages``) as one
version directory, with its aliases (symlinks, moved from older versions), an
updated ``versions.json`` that Material's version selector reads, and the
source commit recorded as the version's ``commit`` property. mike writes
straight to the branch with ``git fast-import``: the work tree, the index and
the current branch are never touched.

mike's git helpers act on the current working directory, so they run inside
:func:`_cwd` (the repository root, restored afterwards). Every failure is a
:class:`ReadinessError` with a message that says what to do.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mike import commands, git_utils  # type: ignore[import-untyped]

from .asof import format_moment
from .errors import ReadinessError, UsageError
from .git import (
    COMMIT_SHA,
    NoCommits,
    NotACheckout,
    branch_tip,
    changed_paths,
    checked_head,
    commit_info,
    config_value,
    current_branch,
    fetch_branch,
    file_at,
    is_branch_name,
    remote_url,
)
from .mkdocs.build import BuildOptions, BuildReport, build_site
from .progress import Progress

SAFE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")
"""A version or alias: one path segment of the published site (a directory on the pages branch)."""
RESERVED = frozenset({"index.html", "versions.json"})
"""Files mike keeps at the root of the pages branch."""
INPUTS = ("data", "evidence", "docs", "mkdocs.yml")
"""What the site is built from: each must be as committed, since the version records the commit."""


@dataclass(frozen=True, slots=True)
class PublishReport:
    version: str
    aliases: tuple[str, ...]
    commit: str
    """The source commit (HEAD) the version was built from; recorded as its ``commit`` property."""
    branch: str
    previous_version: str | None
    """The newest other version listed in versions.json before this one was published."""
    previous_commit: str | None
    """The ``commit`` property the previous version recorded (``None`` when it recorded none)."""
    default: str
    """Material's default version (``extra.version.default``): what the site root redirects to."""
    set_default: bool
    """Whether this run made the site root redirect to ``default``."""
    pages_commit: str
    """The tip of the pages branch afterwards."""
    changed: bool
    """False when the branch already held exactly this build (nothing was committed)."""
    pushed_to: str | None
    pages: int
    replaced: str | None = None
    """The source commit of the frozen version this publish replaced (with ``force``)."""

    @property
    def short(self) -> str:
        return self.commit[:7]


def check_name(name: str, kind: str) -> None:
    """A version or alias must be one safe path segment (it becomes a directory of the site)."""
    if not SAFE_NAME.fullmatch(name) or name in RESERVED:
        raise UsageError(
            f"{kind} {name!r} is not a safe name: use 1 to 100 letters, digits, '.', '_' or '-', "
            "starting with a letter or digit (it becomes a directory of the published site)"
        )


def publish(
    root: Path,
    version: str,
    *,
    aliases: Sequence[str],
    title: str | None,
    set_default: bool,
    push: bool,
    branch: str = "gh-pages",
    remote: str = "origin",
    as_of: dt.datetime | None,
    force: bool = False,
    progress: Progress | None = None,
) -> PublishReport:
    """Build HEAD's records and publish them as ``version`` on ``branch``; see the module docstring.

    ``aliases`` move to this version from any other (``latest``); ``set_default`` makes
    the site root redirect to the first alias, else to the version; ``push`` fetches the
    branch from ``remote`` first and pushes it afterwards. ``as_of`` defaults to the
    committer time of HEAD, so the same commit always publishes the same bytes. A version
    without aliases is frozen: publishing it again from another commit needs ``force``.
    ``progress`` is told how far the build got (:func:`build_site`).
    """
    names = _check_names(version, list(aliases), title)
    root = root.resolve()
    head = _head(root)
    _check_branch(root, branch)
    _check_inputs_committed(root)
    _check_identity(root)
    if push:
        _check_remote(root, remote)
    moment = as_of if as_of is not None else commit_info(root, head).time

    with _cwd(root), _git_errors():
        if push:
            fetch_branch(root, remote, branch)  # the new version goes on top of what is published
        _follow_upstream(remote, branch)
        versions = commands.list_versions(branch)
        _check_conflicts(versions, version, names)
        replaced = _check_frozen(versions, version, head, force)
        previous_version, previous_commit = _previous(versions, version)
        if set_default:
            default = names[0] if names else version
        else:
            default = _current_default(root, branch) or (names[0] if names else version)

        changed = True
        built: BuildReport | None = None
        with tempfile.TemporaryDirectory(prefix="readiness-publish-") as scratch:
            site_dir = Path(scratch) / "site"
            options = BuildOptions(
                plugin={"version": version, "previous_version": previous_version, "previous_commit": previous_commit},
                extra={"version": {"provider": "mike", "default": default, "alias": True}},
            )
            try:
                with contextlib.ExitStack() as stack:
                    try:
                        stack.enter_context(
                            commands.deploy(
                                {"site_dir": str(site_dir), "use_directory_urls": True},
                                version,
                                title,
                                names,
                                update_aliases=True,
                                alias_type=commands.AliasType.symlink,
                                branch=branch,
                                message=_message(version, names, head),
                                set_props=[("commit", head), ("as_of", format_moment(moment))],
                            )
                        )
                    except ValueError as exc:  # mike refuses a version/alias combination
                        raise UsageError(f"cannot publish {version}: {exc}") from None
                    built = build_site(root, moment, site_dir=site_dir, options=options, progress=progress)
            except git_utils.GitEmptyCommit:
                changed = False  # the same build of the same commit: mike dropped the empty commit

        if set_default:
            with contextlib.suppress(git_utils.GitEmptyCommit):
                commands.set_default(
                    default, branch=branch, message=f"readiness publish: the site root redirects to {default}/"
                )
        if push:
            git_utils.push_branch(remote, branch)
        pages_commit = branch_tip(root, branch)

    return PublishReport(
        version=version,
        aliases=tuple(names),
        commit=head,
        branch=branch,
        previous_version=previous_version,
        previous_commit=previous_commit,
        default=default,
        set_default=set_default,
        pages_commit=pages_commit,
        changed=changed,
        pushed_to=remote if push else None,
        pages=built.pages if built is not None else 0,
        replaced=replaced,
    )


# ---------------------------------------------------------------------------------------------
# Checks before anything is built or written


def _check_names(version: str, aliases: list[str], title: str | None) -> list[str]:
    check_name(version, "version")
    names: list[str] = []
    for alias in aliases:
        check_name(alias, "alias")
        if alias == version:
            raise UsageError(f"alias {alias!r} is the version itself: drop --alias {alias}")
        if alias not in names:
            names.append(alias)
    if title is not None and (not title.strip() or len(title) > 200 or any(ch in title for ch in "\r\n\t")):
        raise UsageError("--title must be one line of 1 to 200 characters")
    return names


def _head(root: Path) -> str:
    try:
        return checked_head(root)
    except NotACheckout:
        raise ReadinessError(
            f"{root} is not inside a git checkout: a published version records the commit it was built from"
        ) from None
    except NoCommits:
        raise ReadinessError(f"the repository at {root} has no commits yet: commit the records, then publish") from None


def _check_branch(root: Path, branch: str) -> None:
    if branch.startswith("-") or not is_branch_name(root, branch):
        raise UsageError(f"--branch {branch!r} is not a valid branch name")
    if current_branch(root) == branch:
        raise ReadinessError(
            f"{branch} is the branch checked out here: publishing commits to it directly; "
            "switch to the branch with the records first"
        )


def _check_inputs_committed(root: Path) -> None:
    """Refuse when what the site is built from differs from HEAD (the version records HEAD)."""
    present = [name for name in INPUTS if (root / name).exists()]
    if not present:
        return  # nothing to build from: the build says so
    changed = changed_paths(root, present)
    if changed:
        shown = ", ".join(sorted(changed)[:5]) + (f" and {len(changed) - 5} more" if len(changed) > 5 else "")
        raise ReadinessError(
            f"uncommitted changes in the site's inputs (data/, evidence/, docs/, mkdocs.yml): {shown}; "
            "commit or stash them first (a published version records the commit it was built from)"
        )


def _check_identity(root: Path) -> None:
    """mike commits as GIT_COMMITTER_NAME/EMAIL, else user.name/user.email: check before building."""
    for variable, key in (("GIT_COMMITTER_NAME", "user.name"), ("GIT_COMMITTER_EMAIL", "user.email")):
        if not os.environ.get(variable) and config_value(root, key) is None:
            raise ReadinessError(
                f"git has no {key} here: set it (git config {key} ...) or {variable}; the pages commit needs one"
            )


def _check_remote(root: Path, remote: str) -> None:
    if remote.startswith("-") or remote_url(root, remote) is None:
        raise UsageError(f"--remote {remote!r} is not a remote of this repository (see git remote -v)")


# ---------------------------------------------------------------------------------------------
# The pages branch


@contextlib.contextmanager
def _cwd(path: Path) -> Iterator[None]:
    """Run mike's git helpers (which use the current directory) in ``path``; restore the old one."""
    old = os.getcwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(old)


@contextlib.contextmanager
def _git_errors() -> Iterator[None]:
    try:
        yield
    except git_utils.GitRevUnrelated as exc:
        raise ReadinessError(
            f"{exc}: the local pages branch does not share history with the remote one; "
            "if the remote one is right, reset yours to it (git branch -f BRANCH REMOTE/BRANCH)"
        ) from None
    except git_utils.GitBranchDiverged as exc:
        raise ReadinessError(
            f"{exc}: publish from a branch that includes the remote one (git fetch, then reset or merge it)"
        ) from None
    except git_utils.GitError as exc:
        raise ReadinessError(f"git: {exc}") from None


def _follow_upstream(remote: str, branch: str) -> None:
    """Fast-forward the local pages branch to REMOTE/BRANCH when that is ahead (mike's remote check)."""
    git_utils.update_from_upstream(remote, branch)


def _check_conflicts(versions: Any, version: str, aliases: list[str]) -> None:
    found = versions.find(version)
    if found is not None and len(found) == 2:
        raise UsageError(f"{version} is an alias of version {found[0]} on the pages branch: publish under another name")
    for alias in aliases:
        found = versions.find(alias)
        if found is not None and len(found) == 1:
            raise UsageError(f"{alias} is a published version, so it cannot be an alias too")


def _check_frozen(versions: Any, version: str, head: str, force: bool) -> str | None:
    """A published version that no alias points to is a frozen snapshot (a handoff): publishing it
    again from another commit would replace it, so that needs ``force``. Returns the commit replaced."""
    info = next((info for info in versions if str(info.version) == version), None)
    if info is None:
        return None
    properties = info.properties if isinstance(info.properties, dict) else {}
    commit = properties.get("commit")
    if info.aliases or not isinstance(commit, str) or commit == head:
        return None
    if not force:
        raise UsageError(
            f"version {version} is frozen: it was published from {commit[:7]} and no alias points to it; "
            f"publishing {head[:7]} would replace it. Publish under another name, or pass --force to replace it"
        )
    return commit


def _previous(versions: Any, version: str) -> tuple[str | None, str | None]:
    """The first version versions.json lists (newest first) other than ``version``, and its commit."""
    for info in versions:
        name = str(info.version)
        if name == version:
            continue
        properties = info.properties if isinstance(info.properties, dict) else {}
        commit = properties.get("commit")
        return name, commit if isinstance(commit, str) and COMMIT_SHA.fullmatch(commit) else None
    return None, None


_REDIRECT = re.compile(r'<a href="([^"/]+)/">')


def _current_default(root: Path, branch: str) -> str | None:
    """What the root index.html (``mike set-default``) redirects to, if anything."""
    text = file_at(root, f"refs/heads/{branch}", "index.html")
    match = _REDIRECT.search(text)
    return match.group(1) if match and SAFE_NAME.fullmatch(match.group(1)) else None


def _message(version: str, aliases: list[str], head: str) -> str:
    also = f" [{', '.join(aliases)}]" if aliases else ""
    return f"readiness publish: {version}{also} from {head[:12]}"
