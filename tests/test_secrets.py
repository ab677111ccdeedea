"""Secrets never reach the site or the terminal; hidden characters and limits are reported."""

from __future__ import annotations

import hashlib
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from generator.records.secrets import fingerprint
from tests.conftest import REPO, Result

Cli = Callable[..., Result]
MakeCatalog = Callable[..., Path]

# Each value is shaped like a real credential of its kind but was made up for this test.
SECRETS = [
    pytest.param(
        "key: |\n  -----BEGIN RSA PRIVATE KEY-----\n  MIIEow\n", "private key", "-----BEGIN", id="private-key"
    ),
    pytest.param("aws_key: AKIAZZZZ3EXAMPLE7Q2W\n", "AWS access key", "AKIAZZZZ3EXAMPLE7Q2W", id="aws"),
    pytest.param(
        "gh: ghp_Zq8Jm2Kx7Vb4Nc1Lp9Rt6Ws3Yd5Fh0Ga2Ek4\n",
        "GitHub token",
        "ghp_Zq8Jm2Kx7Vb4Nc1Lp9Rt6Ws3Yd5Fh0Ga2Ek4",
        id="github",
    ),
    pytest.param("gl: glpat-Zq8Jm2Kx7Vb4Nc1Lp9Rt\n", "GitLab token", "glpat-Zq8Jm2Kx7Vb4Nc1Lp9Rt", id="gitlab"),
    pytest.param("slack: xoxb-2048-Zq8Jm2Kx7Vb4Nc1\n", "Slack token", "xoxb-2048-Zq8Jm2Kx7Vb4Nc1", id="slack"),
    pytest.param(
        "jwt: eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJvcHMtaHViIn0.Zq8Jm2Kx7Vb4Nc1Lp9Rt6Ws3Yd5\n",
        "JSON web token",
        "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJvcHMtaHViIn0.Zq8Jm2Kx7Vb4Nc1Lp9Rt6Ws3Yd5",
        id="jwt",
    ),
    pytest.param(
        "url: https://deploy:Pr0d-Pa55word@registry.example/v2/\n",
        "password in URL",
        "Pr0d-Pa55word",
        id="url-password",
    ),
    pytest.param(
        "cmd: docker login -u ops -p Zq8Jm2Kx7Vb4 registry.example\n",
        "docker login password",
        "Zq8Jm2Kx7Vb4",
        id="docker-login",
    ),
    pytest.param(
        'config: \'{"auths": {"registry.example": {"auth": "b3BzOlpxOEptMkt4N1Zi"}}}\'\n',
        "Docker config auth",
        "b3BzOlpxOEptMkt4N1Zi",
        id="docker-config",
    ),
    pytest.param(
        "kube: |\n  client-key-data: LS0tLS1CRUdJTiBFQyBQUklWQVRFIEtFWS0t\n",
        "kubeconfig client key",
        "LS0tLS1CRUdJTiBFQyBQUklWQVRFIEtFWS0t",
        id="kubeconfig-key",
    ),
    pytest.param(
        "kube: |\n  token: Zq8Jm2Kx7Vb4Nc1Lp9Rt\n",
        "password, secret or token",
        "Zq8Jm2Kx7Vb4Nc1Lp9Rt",
        id="kubeconfig-token",
    ),
    pytest.param(
        "header: 'Authorization: token 0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c'\n",
        "registry or HTTP authorization",
        "0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c",
        id="gitea-token",
    ),
    pytest.param(
        "details: 'db_password = Summer2024!'\n", "password, secret or token", "Summer2024!", id="password-key"
    ),
    pytest.param(
        "details: 'client_secret: 9fQ2xL7mB4vN8'\n", "password, secret or token", "9fQ2xL7mB4vN8", id="secret-key"
    ),
]


def record(extra: str) -> str:
    return "observed: 2026-06-14\nkind: note\nsummary: Pasted by mistake\n" + extra


def located(result: Result, path: str) -> list[str]:
    return [line for line in result.stdout.splitlines() if line.startswith(path + ":")]


@pytest.mark.parametrize(("text", "kind", "secret"), SECRETS)
def test_each_secret_kind_is_rejected_at_its_place_and_never_printed(
    cli: Cli, catalog_dir: MakeCatalog, text: str, kind: str, secret: str
) -> None:
    root = catalog_dir({"evidence/2026/leak.yaml": record(text)})
    result = cli("validate", root=root)
    assert result.code == 1
    lines = [line for line in located(result, "evidence/2026/leak.yaml") if "possible" in line]
    assert len(lines) == 1, result.stdout
    line_no, column = _position(record(text), secret)
    assert lines[0].startswith(f"evidence/2026/leak.yaml:{line_no}:{column}: possible {kind} '{secret[:4]}…'")
    assert fingerprint(secret) in lines[0] or kind == "private key"
    _assert_not_leaked(secret, result)
    # The build refuses too, and writes nothing.
    build = cli("build", "--site-dir", str(root / "site"), root=root)
    assert build.code == 1 and not (root / "site").exists()
    _assert_not_leaked(secret, build)


def _position(text: str, secret: str) -> tuple[int, int]:
    start = text.index(secret)
    return text.count("\n", 0, start) + 1, start - (text.rfind("\n", 0, start) + 1) + 1


def _assert_not_leaked(secret: str, result: Result) -> None:
    shown = secret[:4]
    rest = secret[4:]
    assert rest not in result.stdout and rest not in result.stderr, "the secret was printed"
    assert shown  # only the first 4 characters may be shown


def test_secret_in_a_text_attachment(cli: Cli, catalog_dir: MakeCatalog) -> None:
    log = b"pushing...\nlogin with ghp_Zq8Jm2Kx7Vb4Nc1Lp9Rt6Ws3Yd5Fh0Ga2Ek4 ok\n"
    digest = hashlib.sha256(log).hexdigest()
    root = catalog_dir(
        {"evidence/2026/run.yaml": record(f"attachments:\n  - path: files/run.log\n    sha256: {digest}\n")}
    )
    (root / "evidence" / "files").mkdir(parents=True)
    (root / "evidence" / "files" / "run.log").write_bytes(log)
    result = cli("validate", root=root)
    assert result.code == 1
    assert located(result, "evidence/files/run.log") == [
        f"evidence/files/run.log:2:12: possible GitHub token 'ghp_…' (fingerprint "
        f"{fingerprint('ghp_Zq8Jm2Kx7Vb4Nc1Lp9Rt6Ws3Yd5Fh0Ga2Ek4')}): remove it and rotate it; if it is not a secret, "
        "add the fingerprint with a reason to data/allowed-secrets.yaml"
    ]
    _assert_not_leaked("ghp_Zq8Jm2Kx7Vb4Nc1Lp9Rt6Ws3Yd5Fh0Ga2Ek4", result)


def test_reviewed_fingerprints_allow_a_false_positive_narrowly(cli: Cli, catalog_dir: MakeCatalog) -> None:
    example = "AKIAZZZZ3EXAMPLE7Q2W"
    files = {
        "evidence/2026/doc.yaml": record(f"details: 'The docs use {example} as an example key.'\n"),
        "evidence/2026/other.yaml": record(f"details: 'Copied {example} again.'\n"),
        "data/allowed-secrets.yaml": (
            f"- fingerprint: {fingerprint(example)}\n  path: evidence/2026/doc.yaml\n"
            "  reason: AWS's documented example key, reviewed by ops\n"
        ),
    }
    result = cli("validate", root=catalog_dir(files))
    assert result.code == 1
    assert not located(result, "evidence/2026/doc.yaml")
    assert len(located(result, "evidence/2026/other.yaml")) == 1
    unscoped = dict(files)
    unscoped["data/allowed-secrets.yaml"] = f"- fingerprint: {fingerprint(example)}\n  reason: documented example\n"
    assert cli("validate", root=catalog_dir(unscoped)).code == 0


def test_an_allowed_entry_needs_a_reason(cli: Cli, catalog_dir: MakeCatalog) -> None:
    root = catalog_dir({"data/allowed-secrets.yaml": "- fingerprint: 0123456789abcdef01234567\n"})
    result = cli("validate", root=root)
    assert result.code == 1
    assert result.stdout.startswith("data/allowed-secrets.yaml:1:3: missing required field 'reason'")


def test_prose_and_placeholders_are_not_secrets(cli: Cli, catalog_dir: MakeCatalog) -> None:
    text = record(
        "details: |\n"
        "  The registry token was rotated; password: rotated by ops.\n"
        "  Use `docker login -u ops -p $REGISTRY_TOKEN` with token: ${GITEA_TOKEN}.\n"
        "  Commit 0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c fixed it, see https://gitea.example/ops/hub.\n"
    )
    result = cli("validate", root=catalog_dir({"evidence/2026/prose.yaml": text}))
    assert result.code == 0, result.stdout


def test_a_secret_in_a_bad_value_is_masked_in_other_messages(cli: Cli, catalog_dir: MakeCatalog) -> None:
    secret = "ghp_Zq8Jm2Kx7Vb4Nc1Lp9Rt6Ws3Yd5Fh0Ga2Ek4"
    root = catalog_dir({"data/repos.yaml": f"- id: {secret}\n"})
    result = cli("validate", root=root)
    assert result.code == 1
    assert "'ghp_…' is not a valid id" in result.stdout
    _assert_not_leaked(secret, result)


@pytest.mark.parametrize(
    ("char", "kind"),
    [
        ("\u202e", "a bidirectional control character U+202E (RIGHT-TO-LEFT OVERRIDE)"),
        ("\u200b", "a zero-width character U+200B (ZERO WIDTH SPACE)"),
    ],
)
def test_hidden_characters_are_flagged(cli: Cli, catalog_dir: MakeCatalog, char: str, kind: str) -> None:
    root = catalog_dir({"evidence/2026/hidden.yaml": record(f"details: 'approved{char}by ops'\n")})
    result = cli("validate", root=root)
    assert result.code == 1
    assert located(result, "evidence/2026/hidden.yaml") == [
        f"evidence/2026/hidden.yaml:4:19: {kind} can make text read differently than it is: remove it"
    ]


def test_field_limits(cli: Cli, catalog_dir: MakeCatalog) -> None:
    dense = record("details: '" + "[" * 501 + "'\n")
    result = cli("validate", root=catalog_dir({"evidence/2026/dense.yaml": dense}))
    assert result.code == 1
    assert "has 501 '[' characters, more than 500" in result.stdout
    long = record("").replace("Pasted by mistake", "x" * 501)
    result = cli("validate", root=catalog_dir({"evidence/2026/long.yaml": long}))
    assert result.code == 1
    assert re.search(r"long.yaml:3:10: .* is too long: at most 500 characters \(summary\)", result.stdout)


def test_scanning_the_shipped_data_finds_nothing(cli: Cli, tmp_path: Path) -> None:
    root = tmp_path / "repo"
    shutil.copytree(REPO / "data", root / "data")
    shutil.copytree(REPO / "evidence", root / "evidence")
    assert cli("validate", root=root).code == 0


def test_the_probe_plan_is_validated_and_scanned(cli: Cli, catalog_dir: MakeCatalog) -> None:
    plan = "probes:\n  - name: registry\n    probe: http\n    url: https://ops:Pr0d-Pa55word@registry.example/v2/\n"
    result = cli("validate", root=catalog_dir({"data/probes.yaml": plan}))
    assert result.code == 1
    assert next(line for line in located(result, "data/probes.yaml") if "possible" in line).startswith(
        "data/probes.yaml:4:22: possible password in URL 'Pr0d…'"
    )
    _assert_not_leaked("Pr0d-Pa55word", result)
    typo = cli(
        "validate", root=catalog_dir({"data/probes.yaml": "probes:\n  - name: x\n    probe: http\n    knd: y\n"})
    )
    assert typo.code == 1 and "data/probes.yaml:4:5: unknown field 'knd'" in typo.stdout
