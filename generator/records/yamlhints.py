"""YAML mistakes worded for the person who made them: where the problem starts, and the fix.

libyaml reports where it gave up, in its own words ("mapping values are not
allowed in this context", an unclosed quote at the end of the file). This
module turns its errors, and two mistakes that parse without error, into one
message each, located where the problem starts:

- an unclosed quote or bracket: at the opening character;
- ``key: text: more``: quote the value;
- an apostrophe inside single quotes (``'It's'``), a quote inside double quotes;
- a key indented under a value, or at a column no key above uses;
- ``key:value`` without the space;
- a value starting with a character YAML reserves (`` ` ``, ``@``, ``%``);
- a list item indented under the item above (YAML joins the two into one value);
- `` #`` inside an unquoted value (YAML drops the rest of the line as a comment).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import yaml

from .secrets import mask_secrets

_NO_COLON = "{} has no ': ' after its key: write 'key: value', or remove the line"

_SHOWN = 40
"""Characters of a value shown in a hint."""

_RESERVED_START = {"`": "a backquote", "@": "'@'", "%": "'%'", "|": "'|'", ">": "'>'"}


@dataclass(frozen=True, slots=True)
class Hint:
    """One syntax problem: 1-based line and column, and the message."""

    line: int
    column: int
    message: str


@dataclass(frozen=True, slots=True)
class _Error:
    """libyaml's error on one text: where it gave up (``at``), where what it was reading opened."""

    lines: list[str]
    at: Any
    opened: Any

    @property
    def line(self) -> str:
        return _line(self.lines, self.at.line)


def _list_on_key_line(error: _Error) -> Hint:
    return _at(
        error.at,
        "a list cannot start on the line of its key: end the line after the key's ':' and write each item "
        "on a line of its own below it, as '- item'",
    )


def _not_an_item(error: _Error) -> Hint:
    return _at(
        error.at,
        "this line is not a list item like the lines above: start it with '- ', or indent it under the item it "
        "belongs to",
    )


_BY_PROBLEM: dict[str, Callable[[_Error], Hint | None]] = {
    "mapping values are not allowed in this context": lambda e: _colon(e.lines, e.at),
    "block sequence entries are not allowed in this context": _list_on_key_line,
    "did not find expected key": lambda e: _quote_inside(e.line, e.at) or _indentation(e.lines, e.at),
    "could not find expected ':'": lambda e: _no_colon(e.lines, e.opened) if e.opened is not None else None,
    "found character that cannot start any token": lambda e: _reserved_start(e.line, e.at),
    "did not find expected '-' indicator": _not_an_item,
}
"""libyaml's problem -> what the person who wrote the file needs to hear."""


def explain(exc: yaml.MarkedYAMLError, text: str) -> Hint:
    """The message for libyaml's error ``exc`` on ``text``."""
    lines = text.split("\n")
    context = exc.context or ""
    problem = exc.problem or ""
    opened, at = exc.context_mark, exc.problem_mark or exc.context_mark
    hint = None
    if context == "while scanning a quoted scalar" and opened is not None:
        hint = _unclosed_quote(lines, opened)
    elif context.startswith("while parsing a flow ") and opened is not None:
        hint = _unclosed_bracket(lines, opened, context)
    elif at is not None and problem in _BY_PROBLEM:
        hint = _BY_PROBLEM[problem](_Error(lines, at, opened))
    if hint is None:
        hint = _at(at, "invalid YAML: " + (f"{context}: {problem}" if context and problem else problem or context))
    return Hint(hint.line, hint.column, mask_secrets(hint.message))


def joined_list_item(lines: list[str], start: Any, end: Any) -> Hint | None:
    """A plain (unquoted) value spanning lines where a later line starts with ``- ``: an
    over-indented list item that YAML read as more of the value above (``lines``: the file's)."""
    first = _line(lines, start.line)
    item_column = first.find("- ", 0, start.column)
    for number in range(start.line + 1, end.line + 1):
        line = _line(lines, number)
        stripped = line.lstrip(" ")
        if stripped == "-" or stripped.startswith("- "):
            column = len(line) - len(stripped)
            if item_column >= 0:
                fix = f"put its '-' at column {item_column + 1}, like the item above"
            else:
                key = first[: start.column].strip()
                fix = (
                    f"write {_show(key)} alone on its line and each item below it as '- item', every '-' at one column"
                    if key.endswith(":")
                    else "start every item of the list with '- ' at one column"
                )
            return Hint(
                number + 1,
                column + 1,
                f"this line starts with '- ' but YAML reads it as more of the value above ({_show(first[start.column :])}): "
                + fix,
            )
    return None


COMMENT_AFTER_VALUE = re.compile(r"[ \t]+#(?=\S)")


def dropped_comment(text: str, end: Any, value: str) -> Hint | None:
    """``issue #12 fixed`` unquoted: YAML keeps ``issue`` and drops ``#12 fixed`` as a comment
    (``end``: the value's end mark; what follows it on its line is looked at, nothing else).

    Only a ``#`` glued to the word after it counts (``# note`` reads as a deliberate comment)."""
    eol = text.find("\n", end.index)
    rest = text[end.index : eol if eol >= 0 else len(text)]
    match = COMMENT_AFTER_VALUE.match(rest)
    if match is None:
        return None
    line, column = end.line, end.column + match.end() - 1
    dropped = rest[match.end() - 1 :].rstrip()
    whole = f"{value}{rest[: match.end() - 1]}{dropped}"
    return Hint(
        line + 1,
        column + 1,
        f"' #' starts a comment, so this value ends before it and {_show(dropped)} is dropped: quote the value "
        f"to keep it ({_quoted(whole)}), or write '# ' if it is a comment",
    )


def _unclosed_quote(lines: list[str], opened: Any) -> Hint:
    line = _line(lines, opened.line)
    quote = line[opened.column : opened.column + 1] or '"'
    return _at(
        opened,
        f"this value opens a quote ({quote}) that is never closed: end the value with {quote} "
        "(YAML read on to the end of the file looking for it)",
    )


def _unclosed_bracket(lines: list[str], opened: Any, context: str) -> Hint | None:
    line = _line(lines, opened.line)
    bracket = line[opened.column : opened.column + 1]
    if bracket not in ("[", "{"):
        found = _first_unclosed(lines)
        if found is None:
            return None
        number, column, bracket = found
        opened = _Mark(number, column)
    closing = "]" if bracket == "[" else "}"
    what = "list" if closing == "]" else "mapping"
    return _at(
        opened,
        f"the {what} opened with '{bracket}' here is not closed: end it with '{closing}', "
        "and separate its items with ', '",
    )


@dataclass(frozen=True, slots=True)
class _Mark:
    line: int
    column: int


def _first_unclosed(lines: list[str]) -> tuple[int, int, str] | None:
    """The outermost '[' or '{' never closed (quotes and comments skipped; a rough scan
    that only has to agree with libyaml on files it already refused)."""
    stack: list[tuple[int, int, str]] = []
    for number, line in enumerate(lines):
        quote = ""
        for column, char in enumerate(line):
            if quote:
                if char == quote:
                    quote = ""
            elif char in "'\"" and (column == 0 or line[column - 1] in " [{,:"):
                quote = char
            elif char == "#" and (column == 0 or line[column - 1] in " \t"):
                break
            elif char in "[{":
                stack.append((number, column, char))
            elif char in "]}" and stack:
                stack.pop()
    return stack[0] if stack else None


def _colon(lines: list[str], at: Any) -> Hint:
    line = _line(lines, at.line)
    before = line[: at.column]
    key = re.match(r"^(\s*(?:-\s+)?)[^\s:#][^:#]*?:(?:\s|$)", before)
    if key is not None:
        value = line[key.end() :].strip()
        return Hint(
            at.line + 1,
            key.end() + 1,
            f"this value holds ': ', which YAML reads as the start of a key: quote the whole value ({_quoted(value)})",
        )
    indent = len(line) - len(line.lstrip(" "))
    above = _previous(lines, at.line)
    if above is not None:
        above_text = _line(lines, above)
        above_indent = len(above_text) - len(above_text.lstrip(" "))
        if ":" not in above_text and not above_text.lstrip().startswith("-"):
            return Hint(
                above + 1,
                above_indent + 1,
                _NO_COLON.format(_show(above_text)),
            )
        if indent > above_indent:
            return Hint(
                at.line + 1,
                indent + 1,
                f"this key is indented deeper than the line above (line {above + 1}), which already has a value: "
                f"start it at column {above_indent + 1}, like that line",
            )
    return Hint(at.line + 1, at.column + 1, "a ': ' here reads as a key where none can start: quote the value")


def _quote_inside(line: str, at: Any) -> Hint | None:
    """``'It's broken'``: the value ended at the apostrophe and text follows it."""
    column = at.column
    close = line[column - 1 : column] if column > 0 else ""
    if close not in ("'", '"'):
        return None
    opening = line.find(close)
    if opening < 0 or opening >= column - 1:
        return None
    value = line[opening:].rstrip()
    inner = value[1:-1] if len(value) > 1 and value.endswith(close) else value[1:]
    double = '"' + inner.replace("\\", "\\\\").replace('"', '\\"') + '"'
    single = "'" + inner.replace("'", "''") + "'"
    if close == "'":
        message = (
            f"the apostrophe after {_show(line[opening + 1 : column - 1])} ends this single-quoted value: "
            f"write it twice ({_show(single, quote=False)}) or quote the value with double quotes "
            f"({_show(double, quote=False)})"
        )
    else:
        message = (
            f"the quote after {_show(line[opening + 1 : column - 1])} ends this double-quoted value: "
            f'write it as \\" ({_show(double, quote=False)}) or quote the value with single quotes '
            f"({_show(single, quote=False)})"
        )
    return Hint(at.line + 1, opening + 1, message)


def _indentation(lines: list[str], at: Any) -> Hint:
    line = _line(lines, at.line)
    indent = len(line) - len(line.lstrip(" "))
    if at.column > indent and line[at.column :].strip():
        return _at(
            at,
            f"YAML did not expect {_show(line[at.column :])} after the value: remove it, or quote the whole value",
        )
    if line.lstrip().startswith("-"):
        return _at(
            at,
            "a list item ('- ') among the keys of a mapping: give it a key of its own, or indent it under the key "
            "whose list it belongs to",
        )
    columns = sorted(
        {
            len(text) - len(text.lstrip(" "))
            for text in lines[: at.line]
            if text.strip() and not text.lstrip().startswith("#")
        }
    )
    near = [str(c + 1) for c in columns if c < indent + 8]
    if not near or str(indent + 1) in near:
        return _at(at, "YAML expected a key ('key: value') or a list item ('- ...') here: check the line's start")
    listed = near[0] if len(near) == 1 else ", ".join(near[:-1]) + " or " + near[-1]
    return Hint(
        at.line + 1,
        indent + 1,
        f"this line starts at column {indent + 1}, where no key above it starts: indent it like the keys it belongs "
        f"with (keys above start at column {listed})",
    )


def _no_colon(lines: list[str], opened: Any) -> Hint:
    line = _line(lines, opened.line)
    glued = re.match(r"^\s*(?:-\s+)?([^\s:]+):(\S)", line)
    if glued is not None:
        key = glued.group(1)
        return _at(opened, f"'{key}:' needs a space after the colon ('{key}: ...'), or YAML reads the line as text")
    return _at(opened, _NO_COLON.format(_show(line)))


def _reserved_start(line: str, at: Any) -> Hint:
    char = line[at.column : at.column + 1]
    if char == "\t":
        return _at(at, "invalid YAML: a tab: indent with spaces, not tabs")
    name = _RESERVED_START.get(char, f"'{char}'")
    value = line[at.column :].strip()
    return _at(at, f"YAML reserves {name} at the start of a value: quote the value ({_quoted(value)})")


def _at(mark: Any, message: str) -> Hint:
    if mark is None:
        return Hint(1, 1, message)
    return Hint(mark.line + 1, mark.column + 1, message)


def _line(lines: list[str], index: int) -> str:
    return lines[index] if 0 <= index < len(lines) else ""


def _previous(lines: list[str], index: int) -> int | None:
    """The nearest line above ``index`` with content (not blank, not a comment)."""
    for number in range(index - 1, -1, -1):
        text = lines[number].strip()
        if text and not text.startswith("#"):
            return number
    return None


def _show(text: str, *, quote: bool = True) -> str:
    text = text.strip()
    if len(text) > _SHOWN:
        text = text[: _SHOWN - 1] + "…"
    return f"'{text}'" if quote else text


def _quoted(value: str) -> str:
    """``value`` as a double-quoted YAML scalar (shortened for the message)."""
    escaped = '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return _show(escaped, quote=False)
