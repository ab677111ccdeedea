"""One HTTP request at a time, with the standard library, and what went wrong in words.

Why :mod:`http.client` and not a client library: a probe has to see every step
by itself (each redirect, the TLS version, the status before anything is
retried), send credentials to exactly one origin, never pick up proxy settings
or ``.netrc`` files from the environment, and name each failure (DNS, refused,
timeout, TLS) in a record. ``http.client`` does exactly one request and nothing
behind the caller's back, and adds no dependency.

:func:`request` never follows redirects: callers do that step by step (and drop
credentials when the origin changes). It raises :class:`~.web.NetError` for a
failure of the network or of the protocol, with a short ``reason`` fit for a record.
What needs no network (origins, userinfo, the answer's type) is in :mod:`.web`;
probes import this module only when they run.
"""

from __future__ import annotations

import http.client
import socket
import ssl
import time
from pathlib import Path
from urllib.parse import urlsplit

from ..errors import UsageError
from .record import one_line
from .web import NetError, Response

MAX_BODY = 10 * 1024 * 1024
"""Largest body read (an OpenAPI document can be big; nothing else is)."""

USER_AGENT = "readiness-probe/1"


def tls_context(ca: Path | None, *, verify: bool = True) -> ssl.SSLContext:
    """A client context: the system trust store, or only the certificates in ``ca``.

    ``verify=False`` gives a context that accepts any certificate (to look at it).
    """
    if not verify:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        return context
    try:
        return ssl.create_default_context(cafile=str(ca) if ca is not None else None)
    except (ssl.SSLError, OSError) as exc:
        raise UsageError(f"--ca {ca}: cannot load the certificates in it ({one_line(exc)})") from None


def classify(error: BaseException, timeout: float) -> NetError:
    """A network or protocol exception as a :class:`NetError` with a short reason."""
    if isinstance(error, NetError):
        return error
    if isinstance(error, socket.gaierror):
        return NetError("dns", "DNS lookup failed")
    if isinstance(error, ssl.SSLCertVerificationError):
        return NetError("tls", f"TLS certificate not accepted: {one_line(error.verify_message or error.reason)}")
    if isinstance(error, ssl.SSLError):
        return NetError("tls", f"TLS handshake failed: {one_line(error.reason or error)}")
    if isinstance(error, TimeoutError):
        return NetError("timeout", f"no answer within {timeout:g} s")
    if isinstance(error, ConnectionRefusedError):
        return NetError("connect", "connection refused")
    if isinstance(error, http.client.RemoteDisconnected):
        return NetError("http", "the server closed the connection without an answer")
    if isinstance(error, ConnectionResetError):
        return NetError("connect", "connection reset by the server")
    if isinstance(error, http.client.HTTPException):
        return NetError("http", f"malformed HTTP answer ({type(error).__name__})")
    if isinstance(error, OSError):
        return NetError("connect", f"network error: {one_line(error.strerror or error)}")
    raise error


def request(
    method: str,
    url: str,
    *,
    timeout: float,
    ca: Path | None = None,
    headers: dict[str, str] | None = None,
    body: bytes | None = None,
    max_body: int = MAX_BODY,
) -> Response:
    """Send one request to ``url`` (http or https, no userinfo) and read the answer.

    ``timeout`` bounds connecting and each read. The body is read up to
    ``max_body`` bytes (``truncated`` tells when there was more).
    """
    parts = urlsplit(url)
    host = parts.hostname
    if parts.scheme not in ("http", "https") or not host:
        raise NetError("http", f"not an http(s) URL: {one_line(url)}")
    try:
        port = parts.port
    except ValueError:
        raise NetError("http", "bad port in the URL") from None
    connection: http.client.HTTPConnection
    if parts.scheme == "https":
        connection = http.client.HTTPSConnection(host, port, timeout=timeout, context=tls_context(ca))
    else:
        connection = http.client.HTTPConnection(host, port, timeout=timeout)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    sent = {"User-Agent": USER_AGENT, "Accept-Encoding": "identity", **(headers or {})}
    if body is not None:
        sent.setdefault("Content-Length", str(len(body)))
    started = time.monotonic()
    try:
        connection.connect()
        tls = None
        sock = connection.sock
        if isinstance(sock, ssl.SSLSocket):
            cipher = sock.cipher()
            tls = " ".join(part for part in (sock.version(), cipher[0] if cipher else None) if part)
        connection.request(method, target, body=body, headers=sent)
        answer = connection.getresponse()
        data = b"" if method == "HEAD" else answer.read(max_body + 1)
        elapsed = time.monotonic() - started
        return Response(
            method=method,
            url=url,
            status=answer.status,
            reason=one_line(answer.reason or ""),
            headers=answer.headers,
            body=data[:max_body],
            elapsed=elapsed,
            tls=tls,
            truncated=len(data) > max_body,
        )
    except Exception as exc:
        raise classify(exc, timeout) from exc
    finally:
        connection.close()
