"""A client of the OCI distribution API, for the registry probe: challenges, tokens, a push test.

:class:`Session` sends requests to one registry with its credentials, meeting a
``Bearer`` challenge with a token for each scope it asks for (once per scope, as
docker does) and recording each token exchange as a step; credentials and
tokens go only to the origins they are bound to, never across a redirect.
:func:`push_test` pushes two tiny blobs and a manifest, pulls them back and
deletes them. The network is loaded (:mod:`.net`) when the first request is sent.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol
from urllib.parse import urlencode, urljoin, urlsplit

from .record import Outcome, Step, safe_url
from .web import MAX_REDIRECTS, NetError, Reach, basic_auth, origin

if TYPE_CHECKING:
    from .web import Response

OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
OCI_CONFIG = "application/vnd.oci.image.config.v1+json"
OCI_LAYER = "application/vnd.oci.image.layer.v1.tar"
TAG = "readiness-probe"
LAYER = b"readiness probe push test\n"
CONFIG = b"{}"
_SCHEME = re.compile(r"\s*([A-Za-z][A-Za-z0-9._~+-]*)\s*(.*)$", re.S)
_PARAM = re.compile(r'\s*([A-Za-z][A-Za-z0-9_.-]*)\s*=\s*("(?:[^"\\]|\\.)*"|[^,\s]*)\s*,?')


class Target(Reach, Protocol):
    """How to reach a registry, and where its credentials may go: what a :class:`Session` reads from the spec."""

    @property
    def origins(self) -> tuple[str, ...]: ...


def send(
    method: str,
    url: str,
    *,
    spec: Target,
    headers: dict[str, str] | None = None,
    body: bytes | None = None,
) -> Response:
    """One request with the spec's timeout and trust (:mod:`.net` is loaded when a probe runs)."""
    from .net import request

    return request(method, url, timeout=spec.timeout, ca=spec.ca, headers=headers, body=body)


def sha256(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


@dataclass(frozen=True, slots=True)
class Challenge:
    scheme: str
    """Lowercase: ``bearer``, ``basic``, ..."""
    params: dict[str, str]

    @property
    def name(self) -> str:
        return self.scheme.capitalize()


def parse_challenge(value: str | None) -> Challenge | None:
    """The first challenge of a ``WWW-Authenticate`` value (``Bearer realm="...",service="..."``)."""
    if not value:
        return None
    match = _SCHEME.match(value)
    if match is None:
        return None
    params: dict[str, str] = {}
    for key, raw in _PARAM.findall(match.group(2)):
        text = raw[1:-1].replace('\\"', '"').replace("\\\\", "\\") if raw.startswith('"') else raw
        params.setdefault(key.lower(), text)
    return Challenge(match.group(1).lower(), params)


def _error_codes(response: Response) -> set[str]:
    """The ``errors[].code`` values of a distribution API error body."""
    try:
        value = json.loads(response.body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return set()
    errors = value.get("errors") if isinstance(value, dict) else None
    return {str(item.get("code")) for item in errors if isinstance(item, dict)} if isinstance(errors, list) else set()


@dataclass(slots=True)
class Session:
    """Requests to one registry with its credentials, recording token exchanges as steps."""

    base: str
    spec: Target
    outcome: Outcome
    credentials: tuple[str, str] | None = None
    token: str | None = None
    """The Bearer token sent now (the one for the last scope a challenge asked for)."""
    tokens: dict[str, str | None] = field(default_factory=dict)
    """Scope -> token (``None``: the exchange failed, not tried again)."""

    @property
    def steps(self) -> list[Step]:
        return self.outcome.steps

    @property
    def allowed(self) -> set[tuple[str, str, int | None]]:
        """Where the credentials and tokens may go: the origins they are bound to, else the registry's."""
        return {origin(url) for url in self.spec.origins} or {origin(self.base)}

    def path_of(self, url: str) -> str:
        """``url`` as shown in a record: its path when it is on the registry, else safe."""
        if origin(url) == origin(self.base):
            parts = urlsplit(url)
            return parts.path or "/"
        return safe_url(url)

    def auth_header(self) -> dict[str, str]:
        if self.token is not None:
            return {"Authorization": f"Bearer {self.token}"}
        if self.credentials is not None:
            return {"Authorization": basic_auth(*self.credentials)}
        return {}

    def fetch_token(self, challenge: Challenge) -> bool:
        """The token exchange a Bearer challenge asks for, recorded as a step (once per scope)."""
        scope_key = challenge.params.get("scope", "")
        if scope_key in self.tokens:
            known = self.tokens[scope_key]
            if known is not None:
                self.token = known
            return known is not None
        self.tokens[scope_key] = None
        realm = challenge.params.get("realm", "")
        scope = challenge.params.get("scope")
        check = f"token from {safe_url(realm) if realm else 'the realm'}" + (f" for {scope}" if scope else "")
        expected = "200 with a token"
        if urlsplit(realm).scheme not in ("http", "https") or not urlsplit(realm).hostname:
            self.steps.append(Step(check, expected, "the challenge has no http(s) realm", False))
            return False
        if origin(realm) not in self.allowed:
            self.steps.append(
                Step(
                    check,
                    expected,
                    "not asked: the token service is on an origin the credentials are not bound to "
                    "(bind it in the plan's credentials, or pass --credential-origin)",
                    False,
                )
            )
            return False
        query = urlencode({key: value for key, value in challenge.params.items() if key in ("service", "scope")})
        url = realm + ("&" if "?" in realm else "?") + query if query else realm
        headers = {"Authorization": basic_auth(*self.credentials)} if self.credentials is not None else {}
        try:
            response = send("GET", url, spec=self.spec, headers=headers)
        except NetError as exc:
            self.steps.append(Step(check, expected, exc.reason, False))
            return False
        token: object = None
        if response.status == 200:
            try:
                value = json.loads(response.body.decode("utf-8"))
            except (UnicodeDecodeError, ValueError):
                value = None
            if isinstance(value, dict):
                token = value.get("token") or value.get("access_token")
        if response.status != 200 or not isinstance(token, str) or not token:
            actual = str(response.status) if response.status != 200 else "200 without a token"
            self.steps.append(Step(check, expected, actual, False))
            return False
        self.outcome.secrets.add(token)
        self.token = self.tokens[scope_key] = token
        self.steps.append(Step(check, expected, "200 with a token", True))
        return True

    def call(
        self, method: str, url: str, *, headers: dict[str, str] | None = None, body: bytes | None = None
    ) -> Response:
        """One API call with the credentials; a Bearer challenge for a new scope is met
        once with a new token; GET follows redirects, dropping credentials off the registry."""
        response = self._send(method, url, headers, body)
        if response.status == 401 and self.credentials is not None:
            challenge = parse_challenge(response.headers.get("WWW-Authenticate"))
            if challenge is not None and challenge.scheme == "bearer":
                sent = self.token
                if self.fetch_token(challenge) and self.token != sent:
                    response = self._send(method, url, headers, body)
        return response

    def _send(self, method: str, url: str, headers: dict[str, str] | None, body: bytes | None) -> Response:
        for _ in range(MAX_REDIRECTS + 1):
            sent = dict(headers or {})
            if origin(url) in self.allowed:
                sent.update(self.auth_header())
            response = send(method, url, spec=self.spec, headers=sent, body=body)
            location = response.location
            if location is None or method not in ("GET", "HEAD"):
                return response
            self.outcome.details.append(f"- `{method} {self.path_of(url)}` redirected to `{safe_url(location)}`")
            url = location
        raise NetError("http", f"more than {MAX_REDIRECTS} redirects")

    def step(
        self,
        check: str,
        expected: str,
        method: str,
        url: str,
        ok_codes: tuple[int, ...],
        *,
        headers: dict[str, str] | None = None,
        body: bytes | None = None,
    ) -> Response | None:
        """A call recorded as one step: passes when the status is one of ``ok_codes``."""
        try:
            response = self.call(method, url, headers=headers, body=body)
        except NetError as exc:
            self.steps.append(Step(check, expected, exc.reason, False))
            return None
        ok = response.status in ok_codes
        self.steps.append(Step(check, expected, str(response.status), ok))
        return response if ok else None


def push_test(session: Session, repo: str) -> str:
    """Push two blobs and a manifest, pull them back, delete them; returns how deletes went."""
    api = f"{session.base}/v2/{repo}"
    path = f"/v2/{repo}"
    blobs = [("config", CONFIG, OCI_CONFIG), ("layer", LAYER, OCI_LAYER)]
    pushed: list[str] = []
    manifest_digest: str | None = None
    for label, data, _ in blobs:
        digest = sha256(data)
        started = session.step(
            f"POST {path}/blobs/uploads/ ({label} blob)", "202", "POST", f"{api}/blobs/uploads/", (202,), body=b""
        )
        if started is None:
            break
        location = started.headers.get("Location")
        if not location:
            session.steps.append(Step(f"upload location for the {label} blob", "a Location header", "none", False))
            break
        target = urljoin(api + "/", location)
        target += ("&" if "?" in target else "?") + urlencode({"digest": digest})
        stored = session.step(
            f"PUT {label} blob {digest}",
            "201",
            "PUT",
            target,
            (201,),
            body=data,
            headers={"Content-Type": "application/octet-stream"},
        )
        if stored is None:
            break
        pushed.append(digest)
    if len(pushed) == len(blobs):
        manifest = json.dumps(
            {
                "schemaVersion": 2,
                "mediaType": OCI_MANIFEST,
                "config": {"mediaType": OCI_CONFIG, "digest": sha256(CONFIG), "size": len(CONFIG)},
                "layers": [{"mediaType": OCI_LAYER, "digest": sha256(LAYER), "size": len(LAYER)}],
                "annotations": {"org.opencontainers.image.description": "readiness probe push test"},
            },
            separators=(",", ":"),
            sort_keys=True,
        ).encode()
        digest = sha256(manifest)
        stored = session.step(
            f"PUT {path}/manifests/{TAG}",
            "201",
            "PUT",
            f"{api}/manifests/{TAG}",
            (201,),
            body=manifest,
            headers={"Content-Type": OCI_MANIFEST},
        )
        if stored is not None:
            manifest_digest = digest
            _pull(session, f"{path}/blobs/{sha256(LAYER)}", f"{api}/blobs/{sha256(LAYER)}", sha256(LAYER), {})
            _pull(session, f"{path}/manifests/{TAG}", f"{api}/manifests/{TAG}", digest, {"Accept": OCI_MANIFEST})
    results: list[str] = []
    targets = ([f"manifests/{manifest_digest}"] if manifest_digest else []) + [f"blobs/{d}" for d in reversed(pushed)]
    for target in targets:
        results.append(_delete(session, f"{path}/{target}", f"{api}/{target}"))
    return "unsupported" if "unsupported" in results else "deleted"


def _pull(session: Session, shown: str, url: str, digest: str, headers: dict[str, str]) -> None:
    check = f"GET {shown}"
    expected = f"200 with digest {digest}"
    try:
        response = session.call("GET", url, headers=headers)
    except NetError as exc:
        session.steps.append(Step(check, expected, exc.reason, False))
        return
    if response.status != 200:
        session.steps.append(Step(check, expected, str(response.status), False))
        return
    actual = f"200 with digest {sha256(response.body)}"
    session.steps.append(Step(check, expected, actual, actual == expected))


def _delete(session: Session, shown: str, url: str) -> str:
    check = f"DELETE {shown}"
    expected = "202, or deletes not supported"
    try:
        response = session.call("DELETE", url)
    except NetError as exc:
        session.steps.append(Step(check, expected, exc.reason, False))
        return "failed"
    if response.status in (200, 202, 204):
        session.steps.append(Step(check, expected, str(response.status), True))
        return "deleted"
    if response.status == 405 or "UNSUPPORTED" in _error_codes(response):
        session.steps.append(Step(check, expected, f"{response.status}: deletes not supported, left in place", True))
        return "unsupported"
    session.steps.append(Step(check, expected, str(response.status), False))
    return "failed"
