"""``readiness probe``: look at live endpoints and record what was seen as evidence.

The probes are imported only when a command runs, so ``readiness`` starts fast.

Exit codes: 0 when the probe passed (every probe, for ``run``), 1 when it
failed (or the records do not validate), 2 for a usage error (a bad option, a
broken plan). A failing probe is a record, not an error: it is printed or
written like a passing one.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import click

from ..errors import UsageError
from .common import F, echo, field, report_errors, root

if TYPE_CHECKING:
    from ..probes.plan import PlanResult
    from ..probes.record import Outcome

DEFAULT_TIMEOUT = 10.0
"""Seconds (``generator.probes.http.DEFAULT_TIMEOUT``; spelled out so that ``--help`` stays fast)."""


def _common(func: F) -> F:
    """The options every single probe takes."""
    options = [
        click.option(
            "--about",
            "about",
            multiple=True,
            metavar="REF",
            help="An entity the record is about, kind:id (repeatable).",
        ),
        click.option(
            "--assess",
            "assess",
            multiple=True,
            metavar="GATE=STATUS",
            help="Assess a gate in the record, e.g. OPS-G05=ready (repeatable; written whatever the result).",
        ),
        click.option(
            "--timeout",
            type=click.FloatRange(min=0, min_open=True, max=600),
            default=DEFAULT_TIMEOUT,
            show_default=True,
            metavar="SECONDS",
            help="Wait at most this long to connect and for each answer.",
        ),
        click.option(
            "--write",
            is_flag=True,
            help="Write the record to evidence/<year>/ and print its path (default: print the record).",
        ),
    ]
    for option in reversed(options):
        func = option(func)
    return func


_ca_option = click.option(
    "--ca",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    metavar="FILE",
    help="Trust only the CA certificates in this PEM file (default: the system trust store).",
)


@click.group()
def probe() -> None:
    """Probe endpoints and record what was seen as evidence.

    Each probe prints an evidence record (YAML), or writes it with --write, with
    one observation per step. Exit 0 when every step passed, 1 when one failed:
    a failure (a timeout, a refused connection, a bad certificate) is recorded,
    not raised. No credential, token or cookie is ever recorded or printed.
    """


@probe.command("http")
@click.argument("url")
@click.option(
    "--expect", type=click.IntRange(100, 599), default=200, show_default=True, metavar="CODE", help="Expected status."
)
@click.option("--method", type=click.Choice(["GET", "HEAD"]), default="GET", show_default=True, help="Request method.")
@click.option("--follow/--no-follow", default=True, show_default=True, help="Follow redirects (up to 10).")
@_ca_option
@_common
@report_errors
def http_command(url: str, expect: int, method: str, follow: bool, ca: Path | None, **common: Any) -> None:
    """Request a URL: status, time, redirects, TLS.

    Kind endpoint-verified. Redirects are followed unless --no-follow; the status of
    the last answer is compared with --expect.
    """
    from ..probes.http import HttpSpec, probe_http

    _check_url("URL", url)
    _run(probe_http, HttpSpec(url, expect, method.upper(), follow, ca, common["timeout"]), **common)


@probe.command("openapi")
@click.argument("url")
@click.option(
    "--require",
    "require",
    multiple=True,
    required=True,
    metavar="PATH",
    help="A path the document must list (repeatable).",
)
@_ca_option
@_common
@report_errors
def openapi_command(url: str, require: tuple[str, ...], ca: Path | None, **common: Any) -> None:
    """Check that an OpenAPI document lists paths.

    Kind endpoint-verified. Fetches the document (JSON or YAML) and reports each
    --require path as present or missing.
    """
    from ..probes.openapi import OpenApiSpec, probe_openapi

    _check_url("URL", url)
    bad = [path for path in require if not path.startswith("/") or any(ch.isspace() for ch in path)]
    if bad:
        raise UsageError("\n".join(f"--require {path}: write a path that starts with '/', like /hubs" for path in bad))
    _run(probe_openapi, OpenApiSpec(url, tuple(dict.fromkeys(require)), ca, common["timeout"]), **common)


@probe.command("tls")
@click.argument("target", metavar="HOST[:PORT]")
@click.option(
    "--min-days",
    type=click.IntRange(min=0),
    default=14,
    show_default=True,
    metavar="N",
    help="Least days until expiry.",
)
@_ca_option
@_common
@report_errors
def tls_command(target: str, min_days: int, ca: Path | None, **common: Any) -> None:
    """Check a TLS certificate: trust, name, expiry.

    Kind tls-verified. The chain must be trusted, the certificate must name HOST,
    and it must be valid for at least --min-days more days. PORT defaults to 443.
    """
    from ..probes.tls import TlsSpec, parse_target, probe_tls

    host, port = parse_target(target)
    _run(probe_tls, TlsSpec(host, port, min_days, ca, common["timeout"]), **common)


@probe.command("registry")
@click.argument("url")
@click.option("--user-env", metavar="VAR", help="Environment variable that holds the user name.")
@click.option("--password-env", metavar="VAR", help="Environment variable that holds the password or token.")
@click.option("--push-test", metavar="REPO", help="Repository to push, pull and delete a tiny image in.")
@click.option(
    "--credential-origin",
    "credential_origins",
    metavar="ORIGIN",
    multiple=True,
    help="Another origin (scheme://host[:port]) the credentials may go to, such as a token service.",
)
@_ca_option
@_common
@report_errors
def registry_command(
    url: str,
    user_env: str | None,
    password_env: str | None,
    push_test: str | None,
    credential_origins: tuple[str, ...],
    ca: Path | None,
    **common: Any,
) -> None:
    """Check an OCI registry: handshake, login, push.

    Kind registry-verified. URL is the registry's base (a trailing /v2/ is
    accepted). The /v2/ handshake; with --user-env and --password-env a login
    (with the token exchange a Bearer challenge asks for); with --push-test a
    push, pull and delete of a tiny image in REPO. The credentials go to the
    registry's origin and each --credential-origin only, never elsewhere.
    """
    from ..probes.registry import RegistrySpec, check_spec, probe_registry

    _check_url("URL", url)
    for allowed in credential_origins:
        _check_url("--credential-origin", allowed)
    origins = (url, *credential_origins) if credential_origins else ()
    spec = RegistrySpec(url, user_env, password_env, push_test, ca, common["timeout"], origins)
    check_spec(spec)
    _run(probe_registry, spec, **common)


@probe.command("run")
@click.argument("plan", required=False, type=click.Path(dir_okay=False, path_type=Path))
@report_errors
def run_command(plan: Path | None) -> None:
    """Run every probe of a plan and write the records.

    PLAN defaults to ROOT/data/probes.yaml. Writes one record per probe and prints
    one line for each. Exit 1 if any probe failed, 2 if the plan is broken.
    """
    from ..probes.plan import DEFAULT_PLAN, run_plan
    from ..probes.record import one_line

    where = root()
    path = plan if plan is not None else where / DEFAULT_PLAN
    if not path.is_file():
        if plan is None:
            echo(f"no probe plan at {field(path)}: nothing to probe", err=True)
            return
        raise UsageError(f"{field(plan)}: no such plan file")

    def report(result: PlanResult) -> None:
        summary = result.outcome.secrets.scrub(one_line(result.outcome.summary, limit=500))
        echo(f"{result.outcome.result}  {field(result.path.relative_to(where).as_posix())}  {field(summary)}")

    results = run_plan(where, path, report)
    failed = sum(1 for result in results if not result.outcome.passed)
    echo(f"{len(results)} probes: {len(results) - failed} passed, {failed} failed", err=True)
    if failed:
        click.get_current_context().exit(1)


COMMANDS = (probe,)


# ----------------------------------------------------------------------- helpers


def _check_url(option: str, url: str) -> None:
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises on a bad port
    except ValueError as exc:
        raise UsageError(f"{option} {_shown(url)}: not a valid URL ({exc})") from None
    if parts.scheme not in ("http", "https") or not parts.hostname or any(ch.isspace() for ch in url):
        raise UsageError(f"{option} {_shown(url)}: write an absolute http:// or https:// URL")


def _shown(url: str) -> str:
    from ..probes.record import safe_url

    return safe_url(url)


def _run(
    runner: Callable[[Any], Outcome],
    spec: Any,
    *,
    about: tuple[str, ...],
    assess: tuple[str, ...],
    timeout: float,
    write: bool,
) -> None:
    """Check the record options, run the probe, print or write the record, exit 1 on a failure."""
    from ..authoring import parse_assess
    from ..models import ready_despite_failure
    from ..probes.record import check_refs, record_data, render, resolve_refs
    from ..probes.record import write as write_record

    where = root()
    gates = parse_assess(assess)
    refs = list(about)
    check_refs(where, refs, gates)
    catalog = None
    if write:
        from ..loader import load_catalog

        catalog = load_catalog(where)
        refs, gates = resolve_refs(catalog, refs, gates)
    outcome = runner(spec)
    data = record_data(outcome, about=refs, assess=gates)
    for gate in ready_despite_failure(outcome.result, gates):
        echo(
            f"not assessing {field(gate)} ready: the probe failed, and a failing record cannot prove a gate ready",
            err=True,
        )
    if catalog is not None:
        path = write_record(where, catalog, data, outcome.name)
        echo(field(path.relative_to(where).as_posix()))
    else:
        echo(render(data), nl=False)
    echo(f"{outcome.result}: {field(data['summary'])}", err=True)
    if not outcome.passed:
        click.get_current_context().exit(1)
