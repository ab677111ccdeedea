"""Evidence probes (``readiness probe``) against real servers on 127.0.0.1.

HTTP and HTTPS servers run in threads (throwaway certificates from
cryptography); the registry tests start Debian's ``docker-registry`` (the CNCF
distribution registry) with htpasswd auth and deletes enabled, and a small fake
registry that asks for Bearer tokens. Nothing talks to another host: the DNS
test uses a name under ``.invalid``, which never resolves.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import os
import re
import textwrap
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click
import pytest
from click.testing import CliRunner

from generator.cli import main
from generator.cli.probe import probe
from generator.errors import Problem
from generator.probes.oci import CONFIG, LAYER, OCI_MANIFEST, sha256
from generator.probes.plan import load_plan, resolve_plan
from generator.probes.planschema import Plan
from generator.records import yamlstrict
from generator.records.loader import load_catalog
from generator.records.models import Evidence
from tests.conftest import REPO, run_cli
from tests.probe_servers import (
    BearerRegistry,
    Certs,
    Registry,
    Route,
    bearer_front,
    bearer_registry,
    docker_registry,
    free_port,
    http_server,
    make_certs,
)

READINESS = copy.copy(main)
"""``readiness`` with the probe group, whether or not generator/cli.py registers it yet."""
assert isinstance(READINESS, click.Group)
READINESS.commands = {**main.commands, "probe": probe}

PASSWORD = "pw-Zq7-probe-secret"
TOKEN = "tok-Xr9-bearer-secret-value"
USER = "probe-user"
SECRET_ENV = {"PROBE_USER": USER, "PROBE_PASSWORD": PASSWORD}
TIME = r"[0-9]+ ms"


@dataclass
class Run:
    code: int
    stdout: str
    stderr: str

    @property
    def record(self) -> dict[str, Any]:
        return parse_record(self.stdout)


def readiness(*args: str, root: Path | None = None, env: dict[str, str] | None = None) -> Run:
    """Run ``readiness [--root ROOT] ARGS`` in this process."""
    full = [*(["--root", str(root)] if root is not None else []), *args]
    result = CliRunner().invoke(READINESS, full, env=env, catch_exceptions=False)
    return Run(result.exit_code, result.stdout, result.stderr)


def parse_record(text: str) -> dict[str, Any]:
    """A record as the strict loader reads it; it must also satisfy the Evidence model."""
    problems: list[Problem] = []
    parsed = yamlstrict.parse(text, "<stdout>", problems)
    assert parsed is not None and not problems, problems
    Evidence.model_validate(parsed.value)
    assert isinstance(parsed.value, dict)
    return parsed.value


def observations(record: dict[str, Any]) -> list[tuple[str, str, str, bool]]:
    return [(o["check"], o["expected"], o["actual"], o["ok"]) for o in record["observations"]]


def assert_fresh(record: dict[str, Any]) -> None:
    observed = record["observed"]
    assert isinstance(observed, dt.datetime) and observed.utcoffset() == dt.timedelta(0)
    assert abs((dt.datetime.now(dt.UTC) - observed).total_seconds()) < 60
    assert record["submitted_by"] == "readiness probe"


def assert_no_secret(*texts: str, secrets: tuple[str, ...] = (PASSWORD, TOKEN)) -> None:
    for text in texts:
        for secret in secrets:
            assert secret not in text
        assert "Authorization" not in text and "Bearer " + TOKEN[:4] not in text


def tree_text(root: Path) -> str:
    """Every file under ``root``, concatenated (to grep for secrets)."""
    return "\n".join(
        path.read_text(encoding="utf-8", errors="replace") for path in sorted(root.rglob("*")) if path.is_file()
    )


@pytest.fixture(scope="session")
def certs(tmp_path_factory: pytest.TempPathFactory) -> Certs:
    return make_certs(tmp_path_factory.mktemp("certs"))


@pytest.fixture
def web() -> Iterator[tuple[str, Any]]:
    routes: dict[str, Any] = {
        "/": Route(200, b"hello\n"),
        "/old": Route(302, headers={"Location": "/new"}),
        "/new": Route(200, b"moved here\n"),
        "/slow": Route(200, b"late\n", delay=2.0),
        "/hang-up": Route(hang_up=True),
    }
    with http_server(routes) as (base, server):
        yield base, server


# ------------------------------------------------------------------------ http


def test_http_200_prints_the_record(web: tuple[str, Any]) -> None:
    base, _ = web
    run = readiness("probe", "http", f"{base}/")
    assert run.code == 0, run.stderr
    record = run.record
    assert record["kind"] == "endpoint-verified"
    assert record["result"] == "pass"
    assert re.fullmatch(rf"GET {base}/ returned 200 in {TIME}", record["summary"])
    assert observations(record) == [(f"GET {base}/", "200", "200", True)]
    assert record["source"] == f"readiness probe http {base}/ --expect 200 --method GET --timeout 10"
    assert "about" not in record and "assess" not in record
    assert_fresh(record)
    assert run.stderr.startswith("pass: GET ")


def test_http_404_against_expect(web: tuple[str, Any]) -> None:
    base, _ = web
    run = readiness("probe", "http", f"{base}/missing")
    assert run.code == 1
    assert observations(run.record) == [(f"GET {base}/missing", "200", "404", False)]
    assert run.record["result"] == "fail"
    assert re.fullmatch(rf"GET {base}/missing returned 404 in {TIME}, expected 200", run.record["summary"])

    run = readiness("probe", "http", f"{base}/missing", "--expect", "404")
    assert run.code == 0
    assert observations(run.record) == [(f"GET {base}/missing", "404", "404", True)]


def test_http_redirect_followed_or_not(web: tuple[str, Any]) -> None:
    base, _ = web
    run = readiness("probe", "http", f"{base}/old")
    assert run.code == 0
    assert observations(run.record) == [
        (f"GET {base}/old", "a redirect to follow", f"302 to {base}/new", True),
        (f"GET {base}/new", "200", "200", True),
    ]
    assert re.fullmatch(rf"GET {base}/old returned 200 in {TIME} after 1 redirect", run.record["summary"])

    run = readiness("probe", "http", f"{base}/old", "--no-follow")
    assert run.code == 1
    assert observations(run.record) == [(f"GET {base}/old", "200", f"302 to {base}/new", False)]
    assert "--no-follow" in run.record["source"]

    run = readiness("probe", "http", f"{base}/old", "--no-follow", "--expect", "302")
    assert run.code == 0


def test_http_head(web: tuple[str, Any]) -> None:
    base, server = web
    run = readiness("probe", "http", f"{base}/", "--method", "HEAD")
    assert run.code == 0
    assert observations(run.record) == [(f"HEAD {base}/", "200", "200", True)]
    assert server.requests[-1][:2] == ("HEAD", "/")


def test_http_timeout(web: tuple[str, Any]) -> None:
    base, _ = web
    started = time.monotonic()
    run = readiness("probe", "http", f"{base}/slow", "--timeout", "0.3")
    assert time.monotonic() - started < 1.5
    assert run.code == 1
    assert observations(run.record) == [(f"GET {base}/slow", "200", "no answer within 0.3 s", False)]
    assert run.record["summary"] == f"GET {base}/slow failed: no answer within 0.3 s"


def test_http_refused_connection() -> None:
    url = f"http://127.0.0.1:{free_port()}/"
    run = readiness("probe", "http", url)
    assert run.code == 1
    assert observations(run.record) == [(f"GET {url}", "200", "connection refused", False)]
    assert run.record["summary"] == f"GET {url} failed: connection refused"


def test_http_dns_error() -> None:
    run = readiness("probe", "http", "http://no-such-host.invalid/", "--timeout", "5")
    assert run.code == 1
    assert observations(run.record) == [("GET http://no-such-host.invalid/", "200", "DNS lookup failed", False)]


def test_http_server_hangs_up(web: tuple[str, Any]) -> None:
    base, _ = web
    run = readiness("probe", "http", f"{base}/hang-up")
    assert run.code == 1
    assert observations(run.record) == [
        (f"GET {base}/hang-up", "200", "the server closed the connection without an answer", False)
    ]


def test_http_usage_errors() -> None:
    assert readiness("probe", "http", "ftp://127.0.0.1/").code == 2
    assert readiness("probe", "http", "not a url").code == 2
    assert readiness("probe", "http", "http://127.0.0.1/", "--method", "POST").code == 2
    assert readiness("probe", "http", "http://127.0.0.1/", "--timeout", "0").code == 2
    run = readiness("probe", "http", "http://127.0.0.1/", "--assess", "T-G01")
    assert run.code == 2 and "--assess T-G01: write GATE=STATUS" in run.stderr


def test_http_url_credentials_are_used_and_never_shown(web: tuple[str, Any]) -> None:
    base, server = web
    url = base.replace("http://", f"http://{USER}:{PASSWORD}@") + "/?token=" + TOKEN + "&page=2"
    run = readiness("probe", "http", url)
    assert run.code == 0
    assert observations(run.record) == [(f"GET {base}/?token=REDACTED&page=2", "200", "200", True)]
    assert run.record["source"].startswith(f"readiness probe http '{base}/?token=REDACTED&page=2' ")
    assert server.requests[-1][2]["Authorization"].startswith("Basic ")
    assert_no_secret(run.stdout, run.stderr)


# ----------------------------------------------------------------------- https


def test_https_with_ca(certs: Certs) -> None:
    with http_server({"/": Route(200, b"ok")}, tls=certs.context(certs.valid)) as (base, _):
        port = base.rsplit(":", 1)[1]
        run = readiness("probe", "http", f"{base}/", "--ca", str(certs.ca))
        assert run.code == 0, run.stdout
        (tls, get) = observations(run.record)
        assert tls[:2] == (f"TLS certificate of 127.0.0.1:{port}", f"trusted by {certs.ca}")
        assert re.fullmatch(r"trusted \(TLSv1\.[23] \S+\)", tls[2]) and tls[3] is True
        assert get == (f"GET {base}/", "200", "200", True)
        assert f"--ca {certs.ca}" in run.record["source"]

        run = readiness("probe", "http", f"{base}/")  # the system trust store does not know the test CA
        assert run.code == 1
        assert observations(run.record) == [
            (
                f"TLS certificate of 127.0.0.1:{port}",
                "trusted by the system trust store",
                "not trusted: unable to get local issuer certificate",
                False,
            )
        ]


@pytest.mark.parametrize(
    ("leaf", "reason"),
    [
        ("expired", "certificate has expired"),
        ("wrong_host", "IP address mismatch, certificate is not valid for '127.0.0.1'."),
    ],
)
def test_https_bad_certificates(certs: Certs, leaf: str, reason: str) -> None:
    with http_server({"/": Route(200, b"ok")}, tls=certs.context(getattr(certs, leaf))) as (base, _):
        port = base.rsplit(":", 1)[1]
        run = readiness("probe", "http", f"{base}/", "--ca", str(certs.ca))
    assert run.code == 1
    assert observations(run.record) == [
        (f"TLS certificate of 127.0.0.1:{port}", f"trusted by {certs.ca}", f"not trusted: {reason}", False)
    ]
    assert run.record["summary"] == f"GET {base}/ failed: TLS certificate not accepted: {reason}"


# ------------------------------------------------------------------------- tls


def _moment(value: dt.datetime) -> str:
    return value.strftime("%Y-%m-%dT%H:%M:%SZ")


def test_tls_valid_certificate(certs: Certs) -> None:
    with http_server({}, tls=certs.context(certs.valid)) as (base, _):
        port = base.rsplit(":", 1)[1]
        run = readiness("probe", "tls", f"127.0.0.1:{port}", "--ca", str(certs.ca))
        by_name = readiness("probe", "tls", f"localhost:{port}", "--ca", str(certs.ca), "--min-days", "100")
    assert run.code == 0, run.stdout
    record = run.record
    assert record["kind"] == "tls-verified" and record["result"] == "pass"
    handshake, *rest = observations(record)
    assert handshake[:2] == (f"TLS handshake with 127.0.0.1:{port}", "completes") and handshake[3]
    assert re.fullmatch(r"TLSv1\.[23] \S+", handshake[2])
    assert rest == [
        ("certificate chain", f"trusted by {certs.ca}", "trusted", True),
        ("certificate name", "matches 127.0.0.1", "matches IP:127.0.0.1", True),
        ("days until expiry", "at least 14", f"90 (expires {_moment(certs.valid_until)})", True),
    ]
    assert (
        record["summary"] == f"TLS certificate of 127.0.0.1:{port} is trusted, matches 127.0.0.1 and expires in 90 days"
    )
    assert record["source"] == f"readiness probe tls 127.0.0.1:{port} --min-days 14 --ca {certs.ca} --timeout 10"
    assert assert_fresh(record) is None

    assert by_name.code == 1
    assert observations(by_name.record)[1:] == [
        ("certificate chain", f"trusted by {certs.ca}", "trusted", True),
        ("certificate name", "matches localhost", "matches DNS:localhost", True),
        ("days until expiry", "at least 100", f"90 (expires {_moment(certs.valid_until)})", False),
    ]


def test_tls_expired_certificate(certs: Certs) -> None:
    with http_server({}, tls=certs.context(certs.expired)) as (base, _):
        port = base.rsplit(":", 1)[1]
        run = readiness("probe", "tls", f"127.0.0.1:{port}", "--ca", str(certs.ca))
    assert run.code == 1
    assert observations(run.record)[1:] == [
        ("certificate chain", f"trusted by {certs.ca}", "not trusted: certificate has expired", False),
        ("certificate name", "matches 127.0.0.1", "matches IP:127.0.0.1", True),
        ("days until expiry", "at least 14", f"-30 (expired {_moment(certs.expired_at)})", False),
    ]
    assert run.record["summary"] == (
        f"TLS certificate of 127.0.0.1:{port}: certificate chain not trusted: certificate has expired; "
        f"days until expiry -30 (expired {_moment(certs.expired_at)})"
    )


def test_tls_wrong_host_and_unknown_ca(certs: Certs) -> None:
    with http_server({}, tls=certs.context(certs.wrong_host)) as (base, _):
        port = base.rsplit(":", 1)[1]
        run = readiness("probe", "tls", f"127.0.0.1:{port}", "--ca", str(certs.ca))
        untrusted = readiness("probe", "tls", f"127.0.0.1:{port}")
    assert run.code == 1
    assert observations(run.record)[1:3] == [
        ("certificate chain", f"trusted by {certs.ca}", "trusted", True),
        ("certificate name", "matches 127.0.0.1", "does not match DNS:wrong.example", False),
    ]
    assert untrusted.code == 1
    assert observations(untrusted.record)[1] == (
        "certificate chain",
        "trusted by the system trust store",
        "not trusted: unable to get local issuer certificate",
        False,
    )


def test_tls_failures_and_usage() -> None:
    port = free_port()
    run = readiness("probe", "tls", f"127.0.0.1:{port}")
    assert run.code == 1
    assert observations(run.record) == [
        (f"TLS handshake with 127.0.0.1:{port}", "completes", "connection refused", False)
    ]
    with http_server({}) as (base, _):  # plain HTTP: no TLS to shake hands with
        plain_port = base.rsplit(":", 1)[1]
        plain = readiness("probe", "tls", f"127.0.0.1:{plain_port}", "--timeout", "2")
    assert plain.code == 1
    assert observations(plain.record)[0][2].startswith("TLS handshake failed: ")
    dns = readiness("probe", "tls", "no-such-host.invalid")
    assert observations(dns.record) == [
        ("TLS handshake with no-such-host.invalid:443", "completes", "DNS lookup failed", False)
    ]
    for bad in ("a:b:c", "host:", "host:99999", "[::1", "https://host/"):
        assert readiness("probe", "tls", bad).code == 2, bad


# --------------------------------------------------------------------- openapi

OPENAPI_JSON = json.dumps(
    {
        "openapi": "3.0.3",
        "info": {"title": "hub", "version": "1"},
        "servers": [{"url": "/api/v2"}],
        "paths": {"/hubs": {}, "/hub-capability-manifests": {}, "/api-consumers": {}, "/policy-scopes": {}},
    }
).encode()
OPENAPI_YAML = b"""\
openapi: 3.1.0
info: {title: hub, version: "1"}
paths:
  /hubs:
    get: {}
  /api-consumers: {}
"""
SEED_PATHS = ("/hubs", "/hub-capability-manifests", "/api-consumers", "/policy-scopes")


@pytest.fixture
def apis() -> Iterator[str]:
    routes: dict[str, Any] = {
        "/openapi.json": Route(200, OPENAPI_JSON, {"Content-Type": "application/json"}),
        "/openapi.yaml": Route(200, OPENAPI_YAML, {"Content-Type": "application/yaml"}),
        "/broken.json": Route(200, b'{"openapi": "3.0.0" "paths": {}}', {"Content-Type": "application/json"}),
        "/broken.yaml": Route(200, b"openapi: [3\npaths: {", {"Content-Type": "text/yaml"}),
        "/nopaths.yaml": Route(200, b"openapi: 3.0.0\ninfo: {}\n"),
        "/html": Route(200, b"<html>hello</html>\n", {"Content-Type": "text/html"}),
        "/moved.json": Route(301, headers={"Location": "/openapi.json"}),
    }
    with http_server(routes) as (base, _):
        yield base


def require(*paths: str) -> list[str]:
    return [arg for path in paths for arg in ("--require", path)]


def test_openapi_json_all_present_in_one_call(apis: str) -> None:
    run = readiness("probe", "openapi", f"{apis}/openapi.json", *require(*SEED_PATHS))
    assert run.code == 0, run.stdout
    assert observations(run.record) == [
        (f"GET {apis}/openapi.json", "200", "200", True),
        ("OpenAPI document", "a JSON or YAML OpenAPI document with paths", "OpenAPI 3.0.3 (JSON), 4 paths", True),
        *[(f"OpenAPI lists {path}", "present", "present", True) for path in SEED_PATHS],
    ]
    assert run.record["summary"] == f"OpenAPI at {apis}/openapi.json lists 4 of 4 required paths"
    assert run.record["kind"] == "endpoint-verified"
    assert run.record["source"] == (
        f"readiness probe openapi {apis}/openapi.json --require /hubs --require /hub-capability-manifests "
        "--require /api-consumers --require /policy-scopes --timeout 10"
    )

    under = readiness("probe", "openapi", f"{apis}/moved.json", *require("/api/v2/hubs"))
    assert under.code == 0
    assert observations(under.record)[-1] == (
        "OpenAPI lists /api/v2/hubs",
        "present",
        "present as /hubs under server /api/v2",
        True,
    )


def test_openapi_yaml_some_missing(apis: str) -> None:
    run = readiness("probe", "openapi", f"{apis}/openapi.yaml", *require(*SEED_PATHS))
    assert run.code == 1
    assert observations(run.record)[1:] == [
        ("OpenAPI document", "a JSON or YAML OpenAPI document with paths", "OpenAPI 3.1.0 (YAML), 2 paths", True),
        ("OpenAPI lists /hubs", "present", "present", True),
        ("OpenAPI lists /hub-capability-manifests", "present", "missing", False),
        ("OpenAPI lists /api-consumers", "present", "present", True),
        ("OpenAPI lists /policy-scopes", "present", "missing", False),
    ]
    assert run.record["summary"] == (
        f"OpenAPI at {apis}/openapi.yaml lists 2 of 4 required paths; missing /hub-capability-manifests, /policy-scopes"
    )


@pytest.mark.parametrize(
    ("path", "problem"),
    [
        ("/broken.json", "not valid JSON: Expecting ',' delimiter at line 1 column 21"),
        ("/broken.yaml", "not valid YAML: did not find expected ',' or ']' at line 2 column 6"),
        ("/nopaths.yaml", "not an OpenAPI document: no paths mapping in the YAML"),
        ("/html", "not an OpenAPI document: the YAML is not a mapping"),
    ],
)
def test_openapi_malformed_documents(apis: str, path: str, problem: str) -> None:
    run = readiness("probe", "openapi", f"{apis}{path}", *require("/hubs"))
    assert run.code == 1
    assert observations(run.record)[1:] == [
        ("OpenAPI document", "a JSON or YAML OpenAPI document with paths", problem, False),
        ("OpenAPI lists /hubs", "present", "not checked: no document", False),
    ]
    assert run.record["summary"] == f"OpenAPI at {apis}{path} is not usable: {problem}"


def test_openapi_unreachable_and_usage(apis: str) -> None:
    run = readiness("probe", "openapi", f"{apis}/gone.json", *require("/hubs"))
    assert run.code == 1
    assert observations(run.record) == [
        (f"GET {apis}/gone.json", "200", "404", False),
        ("OpenAPI lists /hubs", "present", "not checked: no document", False),
    ]
    assert run.record["summary"] == f"OpenAPI at {apis}/gone.json: GET returned 404, expected 200"
    assert readiness("probe", "openapi", f"{apis}/openapi.json").code == 2  # --require is required
    assert readiness("probe", "openapi", f"{apis}/openapi.json", "--require", "hubs").code == 2


# -------------------------------------------------------------------- registry


@pytest.fixture(scope="module")
def registry(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Registry]:
    with docker_registry(tmp_path_factory.mktemp("registry"), USER, PASSWORD) as running:
        yield running


HANDSHAKE = "200, or 401 with a Bearer or Basic challenge"
CREDENTIALS = ("credentials from $PROBE_USER and $PROBE_PASSWORD", "both set", "both set", True)
ENV_OPTIONS = ("--user-env", "PROBE_USER", "--password-env", "PROBE_PASSWORD")


def test_registry_handshake(registry: Registry) -> None:
    run = readiness("probe", "registry", f"{registry.base}/v2/")
    assert run.code == 0, run.stdout
    record = run.record
    assert record["kind"] == "registry-verified" and record["result"] == "pass"
    assert observations(record) == [(f"GET {registry.base}/v2/", HANDSHAKE, "401 with a Basic challenge", True)]
    assert record["summary"] == f"registry at {registry.base}/v2/ answered 401 with a Basic challenge"
    assert "- Docker-Distribution-API-Version: registry/2.0" in record["details"]
    assert "- Challenge: Basic realm=probe-test" in record["details"]


def test_registry_wrong_credentials_fail(registry: Registry) -> None:
    env = {"PROBE_USER": USER, "PROBE_PASSWORD": "not-the-" + PASSWORD}
    run = readiness("probe", "registry", registry.base, *ENV_OPTIONS, env=env)
    assert run.code == 1
    assert observations(run.record) == [
        (f"GET {registry.base}/v2/", HANDSHAKE, "401 with a Basic challenge", True),
        CREDENTIALS,
        (f"GET {registry.base}/v2/ with the credentials", "200", "401", False),
    ]
    assert run.record["summary"] == f"registry at {registry.base}/v2/ did not accept the credentials (401)"
    assert_no_secret(run.stdout, run.stderr, secrets=(PASSWORD, "not-the-" + PASSWORD))


def test_registry_missing_credentials_fail(registry: Registry) -> None:
    run = readiness("probe", "registry", registry.base, *ENV_OPTIONS, env={"PROBE_USER": USER, "PROBE_PASSWORD": ""})
    assert run.code == 1
    assert observations(run.record)[1] == (
        "credentials from $PROBE_USER and $PROBE_PASSWORD",
        "both set",
        "$PROBE_PASSWORD not set",
        False,
    )
    assert readiness("probe", "registry", registry.base, "--user-env", "PROBE_USER").code == 2
    assert readiness("probe", "registry", registry.base, *ENV_OPTIONS, "--push-test", "Bad/Name").code == 2


def test_registry_right_credentials_pass(registry: Registry) -> None:
    run = readiness("probe", "registry", f"{registry.base}/v2", *ENV_OPTIONS, env=SECRET_ENV)
    assert run.code == 0, run.stdout
    assert observations(run.record) == [
        (f"GET {registry.base}/v2/", HANDSHAKE, "401 with a Basic challenge", True),
        CREDENTIALS,
        (f"GET {registry.base}/v2/ with the credentials", "200", "200", True),
    ]
    assert run.record["summary"] == (
        f"registry at {registry.base}/v2/ answered 401 with a Basic challenge and accepted the credentials"
    )
    assert run.record["source"] == (
        f"readiness probe registry {registry.base}/v2 --user-env PROBE_USER --password-env PROBE_PASSWORD --timeout 10"
    )
    assert_no_secret(run.stdout, run.stderr)


def push_test_steps(repo: str, deleted: tuple[str, str, str]) -> list[tuple[str, str, str, bool]]:
    manifest = json.dumps(
        {
            "annotations": {"org.opencontainers.image.description": "readiness probe push test"},
            "config": {"digest": sha256(CONFIG), "mediaType": "application/vnd.oci.image.config.v1+json", "size": 2},
            "layers": [
                {"digest": sha256(LAYER), "mediaType": "application/vnd.oci.image.layer.v1.tar", "size": len(LAYER)}
            ],
            "mediaType": OCI_MANIFEST,
            "schemaVersion": 2,
        },
        separators=(",", ":"),
    ).encode()
    api = f"/v2/{repo}"
    expected = "202, or deletes not supported"
    return [
        (f"POST {api}/blobs/uploads/ (config blob)", "202", "202", True),
        (f"PUT config blob {sha256(CONFIG)}", "201", "201", True),
        (f"POST {api}/blobs/uploads/ (layer blob)", "202", "202", True),
        (f"PUT layer blob {sha256(LAYER)}", "201", "201", True),
        (f"PUT {api}/manifests/readiness-probe", "201", "201", True),
        (
            f"GET {api}/blobs/{sha256(LAYER)}",
            f"200 with digest {sha256(LAYER)}",
            f"200 with digest {sha256(LAYER)}",
            True,
        ),
        (
            f"GET {api}/manifests/readiness-probe",
            f"200 with digest {sha256(manifest)}",
            f"200 with digest {sha256(manifest)}",
            True,
        ),
        (f"DELETE {api}/manifests/{sha256(manifest)}", expected, deleted[0], True),
        (f"DELETE {api}/blobs/{sha256(LAYER)}", expected, deleted[1], True),
        (f"DELETE {api}/blobs/{sha256(CONFIG)}", expected, deleted[2], True),
    ]


def test_registry_push_test(registry: Registry) -> None:
    from generator.probes.net import request
    from generator.probes.web import basic_auth

    repo = "ops-hub/readiness-probe"
    run = readiness("probe", "registry", registry.base, *ENV_OPTIONS, "--push-test", repo, env=SECRET_ENV)
    assert run.code == 0, run.stdout
    assert observations(run.record) == [
        (f"GET {registry.base}/v2/", HANDSHAKE, "401 with a Basic challenge", True),
        CREDENTIALS,
        (f"GET {registry.base}/v2/ with the credentials", "200", "200", True),
        *push_test_steps(repo, ("202", "202", "202")),
    ]
    assert run.record["summary"] == (
        f"registry at {registry.base}/v2/: push and pull of {repo} matched digests; the test content was deleted"
    )
    assert_no_secret(run.stdout, run.stderr)
    # Deleted for real: the registry no longer has the manifest or the layer.
    auth = {"Authorization": basic_auth(USER, PASSWORD)}
    gone = request("GET", f"{registry.base}/v2/{repo}/manifests/readiness-probe", timeout=5, headers=auth)
    assert gone.status == 404
    blob = request("GET", f"{registry.base}/v2/{repo}/blobs/{sha256(LAYER)}", timeout=5, headers=auth)
    assert blob.status == 404


def test_registry_push_test_where_deletes_are_unsupported(tmp_path: Path) -> None:
    """The same push test against a registry with deletes off: informational steps, still a pass."""
    repo = "probe/no-deletes"
    with docker_registry(tmp_path / "registry", USER, PASSWORD, delete=False) as running:
        run = readiness("probe", "registry", running.base, *ENV_OPTIONS, "--push-test", repo, env=SECRET_ENV)
    assert run.code == 0, run.stdout
    unsupported = "405: deletes not supported, left in place"
    assert observations(run.record)[3:] == push_test_steps(repo, (unsupported,) * 3)
    assert run.record["summary"].endswith("matched digests; deletes are not supported there")


def test_registry_push_test_with_bearer_tokens_per_scope(registry: Registry) -> None:
    """Like Gitea: each API call needs a token for its scope; the probe fetches one per scope."""
    repo = "probe/bearer"
    with bearer_front(registry, TOKEN) as front:
        run = readiness("probe", "registry", front.base, *ENV_OPTIONS, "--push-test", repo, env=SECRET_ENV)
    assert run.code == 0, run.stdout
    token_step = f"token from {front.base}/v2/token for"
    steps = push_test_steps(repo, ("202", "202", "202"))
    assert observations(run.record) == [
        (f"GET {front.base}/v2/", HANDSHAKE, "401 with a Bearer challenge", True),
        CREDENTIALS,
        (f"{token_step} *", "200 with a token", "200 with a token", True),
        (f"GET {front.base}/v2/ with the credentials", "200", "200", True),
        (f"{token_step} repository:{repo}:pull,push", "200 with a token", "200 with a token", True),
        *steps[:5],
        (f"{token_step} repository:{repo}:pull", "200 with a token", "200 with a token", True),
        *steps[5:7],
        (f"{token_step} repository:{repo}:delete", "200 with a token", "200 with a token", True),
        *steps[7:],
    ]
    assert sorted(front.issued.values()) == [
        "*",
        f"repository:{repo}:delete",
        f"repository:{repo}:pull",
        f"repository:{repo}:pull,push",
    ]
    assert_no_secret(run.stdout, run.stderr, secrets=(PASSWORD, TOKEN, *front.issued))


def test_registry_failures_are_records() -> None:
    port = free_port()
    run = readiness("probe", "registry", f"http://127.0.0.1:{port}/v2/")
    assert run.code == 1
    assert observations(run.record) == [(f"GET http://127.0.0.1:{port}/v2/", HANDSHAKE, "connection refused", False)]
    with http_server({"/v2/": Route(401, b"{}"), "/other/v2/": Route(404)}) as (base, _):
        no_challenge = readiness("probe", "registry", base)
        not_a_registry = readiness("probe", "registry", f"{base}/other")
    assert observations(no_challenge.record) == [
        (f"GET {base}/v2/", HANDSHAKE, "401 without a Bearer or Basic challenge", False)
    ]
    assert observations(not_a_registry.record) == [(f"GET {base}/other/v2/", HANDSHAKE, "404", False)]


@pytest.fixture
def bearer() -> Iterator[BearerRegistry]:
    with bearer_registry(USER, PASSWORD, TOKEN) as running:
        yield running


def test_registry_bearer_token_exchange(bearer: BearerRegistry) -> None:
    run = readiness("probe", "registry", f"{bearer.base}/v2/", *ENV_OPTIONS, env=SECRET_ENV)
    assert run.code == 0, run.stdout
    assert observations(run.record) == [
        (f"GET {bearer.base}/v2/", HANDSHAKE, "401 with a Bearer challenge", True),
        CREDENTIALS,
        (f"token from {bearer.base}/v2/token for *", "200 with a token", "200 with a token", True),
        (f"GET {bearer.base}/v2/ with the credentials", "200", "200", True),
    ]
    assert f"- Challenge: Bearer realm={bearer.base}/v2/token, scope=*, service=probe-test" in run.record["details"]
    sent = [headers.get("Authorization", "") for _, _, headers in bearer.server.requests]
    assert sent[-1] == f"Bearer {TOKEN}"
    assert_no_secret(run.stdout, run.stderr)

    wrong = readiness(
        "probe", "registry", bearer.base, *ENV_OPTIONS, env={"PROBE_USER": USER, "PROBE_PASSWORD": "x" + PASSWORD}
    )
    assert wrong.code == 1
    assert observations(wrong.record)[2:] == [
        (f"token from {bearer.base}/v2/token for *", "200 with a token", "401", False)
    ]
    assert wrong.record["summary"] == f"registry at {bearer.base}/v2/: the token exchange failed (401)"


# ------------------------------------------------------------ writing records

WRITE_CATALOG: dict[str, str | None] = {
    "data/gates.yaml": """\
        - id: T-G01
          title: First gate
          owners: [team-a]
          requirement: Something is true.
          aliases: [OLD-G01]
        """,
}


def test_write_records_that_validate(
    catalog_dir: Callable[..., Path], web: tuple[str, Any], bearer: BearerRegistry
) -> None:
    root = catalog_dir(WRITE_CATALOG)
    base, _ = web
    args = ("probe", "http", f"{base}/", "--about", "service:svc", "--about", "store:svc-db")
    first = readiness(*args, "--assess", "OLD-G01=ready", "--write", root=root)
    second = readiness(*args, "--write", root=root)
    third = readiness(*args, "--write", root=root)
    assert (first.code, second.code, third.code) == (0, 0, 0), first.stderr
    date = dt.datetime.now(dt.UTC).date().isoformat()
    stem = f"evidence/{date[:4]}/{date}-http-127-0-0-1"
    paths = [run.stdout.strip() for run in (first, second, third)]
    assert paths == [f"{stem}.yaml", f"{stem}-2.yaml", f"{stem}-3.yaml"]
    record = parse_record((root / paths[0]).read_text(encoding="utf-8"))
    assert record["about"] == ["service:svc", "store:svc-db"]
    assert record["assess"] == {"T-G01": "ready"}  # the alias written as the current id
    assert observations(record) == [(f"GET {base}/", "200", "200", True)]
    assert_fresh(record)
    text = (root / paths[0]).read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=../../schema/evidence.schema.json\n")
    assert re.search(r"^observed: \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", text, re.M)

    failing = readiness(
        "probe", "http", f"http://127.0.0.1:{free_port()}/", "--about", "service:svc", "--write", root=root
    )
    assert failing.code == 1 and failing.stdout.strip().endswith(".yaml")

    registry_run = readiness(
        "probe", "registry", bearer.base, *ENV_OPTIONS, "--about", "service:svc", "--write", root=root, env=SECRET_ENV
    )
    assert registry_run.code == 0

    validated = run_cli("validate", root=root)
    assert validated.code == 0, validated.stdout + validated.stderr
    assert "5 evidence records" in validated.stdout
    status = run_cli("status", "--json", root=root)
    assert status.code == 0
    assert_no_secret(tree_text(root), registry_run.stdout, registry_run.stderr)


def test_write_checks_references_before_probing(catalog_dir: Callable[..., Path], web: tuple[str, Any]) -> None:
    root = catalog_dir()
    base, server = web
    before = len(server.requests)
    run = readiness("probe", "http", f"{base}/", "--about", "service:nope", "--write", root=root)
    assert run.code == 2
    assert "--about service:nope: unknown service 'nope'" in run.stderr
    bad_form = readiness("probe", "http", f"{base}/", "--about", "thing:x", "--write", root=root)
    assert bad_form.code == 2
    assert len(server.requests) == before, "nothing was probed"
    assert not (root / "evidence").exists()


# ------------------------------------------------------------------------ plans


def write_plan(root: Path, text: str, name: str = "plan.yaml") -> Path:
    path = root / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def test_probe_run_with_a_plan(
    catalog_dir: Callable[..., Path], certs: Certs, apis: str, bearer: BearerRegistry
) -> None:
    root = catalog_dir(WRITE_CATALOG)
    (root / "certs").mkdir()
    (root / "certs" / "ca.pem").write_bytes(certs.ca.read_bytes())
    refused = free_port()
    with http_server({"/": Route(200, b"ok")}, tls=certs.context(certs.valid)) as (tls_base, _):
        tls_port = tls_base.rsplit(":", 1)[1]
        plan = write_plan(
            root,
            f"""\
            timeout: 5
            credentials:
              PROBE_USER: [{bearer.base}]
              PROBE_PASSWORD: [{bearer.base}]
            probes:
              - name: web
                probe: http
                url: {tls_base}/
                ca: certs/ca.pem
                about: [service:svc]
                assess_on_pass: {{OLD-G01: ready}}
                assess_on_fail: {{T-G01: partial}}
              - name: api
                probe: openapi
                url: {apis}/openapi.json
                require: [/hubs, /policy-scopes]
              - name: cert
                probe: tls
                host: 127.0.0.1:{tls_port}
                ca: certs/ca.pem
                min_days: 30
              - name: registry
                probe: registry
                url: {bearer.base}/v2/
                user_env: PROBE_USER
                password_env: PROBE_PASSWORD
              - name: down
                probe: http
                url: http://127.0.0.1:{refused}/
                timeout: 1
                assess_on_pass: {{T-G01: ready}}
                assess_on_fail: {{T-G01: blocked}}
            """,
        )
        run = readiness("probe", "run", str(plan), root=root, env=SECRET_ENV)
    assert run.code == 1, run.stdout + run.stderr
    date = dt.datetime.now(dt.UTC).date().isoformat()
    lines = run.stdout.splitlines()
    assert [line.split("  ")[:2] for line in lines] == [
        ["pass", f"evidence/{date[:4]}/{date}-web.yaml"],
        ["pass", f"evidence/{date[:4]}/{date}-api.yaml"],
        ["pass", f"evidence/{date[:4]}/{date}-cert.yaml"],
        ["pass", f"evidence/{date[:4]}/{date}-registry.yaml"],
        ["fail", f"evidence/{date[:4]}/{date}-down.yaml"],
    ]
    assert lines[4].endswith(f"GET http://127.0.0.1:{refused}/ failed: connection refused")
    assert run.stderr.strip().endswith("5 probes: 4 passed, 1 failed")
    records = {
        name: parse_record((root / f"evidence/{date[:4]}/{date}-{name}.yaml").read_text(encoding="utf-8"))
        for name in ("web", "api", "cert", "registry", "down")
    }
    assert records["web"]["about"] == ["service:svc"]
    assert records["web"]["assess"] == {"T-G01": "ready"}
    assert records["down"]["assess"] == {"T-G01": "blocked"}
    assert "assess" not in records["api"]
    assert (
        records["web"]["source"]
        == f"readiness probe http {tls_base}/ --expect 200 --method GET --ca {os.path.relpath(root / 'certs/ca.pem')} --timeout 5"
    )
    assert records["down"]["source"].endswith("--timeout 1")
    assert records["cert"]["observations"][3]["expected"] == "at least 30"
    assert "- Probe `web` of the plan `plan.yaml`" in records["web"]["details"]
    assert [r["kind"] for r in records.values()] == [
        "endpoint-verified",
        "endpoint-verified",
        "tls-verified",
        "registry-verified",
        "endpoint-verified",
    ]
    validated = run_cli("validate", root=root)
    assert validated.code == 0, validated.stdout + validated.stderr
    assert_no_secret(run.stdout, run.stderr, tree_text(root))

    again = readiness("probe", "run", str(plan), root=root, env=SECRET_ENV)  # the same second or not: new files
    assert again.code == 1
    assert len(list((root / "evidence" / date[:4]).glob("*.yaml"))) == 10


def test_probe_run_rejects_a_broken_plan(catalog_dir: Callable[..., Path]) -> None:
    root = catalog_dir()
    plan = write_plan(
        root,
        """\
        probes:
          - name: one
            probe: http
            url: http://127.0.0.1:9/
            min_days: 3
          - name: one
            probe: tls
            host: "a:b:c"
          - name: three
            probe: openapi
            url: http://127.0.0.1:9/
          - name: four
            probe: registry
            url: http://127.0.0.1:9/
            user_env: ONLY_USER
            pasword_env: TYPO
        """,
    )
    run = readiness("probe", "run", str(plan), root=root)
    assert run.code == 2
    assert run.stderr.splitlines()[:4] == [
        "plan.yaml:2:5: min_days: not a field of an http probe (it takes expect, follow_redirects, method, url) (probes[0])",
        "plan.yaml:6:5: host a:b:c: put an IPv6 address in brackets, e.g. [::1]:443 (probes[1])",
        "plan.yaml:9:5: an openapi probe needs require (probes[2])",
        "plan.yaml:16:5: unknown field 'pasword_env': did you mean 'password_env'? (probes[3].pasword_env)",
    ]
    duplicate = write_plan(
        root,
        """\
        probes:
          - {name: one, probe: http, url: "http://127.0.0.1:9/"}
          - {name: one, probe: http, url: "http://127.0.0.1:9/"}
        """,
        "duplicate.yaml",
    )
    run = readiness("probe", "run", str(duplicate), root=root)
    assert run.code == 2
    assert "duplicate.yaml:3:12: duplicate probe name 'one' (first is probes[0]) (probes[1].name)" in run.stderr
    unknown = write_plan(
        root,
        """\
        probes:
          - name: one
            probe: http
            url: http://127.0.0.1:9/
            about: [service:svc, service:nope]
            assess_on_pass: {T-G99: ready}
        """,
        "unknown.yaml",
    )
    run = readiness("probe", "run", str(unknown), root=root)
    assert run.code == 2
    assert run.stderr.splitlines()[:2] == [
        "unknown.yaml:5:26: unknown service 'nope' (probes[0].about[1])",
        "unknown.yaml:6:22: unknown gate 'T-G99' (probes[0].assess_on_pass.T-G99)",
    ]
    assert not (root / "evidence").exists()


def test_probe_run_without_a_plan(catalog_dir: Callable[..., Path]) -> None:
    root = catalog_dir()
    run = readiness("probe", "run", root=root)
    assert run.code == 0
    assert "no probe plan at" in run.stderr and "nothing to probe" in run.stderr
    assert readiness("probe", "run", str(root / "missing.yaml"), root=root).code == 2


def test_the_shipped_plan_is_valid_without_probing() -> None:
    """data/probes.yaml validates and its references resolve in the shipped catalog; it is never run here."""
    path = REPO / "data" / "probes.yaml"
    plan = load_plan(REPO, path)
    assert isinstance(plan, Plan)
    entries = resolve_plan(REPO, path, plan, load_catalog(REPO))
    by_probe = {entry.probe: entry for entry in entries}
    assert by_probe["http"].url == "https://gitea.coulomb.social/"
    assert by_probe["registry"].url == "https://gitea.coulomb.social/v2/"
    assert by_probe["registry"].push_test == "ops-hub/readiness-probe"
    assert (by_probe["registry"].user_env, by_probe["registry"].password_env) == (
        "GITEA_REGISTRY_USER",
        "GITEA_REGISTRY_TOKEN",
    )
    assert (by_probe["tls"].host, by_probe["tls"].min_days) == ("gitea.coulomb.social:443", 14)
    assert "openapi" not in by_probe, "the Inter-Hub host is not named in the seed: only a commented-out example"
    assert "# - name: inter-hub-openapi" in path.read_text(encoding="utf-8")


# ---------------------------------------------------------------- small parts


def test_defaults_in_the_cli_are_the_probes() -> None:
    from generator.probes import tls
    from generator.probes.base import DEFAULT_TIMEOUT

    command = probe.get_command(click.Context(probe), "tls")
    assert command is not None
    params = {param.name: param for param in command.params}
    assert params["min_days"].default == tls.DEFAULT_MIN_DAYS
    assert params["timeout"].default == DEFAULT_TIMEOUT


def test_every_text_of_a_record_is_scrubbed_of_the_secrets() -> None:
    from generator.probes.record import Outcome, Secrets, Step, probe_record
    from generator.records.recordfile import render_evidence

    secrets = Secrets()
    secrets.add(PASSWORD)
    secrets.add("abc")  # too short to scrub safely; no step records it anyway
    outcome = Outcome(
        kind="endpoint-verified",
        name="x",
        summary=f"saw {PASSWORD}",
        command=["readiness", "probe", "http", f"http://u:{PASSWORD}@127.0.0.1/?sig={PASSWORD}"],
        observed=dt.datetime(2026, 6, 14, 9, 30, tzinfo=dt.UTC),
        steps=[Step(f"check {PASSWORD}", PASSWORD, f"actual {PASSWORD}\nsecond line", True)],
        details=[f"- {PASSWORD}"],
        secrets=secrets,
    )
    text = render_evidence(probe_record(outcome))
    assert PASSWORD not in text
    record = parse_record(text)
    assert record["summary"] == "saw REDACTED"
    assert observations(record) == [("check REDACTED", "REDACTED", "actual REDACTED second line", True)]
    assert record["source"] == "readiness probe http 'http://127.0.0.1/?sig=REDACTED'"
    assert record["observed"] == dt.datetime(2026, 6, 14, 9, 30, tzinfo=dt.UTC)
    assert "\nobserved: 2026-06-14T09:30:00Z\n" in text


@pytest.mark.parametrize("ci", ["true", ""])
def test_a_missing_docker_registry_skips_loudly_or_fails_under_ci(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, ci: str
) -> None:
    from tests import probe_servers

    monkeypatch.setattr(probe_servers, "DOCKER_REGISTRY", tmp_path / "docker-registry")
    monkeypatch.setenv("CI", ci)
    expected = pytest.fail.Exception if ci == "true" else pytest.skip.Exception
    with pytest.raises(expected, match="apt-get install docker-registry"):
        probe_servers.require_docker_registry()
