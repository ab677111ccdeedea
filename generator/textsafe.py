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
from urllib.parse import quote

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

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
