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
needs ``pull,push``, a delete ``delete``), once per scope, as docker does (the
client of the distribution API is :mod:`.oci`).
Credentials and tokens go only to the origins they are bound to (the registry's
own by default; the plan's ``credentials``, or ``--credential-origin``), never
across a redirect or to a token service elsewhere, and neither they nor any
token is recorded: only the names of the variables they were read from.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Self
from urllib.parse import urlsplit

from pydantic import Field, StringConstraints, model_validator

from ..errors import UsageError
from ..records.models import Url
from .base import DEFAULT_TIMEOUT, ENV_PATTERN, EnvName, PlanSettings, Probe, ProbeFields, check_url
from .oci import Session, parse_challenge, push_test, send
from .record import Outcome, Step, one_line, safe_url
from .web import NetError, basic_auth, origin, split_userinfo

if TYPE_CHECKING:
    import click


HANDSHAKE_EXPECTED = "200, or 401 with a Bearer or Basic challenge"

REPO_PATTERN = re.compile(r"^[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*)*$")
RepoName = Annotated[str, StringConstraints(pattern=REPO_PATTERN.pattern, max_length=255)]


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


def _plan(fields: RegistryFields, settings: PlanSettings) -> RegistrySpec:
    return RegistrySpec(
        fields.url,
        fields.user_env,
        fields.password_env,
        fields.push_test,
        settings.ca,
        settings.timeout,
        settings.origins,
    )


def _cli(
    url: str,
    user_env: str | None,
    password_env: str | None,
    push_test: str | None,
    credential_origins: tuple[str, ...],
    ca: Path | None,
    timeout: float,
) -> RegistrySpec:
    """Check an OCI registry: handshake, login, push.

    Kind registry-verified. URL is the registry's base (a trailing /v2/ is
    accepted). The /v2/ handshake; with --user-env and --password-env a login
    (with the token exchange a Bearer challenge asks for); with --push-test a
    push, pull and delete of a tiny image in REPO. The credentials go to the
    registry's origin and each --credential-origin only, never elsewhere.
    """
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


def check_spec(spec: RegistrySpec) -> None:
    """Usage errors in the options of ``readiness probe registry`` (the plan's model checks its fields)."""
    problems: list[str] = []
    if (spec.user_env is None) != (spec.password_env is None):
        problems.append("--user-env and --password-env go together: give both or neither")
    for option, name in (("--user-env", spec.user_env), ("--password-env", spec.password_env)):
        if name is not None and not ENV_PATTERN.match(name):
            problems.append(f"{option} {name}: not an environment variable name (letters, digits, '_')")
    if spec.push_test is not None and (len(spec.push_test) > 255 or not REPO_PATTERN.match(spec.push_test)):
        problems.append(
            f"--push-test {spec.push_test}: not a repository name "
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
    outcome = Outcome.begin("registry-verified", f"registry-{urlsplit(base).hostname or 'endpoint'}", spec.command())
    steps = outcome.steps
    where = f"registry at {safe_url(v2)}"
    session = Session(base, spec, outcome)

    # 1. The handshake, without credentials.
    check = f"GET {safe_url(v2)}"
    try:
        response = send("GET", v2, spec=spec)
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
    deletes = push_test(session, spec.push_test)
    if outcome.passed:
        tail = "deletes are not supported there" if deletes == "unsupported" else "the test content was deleted"
        outcome.summary = f"{where}: push and pull of {spec.push_test} matched digests; {tail}"
    else:
        failed = outcome.first_failure()
        assert failed is not None
        outcome.summary = f"{where}: {failed.check}: {failed.actual}, expected {failed.expected}"
    return outcome


PROBE = Probe(
    "registry", "a", fields=RegistryFields, from_plan=_plan, run=probe_registry, params=_params, from_cli=_cli
)
