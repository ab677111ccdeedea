"""The text a value IS, for the secret scanner, wherever the file's spelling hides it.

:func:`generator.records.secrets.scan` over a file's raw text finds what the file spells
out, comments included. This module adds what a reader of the values would see
but the raw text hides, and merges both without reporting a secret twice:

* record files: YAML scalars whose text differs from their spelling (escapes
  such as ``"\\x41"``, ``"\\u0041"``, ``"\\e"``; ``''`` in single quotes; lines
  folded by ``>``, by wrapping, or joined by a ``\\`` line continuation), keys
  included (:func:`scan_record`);
* attachments (:func:`scan_attachment`): text in UTF-8, UTF-16 or UTF-32 (by
  BOM, or by the pattern of NUL bytes without one); double-quoted strings with
  escapes (JSON, JSON logs, YAML); YAML values (multi-document, folded, quoted;
  anchors and aliases are never expanded); base64 values and runs that decode
  to text (Kubernetes ``Secret`` data, ``kubectl get secret -o json|yaml``, a
  base64 PEM ``tls.key``, a token in a log line); the text chunks of PNG
  (``tEXt``, ``zTXt``, ``iTXt``); strings and Flate streams of PDF; printable
  ASCII and UTF-16 runs of any scanned binary (EXIF, XMP and comments of JPEG,
  GIF and WebP). Other binary content is refused: it cannot be scanned.

A secret found in decoded text is reported at the line and column where its
value starts (a YAML node, a quoted string, a base64 run); in a binary
attachment at 1:1. Decoded text is scanned together with the rest of its line
(at most :data:`CONTEXT` characters each side), so ``password: "Summer\\x32..."``
reads as it would written plainly.

Costs are bounded: compressed streams inflate to at most
:data:`MAX_INFLATED_BYTES` per attachment (more is refused, so a zip bomb costs
nothing), and at most :data:`MAX_BASE64_VALUES` base64 candidates and
:data:`MAX_BASE64_BYTES` decoded bytes are looked at per file. Every function is
pure: bytes or text in, findings out.
"""

from __future__ import annotations

import base64
import binascii
import bisect
import codecs
import re
import struct
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode

from . import yamlstrict
from .secrets import Finding
from .secrets import scan as scan_secrets

SCANNED_BINARY_TYPES = (".pdf", ".png", ".jpg", ".jpeg", ".gif", ".webp")
"""Binary attachment types whose embedded text is scanned (any other binary content is refused)."""
MAX_INFLATED_BYTES = 64 * 1024 * 1024
"""Most bytes the compressed streams of one attachment may inflate to (PNG text chunks, PDF streams)."""
MAX_BASE64_VALUES = 50_000
"""Most base64 candidates decoded per file: beyond, the rest of the file is scanned as it is."""
MAX_BASE64_BYTES = 16 * 1024 * 1024
"""Most bytes decoded from base64 per file."""
MIN_BASE64_LENGTH = 16
"""Shortest base64 text decoded (12 bytes): shorter values are words, not encoded secrets."""
CONTEXT = 120
"""Characters of a decoded value's line scanned with it on each side (its key, for one)."""
MIN_RUN = 8
"""Shortest printable run taken from a binary file (like ``strings -n 8``)."""

REFUSED_BINARY = (
    "is a binary type that cannot be scanned for secrets: attach text (.txt, .log, .json, ...) or one of "
    + ", ".join(SCANNED_BINARY_TYPES)
)
REFUSED_ENCRYPTED = (
    "is an encrypted PDF, which cannot be scanned for secrets: attach a copy saved without a password or permissions"
)
REFUSED_INFLATED = (
    f"holds compressed text that inflates beyond {MAX_INFLATED_BYTES >> 20} MiB, too much to scan for secrets: "
    "attach the text itself, or a smaller file"
)


@dataclass(frozen=True, slots=True)
class AttachmentScan:
    """What scanning one attachment found."""

    findings: tuple[Finding, ...]
    """Possible secrets, located in the attachment (its decoded text; 1:1 in a binary file)."""
    refused: str | None = None
    """Why the attachment is refused (it cannot be scanned), worded to follow "attachment 'path' "."""


@dataclass(frozen=True, slots=True)
class Unit:
    """Decoded text found at one place of a file, with the rest of its lines around it."""

    text: str
    line: int
    """Where the value starts (1-based): findings in ``text`` are reported here."""
    column: int
    end_line: int
    """Where the value ends: a raw finding inside it is the same place."""
    end_column: int
    context_column: int
    """Where the text starts on ``line`` (its context, before the value)."""
    context_end_column: int
    """Where the text ends on ``end_line``."""
    loose: bool = False
    """Decoded base64: a raw finding inside the value is the same secret, whatever its kind."""


class _Refused(Exception):
    """The attachment cannot be scanned; ``reason`` says why."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class _Budget:
    """What one file may still cost (created per file, never shared)."""

    __slots__ = ("base64_bytes", "base64_values", "inflated")

    def __init__(self) -> None:
        self.inflated = MAX_INFLATED_BYTES
        self.base64_values = MAX_BASE64_VALUES
        self.base64_bytes = MAX_BASE64_BYTES


# ----------------------------------------------------------------------- merging


def merge(raw: Iterable[Finding], units: Iterable[Unit]) -> list[Finding]:
    """The raw scan's findings, then those of each unit that are not already there.

    A unit finding is the same as an earlier finding when that one lies in the
    unit's text with the same fingerprint (the context around a value holds what
    the raw scan saw), or inside the value with the same kind (the raw scan read
    the escaped spelling: ``token: "abc\\n"`` is found as ``abc\\n`` there), or, for
    decoded base64, inside the value whatever its kind. Each earlier finding
    stands for at most one finding of a unit.
    """
    accepted = list(raw)
    by_line: dict[int, list[Finding]] | None = None
    for unit in units:
        found = list(scan_secrets(unit.text))
        if not found:
            continue
        if by_line is None:
            by_line = {}
            for finding in accepted:
                by_line.setdefault(finding.line, []).append(finding)
        near = [f for line in range(unit.line, unit.end_line + 1) for f in by_line.get(line, ())]
        used: set[int] = set()
        pending: list[Finding] = []
        for finding in found:
            index = next(
                (
                    i
                    for i, f in enumerate(near)
                    if i not in used and f.fingerprint == finding.fingerprint and _in_context(f, unit)
                ),
                None,
            )
            if index is None:
                pending.append(finding)
            else:
                used.add(index)
        new: list[Finding] = []
        for finding in pending:
            index = next(
                (
                    i
                    for i, f in enumerate(near)
                    if i not in used and _inside(f, unit) and (unit.loose or f.kind == finding.kind)
                ),
                None,
            )
            if index is not None:
                used.add(index)
            elif all(other.fingerprint != finding.fingerprint for other in new):
                new.append(Finding(finding.kind, unit.line, unit.column, finding.masked, finding.fingerprint))
        for finding in new:
            accepted.append(finding)
            by_line.setdefault(finding.line, []).append(finding)
    return accepted


def _inside(finding: Finding, unit: Unit) -> bool:
    return (unit.line, unit.column) <= (finding.line, finding.column) <= (unit.end_line, unit.end_column)


def _in_context(finding: Finding, unit: Unit) -> bool:
    return (
        (unit.line, unit.context_column) <= (finding.line, finding.column) <= (unit.end_line, unit.context_end_column)
    )


def _unit(
    text: str, start: int, end: int, decoded: str, where: tuple[int, int, int, int], *, loose: bool = False
) -> Unit:
    """A unit for ``decoded``, the value written as ``text[start:end]`` at ``where`` (its first
    line and column, last line and column), with the rest of its lines around it (bounded);
    decoded base64 (``loose``) with the start of its line only (its key)."""
    prefix = _prefix(text, start)
    suffix = "" if loose else _suffix(text, end)
    line, column, end_line, end_column = where
    return Unit(
        prefix + decoded + suffix,
        line,
        column,
        end_line,
        end_column,
        column - len(prefix),
        end_column + len(suffix),
        loose,
    )


def _prefix(text: str, start: int) -> str:
    low = max(0, start - CONTEXT)
    newline = text.rfind("\n", low, start)
    if newline >= 0:
        return text[newline + 1 : start]
    if low == 0:
        return text[:start]
    space = text.find(" ", low, start)  # cut: start at a word, not inside a token
    return text[space + 1 : start] if space >= 0 else ""


def _suffix(text: str, end: int) -> str:
    high = min(len(text), end + CONTEXT)
    newline = text.find("\n", end, high)
    if newline >= 0:
        return text[end:newline]
    if high == len(text):
        return text[end:]
    space = text.rfind(" ", end, high)
    return text[end:space] if space >= 0 else ""


class _Lines:
    """Line and column (1-based) of offsets in a text, asked for in increasing order: a
    cursor, not a table of line starts (25 MiB of newlines would make that table huge)."""

    __slots__ = ("line", "offset", "start", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        self.offset = self.start = 0
        self.line = 1

    def at(self, offset: int) -> tuple[int, int]:
        if offset < self.offset:
            self.offset = self.start = 0
            self.line = 1
        self.line += self.text.count("\n", self.offset, offset)
        newline = self.text.rfind("\n", self.offset, offset)
        if newline >= 0:
            self.start = newline + 1
        self.offset = offset
        return self.line, offset - self.start + 1


# ------------------------------------------------------------------ record files


def scan_record(text: str, root: Node | None) -> list[Finding]:
    """Possible secrets of a record file: its raw text (comments included), then the
    keys and values whose decoded text differs from their spelling, each located at
    its node. ``root`` is the node tree :func:`yamlstrict.parse` composed (``None``
    when the file did not parse: the raw text is all there is)."""
    raw = list(scan_secrets(text))
    if root is None:
        return raw
    if "\\" in text or "''" in text:
        nodes = [node for _, node in yamlstrict.strings(root, rewritten_only=True)]
    else:  # no escapes anywhere: only folded lines can make a value differ from its spelling
        nodes = _multiline_scalars(root)
    if not nodes:
        return raw
    return merge(raw, (_node_unit(text, node) for node in nodes))


def _node_unit(text: str, node: ScalarNode) -> Unit:
    start, end = node.start_mark, node.end_mark
    return _unit(
        text, start.index, end.index, node.value, (start.line + 1, start.column + 1, end.line + 1, end.column + 1)
    )


def _multiline_scalars(root: Node) -> list[ScalarNode]:
    """The scalars over several lines, literal blocks aside (what :func:`yamlstrict.rewritten`
    finds when there are no escapes): one-line collections are skipped whole, which
    makes this several times cheaper than looking at every scalar of every record."""
    found: list[ScalarNode] = []
    if root.start_mark.line == root.end_mark.line:
        return found
    if isinstance(root, ScalarNode):
        return [root] if root.style != "|" else found
    stack: list[Node] = [root]
    pop, push = stack.pop, stack.append
    while stack:
        node = pop()
        if isinstance(node, MappingNode):
            for key, value in node.value:
                if key.start_mark.line == value.end_mark.line:  # the pair is on one line
                    continue
                if key.start_mark.line != key.end_mark.line:
                    if not isinstance(key, ScalarNode):
                        push(key)
                    elif key.style != "|":
                        found.append(key)
                if value.start_mark.line != value.end_mark.line:
                    if not isinstance(value, ScalarNode):
                        push(value)
                    elif value.style != "|":
                        found.append(value)
        else:
            for item in node.value:
                if item.start_mark.line != item.end_mark.line:
                    if not isinstance(item, ScalarNode):
                        push(item)
                    elif item.style != "|":
                        found.append(item)
    return found


# ------------------------------------------------------------------- attachments


def scan_attachment(name: str, data: bytes, *, text_by_name: bool) -> AttachmentScan:
    """Possible secrets of an attachment, or why it is refused.

    ``text_by_name``: the name says text (``.txt``, ``.log``, ...), so content that
    does not look like text is still scanned as UTF-8 rather than refused.
    """
    kind = sniff_binary(data)
    text = decode_text(data) if kind is None else None
    if kind is None and text is None and b"%PDF-" in data[:1024]:
        kind = "pdf"  # a PDF may start with up to 1 KiB of something else
    if kind is not None:
        try:
            return AttachmentScan(tuple(_scan_binary(kind, data)))
        except _Refused as refused:
            return AttachmentScan((), refused.reason)
    if text is None:
        if not text_by_name:
            return AttachmentScan((), REFUSED_BINARY)
        text = data.decode("utf-8", errors="replace")
    suffix = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    return AttachmentScan(tuple(scan_text(text, yaml_file=suffix in ("yaml", "yml"))))


def sniff_binary(data: bytes) -> str | None:
    """The scanned binary format of ``data`` by its magic bytes: pdf, png, jpeg, gif, webp or ``None``."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    if data.startswith(b"%PDF-"):
        return "pdf"
    return None


_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16 LE, whose BOM it starts with
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_TEXT_BYTES = bytes([9, 10, 12, 13, 27, *range(0x20, 0x7F), *range(0x80, 0x100)])
"""Bytes of UTF-8 text (tab, line breaks, form feed, ESC of terminal colours, printable, multi-byte)."""


def decode_text(data: bytes) -> str | None:
    """``data`` as text: UTF-8, UTF-16 or UTF-32 by its BOM (dropped), else by where its
    NUL bytes are; ``None`` when it does not look like text (control characters or
    undecodable bytes beyond a few percent)."""
    codec = None
    for bom, name in _BOMS:
        if data.startswith(bom):
            codec, data = name, data[len(bom) :]
            break
    if codec is None:
        codec = _codec_by_nuls(data)
    text = data.decode(codec, errors="replace")
    if not text:
        return text
    encoded = data if codec == "utf-8" else text.encode("utf-8")
    controls = len(encoded.translate(None, _TEXT_BYTES))
    undecodable = text.count("\ufffd")
    if controls * 50 > len(text) or undecodable * 5 > len(text):
        return None
    return text


def _codec_by_nuls(data: bytes) -> str:
    """UTF-16 and UTF-32 without a BOM, told by the NUL bytes of ASCII characters."""
    sample = data[:4096]
    if b"\0" not in sample:
        return "utf-8"
    size = len(sample) // 4 * 4
    groups = size // 4
    if groups == 0:
        return "utf-8"
    nuls = [sample[i:size:4].count(0) for i in range(4)]
    if nuls[2] * 10 >= groups * 9 and nuls[3] * 10 >= groups * 9 and nuls[0] * 10 <= groups:
        return "utf-32-le"
    if nuls[0] * 10 >= groups * 9 and nuls[1] * 10 >= groups * 9 and nuls[3] * 10 <= groups:
        return "utf-32-be"
    even, odd = nuls[0] + nuls[2], nuls[1] + nuls[3]
    pairs = groups * 2
    if odd * 4 >= pairs and even * 10 <= odd:
        return "utf-16-le"
    if even * 4 >= pairs and odd * 10 <= even:
        return "utf-16-be"
    return "utf-8"


def scan_text(text: str, *, yaml_file: bool = False) -> list[Finding]:
    """Possible secrets of a text attachment: the text, its escaped strings, its YAML values
    (``yaml_file``) and its base64 that decodes to text."""
    budget = _Budget()
    units: list[Iterable[Unit]] = [_quoted_units(text), _base64_units(text, budget)]
    if yaml_file:
        units.insert(0, _yaml_units(text, budget))
    return merge(scan_secrets(text), (unit for group in units for unit in group))


def _yaml_units(text: str, budget: _Budget) -> Iterator[Unit]:
    """Scalars of a YAML attachment read from libyaml's event stream: every document, no
    node tree, so an alias is one event and never expands (anchored values are scanned
    once, where they are written); a parse error ends the walk (the raw text is scanned anyway)."""
    try:
        for event in yaml.parse(text, Loader=yaml.CSafeLoader):
            if not isinstance(event, yaml.ScalarEvent):
                continue
            start, end = event.start_mark, event.end_mark
            if start is None or end is None:  # pragma: no cover - libyaml marks every event
                continue
            position = (start.line + 1, start.column + 1, end.line + 1, end.column + 1)
            value = event.value
            if yamlstrict.rewritten(event):
                yield _unit(text, start.index, end.index, value, position)
            compact = "".join(value.split()) if start.line != end.line else value
            for decoded in _base64_decoded(compact, budget):
                yield _unit(text, start.index, end.index, decoded, position, loose=True)
    except yaml.YAMLError:
        return


_QUOTED = re.compile(r'"[^"\\\n]*+(?:\\.[^"\\\n]*+)*+"')
_ESCAPED_HINT = re.compile(r'"[^"\\\n]*+\\')
_ESCAPE = re.compile(r"\\(?:u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|x([0-9A-Fa-f]{2})|(.))", re.DOTALL)
_SIMPLE_ESCAPES = {
    "n": "\n",
    "t": "\t",
    "r": "\r",
    "b": "\b",
    "f": "\f",
    "v": "\v",
    "a": "\a",
    "e": "\x1b",
    "0": "\0",
    "/": "/",
    "\\": "\\",
    '"': '"',
    "'": "'",
    " ": " ",
    "N": "\x85",
    "_": "\xa0",
    "L": "\u2028",
    "P": "\u2029",
}
_SURROGATE = re.compile("[\ud800-\udfff]")


def _quoted_units(text: str) -> Iterator[Unit]:
    """Double-quoted strings with escapes (JSON, JSON log lines, YAML, C-like), decoded.

    Only lines where a quote is followed by a backslash are read, left to right; a
    quote that is never closed ends its line (trying again from each later quote would
    be quadratic). Each such line is scanned once with its strings decoded; only the
    strings where that finds something become units (a scan per string would cost a
    call per string of a large JSON file)."""
    lines = _Lines(text)
    hint = _ESCAPED_HINT.search(text)
    while hint is not None:
        start = text.rfind("\n", 0, hint.start()) + 1
        end = text.find("\n", hint.end())
        end = len(text) if end < 0 else end
        pieces: list[str] = []
        tokens: list[tuple[int, int, int, str]] = []  # (offset in the decoded line, quote, end, decoded)
        written, length, quote = start, 0, text.find('"', start, end)
        while quote >= 0:
            match = _QUOTED.match(text, quote, end)
            if match is None:
                break
            body = text[quote + 1 : match.end() - 1]
            decoded = unescape(body) if "\\" in body else body
            if decoded != body:
                pieces.append(text[written : quote + 1])
                length += quote + 1 - written
                tokens.append((length, quote, match.end(), decoded))
                pieces.append(decoded)
                length += len(decoded)
                written = match.end() - 1
            quote = text.find('"', match.end(), end)
        hint = _ESCAPED_HINT.search(text, end)
        if not tokens:
            continue
        pieces.append(text[written:end])
        decoded_line = "".join(pieces)
        starts = [token[0] for token in tokens]
        chosen: set[int] = set()
        for finding in scan_secrets(decoded_line):
            index = bisect.bisect_right(starts, _offset(decoded_line, finding.line, finding.column)) - 1
            if index >= 0:
                chosen.add(index)
        for index in sorted(chosen):
            _, quote, token_end, decoded = tokens[index]
            line, column = lines.at(quote)
            yield _unit(text, quote, token_end, decoded, (line, column, line, column + token_end - quote - 1))


def _offset(text: str, line: int, column: int) -> int:
    """The offset of a 1-based line and column in ``text``."""
    start = 0
    for _ in range(line - 1):
        start = text.index("\n", start) + 1
    return start + column - 1


def unescape(body: str) -> str:
    """The text of a quoted string's body: JSON and YAML escapes (``\\n``, ``\\x41``,
    ``\\u0041``, ``\\U0001F600``, surrogate pairs, ``\\e``...); unknown escapes are kept."""

    def one(match: re.Match[str]) -> str:
        digits = match.group(1) or match.group(2) or match.group(3)
        if digits:
            code = int(digits, 16)
            return chr(code) if code <= 0x10FFFF else match.group()
        return _SIMPLE_ESCAPES.get(match.group(4), match.group())

    text = _ESCAPE.sub(one, body)
    if _SURROGATE.search(text):
        text = text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")
    return text


_BASE64_RUN = re.compile(r"[A-Za-z0-9+/]{16,}={0,2}")
_BASE64_VALUE = re.compile(r"[A-Za-z0-9+/]{16,}={0,2}\Z")
_NOT_TEXT = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f\ufffd]")


def _base64_units(text: str, budget: _Budget) -> Iterator[Unit]:
    """Runs of base64 in the text that decode to text, with the start of their line (a key)."""
    lines = _Lines(text)
    for match in _BASE64_RUN.finditer(text):
        if budget.base64_values <= 0 or budget.base64_bytes <= 0:
            return
        line, column = lines.at(match.start())
        for decoded in _base64_decoded(match.group(), budget):
            where = (line, column, line, column + len(match.group()) - 1)
            yield _unit(text, match.start(), match.end(), decoded, where, loose=True)


def _base64_decoded(value: str, budget: _Budget, depth: int = 2) -> Iterator[str]:
    """The text ``value`` encodes in base64 (nothing when it is not base64 of text), then
    the text of base64 runs inside that (``depth`` levels: a dockerconfigjson in a Secret)."""
    text = _base64_text(value, budget)
    if text is None:
        return
    yield text
    if depth > 1:
        for match in _BASE64_RUN.finditer(text):
            for inner in _base64_decoded(match.group(), budget, depth - 1):
                yield _prefix(text, match.start()) + inner


def _base64_text(value: str, budget: _Budget | None = None) -> str | None:
    """The UTF-8 text ``value`` encodes in base64 (at least 16 characters), when it is
    mostly printable; ``None`` otherwise (a digest, a word, binary data)."""
    if len(value) < MIN_BASE64_LENGTH or _BASE64_VALUE.match(value) is None:
        return None
    body = value.rstrip("=")
    if len(body) % 4 == 1:
        return None
    if budget is not None:
        if budget.base64_values <= 0 or budget.base64_bytes < len(body) * 3 // 4:
            return None
        budget.base64_values -= 1
        budget.base64_bytes -= len(body) * 3 // 4
    try:
        data = binascii.a2b_base64(body + "=" * (-len(body) % 4), strict_mode=True)
        text = data.decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    if len(_NOT_TEXT.findall(text)) * 20 > len(text):
        return None
    return text


# ---------------------------------------------------------------------- binaries


def _scan_binary(kind: str, data: bytes) -> list[Finding]:
    """Possible secrets in the text of a binary attachment, each located at 1:1."""
    if kind == "pdf" and _PDF_ENCRYPTED.search(data):
        raise _Refused(REFUSED_ENCRYPTED)
    budget = _Budget()
    pieces = list(printable_runs(data))
    if kind == "png":
        pieces.extend(_png_texts(data, budget))
    elif kind == "pdf":
        pieces.extend(_pdf_texts(data, budget))
    text = "\n".join(pieces)
    found = list(scan_secrets(text))
    for match in _BASE64_RUN.finditer(text):
        if budget.base64_values <= 0 or budget.base64_bytes <= 0:
            break
        for decoded in _base64_decoded(match.group(), budget):
            found.extend(scan_secrets(_prefix(text, match.start()) + decoded))
    unique: dict[str, Finding] = {}
    for finding in found:
        key = finding.kind if finding.kind == "private key" else finding.fingerprint
        unique.setdefault(key, Finding(finding.kind, 1, 1, finding.masked, finding.fingerprint))
    return list(unique.values())


_ASCII_RUN = re.compile(rb"[\t\x20-\x7e]{%d,}" % MIN_RUN)
_UTF16LE_RUN = re.compile(rb"(?:[\t\x20-\x7e]\x00){%d,}" % MIN_RUN)
_UTF16BE_RUN = re.compile(rb"(?:\x00[\t\x20-\x7e]){%d,}" % MIN_RUN)


def printable_runs(data: bytes) -> Iterator[str]:
    """Printable ASCII runs and UTF-16 (LE and BE) runs of :data:`MIN_RUN` characters or more."""
    for match in _ASCII_RUN.finditer(data):
        yield match.group().decode("ascii")
    if b"\0" in data:
        for match in _UTF16LE_RUN.finditer(data):
            yield match.group().decode("utf-16-le")
        for match in _UTF16BE_RUN.finditer(data):
            yield match.group().decode("utf-16-be")


def _inflate(data: bytes, budget: _Budget) -> bytes:
    """zlib data inflated, within the budget (refused beyond it); a damaged stream
    gives what inflated before the damage."""
    inflater = zlib.decompressobj()
    out = bytearray()
    step = 1 << 16
    try:
        for offset in range(0, len(data), step):
            out += inflater.decompress(data[offset : offset + step], budget.inflated - len(out) + 1)
            if len(out) > budget.inflated or inflater.unconsumed_tail:
                raise _Refused(REFUSED_INFLATED)
            if inflater.eof:
                break
    except zlib.error:
        pass
    budget.inflated -= len(out)
    return bytes(out)


def _png_texts(data: bytes, budget: _Budget) -> Iterator[str]:
    """``keyword: text`` of each tEXt, zTXt and iTXt chunk (compressed ones inflated)."""
    position = 8
    while position + 8 <= len(data):
        length, kind = struct.unpack_from(">I4s", data, position)
        body = data[position + 8 : position + 8 + length]
        position += 12 + length
        if kind == b"tEXt":
            keyword, _, value = body.partition(b"\0")
            yield (keyword + b": " + value).decode("latin-1")
        elif kind == b"zTXt":
            keyword, _, value = body.partition(b"\0")
            yield keyword.decode("latin-1") + ": " + _inflate(value[1:], budget).decode("latin-1")
        elif kind == b"iTXt":
            keyword, _, rest = body.partition(b"\0")
            compressed = rest[:1] == b"\1"
            _language, _, rest = rest[2:].partition(b"\0")
            translated, _, value = rest.partition(b"\0")
            if compressed:
                value = _inflate(value, budget)
            yield (keyword + b": ").decode("latin-1") + (translated + b" " + value).decode("utf-8", "replace")
        elif kind == b"IEND":
            return


_STREAM = re.compile(rb"stream\r?\n")
_PDF_ENCRYPTED = re.compile(rb"/Encrypt\s*(?:[0-9]+\s+[0-9]+\s+R|<<)")
_FILTER = re.compile(rb"/Filter\s*(\[[^\]]*\]|/[A-Za-z0-9]+)")
_NOT_TEXT_STREAM = re.compile(
    rb"/Subtype\s*/Image|/Length[123]\b|/Type\s*/XRef|/Subtype\s*/(?:Type1C|CIDFontType0C|OpenType)"
)
_LITERAL = rb"\((?:[^()\\]|\\.|\((?:[^()\\]|\\.)*+\))*+\)"
_PDF_LITERAL = re.compile(_LITERAL, re.DOTALL)
_PDF_HEX = re.compile(rb"<([0-9A-Fa-f\s]{4,})>")
_PDF_TJ = re.compile(rb"\[((?:[^\[\]()\\]|\\.|" + _LITERAL + rb")*+)\]\s*TJ", re.DOTALL)
_PDF_TJ_PART = re.compile(rb"(" + _LITERAL + rb")|<([0-9A-Fa-f\s]*)>|(-?[0-9]*\.?[0-9]+)", re.DOTALL)
_PDF_ESCAPE = re.compile(rb"\\(?:([0-7]{1,3})|(\r\n|\r|\n)|(.))", re.DOTALL)
_PDF_ESCAPES = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}


def _pdf_texts(data: bytes, budget: _Budget) -> Iterator[str]:
    """The strings of a PDF: literal and hex strings (and the text of ``TJ`` arrays, joined)
    outside streams and in each stream that holds text, Flate streams inflated. Images,
    fonts and cross-reference streams are skipped; so is text drawn with fonts whose codes
    only a ToUnicode map explains (this is not a PDF parser)."""
    outside: list[bytes] = []
    position = 0
    while True:
        match = _STREAM.search(data, position)
        if match is None:
            break
        if data[match.start() - 3 : match.start()] == b"end":
            outside.append(data[position : match.end()])
            position = match.end()
            continue
        head_start = data.rfind(b"obj", max(0, match.start() - 4096), match.start())
        head = data[max(head_start, match.start() - 4096, 0) : match.start()]
        end = data.find(b"endstream", match.end())
        if end < 0:
            end = len(data)
        outside.append(data[position : match.start()])
        position = end
        content = _pdf_stream(head, data[match.end() : end], budget)
        if content:
            yield from printable_runs(content)
            yield from _pdf_strings(content)
    outside.append(data[position:])
    yield from _pdf_strings(b"".join(outside))


def _pdf_stream(head: bytes, body: bytes, budget: _Budget) -> bytes | None:
    """A stream's data with its filters undone, or ``None`` when it holds no text we can read."""
    if _NOT_TEXT_STREAM.search(head):
        return None
    found = _FILTER.search(head)
    for name in re.findall(rb"/([A-Za-z0-9]+)", found.group(1)) if found else []:
        if name in (b"FlateDecode", b"Fl"):
            body = _inflate(body, budget)
        elif name in (b"ASCIIHexDecode", b"AHx"):
            digits = re.sub(rb"[^0-9A-Fa-f]", b"", body.split(b">", 1)[0])
            body = bytes.fromhex((digits + b"0" * (len(digits) % 2)).decode("ascii"))
        elif name in (b"ASCII85Decode", b"A85"):
            try:
                body = base64.a85decode(body.strip().removeprefix(b"<~").split(b"~>", 1)[0], ignorechars=b" \t\r\n")
            except ValueError:
                return None
        else:
            return None  # images, LZW, run-length: no text to read
    return body


def _pdf_strings(content: bytes) -> Iterator[str]:
    for match in _PDF_TJ.finditer(content):
        parts: list[str] = []
        for part in _PDF_TJ_PART.finditer(match.group(1)):
            if part.group(1) is not None:
                parts.append(_pdf_literal(part.group(1)))
            elif part.group(2) is not None:
                parts.append(_pdf_hex(part.group(2)))
            elif float(part.group(3)) <= -200:  # a gap as wide as a space
                parts.append(" ")
        yield "".join(parts)
    for match in _PDF_LITERAL.finditer(content):
        yield _pdf_literal(match.group())
    for match in _PDF_HEX.finditer(content):
        yield _pdf_hex(match.group(1))


def _pdf_literal(token: bytes) -> str:
    def one(match: re.Match[bytes]) -> bytes:
        if match.group(1) is not None:
            return bytes([int(match.group(1), 8) & 0xFF])
        if match.group(2) is not None:
            return b""
        return _PDF_ESCAPES.get(match.group(3), match.group(3))

    return _pdf_decode(_PDF_ESCAPE.sub(one, token[1:-1]))


def _pdf_hex(digits: bytes) -> str:
    clean = re.sub(rb"\s", b"", digits)
    return _pdf_decode(bytes.fromhex((clean + b"0" * (len(clean) % 2)).decode("ascii")))


def _pdf_decode(raw: bytes) -> str:
    if raw.startswith(b"\xfe\xff"):
        return raw[2:].decode("utf-16-be", "replace")
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8", "replace")
    return raw.decode("latin-1")
