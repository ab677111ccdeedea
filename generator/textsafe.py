"""Making record text inert: plain text escaped for Markdown, Markdown sanitized to HTML.

Plain-text fields land in Markdown (headings, table cells, lists): every
character Markdown or HTML would act on is escaped, newlines become spaces.
Markdown fields (``details``, ``notes``, ``requirement``, rollback text) are
rendered on their own with markdown-it-py, raw HTML removed and only
http(s) and relative links kept (nh3), and land as a finished HTML block that
the page's own Markdown pass leaves alone. So a record can neither inject
markup into the page nor hijack a template's reference links.
"""

from __future__ import annotations

import html
import json
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal, TypeAlias
from urllib.parse import quote

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

from .errors import Problem

_MD_ALWAYS = re.compile(r"([\\`*_{}\[\]|])")
_MD_LEADING = re.compile(r"^(\s*)(?:([-+#])|(\d+)([.)]))")
_SPACE = re.compile(r"[\r\n\t\f\v\u2028\u2029]+")

ALLOWED_TAGS = {
    "a",
    "abbr",
    "b",
    "blockquote",
    "br",
    "code",
    "del",
    "em",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "li",
    "ol",
    "p",
    "pre",
    "strong",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tr",
    "ul",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "td": {"align"}, "th": {"align"}}


_LEADING_SPACES = re.compile(r"^ {2,}")
"""Four leading spaces start a code block: one is kept (the text may follow other text)."""
_MD_EXTENSION = re.compile(r"([!?=+~^])\1+|[~^@]|^[!?=:]|:(?=[\w+-]+:|//)|(?<=\bwww)\.", re.IGNORECASE)
"""Syntax of Markdown and Material extensions that a site may enable, none of which backslashes
escape: admonitions (``!!!``), details (``???``), content tabs and setext underlines (``===``),
definition lists (a leading ``:``), mark/insert/delete/keys (``==``, ``^^``, ``~~``, ``++``),
sub- and superscript (``~``, ``^``), emoji shortcodes (``:x:``), autolinked URLs and mail addresses. Matched
characters become character references: shown the same, never structure."""


def _references(match: re.Match[str]) -> str:
    return "".join(f"&#{ord(char)};" for char in match.group())


def md_text(value: object) -> Markup:
    """Plain text for any place in a Markdown page (heading, cell, list): inert, one line."""
    text = _LEADING_SPACES.sub(" ", _SPACE.sub(" ", str(value)))
    text = _MD_ALWAYS.sub(r"\\\1", html.escape(text, quote=False))
    text = _MD_EXTENSION.sub(_references, text)
    # Block markers only act at the start of a line: a list, heading or quote.
    text = _MD_LEADING.sub(lambda m: f"{m[1]}\\{m[2]}" if m[2] else f"{m[1]}{m[3]}\\{m[4]}", text, count=1)
    return Markup(text)


_TITLE_UNSAFE = str.maketrans({"<": "‹", ">": "›", "&": "＆", '"': "”", "\\": "∖"})


def front_matter_title(value: object) -> str:
    """A page title for front matter: one line, with nothing a theme could turn into markup.

    Themes print the title into ``<title>`` after ``striptags``, which unescapes
    entities; so the characters that make markup are replaced by look-alikes here
    (the page's heading still shows the exact text, escaped).
    """
    text = _SPACE.sub(" ", str(value)).translate(_TITLE_UNSAFE).strip()
    return json.dumps(text, ensure_ascii=False)


def html_text(value: object) -> Markup:
    """Plain text inside an HTML element or attribute."""
    return Markup(html.escape(str(value), quote=True))


def safe_url(url: str) -> str:
    """An http(s) URL (validated by the models) made safe inside ``<...>`` and attributes."""
    return quote(url, safe="/:?#[]@!$&'*+,;=%~-._")


def md_link(text: object, target: str) -> Markup:
    """A Markdown link with escaped text; ``target`` is a relative page path or a validated URL."""
    return Markup(f"[{md_text(text)}](<{safe_url(target)}>)")


def markdown_converter() -> MarkdownIt:
    """A parser for record Markdown; reuse it (``render_markdown(text, converter)``) across a render.

    markdown-it-py (CommonMark, with tables and strikethrough) rather than Python-Markdown:
    its parser is linear in the length of the text, and nests at most 20 levels, so no record
    can make a build slow or exhaust the stack (Python-Markdown took seconds on 20 KB of
    setext underlines or brackets, and overflowed the stack on nested list markers)."""
    return MarkdownIt("commonmark", {"html": True, "typographer": False}).enable(["table", "strikethrough"])


_ALIGN = re.compile(r'<(t[hd]) style="text-align:(left|right|center)">')


def render_markdown(source: str, converter: MarkdownIt | None = None) -> Markup:
    """Record Markdown -> sanitized HTML block (no raw HTML, only http(s) and relative links)."""
    converter = converter or markdown_converter()
    rendered = _ALIGN.sub(r'<\1 align="\2">', converter.render(source))
    # Headings inside records must not compete with the page's own outline.
    rendered = re.sub(r"<(/?)h[12]>", r"<\1h3>", rendered)
    clean = nh3.clean(
        rendered,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https"},
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )
    # Braces become character references: plugins that run page text as a template (macros)
    # must never see record text as code.
    clean = clean.replace("{", "&#123;").replace("}", "&#125;")
    return Markup(f'\n<div class="readiness-md">\n{clean.strip()}\n</div>\n')


# ------------------------------------------------------------------ code spans and fences

_BACKTICK_RUN = re.compile(r"`+")
_LINE_BREAK = re.compile(r"\r\n?|\n")


def _longest_backtick_run(text: str) -> int:
    return max((len(run) for run in _BACKTICK_RUN.findall(text)), default=0)


def md_code(value: object) -> Markup:
    """Plain text as one inline code span that nothing inside can close.

    The span is one line (line breaks become spaces) and its backtick fence is
    longer than any backtick run in the text (CommonMark); a space pads the
    text when it starts or ends with a backtick, or with a space (CommonMark
    strips exactly one from each side). Code spans show ``<``, ``&``, ``[``,
    ``@`` and URLs as they are: nothing in them becomes markup, a link or a
    mention. Control characters are the caller's business (see
    :func:`terminal_text`).
    """
    text = _SPACE.sub(" ", str(value))
    if not text:
        return Markup("` `")
    fence = "`" * (_longest_backtick_run(text) + 1)
    pad = " " if text[0] == "`" or text[-1] == "`" or (text[0] == " " and text[-1] == " ") else ""
    return Markup(f"{fence}{pad}{text}{pad}{fence}")


def md_fence(value: object, info: str = "") -> Markup:
    """Plain text as a fenced code block that nothing inside can close.

    The fence is a backtick run longer than any in the text, and at least three;
    ``info`` (the language) is the caller's own word. Line breaks are kept
    (``\\r\\n`` and ``\\r`` become ``\\n``); no trailing newline is added after the
    closing fence.
    """
    if "`" in info or any(ch.isspace() for ch in info):
        raise ValueError(f"info string {info!r}: one word without backticks")
    text = _LINE_BREAK.sub("\n", str(value)).removesuffix("\n")
    fence = "`" * max(3, _longest_backtick_run(text) + 1)
    return Markup(f"{fence}{info}\n{text}\n{fence}" if text else f"{fence}{info}\n{fence}")


_FORGE_REFERENCE = re.compile(r"(?i)&#64;(?=[a-z0-9_-])|(?<!&)#(?=\d)|&#58;(?=//)|\bwww(?=&#46;)")
"""In :func:`md_text`'s output (which writes ``@``, a ``:`` before ``//`` and the ``.`` after
``www`` as character references): the places a forge turns into a mention, an issue reference
or a link once the references are decoded."""


def md_forge_text(value: object) -> Markup:
    """:func:`md_text` for Markdown that a forge renders (a pull-request comment).

    GitHub, GitLab and Gitea also turn ``@name`` into a mention (``a@b.example``
    into a mail link), ``#123`` into an issue link and bare ``https://`` or
    ``www.`` into links; a zero-width space after the ``@``, ``#``, ``:`` or
    ``www`` (written as ``&#8203;``, so the Markdown source stays ASCII) breaks
    each of them. The text reads the same.
    """
    return Markup(_FORGE_REFERENCE.sub(lambda m: m[0] + "&#8203;", md_text(value)))


# ------------------------------------------------------------------ terminal and JSON output

_UNSAFE_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})
"""Control (C0, DEL, C1), format (bidi controls, zero-width characters, soft hyphen, ...),
lone surrogates (undecodable bytes), and the Unicode line and paragraph separators."""
_FIELD_CANDIDATE = re.compile(r"[^\t\x20-\x7e]")
_LINES_CANDIDATE = re.compile(r"[^\t\n\x20-\x7e]")
_SHORT_ESCAPES = {"\n": "\\n", "\r": "\\r"}
_WORKFLOW_COMMAND = re.compile(r"^(\s*)(?:(:)(?=:)|(#)(?=#\[))", re.MULTILINE)
"""A line a CI runner reads as a command or log marker (``::error ...``, ``##[group]``),
leading whitespace included (GitHub's runner trims it)."""


def _unsafe(ch: str) -> bool:
    return unicodedata.category(ch) in _UNSAFE_CATEGORIES


def _escaped(ch: str) -> str:
    short = _SHORT_ESCAPES.get(ch)
    if short is not None:
        return short
    code = ord(ch)
    if code < 0x100:
        return f"\\x{code:02x}"
    if code < 0x10000:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def terminal_text(value: object, *, lines: bool = False) -> str:
    """Text safe to print on a terminal or into a CI log, every unsafe character shown escaped.

    Control characters (C0 but tab, DEL, C1), format characters (bidi controls,
    zero-width characters), lone surrogates and U+2028/U+2029 become ``\\x1b``,
    ``\\u202e``... (``\\n`` and ``\\r`` for the line breaks). By default the value is
    one field of a line, so a newline is escaped too and the field can never
    start a line of its own; ``lines=True`` is for a whole message, whose
    newlines are kept. Either way, a line (the field's start, or each line) that
    would begin with ``::`` or ``##[`` (a GitHub or Gitea Actions workflow
    command or log marker) has its first character escaped.
    """
    text = str(value)
    candidate = _LINES_CANDIDATE if lines else _FIELD_CANDIDATE
    if candidate.search(text):
        text = candidate.sub(lambda m: _escaped(m[0]) if m[0] == "\n" or _unsafe(m[0]) else m[0], text)
    if ":" in text or "#" in text:
        text = _WORKFLOW_COMMAND.sub(lambda m: m[1] + ("\\x3a" if m[2] else "\\x23"), text)
    return text


_XML_NONCHARACTERS = re.compile("[\ufffe\uffff]")
_ANGLES = str.maketrans({"<": "\u2039", ">": "\u203a"})


def feed_text(value: object, *, lines: bool = False) -> str:
    """Text for the XML feed: :func:`terminal_text` (no control or format character stays raw:
    XML 1.0 allows none but tab and line breaks), and the two noncharacters XML 1.0 forbids
    escaped too. The XML writer escapes XML's own syntax."""
    return _XML_NONCHARACTERS.sub(lambda m: _escaped(m[0]), terminal_text(value, lines=lines))


def ical_text(value: object, *, lines: bool = False) -> str:
    """Text for a calendar: :func:`feed_text` (iCalendar's TEXT allows no control character but
    tab), with ``<`` and ``>`` shown as ``‹`` and ``›``. The calendar library escapes iCalendar's
    own syntax, but TEXT has no escape for markup, and some calendar apps render a
    description as HTML: so a tag from a record reaches none of them (as ``\u003c`` in JSON)."""
    return feed_text(value, lines=lines).translate(_ANGLES)


Role: TypeAlias = Literal["status", "location", "good", "bad", "warning"]


@dataclass(frozen=True, slots=True)
class Word:
    """A word of a terminal line that the CLI colours when it prints to a terminal.

    ``role`` says what the word is: ``status`` (a gate or wave status, coloured by
    its value), ``location`` (a problem's ``path:line:column``), ``good``, ``bad``
    or ``warning`` (a verdict: ``valid:``, ``invalid:``, ``gap:``). The text is
    printed like the rest of its line, so a value from the records in it must
    already be one escaped field (:func:`terminal_text`); colour is added by the
    CLI after the whole line has been made safe, never by the text itself.
    """

    text: str
    role: Role


TerminalLine: TypeAlias = tuple[str | Word, ...]
"""One line of terminal output, in parts; :func:`plain_line` joins them."""


def plain_line(parts: Iterable[str | Word]) -> str:
    """The text of a line's parts, without colour."""
    return "".join(part.text if isinstance(part, Word) else part for part in parts)


def problem_parts(problem: Problem) -> TerminalLine:
    """A problem as one escaped field (:func:`terminal_text`), its ``path:line:column`` a :class:`Word`."""
    whole = terminal_text(problem)
    location = terminal_text(f"{problem.path}:{problem.line}:{problem.column}")
    if not whole.startswith(location):  # pragma: no cover - characters are escaped one by one
        return (whole,)
    return Word(location, "location"), whole[len(location) :]


_JSON_CANDIDATE = re.compile(r"[^\n\x20-\x7e]")


def json_text(document: object, *, indent: int | None = 2, compact: bool = False) -> str:
    """``json.dumps`` (UTF-8 kept) with every character :func:`terminal_text` escapes written as ``\\uXXXX``.

    ``json.dumps`` escapes C0 controls itself but leaves DEL, C1, bidi and
    zero-width characters raw; they can only occur inside strings, where the
    JSON escape stands for the same character, so the document is unchanged.
    ``compact``: one line, no space after ``,`` and ``:`` (``indent`` is ignored).
    """
    if compact:
        text = json.dumps(document, ensure_ascii=False, separators=(",", ":"))
    else:
        text = json.dumps(document, indent=indent, ensure_ascii=False)

    return _JSON_CANDIDATE.sub(lambda m: json.dumps(m[0])[1:-1] if _unsafe(m[0]) else m[0], text)


def plural(count: int, word: str) -> str:
    """``1 gate``, ``3 gates``: a count with its noun (regular plurals only)."""
    return f"{count} {word}{'' if count == 1 else 's'}"


def article(word: str) -> str:
    """``an assessment``, ``a note``: the word with its indefinite article (by its first letter)."""
    return f"{'an' if word[:1].lower() in 'aeiou' else 'a'} {word}"


def and_list(words: list[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]
