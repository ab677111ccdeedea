"""Load every record file, validate it against the models, cross-check the whole.

``load_catalog(root)`` either returns a complete :class:`Catalog` or raises
:class:`ValidationFailed` with every problem found, each located by file, line
and column. Nothing is derived or written before this succeeds.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import difflib
import fnmatch
import functools
import gc
import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError
from yaml.nodes import ScalarNode

from . import scantext, yamlstrict
from .catalog import Catalog, Origin
from .checks import check_field_problem
from .errors import Problem, UsageError, ValidationFailed
from .models import (
    FAILED_READY_FIX,
    GATE_PATTERN,
    LINE_PATTERN,
    OPT_LINE_PATTERN,
    REF_PATTERN,
    SLUG_PATTERN,
    VERIFICATION_KINDS,
    AllowedSecret,
    Environment,
    Evidence,
    Gate,
    Repo,
    Service,
    Wave,
    is_slug,
    observed_moment,
    ready_despite_failure,
    reserved_reason,
)
from .secrets import Finding, mask_secrets
from .tree import Entry, TooLarge, Tree, WorkTree

Loc = tuple[str | int, ...]


@dataclass(slots=True)
class _FileResult:
    """What one file contributes, which depends only on its path and content:
    so it is cached by git blob id when revisions are read one after another."""

    records: list[tuple[Any, Origin]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    broken: list[tuple[str, str]] = field(default_factory=list)
    """(kind, id or alias) of records that did not validate."""
    secrets: list[tuple[str, Finding]] = field(default_factory=list)
    """(path, finding) of possible secrets; reviewed exceptions are applied per load."""


class ParseCache:
    """Parsed and validated files by (blob id, path), and attachment digests by blob id.

    Handed from one revision's load to the next (history, diff); never global.
    """

    def __init__(self) -> None:
        self.files: dict[tuple[str, str], _FileResult] = {}
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
        for kind in ("repo", "environment", "service", "store", "gate", "wave"):
            keys.update((kind, ident) for ident in catalog.table(kind))
        keys.update(("evidence", (ident, id(record))) for ident, record in catalog.evidence.items())
        frozen = frozenset(keys)
        stable = self.keys is not None and self.keys <= frozen
        self.keys = frozen
        if not stable:
            self.verified.clear()
        return stable


class _File:
    """One file being validated: its node tree gives every problem its line and column."""

    def __init__(self, rel: str, node: Any, result: _FileResult) -> None:
        self.rel = rel
        self.node = node
        self.result = result

    def add(self, origin: Origin, loc: Loc, message: str, *, key: bool = False) -> None:
        full = origin.loc + loc
        self.result.problems.append(_located(origin, full, self.node, message, key=key))

    def broken(self, kind: str, value: Any) -> None:
        """Remember the id and aliases of a record that did not validate."""
        if not isinstance(value, dict):
            return
        aliases = value.get("aliases")
        names = [value.get("id"), *(aliases if isinstance(aliases, list) else [])]
        self.result.broken.extend((kind, name) for name in names if isinstance(name, str))


def _located(origin: Origin, full: Loc, root: Any, message: str, *, key: bool = False) -> Problem:
    node = yamlstrict.find_node(root, full, key=key)
    line, column = (node.start_mark.line + 1, node.start_mark.column + 1) if node is not None else (1, 1)
    where = _field_path(full, origin.label)
    return Problem(origin.path, line, column, message + (f" ({where})" if where else ""))


@dataclass(slots=True)
class _Run:
    """State of one load: the tree read, problems so far, ids of broken records."""

    tree: Tree
    cache: ParseCache | None = None
    problems: list[Problem] = field(default_factory=list)
    broken: dict[str, set[str]] = field(default_factory=dict)
    """kind -> ids (and aliases) of records that failed validation: references to
    them are not reported again as dangling."""
    nodes: dict[str, Any] = field(default_factory=dict)
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
            parsed = _read(self.tree, origin.path, [])
            self.nodes[origin.path] = parsed.node if parsed is not None else None
        self.problems.append(_located(origin, origin.loc + loc, self.nodes[origin.path], message, key=key))

    def take(self, result: _FileResult) -> list[tuple[Any, Origin]]:
        self.problems.extend(result.problems)
        for rel, finding in result.secrets:
            self.secret(rel, finding)
        for kind, name in result.broken:
            self.broken.setdefault(kind, set()).add(name)
        return result.records


def _field_path(loc: Loc, label: str | None = None) -> str:
    """``gates[2].owners[0]`` style; a list file's item is named by its id when known."""
    text = ""
    if label is not None and loc and isinstance(loc[0], int):
        text, loc = mask_secrets(label), loc[1:]
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += ("." if text else "") + part
    return text


def _show(value: object) -> str:
    """A bad value, shortened for a message."""
    if isinstance(value, str):
        value = mask_secrets(value)
    if isinstance(value, dict):
        text = "a mapping"
    elif isinstance(value, list):
        text = "a list"
    elif isinstance(value, str):
        text = f"'{value}'"
    else:
        text = repr(value)
    return text if len(text) <= 60 else text[:57] + "...'"


def _suggest(word: str, choices: Iterator[str] | list[str]) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f": did you mean '{close[0]}'?" if close else ""


# --------------------------------------------------------------------------- files


def _discover(tree: Tree, run: _Run) -> tuple[list[Entry], list[Entry]]:
    """Service files and evidence files, sorted by path."""
    services = [e for e in tree.children("data/services") if _is_record_file(e, run)]
    evidence: list[Entry] = []
    pending = [e for e in tree.children("evidence") if not (e.kind == "dir" and e.name == "files")]
    while pending:
        entry = pending.pop()
        if entry.kind == "dir":
            if _bad_name(entry, run):
                continue
            pending.extend(tree.children(entry.rel))
        elif _is_record_file(entry, run):
            evidence.append(entry)
    evidence.sort(key=lambda e: e.rel)
    return services, evidence


def _bad_name(entry: Entry, run: _Run) -> bool:
    """A file or folder whose name holds a control, bidirectional or zero-width character."""
    reason = yamlstrict.forbidden_in_name(entry.name)
    if reason is not None:
        run.problems.append(Problem(entry.rel, 1, 1, reason))
    return reason is not None


def _is_record_file(entry: Entry, run: _Run) -> bool:
    name = entry.name
    if _bad_name(entry, run):
        return False
    if name.endswith(".yml"):
        run.problems.append(Problem(entry.rel, 1, 1, "record files end in .yaml: rename it, or it is never read"))
        return False
    if not name.endswith(".yaml"):
        return False
    if entry.kind == "link":
        run.problems.append(Problem(entry.rel, 1, 1, "record files must be regular files, not links"))
        return False
    return entry.kind == "file"


def _read(
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


def _cached(run: _Run, entry: Entry, compute: Callable[[], _FileResult]) -> _FileResult:
    if run.cache is None or entry.blob is None:
        return compute()
    key = (entry.blob, entry.rel)
    result = run.cache.files.get(key)
    if result is None:
        result = run.cache.files[key] = compute()
    return result


# ------------------------------------------------------------------- validation


def _fields_of(model: type[BaseModel], loc: Loc) -> list[str]:
    """Field names of the (nested) model that holds the last part of ``loc``."""
    current: Any = model
    for part in loc[:-1]:
        if isinstance(part, int):
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return []
        info = current.model_fields.get(part)
        if info is None:
            return []
        current = _inner_model(info.annotation)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return list(current.model_fields)
    return []


def _inner_model(annotation: Any) -> Any:
    stack = [annotation]
    while stack:
        item = stack.pop()
        if isinstance(item, type) and issubclass(item, BaseModel):
            return item
        stack.extend(getattr(item, "__args__", ()))
    return None


def _explain(error: Any, run: _File, origin: Origin, model: type[BaseModel]) -> None:
    loc: Loc = tuple(error["loc"])
    kind = error["type"]
    ctx = error.get("ctx") or {}
    value = error.get("input")
    last = loc[-1] if loc else ""
    if value is yamlstrict.INVALID:
        return  # already reported by the YAML layer
    if kind == "extra_forbidden":
        known = _fields_of(model, loc)
        message = f"unknown field '{last}'{_suggest(str(last), known)}"
        if not _suggest(str(last), known) and known:
            message += f" (known: {', '.join(known)})"
        run.add(origin, loc, message, key=True)
        return
    if kind == "missing":
        run.add(origin, loc[:-1], f"missing required field '{last}'")
        return
    node = yamlstrict.find_node(run.node, origin.loc + loc)
    shown = value
    if isinstance(node, ScalarNode) and not isinstance(value, (str, dict, list)):
        shown = yamlstrict.RawText(node.value)
    message = _message_for(kind, ctx, shown, error.get("msg", ""))
    hint = yamlstrict.describe_scalar(node) if node is not None and kind == "string_type" else None
    if hint:
        message = f"expected text; {hint}"
    run.add(origin, loc, message)


def _message_for(kind: str, ctx: dict[str, Any], value: object, fallback: str) -> str:
    if kind == "string_pattern_mismatch":
        pattern = ctx.get("pattern")
        if pattern == SLUG_PATTERN:
            return f"{_show(value)} is not a valid id: use lowercase letters, digits and '-', starting with a letter or digit"
        if pattern == GATE_PATTERN:
            return f"{_show(value)} is not a valid gate id: use uppercase parts joined by '-', like OPS-G05"
        if pattern == LINE_PATTERN:
            return (
                "must be one line of text, not blank"
                if isinstance(value, str) and value.strip()
                else "must not be blank"
            )
        if pattern == OPT_LINE_PATTERN:
            return "must be a single line of text"
        if pattern == REF_PATTERN:
            return (
                f"{_show(value)} is not a valid reference: write kind:id with kind one of "
                "service, store, environment, repo, gate, wave (e.g. store:gitea-db)"
            )
        return f"{_show(value)} does not have the expected form"
    if kind == "string_too_long":
        return f"{_show(value)} is too long: at most {ctx.get('max_length')} characters"
    if kind == "literal_error":
        return f"{_show(value)} is not allowed here: use one of {ctx.get('expected')}"
    if kind == "value_error":
        reason = str(ctx.get("error", fallback)).removeprefix("Value error, ")
        return f"{_show(value)} {reason}" if isinstance(value, str) else reason
    if kind == "string_type":
        return f"expected text, got {_show(value)}"
    if kind in ("int_type", "int_from_float"):
        return f"expected a whole number, got {_show(value)}"
    if kind == "greater_than_equal":
        return f"{_show(value)} must be at least {ctx.get('ge')}"
    if kind == "bool_type":
        return f"expected true or false, got {_show(value)}"
    if kind == "list_type":
        return f"expected a list, got {_show(value)}"
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return f"expected a mapping of fields, got {_show(value)}"
    return fallback


def _validate(run: _File, model: type[BaseModel], value: Any, origin: Origin) -> Any:
    if value is yamlstrict.INVALID:
        return None
    try:
        return model.model_validate(value)
    except ValidationError as exc:
        for error in exc.errors(include_url=False):
            _explain(error, run, origin, model)
        return None


def _load_list(run: _Run, rel: str, model: type[BaseModel], kind: str) -> list[tuple[Any, Origin]]:
    entry = run.tree.entry(rel)
    if entry is None or entry.kind == "dir":
        return []
    if entry.kind != "file":
        run.problems.append(Problem(rel, 1, 1, "record files must be regular files, not links"))
        return []
    return run.take(_cached(run, entry, lambda: _list_file(run.tree, rel, model, kind)))


def _list_file(tree: Tree, rel: str, model: type[BaseModel], kind: str) -> _FileResult:
    result = _FileResult()
    parsed = _read(tree, rel, result.problems, result.secrets)
    if parsed is None or parsed.value is yamlstrict.INVALID or parsed.value is None:
        return result
    file = _File(rel, parsed.node, result)
    if not isinstance(parsed.value, list):
        file.add(Origin(rel), (), "expected a list of records (each starting with '- id: ...')")
        return result
    for index, item in enumerate(parsed.value):
        label = item.get("id") if isinstance(item, dict) else None
        origin = Origin(rel, (index,), label if isinstance(label, str) and len(label) <= 64 else None)
        record = _validate(file, model, item, origin)
        if record is not None:
            result.records.append((record, origin))
        else:
            file.broken(kind, item)
    return result


def _plan_file(tree: Tree, rel: str) -> _FileResult:
    """The optional probe plan: validated and scanned for secrets like every record file."""
    from .probes.plan import Plan

    result = _FileResult()
    parsed = _read(tree, rel, result.problems, result.secrets)
    if parsed is None or parsed.value is yamlstrict.INVALID or parsed.value is None:
        return result
    file = _File(rel, parsed.node, result)
    if not isinstance(parsed.value, dict):
        file.add(Origin(rel), (), "expected a mapping with 'probes:' (a list of probes)")
    else:
        plan = _validate(file, Plan, parsed.value, Origin(rel))
        if isinstance(plan, Plan):
            for loc, message in plan.credential_problems():
                file.add(Origin(rel), loc, message)
            result.records.append((plan, Origin(rel)))
    return result


def _one_file(tree: Tree, rel: str, model: type[BaseModel], kind: str) -> _FileResult:
    """A file holding one record (a service, an evidence record)."""
    result = _FileResult()
    stem = rel.rsplit("/", 1)[1][: -len(".yaml")]
    parsed = _read(tree, rel, result.problems, result.secrets)
    value = parsed.value if parsed is not None else yamlstrict.INVALID
    record = None
    if value is not yamlstrict.INVALID:
        file = _File(rel, parsed.node if parsed else None, result)
        if not isinstance(value, dict):
            file.add(Origin(rel), (), "expected a mapping of fields (key: value)")
        else:
            record = _validate(file, model, value, Origin(rel))
            if record is None:
                file.broken(kind, value)
                stores = value.get("stores") if kind == "service" else None
                for store in stores if isinstance(stores, list) else []:
                    file.broken("store", store)
    if record is None:
        result.broken.append((kind, stem))
    else:
        result.records.append((record, Origin(rel)))
    return result


def _load_one(run: _Run, entry: Entry, model: type[BaseModel], kind: str) -> Any:
    cache = run.cache
    result = cache.files.get((entry.blob, entry.rel)) if cache is not None and entry.blob is not None else None
    if result is None:
        result = _cached(run, entry, lambda: _one_file(run.tree, entry.rel, model, kind))
    if result.problems or result.broken or result.secrets:
        run.take(result)
    records = result.records
    return records[0][0] if records else None


# ------------------------------------------------------------------- cross-check


def _register(
    run: _Run,
    catalog: Catalog,
    kind: str,
    ident: str,
    aliases: list[str],
    origin: Origin,
    id_loc: Loc = ("id",),
) -> bool:
    table = catalog.table(kind)
    key = (kind, ident)
    if ident in table or ident in catalog.aliases.get(kind, {}):
        first = catalog.origins.get(key) or catalog.origins.get((kind, catalog.aliases[kind][ident]))
        where = f" (first in {first.path})" if first else ""
        run.add(origin, id_loc, f"duplicate {kind} id '{ident}'{where}: ids must be unique")
        return False
    catalog.origins[key] = origin
    alias_map = catalog.aliases.setdefault(kind, {})
    for index, alias in enumerate(aliases):
        if alias in table or alias in alias_map or alias == ident:
            run.add(origin, ("aliases", index), f"alias '{alias}' is already a {kind} id or alias")
            continue
        alias_map[alias] = ident
    return True


def _ref_checker(run: _Run, catalog: Catalog) -> Callable[..., str | None]:
    def check(kind: str, ident: str, origin: Origin, loc: Loc, *, key: bool = False) -> str | None:
        canonical = catalog.resolve(kind, ident)
        if canonical is None and ident not in run.broken.get(kind, ()):
            known = list(catalog.table(kind)) + list(catalog.aliases.get(kind, {}))
            run.add(origin, loc, f"unknown {kind} '{ident}'{_suggest(ident, known)}", key=key)
        return canonical

    return check


def _cycles(run: _Run, catalog: Catalog) -> None:
    """Report each cycle in gate ``requires`` once, at the gate that closes it."""
    state: dict[str, int] = {}
    for start in sorted(catalog.gates):
        if state.get(start):
            continue
        stack: list[tuple[str, Iterator[str]]] = [(start, iter(catalog.gates[start].requires))]
        path = [start]
        state[start] = 1
        while stack:
            gate_id, children = stack[-1]
            for child in children:
                target = catalog.resolve("gate", child)
                if target is None:
                    continue
                if state.get(target) == 1:
                    cycle = [*path[path.index(target) :], target]
                    origin = catalog.origins[("gate", gate_id)]
                    index = catalog.gates[gate_id].requires.index(child)
                    run.add(origin, ("requires", index), f"requires forms a cycle: {' -> '.join(cycle)}")
                    continue
                if not state.get(target):
                    state[target] = 1
                    path.append(target)
                    stack.append((target, iter(catalog.gates[target].requires)))
                    break
            else:
                state[gate_id] = 2
                path.pop()
                stack.pop()


def _check_attachment(run: _Run, origin: Origin, index: int, rel_path: str, digest: str) -> None:
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


def _attachment(run: _Run, entry: Entry) -> tuple[str, scantext.AttachmentScan]:
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


def _cross_check(run: _Run, catalog: Catalog, now: dt.datetime) -> None:
    ref = _ref_checker(run, catalog)
    origins = catalog.origins
    cache = run.cache
    # Records that passed in the previous load of a history need no second look while
    # nothing they could reference disappeared (records are immutable, identity is the key).
    verified: dict[int, tuple[str, str]] = cache.verified if cache is not None else {}
    reuse = cache is not None and cache.stable(catalog)

    def done(kind: str, ident: str, record: object, before: int) -> None:
        if cache is not None and len(run.problems) == before:
            verified[id(record)] = (kind, ident)

    for env_id, env in catalog.environments.items():
        if env.owner is not None:
            ref("repo", env.owner, origins[("environment", env_id)], ("owner",))

    for service_id, service in catalog.services.items():
        if reuse and verified.get(id(service)) == ("service", service_id):
            continue
        before = len(run.problems)
        _check_service(run, ref, service_id, service, origins[("service", service_id)])
        done("service", service_id, service, before)

    for gate_id, gate in catalog.gates.items():
        if reuse and verified.get(id(gate)) == ("gate", gate_id):
            continue
        before = len(run.problems)
        _check_gate(run, ref, gate, origins[("gate", gate_id)])
        done("gate", gate_id, gate, before)
    _cycles(run, catalog)

    for wave_id, wave in catalog.waves.items():
        origin = origins[("wave", wave_id)]
        for index, gate_ref in enumerate(wave.gates):
            ref("gate", gate_ref, origin, ("gates", index))
        for index, service_ref in enumerate(wave.services or []):
            ref("service", service_ref, origin, ("services", index))

    for evidence_id, record in catalog.evidence.items():
        origin = origins[("evidence", evidence_id)]
        if reuse and verified.get(id(record)) == ("evidence", evidence_id):
            for index, attachment in enumerate(record.attachments or []):
                _check_attachment(run, origin, index, attachment.path, attachment.sha256)
            continue
        before = len(run.problems)
        _check_evidence(run, catalog, ref, evidence_id, record, origin, now)
        done("evidence", evidence_id, record, before)
    _attachment_case(run, catalog)


def _attachment_case(run: _Run, catalog: Catalog) -> None:
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


def _check_service(
    run: _Run, ref: Callable[..., str | None], service_id: str, service: Service, origin: Origin
) -> None:
    if service.owner is not None:
        ref("repo", service.owner, origin, ("owner",))
    for d_index, deployment in enumerate(service.deployments or []):
        ref("environment", deployment.environment, origin, ("deployments", d_index, "environment"))
    for s_index, store in enumerate(service.stores or []):
        if store.backup is not None and store.backup.owner is not None:
            ref("repo", store.backup.owner, origin, ("stores", s_index, "backup", "owner"))
    for index, other in enumerate(service.depends_on or []):
        target = ref("service", other, origin, ("depends_on", index))
        if target == service_id:
            run.add(origin, ("depends_on", index), "a service cannot depend on itself")


def _check_gate(run: _Run, ref: Callable[..., str | None], gate: Gate, origin: Origin) -> None:
    for index, owner in enumerate(gate.owners):
        ref("repo", owner, origin, ("owners", index))
    for index, required in enumerate(gate.requires):
        ref("gate", required, origin, ("requires", index))
    if gate.service is not None:
        ref("service", gate.service, origin, ("service",))
    for c_index, check in enumerate(gate.checks):
        for f_index, name in enumerate(check.fields or []):
            message = check_field_problem(check.select, name)
            if message:
                run.add(origin, ("checks", c_index, "fields", f_index), message)
        for key in check.where or {}:
            message = check_field_problem(check.select, key, top_level=True)
            if message:
                run.add(origin, ("checks", c_index, "where", key), message, key=True)
        if check.max_age_days is not None and check.evidence is None:
            run.add(
                origin,
                ("checks", c_index, "max_age_days"),
                "max_age_days applies to the check's evidence: add 'evidence: <kind>' or remove it",
            )
        if not check.fields and check.evidence is None:
            run.add(origin, ("checks", c_index), "a check needs 'fields', 'evidence' or both")


def _check_evidence(
    run: _Run,
    catalog: Catalog,
    ref: Callable[..., str | None],
    evidence_id: str,
    record: Evidence,
    origin: Origin,
    now: dt.datetime,
) -> None:
    """Every cross-check of one evidence record."""
    if observed_moment(record.observed) > now:
        run.add(
            origin,
            ("observed",),
            f"observed {record.observed.isoformat()} is in the future: evidence records facts already seen",
        )
    if record.kind in VERIFICATION_KINDS and record.result is None:
        run.add(origin, (), f"missing required field 'result' (pass or fail) for a {record.kind} record")
    for gate_ref in ready_despite_failure(record.result, record.assess):
        run.add(origin, ("assess", gate_ref), FAILED_READY_FIX)
    if record.severity is not None and record.kind != "risk-raised":
        run.add(origin, ("severity",), "severity is for risk-raised records only: remove it or change the kind")
    for index, about in enumerate(record.about):
        kind, _, ident = about.partition(":")
        ref(kind, ident, origin, ("about", index))
    for gate_ref in record.assess:
        ref("gate", gate_ref, origin, ("assess", gate_ref), key=True)
    for index, other in enumerate(record.supersedes):
        if other == evidence_id:
            run.add(origin, ("supersedes", index), "a record cannot supersede itself")
        else:
            ref("evidence", other, origin, ("supersedes", index))
    for index, other in enumerate(record.resolves):
        target = ref("evidence", other, origin, ("resolves", index))
        if target is not None and catalog.evidence[target].kind != "risk-raised":
            run.add(
                origin,
                ("resolves", index),
                f"'{other}' is a {catalog.evidence[target].kind} record: resolves closes risk-raised records only",
            )
    for index, attachment in enumerate(record.attachments or []):
        _check_attachment(run, origin, index, attachment.path, attachment.sha256)


# ------------------------------------------------------------------------ entry


def load_catalog(root: Path, *, now: dt.datetime | None = None) -> Catalog:
    """Load, validate and cross-check every record in the work tree under ``root``.

    ``now`` is the real present (records observed after it are typos); it is
    not the as-of moment, which only filters records when deriving.
    """
    root = Path(root)
    if not (root / "data").is_dir():
        raise UsageError(f"no data/ directory in {root}: run from the repository root or pass --root")
    return load_tree(WorkTree(root), root, now=now)


def load_tree(tree: Tree, root: Path, *, now: dt.datetime | None = None, cache: ParseCache | None = None) -> Catalog:
    """Load, validate and cross-check the records of any tree (the work tree or a revision)."""
    with _no_cyclic_gc():
        return _load(tree, root, now or dt.datetime.now(dt.UTC), cache)


@contextlib.contextmanager
def _no_cyclic_gc() -> Iterator[None]:
    """Loading makes hundreds of thousands of acyclic objects; the cyclic collector
    would walk them again and again for nothing. Reference counting still frees them."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()  # the catalog lives as long as the run: keep it out of later collections
        if enabled:
            gc.enable()


def _load(tree: Tree, root: Path, now: dt.datetime, cache: ParseCache | None) -> Catalog:
    run = _Run(tree=tree, cache=cache)
    catalog = Catalog(root=root)
    run.allowed = [
        allowed for allowed, _ in _load_list(run, "data/allowed-secrets.yaml", AllowedSecret, "allowed-secret")
    ]

    for repo, origin in _load_list(run, "data/repos.yaml", Repo, "repo"):
        if _register(run, catalog, "repo", repo.id, repo.aliases, origin):
            catalog.repos[repo.id] = repo
    for env, origin in _load_list(run, "data/environments.yaml", Environment, "environment"):
        if _register(run, catalog, "environment", env.id, env.aliases, origin):
            catalog.environments[env.id] = env
    for gate, origin in _load_list(run, "data/gates.yaml", Gate, "gate"):
        if _register(run, catalog, "gate", gate.id, gate.aliases, origin):
            catalog.gates[gate.id] = gate
    for wave, origin in _load_list(run, "data/waves.yaml", Wave, "wave"):
        if _register(run, catalog, "wave", wave.id, wave.aliases, origin):
            catalog.waves[wave.id] = wave

    plan = tree.entry("data/probes.yaml")
    if plan is not None and plan.kind == "file":
        for validated, _ in run.take(_cached(run, plan, lambda: _plan_file(run.tree, "data/probes.yaml"))):
            catalog.credential_origins = {name: tuple(urls) for name, urls in sorted(validated.credentials.items())}

    service_files, evidence_files = _discover(tree, run)
    for entry in service_files:
        service = _load_one(run, entry, Service, "service")
        if service is None:
            continue
        rel = entry.rel
        origin = Origin(rel)
        stem = entry.name[: -len(".yaml")]
        if service.id != stem:
            run.add(origin, ("id",), f"id '{service.id}' must equal the file name '{stem}': rename one of them")
            continue
        if not _register(run, catalog, "service", service.id, service.aliases, origin):
            continue
        catalog.services[service.id] = service
        for index, store in enumerate(service.stores or []):
            store_origin = Origin(rel, ("stores", index))
            if _register(run, catalog, "store", store.id, store.aliases, store_origin):
                catalog.stores[store.id] = store
                catalog.store_service[store.id] = service.id

    for entry in evidence_files:
        rel = entry.rel
        stem = entry.name[: -len(".yaml")]
        if not _valid_slug(stem):
            run.problems.append(
                Problem(
                    rel, 1, 1, f"file name '{stem}' is not a valid evidence id: use lowercase letters, digits and '-'"
                )
            )
            continue
        reserved = reserved_reason(stem)
        if reserved is not None:
            run.problems.append(Problem(rel, 1, 1, f"evidence id '{stem}' (the file name) {reserved}"))
            continue
        record = _load_one(run, entry, Evidence, "evidence")
        if record is None:
            continue
        if ("evidence", stem) in catalog.origins:
            first = catalog.origins[("evidence", stem)].path
            run.problems.append(
                Problem(rel, 1, 1, f"duplicate evidence id '{stem}' (first in {first}): rename one file")
            )
            continue
        catalog.origins[("evidence", stem)] = Origin(rel)
        catalog.evidence[stem] = record

    _cross_check(run, catalog, now)
    if run.problems:
        raise ValidationFailed(run.problems)
    return catalog


@functools.lru_cache(maxsize=65536)
def _valid_slug(text: str) -> bool:
    return is_slug(text)
