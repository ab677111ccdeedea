"""``readiness probe tls HOST[:PORT]``: chain trusted, name matches, enough days left.

Two handshakes: the first accepts any certificate, to see the protocol and the
certificate even when verification would fail (so that an expired or
misnamed certificate still says when it expires and what it is for); the
second verifies the chain against the system trust store, or only the
certificates in ``--ca``. The name is matched separately against the
certificate's subjectAltName entries (DNS names with a wildcard in the
leftmost label only, IP addresses exactly; the subject's common name is not
used, as in browsers).

Steps recorded: ``TLS handshake with HOST:PORT`` (the protocol), ``certificate
chain`` (trusted or why not), ``certificate name`` (matches HOST or the names
it has), ``days until expiry`` (at least ``--min-days``, default 14).
"""

from __future__ import annotations

import datetime as dt
import ipaddress
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Self

from pydantic import Field, model_validator

from ..errors import UsageError
from .base import DEFAULT_TIMEOUT, PlanSettings, Probe, ProbeFields
from .http import tls_trust
from .record import Outcome, Step, one_line

if TYPE_CHECKING:
    import ssl

    import click
    from cryptography import x509

DEFAULT_MIN_DAYS = 14


@dataclass(frozen=True, slots=True)
class TlsSpec:
    """What ``readiness probe tls`` is asked to do."""

    host: str
    port: int = 443
    min_days: int = DEFAULT_MIN_DAYS
    ca: Path | None = None
    timeout: float = DEFAULT_TIMEOUT

    @property
    def target(self) -> str:
        return f"[{self.host}]:{self.port}" if ":" in self.host else f"{self.host}:{self.port}"

    def command(self) -> list[str]:
        argv = ["readiness", "probe", "tls", self.target, "--min-days", str(self.min_days)]
        if self.ca is not None:
            argv += ["--ca", str(self.ca)]
        return [*argv, "--timeout", f"{self.timeout:g}"]


class TlsFields(ProbeFields):
    """A tls probe's fields in the plan."""

    host: str = Field(description="tls: HOST[:PORT] (default port 443).")
    min_days: Annotated[int, Field(ge=0)] = Field(DEFAULT_MIN_DAYS, description="tls: least days until expiry (14).")

    @model_validator(mode="after")
    def _a_target(self) -> Self:
        try:
            parse_target(self.host, "host")
        except UsageError as exc:
            raise ValueError(str(exc)) from None
        return self


def _plan(fields: TlsFields, settings: PlanSettings) -> TlsSpec:
    host, port = parse_target(fields.host, "host")
    return TlsSpec(host, port, fields.min_days, settings.ca, settings.timeout)


def _cli(target: str, min_days: int, ca: Path | None, timeout: float) -> TlsSpec:
    """Check a TLS certificate: trust, name, expiry.

    Kind tls-verified. The chain must be trusted, the certificate must name HOST,
    and it must be valid for at least --min-days more days. PORT defaults to 443.
    """
    host, port = parse_target(target)
    return TlsSpec(host, port, min_days, ca, timeout)


def _params() -> list[click.Parameter]:
    import click

    return [
        click.Argument(["target"], metavar="HOST[:PORT]"),
        click.Option(
            ["--min-days"],
            type=click.IntRange(min=0),
            default=DEFAULT_MIN_DAYS,
            show_default=True,
            metavar="N",
            help="Least days until expiry.",
        ),
    ]


def parse_target(value: str, option: str = "HOST[:PORT]") -> tuple[str, int]:
    """``host``, ``host:port``, ``[v6]`` or ``[v6]:port`` -> (host, port); :class:`UsageError` otherwise."""
    text = value.strip()
    scheme, sep, rest = text.partition("://")
    if sep and scheme and scheme.replace("+", "").replace("-", "").replace(".", "").isalnum():
        address = rest.split("/", 1)[0].rsplit("@", 1)[-1]
        raise UsageError(f"{option} {value}: write the host without '{scheme}://' and path, e.g. {address}")
    host, port_text = text, ""
    if text.startswith("["):
        end = text.find("]")
        if end < 0:
            raise UsageError(f"{option} {value}: a '[' without ']'")
        host, rest = text[1:end], text[end + 1 :]
        if rest and not rest.startswith(":"):
            raise UsageError(f"{option} {value}: write [IPv6]:PORT")
        port_text = rest[1:]
    elif text.count(":") == 1:
        host, port_text = text.split(":")
    elif text.count(":") > 1:
        raise UsageError(f"{option} {value}: put an IPv6 address in brackets, e.g. [::1]:443")
    if not host or "/" in host or "@" in host or any(ch.isspace() for ch in host):
        raise UsageError(f"{option} {value}: write a host name or address, optionally with :PORT")
    if port_text == "" and text.endswith(":"):
        raise UsageError(f"{option} {value}: the port is missing after ':'")
    port = 443
    if port_text:
        if not port_text.isdigit() or not 0 < int(port_text) < 65536:
            raise UsageError(f"{option} {value}: the port must be a number from 1 to 65535")
        port = int(port_text)
    return host.lower().rstrip("."), port


def names_of(cert: x509.Certificate) -> list[str]:
    """The subjectAltName entries that name a host: ``DNS:...`` and ``IP:...``."""
    from cryptography import x509
    from cryptography.x509.oid import ExtensionOID

    try:
        san = cert.extensions.get_extension_for_oid(ExtensionOID.SUBJECT_ALTERNATIVE_NAME).value
    except x509.ExtensionNotFound:
        return []
    assert isinstance(san, x509.SubjectAlternativeName)
    names = [f"DNS:{name}" for name in san.get_values_for_type(x509.DNSName)]
    names += [f"IP:{address}" for address in san.get_values_for_type(x509.IPAddress)]
    return names


def matching_name(host: str, names: list[str]) -> str | None:
    """The entry of ``names`` that ``host`` matches, or ``None``."""
    try:
        address: ipaddress.IPv4Address | ipaddress.IPv6Address | None = ipaddress.ip_address(host)
    except ValueError:
        address = None
    for name in names:
        kind, _, value = name.partition(":")
        if address is not None:
            if kind == "IP" and ipaddress.ip_address(value) == address:
                return name
            continue
        if kind != "DNS":
            continue
        pattern = value.lower().rstrip(".")
        if pattern == host:
            return name
        if pattern.startswith("*.") and "*" not in pattern[2:]:
            label, _, rest = host.partition(".")
            if label and rest == pattern[2:]:
                return name
    return None


def _handshake(host: str, port: int, context: ssl.SSLContext, timeout: float) -> tuple[str, bytes]:
    """Connect and shake hands; returns the protocol and cipher, and the peer's DER certificate."""
    import socket

    server_hostname = None
    try:
        ipaddress.ip_address(host)
    except ValueError:
        server_hostname = host
    with (
        socket.create_connection((host, port), timeout=timeout) as raw,
        context.wrap_socket(raw, server_hostname=server_hostname) as sock,
    ):
        der = sock.getpeercert(binary_form=True) or b""
        cipher = sock.cipher()
        protocol = " ".join(part for part in (sock.version(), cipher[0] if cipher else None) if part)
        return protocol, der


def _moment(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def probe_tls(spec: TlsSpec) -> Outcome:
    """Run the tls probe; never raises for what the network does."""
    import ssl

    from cryptography import x509

    from .net import classify, tls_context

    target = spec.target
    outcome = Outcome.begin("tls-verified", f"tls-{spec.host}", spec.command())
    steps = outcome.steps
    handshake = f"TLS handshake with {target}"
    try:
        protocol, der = _handshake(spec.host, spec.port, tls_context(None, verify=False), spec.timeout)
    except Exception as exc:
        reason = classify(exc, spec.timeout).reason
        steps.append(Step(handshake, "completes", reason, False))
        outcome.summary = f"TLS to {target} failed: {reason}"
        return outcome
    steps.append(Step(handshake, "completes", protocol, True))
    try:
        cert = x509.load_der_x509_certificate(der)
    except ValueError as exc:
        steps.append(Step("certificate", "a readable X.509 certificate", one_line(exc), False))
        outcome.summary = f"TLS certificate of {target} cannot be read"
        return outcome

    # The chain, verified by a second handshake (the name is matched below, on its own).
    trust = tls_trust(spec.ca)
    context = tls_context(spec.ca)
    context.check_hostname = False
    try:
        _handshake(spec.host, spec.port, context, spec.timeout)
    except ssl.SSLCertVerificationError as exc:
        chain = f"not trusted: {one_line(exc.verify_message or exc.reason)}"
    except Exception as exc:
        chain = f"not checked: {classify(exc, spec.timeout).reason}"
    else:
        chain = "trusted"
    steps.append(Step("certificate chain", trust, chain, chain == "trusted"))

    names = names_of(cert)
    match = matching_name(spec.host, names)
    if match is not None:
        name_actual = f"matches {match}"
    elif names:
        name_actual = f"does not match {', '.join(names)}"
    else:
        name_actual = "does not match: the certificate names no host (no subjectAltName)"
    steps.append(Step("certificate name", f"matches {spec.host}", name_actual, match is not None))

    expires = cert.not_valid_after_utc
    days = int((expires - dt.datetime.now(dt.UTC)).total_seconds() // 86400)
    verb = "expires" if expires > dt.datetime.now(dt.UTC) else "expired"
    steps.append(
        Step(
            "days until expiry",
            f"at least {spec.min_days}",
            f"{days} ({verb} {_moment(expires)})",
            days >= spec.min_days,
        )
    )

    outcome.details += [
        f"- Protocol: {protocol}",
        f"- Subject: `{one_line(cert.subject.rfc4514_string())}`",
        f"- Issuer: `{one_line(cert.issuer.rfc4514_string())}`",
        f"- Names: {', '.join(f'`{name}`' for name in names) or 'none'}",
        f"- Valid from {_moment(cert.not_valid_before_utc)} to {_moment(expires)}",
        f"- Chain checked against: {'`' + str(spec.ca) + '`' if spec.ca is not None else 'the system trust store'}",
    ]
    if outcome.passed:
        outcome.summary = f"TLS certificate of {target} is trusted, matches {spec.host} and {verb} in {days} days"
    else:
        problems = [f"{step.check} {step.actual}" for step in steps if not step.ok]
        outcome.summary = f"TLS certificate of {target}: {'; '.join(problems)}"
    return outcome


PROBE = Probe("tls", "a", fields=TlsFields, from_plan=_plan, run=probe_tls, params=_params, from_cli=_cli)
