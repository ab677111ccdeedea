"""``readiness probe http URL``: the status code, the time, the redirects, the TLS used.

Steps recorded (one observation each):

- for an https URL, the TLS handshake: ``TLS certificate of HOST:PORT``,
  expected ``trusted``, actual ``trusted (TLSv1.3 ...)`` or why not;
- each request: ``GET URL``, expected the code (``200``), actual the code seen
  (``302 to URL`` for a redirect), or the failure (``connection refused``,
  ``DNS lookup failed``, ``no answer within 5 s``, ...).

A redirect is followed (up to 10) unless ``--no-follow``; a followed redirect
is a passing step (expected ``a redirect to follow``). Credentials in the URL's
userinfo are sent as HTTP Basic to that origin only and never recorded.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal
from urllib.parse import urlsplit

from pydantic import Field

from ..records.models import Url
from ..textsafe import plural
from .base import DEFAULT_TIMEOUT, PlanSettings, Probe, ProbeFields, check_url
from .record import Outcome, Step, safe_url
from .web import MAX_REDIRECTS, NetError, Reach, basic_auth, origin, split_userinfo

if TYPE_CHECKING:
    import click

    from .web import Response

DEFAULT_EXPECT = 200


@dataclass(frozen=True, slots=True)
class HttpSpec:
    """What ``readiness probe http`` is asked to do."""

    url: str
    expect: int = DEFAULT_EXPECT
    method: str = "GET"
    follow: bool = True
    ca: Path | None = None
    timeout: float = DEFAULT_TIMEOUT

    def command(self) -> list[str]:
        argv = ["readiness", "probe", "http", self.url, "--expect", str(self.expect), "--method", self.method]
        if not self.follow:
            argv.append("--no-follow")
        if self.ca is not None:
            argv += ["--ca", str(self.ca)]
        return [*argv, "--timeout", f"{self.timeout:g}"]


class HttpFields(ProbeFields):
    """An http probe's fields in the plan."""

    url: Url = Field(description="http, openapi, registry: the URL (a registry's base, /v2/ optional).")
    expect: Annotated[int, Field(ge=100, le=599)] = Field(DEFAULT_EXPECT, description="http: expected status (200).")
    method: Literal["GET", "HEAD"] = Field("GET", description="http: GET (default) or HEAD.")
    follow_redirects: bool = Field(True, description="http: follow redirects (default true).")


def _plan(fields: HttpFields, settings: PlanSettings) -> HttpSpec:
    return HttpSpec(fields.url, fields.expect, fields.method, fields.follow_redirects, settings.ca, settings.timeout)


def _cli(url: str, expect: int, method: str, follow: bool, ca: Path | None, timeout: float) -> HttpSpec:
    """Request a URL: status, time, redirects, TLS.

    Kind endpoint-verified. Redirects are followed unless --no-follow; the status of
    the last answer is compared with --expect.
    """
    check_url("URL", url)
    return HttpSpec(url, expect, method.upper(), follow, ca, timeout)


def _params() -> list[click.Parameter]:
    import click

    return [
        click.Argument(["url"]),
        click.Option(
            ["--expect"],
            type=click.IntRange(100, 599),
            default=DEFAULT_EXPECT,
            show_default=True,
            metavar="CODE",
            help="Expected status.",
        ),
        click.Option(
            ["--method"], type=click.Choice(["GET", "HEAD"]), default="GET", show_default=True, help="Request method."
        ),
        click.Option(["--follow/--no-follow"], default=True, show_default=True, help="Follow redirects (up to 10)."),
    ]


def host_port(url: str) -> str:
    parts = urlsplit(url)
    host = parts.hostname or ""
    shown = f"[{host}]" if ":" in host else host
    return f"{shown}:{origin(url)[2]}"


def tls_trust(ca: Path | None) -> str:
    return f"trusted by {ca}" if ca is not None else "trusted by the system trust store"


def tls_failure(reason: str) -> str:
    """A TLS :class:`~generator.probes.net.NetError` reason as the actual value of the TLS step."""
    return reason.replace("TLS certificate not accepted: ", "not trusted: ").replace("TLS handshake failed", "failed")


@dataclass(slots=True)
class Fetched:
    """The end of a chain of requests: the last answer (``None`` when the last one failed)."""

    response: Response | None
    elapsed: float
    redirects: int
    failure: str | None = None


def fetch(
    method: str,
    url: str,
    *,
    expect: int,
    follow: bool,
    via: Reach,
    into: Outcome,
    headers: dict[str, str] | None = None,
) -> Fetched:
    """Request ``url`` (with the timeout and trust of ``via``) and follow redirects step by step,
    recording each step, its details and the secrets it handles in ``into``.

    ``url`` may carry userinfo: it is sent as Basic to the first origin only.
    """
    steps, details, secrets, timeout, ca = into.steps, into.details, into.secrets, via.timeout, via.ca
    from .net import request

    url, userinfo = split_userinfo(url)
    auth_origin = origin(url)
    auth: str | None = None
    if userinfo is not None:
        secrets.add(userinfo[1])
        auth = basic_auth(*userinfo)
        secrets.add(auth.split(" ", 1)[1])
    elapsed = 0.0
    redirects = 0
    seen_tls: set[str] = set()
    while True:
        sent = dict(headers or {})
        if auth is not None and origin(url) == auth_origin:
            sent["Authorization"] = auth
        check = f"{method} {safe_url(url)}"
        tls_step = f"TLS certificate of {host_port(url)}" if url.startswith("https:") else None
        try:
            response = request(method, url, timeout=timeout, ca=ca, headers=sent)
        except NetError as exc:
            if exc.stage == "tls" and tls_step is not None:
                steps.append(Step(tls_step, tls_trust(ca), tls_failure(exc.reason), False))
            else:
                steps.append(Step(check, str(expect), exc.reason, False))
            return Fetched(None, elapsed, redirects, exc.reason)
        elapsed += response.elapsed
        if response.tls is not None and tls_step is not None and tls_step not in seen_tls:
            seen_tls.add(tls_step)
            steps.append(Step(tls_step, tls_trust(ca), f"trusted ({response.tls})", True))
            details.append(f"- TLS with {host_port(url)}: {response.tls}, certificate {tls_trust(ca)}")
        location = response.location
        code = str(response.status)
        if location is not None and follow and response.status != expect:
            if redirects >= MAX_REDIRECTS:
                steps.append(Step(check, str(expect), f"{code}: more than {MAX_REDIRECTS} redirects", False))
                return Fetched(response, elapsed, redirects, f"more than {MAX_REDIRECTS} redirects")
            steps.append(Step(check, "a redirect to follow", f"{code} to {safe_url(location)}", True))
            details.append(f"- `{check}`: {code} to `{safe_url(location)}` in {response.ms} ms (followed)")
            redirects += 1
            url = location
            if response.status == 303 and method != "HEAD":
                method = "GET"
            continue
        actual = f"{code} to {safe_url(location)}" if location is not None else code
        steps.append(Step(check, str(expect), actual, response.status == expect))
        details.append(f"- `{check}`: {actual} in {response.ms} ms")
        return Fetched(response, elapsed, redirects)


def probe_http(spec: HttpSpec) -> Outcome:
    """Run the http probe; never raises for what the network does."""
    host = urlsplit(split_userinfo(spec.url)[0]).hostname or "endpoint"
    outcome = Outcome.begin("endpoint-verified", f"http-{host}", spec.command())
    fetched = fetch(spec.method, spec.url, expect=spec.expect, follow=spec.follow, via=spec, into=outcome)
    shown = f"{spec.method} {safe_url(split_userinfo(spec.url)[0])}"
    after = f" after {plural(fetched.redirects, 'redirect')}" if fetched.redirects else ""
    ms = round(fetched.elapsed * 1000)
    if fetched.response is None:
        outcome.summary = f"{shown} failed{after}: {fetched.failure}"
    elif fetched.failure is not None:
        outcome.summary = f"{shown} failed: {fetched.failure}"
    elif outcome.passed:
        outcome.summary = f"{shown} returned {fetched.response.status} in {ms} ms{after}"
    else:
        outcome.summary = f"{shown} returned {fetched.response.status} in {ms} ms{after}, expected {spec.expect}"
    outcome.details.insert(
        0, f"- Redirects: followed, up to {MAX_REDIRECTS}" if spec.follow else "- Redirects: not followed (--no-follow)"
    )
    return outcome


PROBE = Probe("http", "an", fields=HttpFields, from_plan=_plan, run=probe_http, params=_params, from_cli=_cli)
