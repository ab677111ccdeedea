"""A Standard Webhooks receiver on 127.0.0.1 for the delivery tests, with its own verifier.

The verifier is written here from the specification with hmac and hashlib, independently of
the ``standardwebhooks`` library the generator signs with: ``webhook-signature`` holds
space-separated ``v1,<base64>`` signatures; one must equal the base64 HMAC-SHA256, keyed with
the base64-decoded part of a ``whsec_`` secret, of ``<webhook-id>.<webhook-timestamp>.<body>``;
the timestamp must be within 5 minutes of now.

The receiver counts verified deliveries per id, and can be told to answer some of them
otherwise: an error status (with headers such as ``Retry-After``), slowly, or by having a
callback run first (the kill tests stop the sender there).
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

TOLERANCE = 5 * 60


def key_of(secret: str) -> bytes:
    """The HMAC key of a ``whsec_`` secret."""
    assert secret.startswith("whsec_")
    return base64.b64decode(secret.removeprefix("whsec_"))


def verify(keys: list[bytes], headers: dict[str, str], body: bytes, now: float) -> str | None:
    """Why the delivery is not authentic (``None``: it is)."""
    msg_id = headers.get("webhook-id")
    timestamp = headers.get("webhook-timestamp")
    signatures = headers.get("webhook-signature")
    if not (msg_id and timestamp and signatures):
        return "missing webhook headers"
    if not timestamp.isdigit() or abs(now - int(timestamp)) > TOLERANCE:
        return "timestamp out of tolerance"
    signed = f"{msg_id}.{timestamp}.".encode() + body
    for key in keys:
        expected = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
        for candidate in signatures.split(" "):
            version, _, value = candidate.partition(",")
            if version == "v1" and hmac.compare_digest(value.encode(), expected.encode()):
                return None
    return "no matching signature"


@dataclass
class Answer:
    status: int = 200
    body: bytes = b"ok"
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0


Hook = Callable[["Receiver", str], str | None]
"""Called with each verified id before answering; may return "hang-up" to close without answering."""


@dataclass
class Receiver:
    keys: list[bytes]
    counts: Counter[str] = field(default_factory=Counter)
    bodies: dict[str, bytes] = field(default_factory=dict)
    order: list[str] = field(default_factory=list)
    """Ids in the order they were received (verified)."""
    rejected: list[str] = field(default_factory=list)
    """Why each unverified request was refused."""
    script: dict[str, list[Answer]] = field(default_factory=dict)
    """Per id: answers to give before the normal 200 (consumed in order)."""
    every: list[Answer] = field(default_factory=list)
    """Answers to give to the next requests, whatever their id (consumed in order)."""
    hook: Hook | None = None
    after: Callable[[Receiver, str], None] | None = None
    """Called after a 2xx answer was written."""
    lock: threading.Lock = field(default_factory=threading.Lock)

    def answer_for(self, msg_id: str) -> Answer:
        with self.lock:
            queue = self.script.get(msg_id)
            if queue:
                return queue.pop(0)
            if self.every:
                return self.every.pop(0)
        return Answer()


def _handler(receiver: Receiver) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:
            pass

        def _send(self, answer: Answer) -> None:
            try:
                self.send_response(answer.status)
                for name, value in answer.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(answer.body)))
                self.end_headers()
                self.wfile.write(answer.body)
                self.wfile.flush()
            except (BrokenPipeError, ConnectionResetError):
                pass

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length)
            if len(body) < length:  # the sender stopped while sending: no delivery
                self.close_connection = True
                return
            headers = {k.lower(): v for k, v in self.headers.items()}
            why = verify(receiver.keys, headers, body, time.time())
            if why is not None:
                with receiver.lock:
                    receiver.rejected.append(why)
                self._send(Answer(401, f"invalid signature: {why}".encode()))
                return
            msg_id = headers["webhook-id"]
            with receiver.lock:
                receiver.counts[msg_id] += 1
                receiver.order.append(msg_id)
                receiver.bodies[msg_id] = body
            if receiver.hook is not None and receiver.hook(receiver, msg_id) == "hang-up":
                self.close_connection = True
                return
            answer = receiver.answer_for(msg_id)
            if answer.delay:
                time.sleep(answer.delay)
            self._send(answer)
            if 200 <= answer.status < 300 and receiver.after is not None:
                receiver.after(receiver, msg_id)

    return Handler


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # a sender killed mid-request resets its connection on purpose


@contextlib.contextmanager
def receiving(receiver: Receiver, port: int = 0) -> Iterator[str]:
    """Run ``receiver`` on 127.0.0.1 (a free port unless ``port``); yields its URL."""
    server = _Server(("127.0.0.1", port), _handler(receiver))
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/hooks/readiness"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
