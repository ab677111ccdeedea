"""The state of one load: the tree read, the problems so far, the records that did not validate."""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass, field
from typing import Any

from yaml.nodes import Node

from ...errors import Problem
from ..catalog import Origin
from ..models import AllowedSecret
from ..secrets import Finding
from ..tree import Tree
from .files import FileResult, ParseCache, read
from .messages import Loc, locate


@dataclass(slots=True)
class Run:
    """One load of a tree."""

    tree: Tree
    cache: ParseCache | None = None
    problems: list[Problem] = field(default_factory=list)
    broken: dict[str, set[str]] = field(default_factory=dict)
    """kind -> ids (and aliases) of records that failed validation: references to
    them are not reported again as dangling."""
    nodes: dict[str, Node | None] = field(default_factory=dict)
    """Node trees composed again for cross-check problems (rare), by path."""
    allowed: list[AllowedSecret] = field(default_factory=list)
    """Reviewed false positives of the secret scanner."""

    def secret(self, rel: str, finding: Finding) -> None:
        """A possible secret, unless a reviewed exception covers it."""
        for allowed in self.allowed:
            if allowed.fingerprint == finding.fingerprint and (
                allowed.path is None or fnmatch.fnmatchcase(rel, allowed.path)
            ):
                return
        self.problems.append(
            Problem(
                rel,
                finding.line,
                finding.column,
                f"possible {finding.kind} '{finding.masked}' (fingerprint {finding.fingerprint}): remove it and "
                "rotate it; if it is not a secret, add the fingerprint with a reason to data/allowed-secrets.yaml",
            )
        )

    def add(self, origin: Origin, loc: Loc, message: str, *, key: bool = False) -> None:
        """A cross-check problem; its file is composed again to find the line and column."""
        if origin.path not in self.nodes:
            parsed = read(self.tree, origin.path, [])
            self.nodes[origin.path] = parsed.node if parsed is not None else None
        self.problems.append(locate(origin, loc, self.nodes[origin.path], message, key=key))

    def take(self, result: FileResult) -> list[tuple[Any, Origin]]:
        """The records of one file; its problems, possible secrets and broken records join the run's."""
        self.problems.extend(result.problems)
        for rel, finding in result.secrets:
            self.secret(rel, finding)
        for kind, name in result.broken:
            self.broken.setdefault(kind, set()).add(name)
        return result.records
