"""What requests are about, without making any: origins, userinfo, Basic credentials,
an answer (:class:`Response`) and a failure (:class:`NetError`).

:mod:`.net` makes the requests; this module loads no network code, so that
probes and the plan can name these while staying light to import.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from email.message import Message
from pathlib import Path
from typing import Protocol
from urllib.parse import unquote, urljoin, urlsplit


class Reach(Protocol):
    """How to reach a host: what a request takes from a probe's spec."""

    @property
    def timeout(self) -> float: ...
    @property
    def ca(self) -> Path | None:
        """The only CAs to trust (``None``: the system trust store)."""


MAX_REDIRECTS = 10
REDIRECTS = frozenset({301, 302, 303, 307, 308})


class NetError(Exception):
    """A request that got no usable answer. ``stage`` is one of ``dns``, ``connect``,
    ``timeout``, ``tls`` and ``http``; ``reason`` is one line for the record."""

    def __init__(self, stage: str, reason: str) -> None:
        super().__init__(reason)
        self.stage = stage
        self.reason = reason


@dataclass(frozen=True, slots=True)
class Response:
    """One answer. ``elapsed`` is seconds from connecting until the body was read."""

    method: str
    url: str
    status: int
    reason: str
    headers: Message
    body: bytes
    elapsed: float
    tls: str | None
    """Protocol and cipher, e.g. ``TLSv1.3 TLS_AES_256_GCM_SHA384``, for https."""
    truncated: bool = False

    @property
    def location(self) -> str | None:
        """The absolute redirect target, when the answer is a redirect with one."""
        value = self.headers.get("Location")
        if self.status not in REDIRECTS or not value:
            return None
        return urljoin(self.url, value.strip())

    @property
    def ms(self) -> int:
        return round(self.elapsed * 1000)


def split_userinfo(url: str) -> tuple[str, tuple[str, str] | None]:
    """``url`` without its userinfo, and the (user, password) it held, if any."""
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url, None
    userinfo, _, hostport = parts.netloc.rpartition("@")
    user, _, password = userinfo.partition(":")
    return parts._replace(netloc=hostport).geturl(), (unquote(user), unquote(password))


def basic_auth(user: str, password: str) -> str:
    """The value of an ``Authorization`` header for HTTP Basic."""
    token = base64.b64encode(f"{user}:{password}".encode()).decode("ascii")
    return f"Basic {token}"


def origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    return parts.scheme, (parts.hostname or "").lower(), parts.port or (443 if parts.scheme == "https" else 80)
