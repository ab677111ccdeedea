"""Real servers on 127.0.0.1 for the probe tests: HTTP(S), a fake Bearer registry,
and Debian's docker-registry; throwaway certificates made with cryptography.

Every server listens on a free port of 127.0.0.1 and is stopped by its context
manager. Nothing here talks to any other host.
"""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import ipaddress
import json
import os
import shutil
import socket
import ssl
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

DOCKER_REGISTRY = Path("/usr/bin/docker-registry")


def free_port() -> int:
    """A port nobody listens on right now (bound to 127.0.0.1 and released)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# ------------------------------------------------------------------------ HTTP


@dataclass
class Route:
    """What the server answers for a path."""

    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    hang_up: bool = False
    """Close the connection without answering."""


Handler = Callable[[BaseHTTPRequestHandler], Route]


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    routes: dict[str, Route | Handler]
    requests: list[tuple[str, str, dict[str, str]]]

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # a client that drops a TLS handshake on purpose is not news


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:
        pass

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self.body = self.rfile.read(length) if length else b""
        self.server.requests.append((self.command, self.path, dict(self.headers.items())))
        route = self.server.routes.get(self.path.split("?")[0]) or self.server.routes.get("*")
        if callable(route):
            route = route(self)
        if route is None:
            route = Route(404, b"not found\n")
        if route.delay:
            time.sleep(route.delay)
        if route.hang_up:
            self.close_connection = True
            return
        try:
            self.send_response(route.status)
            for name, value in route.headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(route.body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(route.body)
        except (BrokenPipeError, ConnectionResetError):
            pass

    do_GET = do_HEAD = do_POST = do_PUT = do_DELETE = _answer


@contextlib.contextmanager
def http_server(
    routes: dict[str, Route | Handler], *, tls: ssl.SSLContext | None = None
) -> Iterator[tuple[str, _Server]]:
    """Serve ``routes`` (path -> route, ``*`` for any other) on 127.0.0.1; yields the base URL."""
    server = _Server(("127.0.0.1", 0), _Handler)
    server.routes = routes
    server.requests = []
    if tls is not None:
        server.socket = tls.wrap_socket(server.socket, server_side=True, do_handshake_on_connect=False)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    scheme = "https" if tls is not None else "http"
    try:
        yield f"{scheme}://127.0.0.1:{server.server_address[1]}", server
    finally:
        server.shutdown()
        server.server_close()


# ------------------------------------------------------------------ certificates


@dataclass(frozen=True)
class Certs:
    """A throwaway CA and leaves signed by it, as PEM files in ``directory``."""

    directory: Path
    ca: Path
    valid: tuple[Path, Path]
    expired: tuple[Path, Path]
    wrong_host: tuple[Path, Path]
    valid_until: dt.datetime
    expired_at: dt.datetime

    def context(self, leaf: tuple[Path, Path]) -> ssl.SSLContext:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(str(leaf[0]), str(leaf[1]))
        return context


def _name(common: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common)])


def _write_key(path: Path, key: ec.EllipticCurvePrivateKey) -> None:
    path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )


def make_certs(directory: Path) -> Certs:
    """A CA; a leaf for 127.0.0.1 and localhost valid 90 days; the same names expired;
    and a leaf for wrong.example only."""
    directory.mkdir(parents=True, exist_ok=True)
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_cert = (
        x509.CertificateBuilder()
        .subject_name(_name("Probe Test CA"))
        .issuer_name(_name("Probe Test CA"))
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=400))
        .not_valid_after(now + dt.timedelta(days=400))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    ca_path = directory / "ca.pem"
    ca_path.write_bytes(ca_cert.public_bytes(serialization.Encoding.PEM))

    def leaf(name: str, names: list[x509.GeneralName], before: dt.datetime, after: dt.datetime) -> tuple[Path, Path]:
        key = ec.generate_private_key(ec.SECP256R1())
        cert = (
            x509.CertificateBuilder()
            .subject_name(_name(name))
            .issuer_name(ca_cert.subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(before)
            .not_valid_after(after)
            .add_extension(x509.SubjectAlternativeName(names), critical=False)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
            .sign(ca_key, hashes.SHA256())
        )
        cert_path, key_path = directory / f"{name}.pem", directory / f"{name}.key"
        cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
        _write_key(key_path, key)
        return cert_path, key_path

    local = [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
    valid_until = now + dt.timedelta(days=90, hours=1)
    expired_at = now - dt.timedelta(days=30) + dt.timedelta(hours=1)
    return Certs(
        directory=directory,
        ca=ca_path,
        valid=leaf("valid", local, now - dt.timedelta(days=1), valid_until),
        expired=leaf("expired", local, now - dt.timedelta(days=120), expired_at),
        wrong_host=leaf("wrong-host", [x509.DNSName("wrong.example")], now - dt.timedelta(days=1), valid_until),
        valid_until=valid_until,
        expired_at=expired_at,
    )


# --------------------------------------------------------------- a Bearer registry


@dataclass
class BearerRegistry:
    """A fake registry that asks for a Bearer token, and its token endpoint."""

    base: str
    server: _Server
    user: str
    password: str
    token: str


@contextlib.contextmanager
def bearer_registry(user: str, password: str, token: str) -> Iterator[BearerRegistry]:
    """``/v2/`` answers 401 with a Bearer challenge unless sent ``Bearer <token>``;
    ``/v2/token`` gives the token for the right Basic credentials (401 otherwise)."""
    expected_basic = "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()
    base_holder: list[str] = []

    def v2(handler: BaseHTTPRequestHandler) -> Route:
        if handler.headers.get("Authorization") == f"Bearer {token}":
            return Route(200, b"{}", {"Docker-Distribution-API-Version": "registry/2.0"})
        challenge = f'Bearer realm="{base_holder[0]}/v2/token",service="probe-test",scope="*"'
        return Route(401, b'{"errors":[]}', {"WWW-Authenticate": challenge})

    def token_endpoint(handler: BaseHTTPRequestHandler) -> Route:
        if handler.headers.get("Authorization") != expected_basic:
            return Route(401, b'{"errors":[{"code":"UNAUTHORIZED"}]}')
        return Route(
            200,
            json.dumps({"token": token, "access_token": token}).encode(),
            {"Content-Type": "application/json", "Set-Cookie": f"session={token}"},
        )

    with http_server({"/v2/": v2, "/v2/token": token_endpoint}) as (base, server):
        base_holder.append(base)
        yield BearerRegistry(base, server, user, password, token)


# ----------------------------------------------------------- the real registry


@dataclass
class Registry:
    base: str
    user: str
    password: str
    log: Path


def require_docker_registry() -> None:
    """Skip (loudly) without Debian's docker-registry; fail instead under CI=true."""
    if DOCKER_REGISTRY.is_file() and os.access(DOCKER_REGISTRY, os.X_OK):
        return
    message = (
        f"{DOCKER_REGISTRY} is missing: the registry probe tests need Debian's docker-registry "
        "(apt-get install docker-registry; .ci/run installs it)"
    )
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


@contextlib.contextmanager
def docker_registry(directory: Path, user: str, password: str, *, delete: bool = True) -> Iterator[Registry]:
    """The CNCF distribution registry on a free port of 127.0.0.1: htpasswd auth
    (bcrypt), deletes enabled (unless ``delete=False``), storage in ``directory``."""
    import bcrypt

    require_docker_registry()
    directory.mkdir(parents=True, exist_ok=True)
    htpasswd = directory / "htpasswd"
    hashed = bcrypt.hashpw(password.encode(), bcrypt.gensalt(rounds=4)).decode()
    htpasswd.write_text(f"{user}:{hashed}\n", encoding="utf-8")
    port = free_port()
    config = directory / "config.yml"
    config.write_text(
        json.dumps(
            {
                "version": 0.1,
                "log": {"level": "error", "accesslog": {"disabled": True}},
                "storage": {
                    "filesystem": {"rootdirectory": str(directory / "storage")},
                    "delete": {"enabled": delete},
                },
                "http": {"addr": f"127.0.0.1:{port}", "secret": "probe-test-secret"},
                "auth": {"htpasswd": {"realm": "probe-test", "path": str(htpasswd)}},
            }
        ),
        encoding="utf-8",
    )
    log = directory / "registry.log"
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [str(DOCKER_REGISTRY), "serve", str(config)],
            stdout=out,
            stderr=subprocess.STDOUT,
            cwd=directory,
            env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(directory)},
        )
    try:
        deadline = time.monotonic() + 15
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"docker-registry exited with {process.returncode}: {log.read_text()}")
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"docker-registry did not listen on {port}: {log.read_text()}") from None
                time.sleep(0.05)
        yield Registry(f"http://127.0.0.1:{port}", user, password, log)
    finally:
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        shutil.rmtree(directory / "storage", ignore_errors=True)


# --------------------------------------------- a Bearer front for the real registry


@dataclass
class BearerFront:
    """A token service in front of :func:`docker_registry`, like Gitea's: every API call
    needs a Bearer token for its scope; the front forwards it with Basic credentials."""

    base: str
    server: _Server
    issued: dict[str, str]
    """Token -> the scope it grants."""


def _scope_needed(method: str, path: str) -> str | None:
    """``repository:NAME:pull`` (GET/HEAD), ``...:pull,push`` (POST/PUT/PATCH), ``...:delete``."""
    rest = path.split("?")[0].removeprefix("/v2/")
    for marker in ("/blobs/", "/manifests/"):
        if marker in rest:
            name = rest.split(marker)[0]
            action = {"GET": "pull", "HEAD": "pull", "DELETE": "delete"}.get(method, "pull,push")
            return f"repository:{name}:{action}"
    return None


@contextlib.contextmanager
def bearer_front(registry: Registry, token_prefix: str) -> Iterator[BearerFront]:
    import http.client

    issued: dict[str, str] = {}
    basic = "Basic " + base64.b64encode(f"{registry.user}:{registry.password}".encode()).decode()
    holder: list[str] = []
    backend = registry.base.removeprefix("http://")

    def challenge(scope: str) -> Route:
        value = f'Bearer realm="{holder[0]}/v2/token",service="front",scope="{scope}"'
        return Route(401, b'{"errors":[{"code":"UNAUTHORIZED"}]}', {"WWW-Authenticate": value})

    def token(handler: BaseHTTPRequestHandler) -> Route:
        if handler.headers.get("Authorization") != basic:
            return Route(401, b"{}")
        from urllib.parse import parse_qs, urlsplit

        scope = parse_qs(urlsplit(handler.path).query).get("scope", [""])[0]
        value = f"{token_prefix}{len(issued)}"
        issued[value] = scope
        return Route(200, json.dumps({"token": value}).encode(), {"Content-Type": "application/json"})

    def api(handler: BaseHTTPRequestHandler) -> Route:
        needed = _scope_needed(handler.command, handler.path) or "*"
        sent = (handler.headers.get("Authorization") or "").removeprefix("Bearer ")
        granted = issued.get(sent)
        if granted is None or (needed != "*" and granted != needed):
            return challenge(needed)
        connection = http.client.HTTPConnection(backend, timeout=10)
        try:
            headers = {"Authorization": basic}
            for name in ("Content-Type", "Accept"):
                if handler.headers.get(name):
                    headers[name] = handler.headers[name]
            body = getattr(handler, "body", b"")
            connection.request(handler.command, handler.path, body=body if body else None, headers=headers)
            answer = connection.getresponse()
            data = answer.read()
        finally:
            connection.close()
        out = {}
        for name in ("Location", "Docker-Content-Digest", "Content-Type", "Docker-Upload-UUID", "Range"):
            value = answer.getheader(name)
            if value:
                out[name] = value.replace(registry.base, holder[0])
        return Route(answer.status, data, out)

    with http_server({"/v2/token": token, "*": api}) as (base, server):
        holder.append(base)
        yield BearerFront(base, server, issued)
