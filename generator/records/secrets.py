"""Secret scanning: keep tokens, keys and passwords out of records and attachments.

One pass of a literal pattern looks for the marker words of the rules below
(adapted from gitleaks' default rules and detect-secrets' plugins; the table is
in docs/guide/security.md); only the rules whose markers occur then run, so
scanning tens of thousands of records costs a fraction of parsing them. A
finding is reported as ``path:line:column: possible <kind>`` with the value
masked to its first 4 characters; the secret itself is never printed. The rules
also find values in JSON-escaped text (``\\n`` in a PEM, ``\\/`` in a URL) and
URLs in URL-encoded text; decoding base64 or YAML escapes is the caller's job.
tests/secret_corpus.py measures recall and false positives.

False positives are allowed narrowly, by fingerprint, in the optional
``data/allowed-secrets.yaml`` (reviewed entries, each with a reason); there is
no switch that turns scanning off.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass

# Pieces of the rules below that also accept the text's JSON-escaped form (``\"`` for a quote,
# ``\/`` for a slash) and, for URLs, its URL-encoded form (``%3A``, ``%2F``, ``%40``).
_Q = r"""(?:\\?["'])?"""  # an optional quote, escaped or not
_SLASH = r"(?:/|\\/|%2[Ff])"
_B64 = r"(?:[A-Za-z0-9+]|\\?/)"  # a base64 character; "/" may be JSON-escaped
_END = r"(?![A-Za-z0-9_\-])"

# (kind, pattern); the secret is the named group "s" (or the whole match). Where two rules find a
# value at the same place, the first one names it: the specific forms come before the generic ones.
_RULES: tuple[tuple[str, str], ...] = (
    (
        "private key",
        r"(?:-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----|---- BEGIN SSH2 ENCRYPTED PRIVATE KEY ----"
        r"|PuTTY-User-Key-File-[23]:(?s:.){0,2000}?Private-Lines:"
        r"|AGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58})(?P<s>)",
    ),
    ("AWS access key", r"\b(?P<s>(?:AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA|A3T[A-Z0-9])[0-9A-Z]{16})\b"),
    (
        "AWS secret access key",
        r"(?i)(?:aws[_-]?secret[_-]?(?:access[_-]?)?key|secret[_-]?access[_-]?key)"
        + _Q
        + r"(?:[ \t]*(?:[:=]|=>)[ \t]*|[ \t]+)"
        + _Q
        + r"(?P<s>"
        + _B64
        + r"{40})(?![A-Za-z0-9+/=])",
    ),
    ("GitHub token", r"\b(?P<s>(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{22,255})\b"),
    (
        "GitLab token",
        r"\b(?P<s>gl(?:pat|dt|ft|ptt|rt|cbt|imt|soat|ffct|agent|oas)-[A-Za-z0-9_\-]{20,}(?:\.[0-9a-z]{9})?"
        r"|GR1348941[A-Za-z0-9_\-]{20,})",
    ),
    ("Slack token", r"\b(?P<s>xox[abposre]-[A-Za-z0-9-]{10,}|xapp-\d-[A-Za-z0-9-]{10,})"),
    (
        "Slack webhook",
        r"(?P<s>https?(?::|%3[Aa])"
        + _SLASH
        + r"{2}hooks\.slack\.com"
        + _SLASH
        + r"(?:services|workflows|triggers)"
        + _SLASH
        + r"(?:[A-Za-z0-9_+]|"
        + _SLASH
        + r"){20,})",
    ),
    (
        "Microsoft Teams webhook",
        r"(?i)(?P<s>https?(?::|%3A)"
        + _SLASH
        + r"{2}[a-z0-9-]+\.webhook\.office\.com"
        + _SLASH
        + r"webhookb2"
        + _SLASH
        + r"(?:[a-z0-9@-]|%40|"
        + _SLASH
        + r"){40,})",
    ),
    ("Stripe key", r"\b(?P<s>(?:sk|rk)_(?:live|test|prod)_[A-Za-z0-9]{10,247})\b"),
    (
        "npm token",
        r"(?:(?i:_authToken)[ \t]*=[ \t]*" + _Q + r"(?=[0-9a-fA-F]{8}-)|\b(?=npm_))"
        r"(?P<s>npm_[A-Za-z0-9]{36}|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})"
        r"(?![A-Za-z0-9])",
    ),
    ("PyPI token", r"\b(?P<s>pypi-Ag(?:EIcHlwaS5vcmc|ENdGVzdC5weXBpLm9yZw)[A-Za-z0-9_\-]{50,})"),
    ("Google API key", r"\b(?P<s>AIza[0-9A-Za-z_\-]{35})" + _END),
    (
        "Azure access key",
        r"(?i:\b(?:Account|SharedAccess)Key)[ \t]*=[ \t]*(?P<s>" + _B64 + r"{30,}(?:=|%3[Dd]){0,2})",
    ),
    ("Vault token", r"\b(?P<s>hv[sbr]\.[A-Za-z0-9_\-]{24,})"),
    (
        "Grafana token",
        r"\b(?P<s>glsa_[A-Za-z0-9]{32}_[A-Fa-f0-9]{8}|glc_[A-Za-z0-9+/]{32,}={0,2}|eyJrIjoi[A-Za-z0-9+/]{70,}={0,2})",
    ),
    ("Sentry token", r"\b(?P<s>sntrys_eyJ[A-Za-z0-9+/=_]{40,}|sntryu_[a-f0-9]{64})\b"),
    ("DigitalOcean token", r"\b(?P<s>do[opr]_v1_[a-f0-9]{64})\b"),
    ("Terraform Cloud token", r"\b(?P<s>[A-Za-z0-9]{14}\.atlasv1\.[A-Za-z0-9_=\-]{60,70})" + _END),
    ("Artifactory token", r"\b(?P<s>AKCp[A-Za-z0-9]{69}|cmVmd[A-Za-z0-9]{59})\b"),
    ("SendGrid key", r"\b(?P<s>SG\.[A-Za-z0-9_\-]{22}\.[A-Za-z0-9_\-]{43})" + _END),
    ("OpenAI key", r"\b(?P<s>sk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_\-]{20,}T3BlbkFJ[A-Za-z0-9_\-]{20,})" + _END),
    ("Anthropic key", r"\b(?P<s>sk-ant-(?:api|admin)\d\d-[A-Za-z0-9_\-]{80,120}AA)" + _END),
    ("JSON web token", r"\b(?P<s>eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,})"),
    (
        "password in URL",
        r"(?:\b|(?<=%[0-9A-Fa-f]{2}))[a-zA-Z](?:[a-zA-Z0-9+.-]|%2[Bb]){1,20}(?:://|:\\/\\/|%3[Aa]%2[Ff]%2[Ff])"
        r"""(?:[^\s/:@?#"'<>%]|%(?!3[Aa]|2[Ff])[0-9A-Fa-f]{2})*(?::|%3[Aa])"""
        r"""(?P<s>(?:[^\s/@?#"'<>%]|%(?!2[Ff])[0-9A-Fa-f]{2}){3,})(?:@|%40)(?![\s/@])""",
    ),
    ("docker login password", r"docker\s+login\b[^\n]*?\s(?:-p|--password)(?:\s+|=)[\"']?(?P<s>[^\s\"']{3,})"),
    (
        "registry or HTTP authorization",
        r"(?i)\bauthorization" + _Q + r"\s*[:=]\s*" + _Q + r"(?:basic|bearer|token)\s+(?P<s>[A-Za-z0-9+/=._~-]{8,})",
    ),
    (
        "Gitea token",
        r"(?:(?<![A-Za-z0-9])|(?<=%3F)|(?<=%26))(?i:token)"
        + _Q
        + r"(?:[ \t]*(?:[:=]|%3D)[ \t]*|[ \t]+)"
        + _Q
        + r"(?P<s>[0-9a-f]{40})(?![0-9A-Za-z])",
    ),
    (
        "credential in URL query",
        r"(?i)(?:\?|&|%3F|%26)(?:[a-z0-9]+[_-])*(?:token|sig|signature|api_?key|api-key|password|passwd|pwd|secret)"
        r"""(?:=|%3D)(?P<s>(?:[^\s&#"'<>\\%]|%(?!26|23)[0-9a-f]{2}){6,})""",
    ),
    (
        "password on a command line",
        # -p/-a after a command that takes a password that way (checked in _CONTEXT), curl -u user:pass,
        # openssl -passin pass:X, and --token/--password/--secret/--api-key X or =X after anything
        r"-(?<![\w.\-]-)(?:pass(?:in|out)?[ \t]+" + _Q + r"pass:|(?P<short>[pa])(?:[ \t]+|(?=[^\s\-]))"
        r"|(?P<user>u|-user)(?:=|[ \t]+)" + _Q + r"""[^\s:"'\\]+:"""
        r"|-(?:[a-z0-9]+-)*(?:token|pass|password|passwd|secret|api-?key)(?:=|[ \t]+))"
        + _Q
        + r"""(?P<s>[^\s"'`;|&\\\-][^\s"'`;|&\\]*)""",
    ),
    (
        "Docker config auth",
        _Q + r"\bauth" + _Q + r"\s*:\s*" + _Q + r"(?P<s>" + _B64 + r"{12,}={0,2})" + _Q + r"\s*(?:[,}\n]|\\n|$)",
    ),
    ("kubeconfig client key", r"\bclient-key-data" + _Q + r"\s*:\s*" + _Q + r"(?P<s>" + _B64 + r"{16,}={0,2})"),
    (
        "password, secret or token",
        r"(?i)(?:^|[\s{,\"'=])(?:[\w.-]*?[_.-])?(?:password|passwd|pwd|secret|token|api[_-]?key|access[_-]?key|"
        r"private[_-]?key|client[_-]?secret)" + _Q + r"\s*[:=]\s*" + _Q + r"(?P<s>[^\s\"',;}#\\]{6,})",
    ),
)
_COMPILED: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (kind, re.compile(rule.removeprefix("(?i)"), re.MULTILINE | (re.IGNORECASE if rule.startswith("(?i)") else 0)))
    for kind, rule in _RULES
)
_PLACEHOLDER = re.compile(
    r"^(?:[$<{%*.!]|\[|redacted|none|null|true|false|example|changeme|placeholder|dummy|your[-_]|xxx)", re.IGNORECASE
)
_DOCUMENTED_EXAMPLE = re.compile(r"EXAMPLE(?:KEY)?$")
"""AWS's documented example keys (``AKIAIOSFODNN7EXAMPLE``, ``wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY``) and
values shaped like them: a generated key ends so with a chance of one in 32**7, so these are placeholders."""
_FREE_FORM = frozenset(
    {
        "password in URL",
        "docker login password",
        "registry or HTTP authorization",
        "credential in URL query",
        "password on a command line",
        "Docker config auth",
        "kubeconfig client key",
        "password, secret or token",
    }
)
"""Kinds whose value is whatever someone typed: a placeholder (``$TOKEN``, ``<password>``) is not a secret."""
_TYPED = frozenset({"password, secret or token", "credential in URL query", "password on a command line"})
"""Kinds found by a keyword alone: the value must also look generated or typed as a secret."""

_SEGMENT_END = re.compile(r"\n|\\n|\||;|&")
_NEEDS_COMMAND: dict[str, re.Pattern[str]] = {
    "p": re.compile(
        r"\b(?:mysql|mysqldump|mysqladmin|mariadb(?:-dump|-admin)?|sshpass"
        r"|(?:docker|podman|nerdctl|buildah|skopeo|oras|helm[ \t]+registry)[ \t]+login)\b"
    ),
    "a": re.compile(r"\bredis-cli\b"),
    "u": re.compile(r"\bcurl\b"),
    "-user": re.compile(r"\bcurl\b"),
}
"""A short flag is a password only after these commands (``docker run -p 8080:80``, ``ssh -p 2222`` are not)."""


def _command_line(text: str, match: re.Match[str]) -> bool:
    flag = match.group("short") or match.group("user")
    if flag is None:
        return True
    start = match.start()
    segment = max((found.end() for found in _SEGMENT_END.finditer(text, max(0, start - 300), start)), default=0)
    return _NEEDS_COMMAND[flag].search(text, max(segment, start - 300), start) is not None


_CONTEXT = {"password on a command line": _command_line}
"""Checks of a match's surroundings that a pattern cannot express cheaply."""

_MARKERS: tuple[tuple[str, ...], ...] = (
    ("private key", "putty-user-key-file-", "age-secret-key-1"),
    ("akia", "asia", "abia", "acca", "agpa", "aida", "aroa", "anpa", "anva", "aipa", "a3t"),
    ("secret",),
    ("ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_"),
    (
        "glpat-",
        "gldt-",
        "glft-",
        "glptt-",
        "glrt-",
        "glcbt-",
        "glimt-",
        "glsoat-",
        "glffct-",
        "glagent-",
        "gloas-",
        "gr1348941",
    ),
    ("xoxa-", "xoxb-", "xoxp-", "xoxo-", "xoxs-", "xoxr-", "xoxe-", "xapp-"),
    ("hooks.slack.com",),
    ("hook.office.com",),
    ("_live_", "_test_", "_prod_"),
    ("pm_", "authtoken"),
    ("pypi-ag",),
    ("aiza",),
    ("accountkey", "sharedaccesskey"),
    ("hvs.", "hvb.", "hvr."),
    ("glsa_", "glc_", "eyjrijoi"),
    ("sntrys_", "sntryu_"),
    ("doo_v1_", "dop_v1_", "dor_v1_"),
    ("atlasv1",),
    ("akcp", "cmvmd"),
    ("sg.",),
    ("t3blbkfj",),
    ("sk-ant-",),
    ("eyj",),
    ("@", "%40"),
    ("docker",),
    ("authorization",),
    ("token",),
    ("token", "sig=", "sig%3d", "signature", "api", "passw", "pwd", "secret"),
    ("sql", "ariadb", "ssh", "gin", "edis-cli", "curl", "pass:", "token", "passw", "secret", "api"),
    ("auth",),
    ("client-key-data",),
    ("passw", "pwd", "secret", "token", "api", "access", "private"),
)
"""Lowercase text each rule needs to see before it is worth running (one per rule, in order):
one pass of a literal pattern finds them, so records without any cost almost nothing. The pass
costs a check at each occurrence of a marker's first character, so markers start with characters
the others already use ("pm_" for npm, "edis-cli", "_live_" for Stripe). A marker found inside a
longer one is not seen (the pass does not overlap), so no marker may hold another except at its
start ("authorization" holds "auth": see _PREFIXES); tests/test_secret_corpus.py lists the
reviewed exceptions."""


def _trie(words: list[str]) -> str:
    """A pattern matching any of ``words``, shaped as a trie: the engine tests one first
    character per position instead of every alternative (three times faster here)."""
    by_first: dict[str, list[str]] = {}
    for word in words:
        by_first.setdefault(word[:1], []).append(word[1:])
    parts = []
    for first, rests in sorted(by_first.items()):
        longer = [rest for rest in rests if rest]
        if not longer:
            parts.append(re.escape(first))
        elif len(longer) < len(rests):  # a word ends here and longer ones go on: prefer the longest
            parts.append(re.escape(first) + "(?:" + _trie(longer) + ")?")
        else:
            parts.append(re.escape(first) + "(?:" + _trie(longer) + ")")
    return "|".join(parts)


_MARKER_WORDS = sorted({marker for markers in _MARKERS for marker in markers})
_MARKER_RE = re.compile(_trie(_MARKER_WORDS))
_PREFIXES: dict[str, frozenset[str]] = {
    word: frozenset(other for other in _MARKER_WORDS if word.startswith(other)) for word in _MARKER_WORDS
}
"""A matched marker also means each shorter marker it starts with ("authorization" holds "auth")."""


@dataclass(frozen=True, slots=True)
class Finding:
    kind: str
    line: int
    column: int
    masked: str
    fingerprint: str


def mask(value: str) -> str:
    """At most the first 4 characters, then an ellipsis."""
    return value[:4] + "…"


def fingerprint(value: str) -> str:
    """A reviewed-exception key for a value (a truncated SHA-256; the value itself is never stored)."""
    return hashlib.sha256(value.encode("utf-8")).hexdigest()[:24]


def _keyword_value_is_secret(value: str) -> bool:
    """Prose ("token: rotated") is not a secret: require a value that looks generated or typed as one."""
    if _PLACEHOLDER.match(value) or len(set(value)) < 4 or value.startswith(("/", "~/", "./", "../")):
        return False
    return any(c.isdigit() for c in value) or any(c.isupper() for c in value[1:]) or not value.isalpha()


def _is_placeholder(kind: str, value: str) -> bool:
    """A value that stands for a secret rather than being one (``$TOKEN``, ``ghp_xxxx…``, AWS's examples)."""
    if kind in _FREE_FORM and _PLACEHOLDER.match(value):
        return True
    if kind in _TYPED and not _keyword_value_is_secret(value):
        return True
    if kind == "Docker config auth" and not _looks_base64_secret(value):
        return True
    # a generated value varies: a tail of few distinct characters is filler ("ghp_xxxx…", "AKIA0000…")
    return bool(value) and (len(set(value[-16:])) < 4 or _DOCUMENTED_EXAMPLE.search(value) is not None)


def scan(text: str) -> Iterator[Finding]:
    """Every possible secret in ``text`` (lines and columns 1-based), one per position."""
    seen: set[int] = set()
    for match in sorted(_iter_matches(text), key=lambda m: (m[1], m[0])):
        index, start, value = match
        if start in seen:
            continue
        seen.add(start)  # the first rule to find a value here judges it, placeholder or not
        kind = _COMPILED[index][0]
        if _is_placeholder(kind, value):
            continue
        line = text.count("\n", 0, start) + 1
        column = start - (text.rfind("\n", 0, start) + 1) + 1
        shown = value if kind != "private key" else text[start : start + 10]
        yield Finding(kind, line, column, mask(shown), fingerprint(value or text[start : start + 200]))


def _iter_matches(text: str) -> Iterator[tuple[int, int, str]]:
    """(rule index, start, value) of every match of a rule whose markers occur in ``text``."""
    found = _MARKER_RE.findall(text.lower())
    if not found:
        return
    present: set[str] = set()
    for marker in found:
        present |= _PREFIXES[marker]
    for index, (kind, pattern) in enumerate(_COMPILED):
        if present.isdisjoint(_MARKERS[index]):
            continue
        context = _CONTEXT.get(kind)
        for match in pattern.finditer(text):
            if context is not None and not context(text, match):
                continue
            value = match.group("s")
            start = match.start("s") if value else match.start()
            yield index, start, value


def _looks_base64_secret(value: str) -> bool:
    return any(c.isdigit() for c in value) and any(c.isalpha() for c in value)


def mask_secrets(text: str) -> str:
    """``text`` with every possible secret masked (for messages that quote a value); values that
    two rules found overlapping are masked as one."""
    spans: list[list[int]] = []
    for start, end in sorted((start, start + len(value)) for _, start, value in _iter_matches(text) if value):
        if spans and start < spans[-1][1]:
            spans[-1][1] = max(spans[-1][1], end)
        else:
            spans.append([start, end])
    parts: list[str] = []
    done = 0
    for start, end in spans:
        parts.append(text[done:start] + mask(text[start:end]))
        done = end
    parts.append(text[done:])
    return "".join(parts)
