"""Git access: every question the generator asks of ``git``, and nothing else runs it.

Read-only except :func:`fetch_branch`: nothing here checks out, touches the work
tree or the index. Revisions are read with ``git`` itself: ``ls-tree`` and a
long-running ``cat-file --batch`` (:class:`Blobs`, :class:`GitTree`), and the
first-parent log (:func:`first_parent_log`, parsed by position in
:func:`parse_log`). A revision a user names is only ever read as one
(:func:`resolve_commit`). Publishing commits to the pages branch through mike's
own API, not from here.
"""

from __future__ import annotations

import datetime as dt
import re
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO
from urllib.parse import quote, urlsplit

from .errors import ReadinessError, UsageError
from .records.tree import ROOTS, Entry, EntryKind, TooLarge

_SHA = re.compile(r"[0-9a-f]{40}(?:[0-9a-f]{24})?")
"""A full object id (SHA-1 or SHA-256)."""
_FORMAT = "%H%x00%ct%x00%an%x00%s"
"""Commit, committer time, author, subject: each ends with a NUL (``-z`` ends the last one)."""


class GitError(ReadinessError):
    """git could not answer (not a repository, unknown revision, ...)."""


class NotACheckout(GitError):
    """The root is not inside a git work tree."""


class NoCommits(GitError):
    """The repository has no commit yet (HEAD names none)."""


# ------------------------------------------------------------------ running git


def _git_bytes(root: Path, *args: str, check: bool = True) -> bytes:
    """Run ``git -C root ARGS`` and return its standard output (bytes, as git wrote them)."""
    try:
        proc = subprocess.run(["git", "-C", str(root), *args], capture_output=True, check=False, timeout=300)
    except (OSError, ValueError, subprocess.TimeoutExpired) as exc:
        raise GitError(f"git {' '.join(args)} failed: {exc}") from None
    if check and proc.returncode != 0:
        stderr = proc.stderr.decode("utf-8", "replace").strip()
        raise GitError(f"git {' '.join(args)} failed: {stderr or proc.returncode}")
    return proc.stdout


def _git(root: Path, *args: str, check: bool = True) -> str:
    """Run ``git -C root ARGS`` and return its standard output as text.

    Decoded as UTF-8; bytes that are not UTF-8 (a path, a commit message) are kept
    as lone surrogates (``surrogateescape``, as Python does for file names), so
    paths round-trip and nothing raises here.
    """
    return _git_bytes(root, *args, check=check).decode("utf-8", "surrogateescape")


# ------------------------------------------------------------------ the checkout


def checked_head(root: Path) -> str:
    """The full sha of HEAD: the one test that ``root`` lies inside a git work tree whose HEAD is a commit.

    Raises :class:`NotACheckout` or :class:`NoCommits` (each caller says what that
    means for it), or :class:`GitError` when git cannot run at all.
    """
    if _git(root, "rev-parse", "--is-inside-work-tree", check=False).strip() != "true":
        raise NotACheckout(f"{root} is not inside a git work tree")
    head = _git(root, "rev-parse", "--verify", "--quiet", "HEAD^{commit}", check=False).strip()
    if not head:
        raise NoCommits(f"the repository at {root} has no commits yet")
    return head


def head_commit(root: Path) -> str | None:
    """Full sha of HEAD when ``root`` is inside a git checkout with at least one commit."""
    try:
        return checked_head(root)
    except GitError:
        return None


def unavailable_reason(root: Path) -> str | None:
    """Why there is no history for ``root`` (``None`` when there is one)."""
    return history_head(root)[1]


def history_start(root: Path) -> tuple[str | None, str, str | None]:
    """(HEAD's full sha, :func:`show_prefix`, ``None``) when ``root`` has a history, else
    (``None``, ``""``, why not): what a history asks first, in one question to git when it can."""
    try:
        out = _git(
            root,
            "rev-parse",
            "--is-inside-work-tree",
            "--is-shallow-repository",
            "--show-prefix",
            "HEAD^{commit}",
            check=False,
        )
    except GitError:
        out = ""
    lines = out.split("\n")
    if len(lines) == 5 and lines[:2] == ["true", "false"] and _SHA.fullmatch(lines[3]) and lines[4] == "":
        return lines[3], lines[2], None
    head, reason = history_head(root)  # says exactly why not
    return head, show_prefix(root) if reason is None else "", reason


def history_head(root: Path) -> tuple[str | None, str | None]:
    """(the full sha of HEAD, ``None``) when ``root`` has a history, else (``None``, why not)."""
    try:
        head = checked_head(root)
        if _git(root, "rev-parse", "--is-shallow-repository").strip() == "true":
            return (
                None,
                "shallow clone: history needs the full history (git fetch --unshallow, or fetch-depth: 0 in CI)",
            )
    except NotACheckout:
        return None, "not a git checkout: history needs the repository's git history"
    except NoCommits:
        return None, "no commits yet"
    except GitError as exc:
        return None, f"git is not usable here: {exc}"
    return head, None


def show_prefix(root: Path) -> str:
    """Where ``root`` lies in its repository ('' at the top, else a path ending with '/')."""
    return _git(root, "rev-parse", "--show-prefix").strip()


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
        out = _git(root, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{revision}^{{commit}}", check=False)
    except GitError:
        out = ""
    sha = out.strip()
    if not _SHA.fullmatch(sha):
        raise UsageError(f"unknown revision '{shown}'")
    return sha


def merge_base(root: Path, one: str, other: str) -> str | None:
    """The best common ancestor of two revisions (``None`` when there is none, or one names nothing)."""
    try:
        return _git(root, "merge-base", one, other).strip()
    except GitError:
        return None


# ------------------------------------------------------------------ commits and the log


@dataclass(frozen=True, slots=True)
class Commit:
    sha: str
    time: dt.datetime
    """Committer time (UTC)."""
    author: str
    subject: str

    @property
    def short(self) -> str:
        return self.sha[:7]


@dataclass(frozen=True, slots=True)
class Change:
    """One path changed by a commit (from ``git log --raw``)."""

    status: str
    """``A``, ``M``, ``D``, ``T`` ... (renames are split into D and A)."""
    mode: str
    blob: str
    rel: str
    """Path relative to the catalog root."""


def _commit(fields: list[bytes]) -> Commit:
    """A commit from the four fields of :data:`_FORMAT` (text that is not UTF-8 shows as U+FFFD)."""
    sha, stamp, author, subject = (value.decode("utf-8", "replace") for value in fields)
    if not _SHA.fullmatch(sha) or not (stamp.isascii() and stamp.isdigit()):
        raise GitError(f"git log: unexpected output at {sha[:40]!r}")
    return Commit(sha, dt.datetime.fromtimestamp(int(stamp), tz=dt.UTC), author, subject)


def parse_log(out: bytes, prefix: str = "") -> list[tuple[Commit, list[Change]]]:
    """Read ``git log -z --raw --format=<_FORMAT>`` output, by position.

    Every field and every path ends with NUL, and no field can hold one (git keeps
    commit text as C strings: a subject or author name ends at a NUL), so the
    stream is a sequence of tokens: four for each commit, then two for each
    changed path (``:mode mode blob blob status`` and the path), each consumed
    in turn. Whatever a subject or author holds, it is one token in its place:
    it can neither split a commit nor start another one. Paths outside
    ``prefix`` are left out; the others are made relative to it.
    """
    tokens = out.split(b"\0")
    if tokens and tokens[-1] == b"":
        tokens.pop()
    result: list[tuple[Commit, list[Change]]] = []
    at = 0
    while at < len(tokens):
        if at + 4 > len(tokens):
            raise GitError("git log: output ends inside a commit")
        commit = _commit(tokens[at : at + 4])
        at += 4
        changes = []
        while at < len(tokens) and tokens[at].lstrip(b"\n").startswith(b":"):
            if at + 1 >= len(tokens):
                raise GitError(f"git log: output ends inside the changes of {commit.sha}")
            meta = tokens[at].lstrip(b"\n").decode("ascii", "replace")
            path = tokens[at + 1].decode("utf-8", "surrogateescape")
            at += 2
            if not path.startswith(prefix):
                continue
            _old_mode, new_mode, _old_blob, new_blob, status = meta[1:].split()
            changes.append(Change(status[:1], new_mode, new_blob, path[len(prefix) :]))
        result.append((commit, changes))
    return result


def first_parent_log(
    root: Path, prefix: str | None = None, *, since: str | None = None, changes: bool = True
) -> list[tuple[Commit, list[Change]]]:
    """First-parent commits that changed data/ or evidence/, oldest first, with their changes
    (``prefix``: :func:`show_prefix`, when the caller knows it). ``since``: only the commits
    after that one (a full sha from git); ``changes=False``: the commits alone (each with no
    change listed), which git finds faster."""
    return PendingLog(root, prefix, since=since, changes=changes).result()


class PendingLog:
    """A :func:`first_parent_log` under way: git runs while the caller does other work, and
    :meth:`result` waits for it."""

    def __init__(
        self, root: Path, prefix: str | None = None, *, since: str | None = None, changes: bool = True
    ) -> None:
        if since is not None and not _SHA.fullmatch(since):
            raise GitError(f"not a commit id: {since[:80]!r}")
        self._prefix = show_prefix(root) if prefix is None else prefix
        shown = ["--raw", "-r", "--no-renames", "--no-abbrev"] if changes else []
        self._args = [
            "log",
            "--first-parent",
            "--diff-merges=first-parent",
            "--reverse",
            *shown,
            "-z",
            f"--format={_FORMAT}",
            f"{since}..HEAD" if since is not None else "HEAD",
            "--",
            *ROOTS,
        ]
        try:
            self._proc: subprocess.Popen[bytes] | None = subprocess.Popen(
                ["git", "-C", str(root), *self._args], stdout=subprocess.PIPE, stderr=subprocess.PIPE
            )
        except (OSError, ValueError) as exc:
            raise GitError(f"git {' '.join(self._args)} failed: {exc}") from None

    def result(self) -> list[tuple[Commit, list[Change]]]:
        proc = self._proc
        assert proc is not None, "read once"
        self._proc = None
        try:
            out, err = proc.communicate(timeout=300)
        except subprocess.TimeoutExpired as exc:
            proc.kill()
            proc.communicate()
            raise GitError(f"git {' '.join(self._args)} failed: {exc}") from None
        if proc.returncode != 0:
            stderr = err.decode("utf-8", "replace").strip()
            raise GitError(f"git {' '.join(self._args)} failed: {stderr or proc.returncode}")
        return parse_log(out, self._prefix)


def commit_info(root: Path, revision: str) -> Commit:
    """The commit ``revision`` names (:class:`UsageError` when it names none, or looks like an option)."""
    sha = resolve_commit(root, revision)
    out = _git_bytes(root, "show", "-s", "-z", f"--format={_FORMAT}", sha, "--")
    fields = out.split(b"\0")
    if len(fields) < 4:
        raise GitError(f"git show: unexpected output for {sha}")
    return _commit(fields[:4])


# ------------------------------------------------------------------ reading a revision


_PREFETCH_BATCH = 256
"""Object ids written to ``cat-file`` at once: their 10 KiB stay within a pipe's buffer, so that
git never waits on a full output pipe while this process still writes ids."""


@dataclass
class Blobs:
    """A long-running ``git cat-file --batch`` that reads objects by id."""

    root: Path
    _proc: subprocess.Popen[bytes] | None = field(default=None, init=False)
    _ready: dict[str, bytes | int] = field(default_factory=dict, init=False)
    """Prefetched objects: the content, or the size of one over the prefetch's limit."""

    def read(self, blob: str, limit: int | None = None) -> bytes:
        """The object's content; :class:`TooLarge` (content skipped) when over ``limit``."""
        ready = self._ready.pop(blob, None)
        if isinstance(ready, bytes):
            if limit is not None and len(ready) > limit:
                raise TooLarge(len(ready))
            return ready
        if isinstance(ready, int) and limit is not None and ready > limit:
            raise TooLarge(ready)
        stdin, stdout = self._pipes()
        stdin.write(blob.encode("ascii") + b"\n")
        stdin.flush()
        return self._answer(stdout, blob, limit)

    def prefetch(self, blobs: list[str], limit: int) -> None:
        """Ask for many objects at once (one exchange with git instead of one each); each is kept
        until :meth:`read` takes it, when it is at most ``limit`` bytes."""
        wanted = [blob for blob in dict.fromkeys(blobs) if blob not in self._ready]
        if not wanted:
            return
        stdin, stdout = self._pipes()
        for start in range(0, len(wanted), _PREFETCH_BATCH):
            batch = wanted[start : start + _PREFETCH_BATCH]
            stdin.write(b"".join(blob.encode("ascii") + b"\n" for blob in batch))
            stdin.flush()
            for blob in batch:
                try:
                    self._ready[blob] = self._answer(stdout, blob, limit)
                except TooLarge as exc:
                    self._ready[blob] = exc.size
                except GitError:
                    continue  # "missing": one line, so the next answer follows; read() says it again

    def _pipes(self) -> tuple[IO[bytes], IO[bytes]]:
        if self._proc is None:
            self._proc = subprocess.Popen(
                ["git", "-C", str(self.root), "cat-file", "--batch"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
            )
        stdin: IO[bytes] | None = self._proc.stdin
        stdout: IO[bytes] | None = self._proc.stdout
        assert stdin is not None and stdout is not None
        return stdin, stdout

    @staticmethod
    def _answer(stdout: IO[bytes], blob: str, limit: int | None) -> bytes:
        """Read git's answer for ``blob``: its content, or :class:`TooLarge` (skipped) over ``limit``."""
        header = stdout.readline().split()
        if len(header) != 3:
            raise GitError(f"git cat-file: cannot read object {blob}")
        size = int(header[2])
        if limit is not None and size > limit:
            remaining = size + 1
            while remaining:
                remaining -= len(stdout.read(min(remaining, 1 << 20)))
            raise TooLarge(size)
        data = stdout.read(size)
        stdout.read(1)  # the newline after each object
        return data

    def close(self) -> None:
        if self._proc is not None:
            if self._proc.stdin is not None:
                self._proc.stdin.close()
            self._proc.wait(timeout=30)
            if self._proc.stdout is not None:
                self._proc.stdout.close()
            self._proc = None

    def __enter__(self) -> Blobs:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class GitTree:
    """The records as of one commit (a :class:`~generator.records.tree.Tree`), kept up to date change by change.

    Built once from ``git ls-tree`` (or empty), then moved forward with the
    changes of each commit (``apply``), so walking a long history never lists
    the whole tree again. Contents are read with ``git cat-file --batch``.
    """

    def __init__(self, blobs: Blobs) -> None:
        self._blobs = blobs
        self._entries: dict[str, Entry] = {}
        self._children: dict[str, dict[str, Entry]] = {}
        self._evidence: dict[str, int] = {}
        """Evidence record stem -> how many record files have it (kept up to date by ``apply``)."""

    @classmethod
    def at(cls, root: Path, commit: str, blobs: Blobs, prefix: str = "") -> GitTree:
        """The tree of ``commit`` (``prefix``: where ``root`` lies in the repository)."""
        tree = cls(blobs)
        listing = _git(root, "ls-tree", "-r", "-z", "--full-tree", commit, "--", *(prefix + r for r in ROOTS))
        for record in listing.split("\0"):
            if not record:
                continue
            meta, _, path = record.partition("\t")
            mode, _kind, blob = meta.split()
            if path.startswith(prefix):
                tree._put(path[len(prefix) :], mode, blob)
        return tree

    def apply(self, changes: list[Change]) -> set[str]:
        """Move to the next commit; returns the evidence ids (record file stems) it adds."""
        before: dict[str, bool] = {}
        for change in changes:
            if _is_record(change.rel):
                before.setdefault(_stem(change.rel), _stem(change.rel) in self._evidence)
            self._remove(change.rel)
            if change.status != "D":
                self._put(change.rel, change.mode, change.blob)
        return {stem for stem, present in before.items() if not present and stem in self._evidence}

    def _put(self, rel: str, mode: str, blob: str) -> None:
        """Add the path ``rel`` (not in the tree) with its git mode and object."""
        if _is_record(rel) and mode.startswith("100"):
            stem = _stem(rel)
            self._evidence[stem] = self._evidence.get(stem, 0) + 1
        kind: EntryKind = "link" if mode == "120000" else "file" if mode.startswith("100") else "other"
        self._add(Entry(rel, kind, blob))

    def _add(self, entry: Entry) -> None:
        self._entries[entry.rel] = entry
        child = entry
        while True:
            parent, _, name = child.rel.rpartition("/")
            known = parent == "" or parent in self._entries
            self._children.setdefault(parent, {})[name] = child
            if known:
                return
            child = self._entries[parent] = Entry(parent, "dir")

    def _remove(self, rel: str) -> None:
        entry = self._entries.pop(rel, None)
        if entry is None:
            return
        if entry.kind == "file" and _is_record(rel):
            stem = _stem(rel)
            self._evidence[stem] -= 1
            if not self._evidence[stem]:
                del self._evidence[stem]
        while True:
            parent, _, name = rel.rpartition("/")
            siblings = self._children.get(parent)
            if siblings is not None:
                siblings.pop(name, None)
                if siblings:
                    return
                del self._children[parent]
            if parent == "":
                return
            self._entries.pop(parent, None)
            rel = parent

    def entry(self, rel: str) -> Entry | None:
        return self._entries.get(rel)

    def children(self, rel: str) -> list[Entry]:
        items = self._children.get(rel)
        return [items[name] for name in sorted(items)] if items else []

    def read(self, entry: Entry, limit: int) -> bytes:
        assert entry.blob is not None
        return self._blobs.read(entry.blob, limit)

    def prefetch(self, entries: list[Entry], limit: int) -> None:
        """Ask git for the content of these file entries at once (see :meth:`Blobs.prefetch`)."""
        self._blobs.prefetch([entry.blob for entry in entries if entry.kind == "file" and entry.blob], limit)

    def yaml_files(self) -> list[Entry]:
        """Every ``.yaml`` file entry (records are among them)."""
        return [entry for rel, entry in self._entries.items() if entry.kind == "file" and rel.endswith(".yaml")]

    def evidence_ids(self) -> set[str]:
        """Ids (file stems) of the evidence record files in this revision."""
        return set(self._evidence)


def _is_record(rel: str) -> bool:
    return rel.startswith("evidence/") and rel.endswith(".yaml") and not rel.startswith("evidence/files/")


def _stem(rel: str) -> str:
    return rel.rsplit("/", 1)[1][: -len(".yaml")]


# ------------------------------------------------------------------ what publishing asks


def is_branch_name(root: Path, name: str) -> bool:
    """Whether ``name`` is a valid branch name (as ``git check-ref-format --branch`` says)."""
    return _git(root, "check-ref-format", "--branch", name, check=False).strip() == name


def current_branch(root: Path) -> str | None:
    """The branch checked out in ``root`` (``None``: a detached HEAD)."""
    return _git(root, "symbolic-ref", "--quiet", "--short", "HEAD", check=False).strip() or None


def changed_paths(root: Path, paths: Sequence[str]) -> list[str]:
    """Paths under ``paths`` whose work tree or index differs from HEAD, untracked files included."""
    status = _git(root, "--no-optional-locks", "status", "--porcelain=v1", "-z", "--untracked-files=all", "--", *paths)
    entries = iter(status.split("\0"))
    changed: list[str] = []
    for entry in entries:
        if len(entry) < 4:
            continue
        changed.append(entry[3:])
        if entry[0] in "RC":
            next(entries, None)  # the source path of a rename or copy
    return changed


def config_value(root: Path, key: str) -> str | None:
    """A git configuration value (``None`` when it is not set)."""
    return _git(root, "config", "--get", key, check=False).strip() or None


def remote_url(root: Path, remote: str) -> str | None:
    """The URL of a remote (``None`` when there is no such remote)."""
    return _git(root, "remote", "get-url", "--", remote, check=False).strip() or None


COMMIT_SHA = re.compile(r"[0-9a-f]{7,64}")
"""A commit id as git prints it, abbreviated or full (SHA-1 or SHA-256)."""

_SCP_LIKE = re.compile(r"^(?:[^@/:]+@)?(?P<host>[^/:]+):(?P<path>[^/].*)$")


def web_commit_url(remote: str) -> str | None:
    """The web page of a commit on the host a remote URL names, as a template with ``{sha}``
    (``https://git.example/org/repo/commit/{sha}``: the form Gitea, Forgejo, GitHub and GitLab
    all answer); ``None`` for a local path. Credentials in the URL are dropped, never published."""
    text = remote.strip()
    match = _SCP_LIKE.match(text) if "://" not in text else None
    if match is not None:
        host, path = match.group("host"), match.group("path")
        scheme = "https"
    else:
        parts = urlsplit(text)
        if parts.scheme not in ("http", "https", "ssh", "git") or not parts.hostname:
            return None
        scheme = parts.scheme if parts.scheme in ("http", "https") else "https"
        port = f":{parts.port}" if parts.port and scheme == parts.scheme else ""
        host, path = parts.hostname + port, parts.path
    path = path.strip("/").removesuffix(".git").strip("/")
    if not path:
        return None
    return f"{scheme}://{host}/{quote(path, safe='/~._-')}/commit/{{sha}}"


def default_commit_url(root: Path) -> str | None:
    """:func:`web_commit_url` of the ``origin`` remote, when there is one."""
    remote = remote_url(root, "origin")
    return web_commit_url(remote) if remote else None


def fetch_branch(root: Path, remote: str, branch: str) -> None:
    """Bring REMOTE/BRANCH (the remote-tracking branch) up to date, when the remote has the branch."""
    if _git(root, "ls-remote", "--heads", "--", remote, f"refs/heads/{branch}").strip():
        _git(root, "fetch", "--quiet", "--", remote, f"+refs/heads/{branch}:refs/remotes/{remote}/{branch}")


def branch_tip(root: Path, branch: str) -> str:
    """The sha the local ``branch`` points at."""
    return _git(root, "rev-parse", "--verify", f"refs/heads/{branch}").strip()


def file_at(root: Path, revision: str, path: str) -> str:
    """The text of ``path`` as of ``revision`` ('' when it has none)."""
    return _git(root, "show", f"{revision}:{path}", check=False)
