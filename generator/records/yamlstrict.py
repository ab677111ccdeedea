"""Strict YAML: libyaml parses, we build the values and refuse what YAML would guess.

PyYAML's loaders are permissive in ways that lose data silently: the last of two
duplicate keys wins, ``no`` becomes ``False``, ``1.10`` becomes ``1.1``, an
alias bomb loads instantly and then hangs whatever walks it. Here libyaml
(``CSafeLoader``) composes the node tree, which keeps exact marks, and this
module builds plain Python values from it while reporting:

* duplicate keys, merge keys, non-text keys and custom tags;
* anchors and aliases (found on the event stream, before composing);
* booleans spelled other than ``true``/``false``, YAML 1.1 number forms
  (``017``, ``1:30``, ``1_000``) and impossible dates;
* files over the size limit, bad UTF-8 and nesting too deep to walk safely.

Values that are valid YAML but the wrong type for a field (``1.10`` where text
belongs) are left to the models; :func:`describe_scalar` explains them later
from the node.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from ..errors import Problem
from . import yamlhints

MAX_FILE_BYTES = 1024 * 1024
"""Largest record file accepted (1 MiB), as the contract says."""

MAX_DEPTH = 64
"""Deepest nesting accepted; no record needs more, and libyaml's composer recurses."""

_TAG = "tag:yaml.org,2002:"
STR_TAG = _TAG + "str"
INT_TAG = _TAG + "int"
FLOAT_TAG = _TAG + "float"
BOOL_TAG = _TAG + "bool"
NULL_TAG = _TAG + "null"
TIMESTAMP_TAG = _TAG + "timestamp"
MAP_TAG = _TAG + "map"
SEQ_TAG = _TAG + "seq"
MERGE_TAG = _TAG + "merge"

_PLAIN_INT = re.compile(r"[-+]?(?:0|[1-9][0-9]*)\Z")
_DATE = re.compile(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})\Z")
_DATETIME = re.compile(
    r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})(?:[Tt]|[ \t]+)([0-9]{1,2}):([0-9]{2}):([0-9]{2})"
    r"(?:\.([0-9]*))?(?:[ \t]*(Z|[-+][0-9]{1,2}(?::?[0-9]{2})?))?\Z"
)
# Where an anchor (&a) or alias (*a) can start a node: at the start of a line (after
# indentation, "- ", "? " or "--- "), after "key: ", or in a flow collection, maybe
# after a tag. Text that matches is scanned event by event; text that cannot hold one
# (Markdown **bold** in a block, "a && b" in quotes) skips that cost.
_ANCHOR_HINT = re.compile(
    r"(?:^[ \t]*(?:---[ \t]+)?(?:[-?:][ \t]+)*|:[ \t]+|[\[{,][ \t]*)(?:![^\s]*[ \t]+)?[&*]",
    re.MULTILINE,
)
PLAIN_TAG = "?plain"
"""Tag given to untagged plain scalars while composing; typed later, only when they could be typed."""
_IMPLICIT: dict[str | None, list[tuple[str, re.Pattern[str]]]] = yaml.SafeLoader.yaml_implicit_resolvers
_CANDIDATES = frozenset(key for key in _IMPLICIT if key is not None)
"""First characters of plain scalars that YAML 1.1 may read as something other than text."""


_WORD_TAGS: dict[str, str] = {
    **dict.fromkeys(
        [
            "yes",
            "Yes",
            "YES",
            "no",
            "No",
            "NO",
            "true",
            "True",
            "TRUE",
            "false",
            "False",
            "FALSE",
            "on",
            "On",
            "ON",
            "off",
            "Off",
            "OFF",
        ],
        BOOL_TAG,
    ),
    **dict.fromkeys(("null", "Null", "NULL", "~", ""), NULL_TAG),
}
"""The words the safe schema's bool and null resolvers match (the only ones that start with a letter)."""


def implicit_tag(value: str) -> str:
    """The tag YAML 1.1 (the safe schema) gives an untagged plain scalar."""
    word = _WORD_TAGS.get(value)
    if word is not None:
        return word
    if value[:1].isalpha():
        return STR_TAG
    for tag, regexp in _IMPLICIT.get(value[:1], ()):
        if regexp.match(value) and tag != _TAG + "value":  # a lone "=" is text
            return tag
    return STR_TAG


def node_tag(node: Node) -> str:
    """A node's effective tag (plain scalars resolved)."""
    tag = str(node.tag)
    return implicit_tag(node.value) if tag == PLAIN_TAG else tag


class _Loader(yaml.CSafeLoader):
    """libyaml's composer with a trivial resolver: typing plain scalars is left to
    the builder, which does it only for the few whose first character allows it."""

    def descend_resolver(self, current_node: Any, current_index: Any) -> None:
        return None

    def ascend_resolver(self) -> None:
        return None

    def resolve(self, kind: Any, value: Any, implicit: Any) -> str:
        if kind is ScalarNode:
            return PLAIN_TAG if implicit[0] else STR_TAG
        return SEQ_TAG if kind is SequenceNode else MAP_TAG


class Invalid:
    """Stands in for a value that already has a problem reported, so that the
    models do not report it a second time."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "<invalid>"


INVALID = Invalid()


@dataclass(frozen=True, slots=True)
class Misread:
    """An unquoted value YAML 1.1 reads as something it does not look like (``no`` as false,
    ``0o17`` as 15, ``2026-13-01`` as a broken date). Which fix is right depends on the
    field it is in, which only the model knows: a text field wants it quoted, a true/false
    field wants ``false``. So the value stays this marker, no model type accepts it, and the
    loader words the problem from the field's type (``loader/messages.py``)."""

    raw: str
    """The value as written."""
    reading: str
    """What YAML 1.1 reads it as: ``the boolean false``, ``a number``, ``a date``."""
    fix: str
    """The fix where the field is not text (``write false``); with it the value may be right for
    some fields and the text for others (a union): ``write false, or quote it ("no") if it is text``."""
    problem: str | None = None
    """What is wrong whatever the field (``month must be in 1..12``)."""


class RawText(str):
    """A scalar's text as written in the file, for messages (shown without quotes' doubt)."""

    __slots__ = ()

    def __repr__(self) -> str:
        return str(self)


@dataclass(slots=True)
class Parsed:
    """A parsed file: its value (``None`` for an empty file) and its node tree."""

    value: Any
    node: Node | None


def too_large(rel: str, size: int) -> Problem:
    return Problem(
        rel, 1, 1, f"file is {size:,} bytes, over the 1 MiB limit: split it or move bulk data to an attachment"
    )


def decode(data: bytes, rel: str, problems: list[Problem]) -> str | None:
    """UTF-8 text of a record file (a BOM is dropped); ``None`` with a located problem if invalid."""
    if len(data) > MAX_FILE_BYTES:
        problems.append(too_large(rel, len(data)))
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        problems.append(Problem(rel, line, column, "not valid UTF-8: save the file as UTF-8"))
        return None
    if text.startswith("\ufeff"):
        text = text[1:]
    return text


_FORMAT = (
    "\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e\u200b-\u200f\u202a-\u202e"
    "\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\U000110bd\U000110cd\U00013430-\U00013438"
    "\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f"
)
"""Every format character (Unicode category Cf, as of Unicode 14): bidirectional controls,
zero-width characters, the byte-order mark, tag characters that hide text, the soft hyphen..."""
_HIDDEN = re.compile(f"[{_FORMAT}]")
_BIDI = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u061c\u200e\u200f")
_ZERO_WIDTH = frozenset("\u200b\u200c\u200d\u2060\ufeff")
FORBIDDEN = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f{_FORMAT}]")
"""Characters no decoded value or file name may hold: C0 controls except tab and newline, DEL, C1
controls, and every invisible format character (bidirectional controls, zero-width characters,
byte-order marks, tag characters, ...)."""


def _invisible_kind(char: str) -> str:
    if char in _ZERO_WIDTH:
        return "a zero-width character"
    if char in _BIDI:
        return "a bidirectional control character"
    return "an invisible format character"


def describe_character(char: str) -> str:
    """``U+001B (ESCAPE), a control character`` and the like, for messages."""
    code = ord(char)
    name = unicodedata.name(char, None) or _CONTROL_NAMES.get(code, "unnamed")
    kind = _invisible_kind(char) if _HIDDEN.match(char) else "a control character"
    return f"U+{code:04X} ({name}), {kind}"


_CONTROL_NAMES = {
    0x00: "NULL",
    0x07: "BELL",
    0x08: "BACKSPACE",
    0x0B: "LINE TABULATION",
    0x0C: "FORM FEED",
    0x0D: "CARRIAGE RETURN",
    0x1B: "ESCAPE",
    0x7F: "DELETE",
    0x85: "NEXT LINE",
    0x9B: "CONTROL SEQUENCE INTRODUCER",
}
"""Names of common control characters (``unicodedata`` has none for them)."""


def forbidden_in_name(name: str) -> str | None:
    """Why a file or folder name cannot be used (a forbidden character), or ``None``."""
    match = FORBIDDEN.search(name)
    if match is None:
        return None
    return f"the name holds {describe_character(match.group())}: rename it without it"


def hidden_characters(text: str, rel: str, problems: list[Problem], *, limit: int = 10) -> None:
    """Flag invisible format characters (bidirectional controls, zero-width and tag characters, ...):
    they make text read differently than it is (the "Trojan Source" trick) or hide inside ids."""
    if text.isascii():
        return
    for count, match in enumerate(_HIDDEN.finditer(text)):
        if count == limit:
            problems.append(
                Problem(rel, 1, 1, f"more hidden characters like these (only the first {limit} are listed)")
            )
            return
        char = match.group()
        start = match.start()
        line = text.count("\n", 0, start) + 1
        column = start - (text.rfind("\n", 0, start) + 1) + 1
        kind = _invisible_kind(char)
        problems.append(
            Problem(
                rel,
                line,
                column,
                f"{kind} U+{ord(char):04X} ({unicodedata.name(char, 'unnamed')}) can make text read differently "
                "than it is: remove it",
            )
        )


def parse(text: str, rel: str, problems: list[Problem]) -> Parsed | None:
    """Parse one YAML document strictly; ``None`` (with problems added) when it cannot be used."""
    before = len(problems)
    if _needs_event_scan(text):
        _scan_events(text, rel, problems)
        if len(problems) > before:
            return None
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        problems.append(_yaml_error(exc, rel, text))
        return None
    except yaml.YAMLError as exc:
        problems.append(_reader_error(exc, rel, text))
        return None
    finally:
        loader.dispose()
    if node is None:
        return Parsed(None, None)
    builder = _Builder(rel, problems, text)
    value = builder.build(node, 0)
    return Parsed(value, node)


def _needs_event_scan(text: str) -> bool:
    if ("&" in text or "*" in text) and _ANCHOR_HINT.search(text):
        return True
    # Flow collections and inline block entries nest without indentation.
    nesting = text.count("[") + text.count("{") + text.count("- ") + text.count("? ")
    return nesting > MAX_DEPTH


def _at(rel: str, mark: Any, message: str) -> Problem:
    if mark is None:
        return Problem(rel, 1, 1, message)
    return Problem(rel, mark.line + 1, mark.column + 1, message)


def _scan_events(text: str, rel: str, problems: list[Problem]) -> None:
    """Reject anchors, aliases and deep nesting from the event stream (iterative in libyaml)."""
    depth = 0
    try:
        for event in yaml.parse(text, Loader=yaml.CSafeLoader):
            if isinstance(event, yaml.AliasEvent):
                problems.append(
                    _at(
                        rel,
                        event.start_mark,
                        f"YAML alias '*{event.anchor}' is not allowed: write the value out in full",
                    )
                )
                return
            if isinstance(event, yaml.NodeEvent) and event.anchor is not None:
                problems.append(
                    _at(
                        rel,
                        event.start_mark,
                        f"YAML anchor '&{event.anchor}' is not allowed: write each value out in full",
                    )
                )
                return
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    problems.append(_at(rel, event.start_mark, f"nested deeper than {MAX_DEPTH} levels"))
                    return
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    except yaml.MarkedYAMLError as exc:
        problems.append(_yaml_error(exc, rel, text))
    except yaml.YAMLError as exc:
        problems.append(_reader_error(exc, rel, text))


def _reader_error(exc: yaml.YAMLError, rel: str, text: str) -> Problem:
    """libyaml refuses some characters outright (control characters, unpaired surrogates)."""
    position = getattr(exc, "position", 0) or 0
    character = getattr(exc, "character", None)
    line = text.count("\n", 0, position) + 1
    column = position - (text.rfind("\n", 0, position) + 1) + 1
    if isinstance(character, int):
        shown = f"U+{character:04X}"
    elif isinstance(character, str) and character:
        shown = f"U+{ord(character[0]):04X}"
    else:
        shown = "a character"
    return Problem(rel, line, column, f"invalid YAML: {shown} is not allowed in YAML text: remove it")


def _yaml_error(exc: yaml.MarkedYAMLError, rel: str, text: str) -> Problem:
    mark = exc.problem_mark or exc.context_mark
    line, column = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
    lines = text.split("\n")
    at = lines[line - 1][column - 1 : column] if 0 < line <= len(lines) else ""
    what = f"{exc.context or ''} {exc.problem or ''}"
    if "expected a single document" in what:
        return Problem(rel, line, column, "invalid YAML: only one YAML document per file: remove the extra '---'")
    if at == "\t" or "found character '\\t'" in what:
        return Problem(rel, line, column, f"invalid YAML: {exc.problem} (a tab: indent with spaces, not tabs)")
    hint = yamlhints.explain(exc, text)
    return Problem(rel, hint.line, hint.column, hint.message)


class _Builder:
    """Builds Python values from a node tree, reporting what YAML guessed."""

    __slots__ = ("_lines", "glued_hash", "problems", "rel", "text")

    def __init__(self, rel: str, problems: list[Problem], text: str) -> None:
        self.rel = rel
        self.problems = problems
        self.text = text
        self.glued_hash = yamlhints.COMMENT_AFTER_VALUE.search(text) is not None
        """Whether any value could have lost its end to a comment (most files: no)."""
        self._lines: list[str] | None = None

    def lines(self) -> list[str]:
        """The file's lines, split once (only a value spanning lines needs them)."""
        if self._lines is None:
            self._lines = self.text.split("\n")
        return self._lines

    def misread_plain(self, node: ScalarNode) -> bool:
        """Report a plain value that YAML read differently than it looks: an over-indented
        list item joined to it, or its end dropped as a comment."""
        start, end = node.start_mark, node.end_mark
        hint = yamlhints.joined_list_item(self.lines(), start, end) if start.line != end.line else None
        if hint is None and self.glued_hash:
            hint = yamlhints.dropped_comment(self.text, end, node.value)
        if hint is None:
            return False
        self.problems.append(Problem(self.rel, hint.line, hint.column, hint.message))
        return True

    def escaped_character(self, node: ScalarNode) -> bool:
        """Report a forbidden character that an escape of a double-quoted scalar (``"\\e"``,
        ``"\\x1b"``, ``"\\u202e"``) put into its value; characters written as themselves are the
        raw-text checks' (libyaml refuses controls, :func:`hidden_characters` the invisible ones)."""
        raw = node.value
        match = FORBIDDEN.search(raw)
        if match is None:
            return False
        source = self.text[node.start_mark.index : node.end_mark.index]
        for found in FORBIDDEN.finditer(raw):
            if found.group() not in source:
                self.problem(
                    node,
                    f"an escape in this value decodes to {describe_character(found.group())}: "
                    "remove it (values hold visible text, tabs and newlines only)",
                )
                return True
        return False

    def problem(self, node: Node, message: str) -> Invalid:
        mark = node.start_mark
        self.problems.append(Problem(self.rel, mark.line + 1, mark.column + 1, message))
        return INVALID

    def build(self, node: Node, depth: int) -> Any:
        cls = node.__class__
        if isinstance(node, ScalarNode):
            return self.scalar(node)
        if depth >= MAX_DEPTH:
            return self.problem(node, f"nested deeper than {MAX_DEPTH} levels")
        if cls is MappingNode:
            if node.tag != MAP_TAG:
                return self.problem(node, f"custom YAML tag {node.tag!r} is not allowed: remove it")
            result: dict[str, Any] = {}
            seen: dict[str, int] = {}
            for key_node, value_node in node.value:
                key = key_node.value
                key_tag = key_node.tag
                if key_node.__class__ is not ScalarNode or (
                    key_tag != STR_TAG
                    and (key_tag != PLAIN_TAG or (key[:1] in _CANDIDATES and implicit_tag(key) != STR_TAG))
                ):
                    self.bad_key(key_node)
                    continue
                if key_node.style == '"' and self.escaped_character(key_node):
                    continue
                if key in seen:
                    self.problem(key_node, f"duplicate key '{key}' (first at line {seen[key]}): keep one of them")
                    continue
                seen[key] = key_node.start_mark.line + 1
                if value_node.__class__ is ScalarNode and value_node.tag == PLAIN_TAG:
                    if self.misread_plain(value_node):
                        result[key] = INVALID
                        continue
                    raw = value_node.value
                    result[key] = raw if raw and raw[0] not in _CANDIDATES else self.scalar(value_node)
                else:
                    result[key] = self.build(value_node, depth + 1)
            return result
        if cls is SequenceNode:
            if node.tag != SEQ_TAG:
                return self.problem(node, f"custom YAML tag {node.tag!r} is not allowed: remove it")
            return [self.build(item, depth + 1) for item in node.value]
        return self.problem(node, "unsupported YAML node")  # pragma: no cover - libyaml makes only the three

    def bad_key(self, key_node: Node) -> None:
        if key_node.__class__ is ScalarNode and node_tag(key_node) == MERGE_TAG:
            self.problem(key_node, "YAML merge keys ('<<') are not allowed: write the keys out")
            return
        hint = f': quote it ("{key_node.value}")' if key_node.__class__ is ScalarNode else ""
        self.problem(key_node, f"keys must be text{hint}")

    def scalar(self, node: ScalarNode) -> Any:
        tag = node.tag
        raw = node.value
        if tag == PLAIN_TAG:
            if self.misread_plain(node):
                return INVALID
            if raw and raw[0] not in _CANDIDATES:
                return raw
            tag = implicit_tag(raw)
        if tag == STR_TAG:
            if node.style == '"' and self.escaped_character(node):
                return INVALID
            return raw
        if tag == INT_TAG:
            if _PLAIN_INT.match(raw):
                return int(raw)
            return Misread(raw, "a number", "write a plain decimal number")
        if tag == BOOL_TAG:
            lowered = raw.lower()
            if lowered == "true":
                return True
            if lowered == "false":
                return False
            meaning = "true" if lowered in ("yes", "y", "on") else "false"
            return Misread(raw, f"the boolean {meaning}", f"write {meaning}")
        if tag == NULL_TAG:
            return None
        if tag == FLOAT_TAG:
            try:
                return float(raw.replace("_", ""))
            except ValueError:
                return self.problem(node, f"YAML reads '{raw}' as a number: quote it (\"{raw}\") if it is text")
        if tag == TIMESTAMP_TAG:
            return self.timestamp(node)
        return self.problem(node, f"custom YAML tag {tag!r} is not allowed: remove it")

    def timestamp(self, node: ScalarNode) -> Any:
        raw = node.value
        try:
            if len(raw) == 10 and raw[4] == "-" and raw[7] == "-":
                return dt.date.fromisoformat(raw)
            match = _DATE.match(raw)
            if match:
                year, month, day = (int(part) for part in match.groups())
                return dt.date(year, month, day)
            match = _DATETIME.match(raw)
            if match is None:
                raise ValueError("unrecognised timestamp")
            year, month, day, hour, minute, second = (int(part) for part in match.groups()[:6])
            fraction = (match.group(7) or "").ljust(6, "0")[:6]
            zone = match.group(8)
            tzinfo: dt.tzinfo | None = None
            if zone == "Z":
                tzinfo = dt.UTC
            elif zone:
                sign = -1 if zone[0] == "-" else 1
                digits = zone[1:].replace(":", "")
                hours = int(digits[:-2] if len(digits) > 2 else digits)
                minutes = int(digits[-2:]) if len(digits) > 2 else 0
                tzinfo = dt.timezone(sign * dt.timedelta(hours=hours, minutes=minutes))
            return dt.datetime(year, month, day, hour, minute, second, int(fraction), tzinfo=tzinfo)
        except ValueError as exc:
            return Misread(raw, "a date", "write a real date like 2026-06-14", str(exc))


def find_node(root: Node | None, loc: tuple[str | int, ...], *, key: bool = False) -> Node | None:
    """The node at ``loc`` in ``root`` (the deepest one that exists on the way).

    With ``key=True`` and a mapping key at the end of ``loc``, the key node is
    returned instead of its value, which is where "unknown field" belongs.
    """
    node = root
    for index, part in enumerate(loc):
        if node is None:
            return None
        last = index == len(loc) - 1
        if isinstance(node, MappingNode) and isinstance(part, str):
            for key_node, value_node in node.value:
                if isinstance(key_node, ScalarNode) and key_node.value == part:
                    node = key_node if (last and key) else value_node
                    break
            else:
                return node
        elif isinstance(node, SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
            node = node.value[part]
        else:
            return node
    return node


def describe_scalar(node: Node) -> str | None:
    """Why a scalar did not become text, when YAML guessed another type for it."""
    if not isinstance(node, ScalarNode) or node.style:
        return None
    raw = node.value
    tag = node_tag(node)
    kinds = {
        INT_TAG: "a number",
        FLOAT_TAG: "a number",
        BOOL_TAG: "a boolean",
        TIMESTAMP_TAG: "a date",
        NULL_TAG: "empty (null)",
    }
    kind = kinds.get(tag)
    if kind is None or tag == NULL_TAG:
        return None
    return f"YAML reads '{raw}' as {kind}: quote it (\"{raw}\")"


def rewritten(scalar: ScalarNode | yaml.ScalarEvent) -> bool:
    """True when a scalar's text differs from how the file spells it: escapes (``"\\x41"``,
    ``"\\u0041"``, ``\\`` line continuations) or ``''`` in quotes, and lines folded into one
    (plain, quoted or ``>`` scalars over several lines). A scan of the raw file text does not
    see such a value as it is; a literal block (``|``) keeps its lines and is not rewritten.
    Marks count characters, so an unchanged quoted scalar spans its text plus two quotes."""
    start, end = scalar.start_mark, scalar.end_mark
    if start is None or end is None:
        return True
    style = scalar.style
    if start.line != end.line:
        return style != "|"
    if style == '"' or style == "'":
        return end.index - start.index != len(scalar.value) + 2
    return False


def strings(root: Node | None, *, rewritten_only: bool = False) -> Iterator[tuple[str, ScalarNode]]:
    """(decoded text, node) of every mapping key and scalar under ``root``, in document order.

    The text is the value as YAML reads it (escapes decoded, lines folded), whatever
    type the scalar resolves to; the node's ``start_mark`` locates it. With
    ``rewritten_only``, only scalars whose text differs from their spelling in the file
    (see :func:`rewritten`): what a check of the raw text cannot see. Iterative; the
    tree must come from :func:`parse` (no aliases, so no node is visited twice).
    """
    if root is None:
        return
    stack: list[Node] = [root]
    pop, push = stack.pop, stack.append
    while stack:
        node = pop()
        if isinstance(node, ScalarNode):
            if not rewritten_only:
                yield node.value, node
                continue
            # rewritten(node), inlined: this runs for every scalar of every record file
            style = node.style
            start, end = node.start_mark, node.end_mark
            if start.line != end.line:
                if style != "|":
                    yield node.value, node
            elif (style == '"' or style == "'") and end.index - start.index != len(node.value) + 2:
                yield node.value, node
        elif isinstance(node, MappingNode):
            for key, value in reversed(node.value):
                push(value)
                push(key)
        elif isinstance(node, SequenceNode):
            stack.extend(reversed(node.value))
