"""``readiness probe registry URL``: the OCI distribution API answers, logs in, and stores.

Steps recorded, each an observation:

1. ``GET BASE/v2/`` without credentials: ``200``, or ``401`` with a ``Bearer``
   or ``Basic`` challenge (what ``docker login`` starts with).
2. With ``--user-env VAR --password-env VAR``: that both variables are set;
   for a ``Bearer`` challenge the token exchange at its realm (``service`` and
   ``scope`` from the challenge, the credentials as Basic); then ``GET
   BASE/v2/`` with the token (or Basic credentials): ``200``.
3. With ``--push-test REPO``: a monolithic upload (``POST`` then ``PUT ...?digest=``)
   of two tiny blobs (an empty JSON config and a short text layer), a manifest
   ``PUT`` as ``application/vnd.oci.image.manifest.v1+json`` under the tag
   ``readiness-probe``, a pull of the layer and of the manifest with their
   digests compared, and deletes of the manifest and both blobs. A registry that
   does not allow deletes (``405``, or the error code ``UNSUPPORTED``) is
   recorded as a passing, informational step: the test content stays there.

A Bearer token is fetched for each scope a ``401`` challenge asks for (a push
needs ``pull,push``, a delete ``delete``), once per scope, as docker does.
Credentials and tokens go only to the origins they are bound to (the registry's
own by default; the plan's ``credentials``, or ``--credential-origin``), never
across a redirect or to a token service elsewhere, and neither they nor any
token is recorded: only the names of the variables they were read from.
"""

from __future__ import annotations

import hashlib
import inspect
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Self
from urllib.parse import urlencode, urljoin, urlsplit

from pydantic import Field, StringConstraints, model_validator

from ..errors import UsageError
from ..models import Url
from .base import DEFAULT_TIMEOUT, ENV_PATTERN, EnvName, PlanSettings, Probe, ProbeFields, check_url
from .record import Outcome, Step, now, one_line, safe_url
from .web import MAX_REDIRECTS, NetError, basic_auth, origin, split_userinfo

if TYPE_CHECKING:
    import click

    from .web import Response

OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
OCI_CONFIG = "application/vnd.oci.image.config.v1+json"
OCI_LAYER = "application/vnd.oci.image.layer.v1.tar"
TAG = "readiness-probe"
LAYER = b"readiness probe push test\n"
CONFIG = b"{}"
HANDSHAKE_EXPECTED = "200, or 401 with a Bearer or Basic challenge"

REPO_PATTERN = re.compile(r"^[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*)*$")
RepoName = Annotated[str, StringConstraints(pattern=REPO_PATTERN.pattern, max_length=255)]
_SCHEME = re.compile(r"\s*([A-Za-z][A-Za-z0-9._~+-]*)\s*(.*)$", re.S)
_PARAM = re.compile(r'\s*([A-Za-z][A-Za-z0-9_.-]*)\s*=\s*("(?:[^"\\]|\\.)*"|[^,\s]*)\s*,?')


@dataclass(frozen=True, slots=True)
class RegistrySpec:
    """What ``readiness probe registry`` is asked to do."""

    url: str
    user_env: str | None = None
    password_env: str | None = None
    push_test: str | None = None
    ca: Path | None = None
    timeout: float = DEFAULT_TIMEOUT
    origins: tuple[str, ...] = ()
    """Origins the credentials may be sent to; none given: the registry's own origin only."""

    def command(self) -> list[str]:
        argv = ["readiness", "probe", "registry", self.url]
        if self.user_env is not None and self.password_env is not None:
            argv += ["--user-env", self.user_env, "--password-env", self.password_env]
            for allowed in self.origins:
                if origin(allowed) != origin(self.url):
                    argv += ["--credential-origin", allowed]
        if self.push_test is not None:
            argv += ["--push-test", self.push_test]
        if self.ca is not None:
            argv += ["--ca", str(self.ca)]
        return [*argv, "--timeout", f"{self.timeout:g}"]


class RegistryFields(ProbeFields):
    """A registry probe's fields in the plan."""

    url: Url = Field(description="http, openapi, registry: the URL (a registry's base, /v2/ optional).")
    user_env: EnvName | None = Field(None, description="registry: variable holding the user name.")
    password_env: EnvName | None = Field(None, description="registry: variable holding the password or token.")
    push_test: RepoName | None = Field(None, description="registry: repository to push, pull and delete in.")

    @model_validator(mode="after")
    def _both_or_neither(self) -> Self:
        if (self.user_env is None) != (self.password_env is None):
            raise ValueError("user_env and password_env go together: give both or neither")
        return self

    def credential_variables(self) -> dict[str, str]:
        named = {"user_env": self.user_env, "password_env": self.password_env}
        return {name: variable for name, variable in named.items() if variable is not None}

    def credential_url(self) -> str:
        return self.url


def _from_plan(fields: RegistryFields, settings: PlanSettings) -> RegistrySpec:
    return RegistrySpec(
        fields.url,
        fields.user_env,
        fields.password_env,
        fields.push_test,
        settings.ca,
        settings.timeout,
        settings.origins,
    )


def _from_cli(
    url: str,
    user_env: str | None,
    password_env: str | None,
    push_test: str | None,
    credential_origins: tuple[str, ...],
    ca: Path | None,
    timeout: float,
) -> RegistrySpec:
    check_url("URL", url)
    for allowed in credential_origins:
        check_url("--credential-origin", allowed)
    origins = (url, *credential_origins) if credential_origins else ()
    spec = RegistrySpec(url, user_env, password_env, push_test, ca, timeout, origins)
    check_spec(spec)
    return spec


def _params() -> list[click.Parameter]:
    import click

    return [
        click.Argument(["url"]),
        click.Option(["--user-env"], metavar="VAR", help="Environment variable that holds the user name."),
        click.Option(["--password-env"], metavar="VAR", help="Environment variable that holds the password or token."),
        click.Option(["--push-test"], metavar="REPO", help="Repository to push, pull and delete a tiny image in."),
        click.Option(
            ["--credential-origin", "credential_origins"],
            metavar="ORIGIN",
            multiple=True,
            help="Another origin (scheme://host[:port]) the credentials may go to, such as a token service.",
        ),
    ]


def _request(
    method: str,
    url: str,
    *,
    spec: RegistrySpec,
    headers: dict[str, str] | None = None,
    body: bytes | None = None,
) -> Response:
    """One request with the spec's timeout and trust (:mod:`.net` is loaded when a probe runs)."""
    from .net import request

    return request(method, url, timeout=spec.timeout, ca=spec.ca, headers=headers, body=body)


def check_spec(spec: RegistrySpec, prefix: str = "--") -> None:
    """Usage errors in a registry spec (``prefix`` names options: ``--`` or a plan's ``''``)."""
    problems: list[str] = []
    user, password = f"{prefix}user-env", f"{prefix}password-env"
    if prefix != "--":
        user, password = user.replace("-", "_"), password.replace("-", "_")
    if (spec.user_env is None) != (spec.password_env is None):
        problems.append(f"{user} and {password} go together: give both or neither")
    for option, name in ((user, spec.user_env), (password, spec.password_env)):
        if name is not None and not ENV_PATTERN.match(name):
            problems.append(f"{option} {name}: not an environment variable name (letters, digits, '_')")
    if spec.push_test is not None and (len(spec.push_test) > 255 or not REPO_PATTERN.match(spec.push_test)):
        problems.append(
            f"{prefix}push{'-' if prefix == '--' else '_'}test {spec.push_test}: not a repository name "
            "(lowercase parts joined by '/', like ops-hub/readiness-probe)"
        )
    if problems:
        raise UsageError("\n".join(problems))


def registry_base(url: str) -> str:
    """The registry base URL without userinfo, a trailing ``/v2/`` or a trailing '/'."""
    bare = split_userinfo(url)[0]
    parts = urlsplit(bare)
    path = parts.path.rstrip("/")
    path = path.removesuffix("/v2")
    return parts._replace(path=path, query="", fragment="").geturl()


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
class _Session:
    """Requests to one registry with its credentials, recording token exchanges as steps."""

    base: str
    spec: RegistrySpec
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
            response = _request("GET", url, spec=self.spec, headers=headers)
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
            response = _request(method, url, spec=self.spec, headers=sent, body=body)
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


def _credentials(spec: RegistrySpec, outcome: Outcome) -> tuple[str, str] | bool | None:
    """Credentials from the environment (or the URL); ``False`` when asked for but missing."""
    if spec.user_env is not None and spec.password_env is not None:
        user = os.environ.get(spec.user_env, "")
        password = os.environ.get(spec.password_env, "")
        missing = [f"${name}" for name, value in ((spec.user_env, user), (spec.password_env, password)) if not value]
        check = f"credentials from ${spec.user_env} and ${spec.password_env}"
        outcome.secrets.add(password)
        if missing:
            outcome.steps.append(Step(check, "both set", f"{' and '.join(missing)} not set", False))
            return False
        outcome.steps.append(Step(check, "both set", "both set", True))
        return user, password
    userinfo = split_userinfo(spec.url)[1]
    if userinfo is not None:
        outcome.secrets.add(userinfo[1])
        outcome.steps.append(Step("credentials from the URL", "user and password", "user and password", True))
        return userinfo
    return None


def probe_registry(spec: RegistrySpec) -> Outcome:
    """Run the registry probe; never raises for what the network does."""
    base = registry_base(spec.url)
    v2 = base + "/v2/"
    outcome = Outcome(
        kind="registry-verified",
        name=f"registry-{urlsplit(base).hostname or 'endpoint'}",
        summary="",
        command=spec.command(),
        observed=now(),
    )
    steps = outcome.steps
    where = f"registry at {safe_url(v2)}"
    session = _Session(base, spec, outcome)

    # 1. The handshake, without credentials.
    check = f"GET {safe_url(v2)}"
    try:
        response = _request("GET", v2, spec=spec)
    except NetError as exc:
        steps.append(Step(check, HANDSHAKE_EXPECTED, exc.reason, False))
        outcome.summary = f"{where}: {exc.reason}"
        return outcome
    challenge = parse_challenge(response.headers.get("WWW-Authenticate")) if response.status == 401 else None
    if response.status == 200:
        handshake = "200"
    elif challenge is not None and challenge.scheme in ("bearer", "basic"):
        handshake = f"401 with a {challenge.name} challenge"
    elif response.status == 401:
        handshake = "401 without a Bearer or Basic challenge"
    else:
        handshake = str(response.status)
    handshake_ok = response.status == 200 or (challenge is not None and challenge.scheme in ("bearer", "basic"))
    steps.append(Step(check, HANDSHAKE_EXPECTED, handshake, handshake_ok))
    version = response.headers.get("Docker-Distribution-API-Version")
    outcome.details.append(f"- `{check}`: {handshake} in {response.ms} ms")
    outcome.details.append(f"- Docker-Distribution-API-Version: {one_line(version) if version else 'not sent'}")
    if challenge is not None:
        shown = ", ".join(
            f"{key}={safe_url(value) if key == 'realm' else one_line(value, 120)}"
            for key, value in sorted(challenge.params.items())
        )
        outcome.details.append(f"- Challenge: {challenge.name} {shown}")
    if response.tls is not None:
        outcome.details.append(f"- TLS: {response.tls}")
    if not handshake_ok:
        outcome.summary = f"{where} answered {handshake}, expected {HANDSHAKE_EXPECTED}"
        return outcome

    # 2. Logging in.
    credentials = _credentials(spec, outcome)
    if credentials is False:
        outcome.summary = f"{where}: {steps[-1].actual}"
        return outcome
    if isinstance(credentials, tuple):
        session.credentials = credentials
        outcome.secrets.add(basic_auth(*credentials).split(" ", 1)[1])
        if challenge is not None and challenge.scheme == "bearer" and not session.fetch_token(challenge):
            outcome.summary = f"{where}: the token exchange failed ({steps[-1].actual})"
            return outcome
        login = session.step(f"GET {safe_url(v2)} with the credentials", "200", "GET", v2, (200,))
        if login is None:
            outcome.summary = f"{where} did not accept the credentials ({steps[-1].actual})"
            return outcome

    # 3. Push, pull, delete.
    if spec.push_test is None:
        if isinstance(credentials, tuple):
            outcome.summary = f"{where} answered {handshake} and accepted the credentials"
        else:
            outcome.summary = f"{where} answered {handshake}"
        return outcome
    deletes = _push_test(session, spec.push_test)
    if outcome.passed:
        tail = "deletes are not supported there" if deletes == "unsupported" else "the test content was deleted"
        outcome.summary = f"{where}: push and pull of {spec.push_test} matched digests; {tail}"
    else:
        failed = outcome.first_failure()
        assert failed is not None
        outcome.summary = f"{where}: {failed.check}: {failed.actual}, expected {failed.expected}"
    return outcome


def _push_test(session: _Session, repo: str) -> str:
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


def _pull(session: _Session, shown: str, url: str, digest: str, headers: dict[str, str]) -> None:
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


def _delete(session: _Session, shown: str, url: str) -> str:
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


PROBE = Probe(
    name="registry",
    article="a",
    fields=RegistryFields,
    from_plan=_from_plan,
    run=probe_registry,
    help=inspect.cleandoc(
        """
        Check an OCI registry: handshake, login, push.

        Kind registry-verified. URL is the registry's base (a trailing /v2/ is
        accepted). The /v2/ handshake; with --user-env and --password-env a login
        (with the token exchange a Bearer challenge asks for); with --push-test a
        push, pull and delete of a tiny image in REPO. The credentials go to the
        registry's origin and each --credential-origin only, never elsewhere.
        """
    ),
    params=_params,
    from_cli=_from_cli,
)
