"""Secrets are found in what a value IS, not only in how the file spells it.

YAML escapes, folded and wrapped scalars, keys, attachments in UTF-16/32, JSON
escapes, base64 (Kubernetes Secrets, kubectl output, a PEM ``tls.key``, a log
line), PNG text chunks and PDF streams; binary content that cannot be scanned
is refused. Every secret below is made up for these tests, shaped like a real
one of its kind.
"""

from __future__ import annotations

import base64
import hashlib
import json
import struct
import zlib
from collections.abc import Callable
from pathlib import Path

import pytest

from generator.errors import Problem, ValidationFailed
from generator.records import yamlstrict
from generator.records.loader import load_catalog
from generator.records.scantext import decode_text, scan_attachment
from generator.records.secrets import fingerprint
from tests.conftest import Result

Cli = Callable[..., Result]
MakeCatalog = Callable[..., Path]

GITHUB = "ghp_Zq8Jm2Kx7Vb4Nc1Lp9Rt6Ws3Yd5Fh0Ga2Ek4"
PEM = "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAzq8Jm2Kx7Vb4Nc1Lp9Rt6Ws3Yd5Fh0\n-----END RSA PRIVATE KEY-----\n"
CERTIFICATE = "-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUZq8Jm2Kx7Vb4Nc1Lp9Rt6Ws3\n-----END CERTIFICATE-----\n"
SHA256 = "f7f3f511a0bfb7ff7b111b6e216ee2acba4d6fc3a4ab060b5c439c4bcd8f6e3a"
RECORD = "evidence/2026/leak.yaml"
HEAD = "observed: 2026-06-14\nkind: note\nsummary: Pasted by mistake\n"
"""Three lines: what a case adds starts on line 4."""


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def escaped(text: str, form: str) -> str:
    """``text`` with every character written as a YAML/JSON escape of ``form`` (x, u or U)."""
    width = {"x": 2, "u": 4, "U": 8}[form]
    return "".join(f"\\{form}{ord(c):0{width}x}" for c in text)


def problems(root: Path) -> list[Problem]:
    with pytest.raises(ValidationFailed) as failed:
        load_catalog(root)
    return failed.value.problems


def secrets_in(found: list[Problem], path: str) -> list[Problem]:
    return [p for p in found if p.path == path and p.message.startswith("possible ")]


def assert_masked(found: list[Problem], secret: str) -> None:
    """No message shows more than the first 4 characters of the secret."""
    for problem in found:
        for start in range(len(secret) - 4):
            assert secret[start : start + 5] not in str(problem), problem


def with_attachment(name: str, data: bytes, extra: str = "") -> dict[str, str | None]:
    """A record attaching ``evidence/files/<name>`` (path at 5:11 of the record)."""
    digest = hashlib.sha256(data).hexdigest()
    return {RECORD: HEAD + f"attachments:\n  - path: files/{name}\n    sha256: {digest}\n" + extra}


def attach(catalog_dir: MakeCatalog, name: str, data: bytes) -> Path:
    root = catalog_dir(with_attachment(name, data))
    target = root / "evidence" / "files" / name
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    return root


# ------------------------------------------------------------------ record files

RECORD_CASES = [
    pytest.param(f'details: "deploy {escaped(GITHUB[:8], "x")}{GITHUB[8:]}"\n', "GitHub token", GITHUB, 4, 10, id="x"),
    pytest.param(f'details: "{escaped(GITHUB[:5], "u")}{GITHUB[5:]}"\n', "GitHub token", GITHUB, 4, 10, id="u"),
    pytest.param(f'details: "{escaped(GITHUB[:3], "U")}{GITHUB[3:]}"\n', "GitHub token", GITHUB, 4, 10, id="U"),
    pytest.param(
        "details: >\n  key follows\n  -----BEGIN RSA\n  PRIVATE KEY-----\n  MIIEow\n",
        "private key",
        None,
        4,
        10,
        id="folded",
    ),
    pytest.param(
        "details: run docker login -u ops\n  -p Zq8Jm2Kx7Vb4 registry.example\n",
        "docker login password",
        "Zq8Jm2Kx7Vb4",
        4,
        10,
        id="wrapped-plain",
    ),
    pytest.param(
        'details: "-----BEGIN OPENSSH\n  PRIVATE KEY-----\n  b3BlbnNzaC1rZXktdjEAAAAA"\n',
        "private key",
        None,
        4,
        10,
        id="wrapped-quoted",
    ),
    pytest.param(
        f'details: "{GITHUB[:11]}\\\n  {GITHUB[11:25]}\\\n  {GITHUB[25:]}"\n',
        "GitHub token",
        GITHUB,
        4,
        10,
        id="line-continuation",
    ),
    pytest.param(
        "observations:\n  - {check: login, expected: ok, ok: true, " + f'"{escaped("pass", "x")}word": Summer2024!}}\n',
        "password, secret or token",
        "Summer2024!",
        5,
        44,
        id="key",
    ),
    pytest.param(
        "details: 'it''s token: ''Zq8Jm2Kx7Vb4Nc1'''\n",
        "password, secret or token",
        "Zq8Jm2Kx7Vb4Nc1",
        4,
        10,
        id="single-quotes",
    ),
]


@pytest.mark.parametrize(("extra", "kind", "secret", "line", "column"), RECORD_CASES)
def test_secrets_hidden_by_yaml_spelling_are_found_at_their_value(
    catalog_dir: MakeCatalog, extra: str, kind: str, secret: str | None, line: int, column: int
) -> None:
    root = catalog_dir({RECORD: HEAD + extra})
    found = problems(root)
    leaks = secrets_in(found, RECORD)
    assert [(p.line, p.column) for p in leaks] == [(line, column)], found
    assert leaks[0].message.startswith(f"possible {kind} '")
    if secret is not None:
        assert f"'{secret[:4]}…'" in leaks[0].message
        assert fingerprint(secret) in leaks[0].message
        assert_masked(found, secret)


def test_the_raw_text_still_finds_comments_and_plain_values(catalog_dir: MakeCatalog) -> None:
    text = HEAD + f"# {GITHUB}\ndetails: 'token: Zq8Jm2Kx7Vb4Nc1'\n"
    found = secrets_in(problems(catalog_dir({RECORD: text})), RECORD)
    assert [(p.line, p.column, p.message.split("'")[1]) for p in found] == [(4, 3, "ghp_…"), (5, 18, "Zq8J…")]


@pytest.mark.parametrize(
    "extra",
    [
        pytest.param('details: "token: Zq8Jm2Kx7Vb4Nc1\\nnext line"\n', id="escaped-newline"),
        pytest.param('details: "-----BEGIN RSA PRIVATE KEY-----\\nMIIEow"\n', id="escaped-pem"),
        pytest.param(f'details: "found {GITHUB}\\tagain"\n', id="tab"),
        pytest.param(f"details: >\n  found {GITHUB}\n  in the log\n", id="folded"),
    ],
)
def test_a_secret_both_scans_see_is_reported_once(catalog_dir: MakeCatalog, extra: str) -> None:
    found = secrets_in(problems(catalog_dir({RECORD: HEAD + extra})), RECORD)
    assert len(found) == 1, found


def test_the_same_secret_twice_in_one_value_is_two_places(catalog_dir: MakeCatalog) -> None:
    extra = f'details: "{GITHUB} and {escaped("g", "x")}{GITHUB[1:]}"\n'
    found = secrets_in(problems(catalog_dir({RECORD: HEAD + extra})), RECORD)
    assert [(p.line, p.column) for p in found] == [(4, 10), (4, 11)]


def test_the_same_secret_far_apart_on_one_line_is_two_places(catalog_dir: MakeCatalog) -> None:
    filler = "word " * 40
    extra = f'details: "{GITHUB} {filler}{escaped("g", "x")}{GITHUB[1:]}"\n'
    found = secrets_in(problems(catalog_dir({RECORD: HEAD + extra})), RECORD)
    assert [(p.line, p.column) for p in found] == [(4, 10), (4, 11)]
    newlines = '"\\n", ' * 100
    line = f'["{GITHUB}", {newlines}"{escaped("g", "u")}{GITHUB[1:]}"]\n'
    scanned = scan_attachment("x.json", line.encode(), text_by_name=True)
    assert [(f.line, f.column) for f in scanned.findings] == [(1, 3), (1, line.index('"\\u0067') + 1)]


def test_escaped_and_folded_harmless_text_passes(catalog_dir: MakeCatalog) -> None:
    extra = (
        f'details: "caf\\u00e9 \\x41\\U0001F600 sha256 {SHA256}\\nrotated: yes"\n'
        "observations:\n  - check: >-\n      the token was\n      rotated by ops\n    ok: true\n"
    )
    load_catalog(catalog_dir({RECORD: HEAD + extra}))


# ------------------------------------------------------------------- attachments

LOG = f"pushing...\nlogin with {GITHUB} ok\n"


@pytest.mark.parametrize(
    "encoding", ["utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be", "utf-8-sig"]
)
def test_text_attachments_in_any_unicode_encoding(catalog_dir: MakeCatalog, encoding: str) -> None:
    """With a BOM (utf-16, utf-32, utf-8-sig) or without one (told by the NUL bytes);
    .out is not a text name: the content alone says it is text."""
    data = LOG.encode(encoding)
    found = problems(attach(catalog_dir, "run.out", data))
    assert [(p.line, p.column, p.message.split("'")[1]) for p in secrets_in(found, "evidence/files/run.out")] == [
        (2, 12, "ghp_…")
    ]
    assert decode_text(data) == LOG


def test_json_attachment_escapes_are_decoded(catalog_dir: MakeCatalog) -> None:
    document = {"deploy": {"gh": GITHUB, "key": PEM}}
    text = json.dumps(document, indent=2).replace(GITHUB, escaped(GITHUB[:6], "u") + GITHUB[6:])
    found = problems(attach(catalog_dir, "deploy.json", text.encode()))
    leaks = secrets_in(found, "evidence/files/deploy.json")
    assert [(p.line, p.column, p.message.split("'")[0]) for p in leaks] == [
        (3, 11, "possible GitHub token "),
        (4, 13, "possible private key "),
    ]
    assert_masked(found, GITHUB)


def kubernetes_secret(data: dict[str, str]) -> str:
    lines = "".join(f"  {key}: {b64(value)}\n" for key, value in data.items())
    return f"apiVersion: v1\nkind: Secret\nmetadata:\n  name: registry\ntype: Opaque\ndata:\n{lines}"


def test_kubernetes_secret_yaml_base64_values_are_decoded(catalog_dir: MakeCatalog) -> None:
    manifest = kubernetes_secret(
        {"greeting": "hello world from ops", "tls.key": PEM, "ca.crt": CERTIFICATE, "deploy.env": f"GH={GITHUB}\n"}
    )
    found = problems(attach(catalog_dir, "secret.yaml", manifest.encode()))
    leaks = secrets_in(found, "evidence/files/secret.yaml")
    assert [(p.line, p.column, p.message.split("'")[0]) for p in leaks] == [
        (8, 12, "possible private key "),
        (10, 15, "possible GitHub token "),
    ]
    assert_masked(found, GITHUB)


def test_kubectl_json_output_base64_data_is_decoded(catalog_dir: MakeCatalog) -> None:
    output = {
        "apiVersion": "v1",
        "data": {
            "greeting": b64("hello world from ops"),
            "registry": b64("https://deploy:Pr0d-Pa55word@registry.example/v2/"),
        },
        "kind": "Secret",
        "metadata": {"name": "registry", "uid": "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"},
    }
    found = problems(attach(catalog_dir, "secret.json", json.dumps(output, indent=4).encode()))
    leaks = secrets_in(found, "evidence/files/secret.json")
    assert [(p.line, p.column, p.message.split("'")[:2]) for p in leaks] == [
        (5, 22, ["possible password in URL ", "Pr0d…"])
    ]
    assert_masked(found, "Pr0d-Pa55word")


def test_kubectl_yaml_output_with_folded_and_quoted_values(catalog_dir: MakeCatalog) -> None:
    key = b64(PEM)
    output = (
        "apiVersion: v1\ndata:\n"
        f'  tls.crt: "{b64(CERTIFICATE)}"\n'
        f"  tls.key: >-\n    {key[:40]}\n    {key[40:]}\n"
        "kind: Secret\nmetadata:\n  name: tls\n  annotations:\n"
        f'    note: "{escaped("gh", "x")}{GITHUB[2:]}"\n'
    )
    found = secrets_in(problems(attach(catalog_dir, "tls.yml", output.encode())), "evidence/files/tls.yml")
    assert [(p.line, p.column, p.message.split("'")[0]) for p in found] == [
        (4, 12, "possible private key "),
        (11, 11, "possible GitHub token "),
    ]


def test_yaml_attachment_aliases_never_expand(catalog_dir: MakeCatalog) -> None:
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n"
        for i in range(20)
    )
    bomb += f'z: "{escaped("g", "x")}{GITHUB[1:]}"\n'
    found = secrets_in(problems(attach(catalog_dir, "bomb.yaml", bomb.encode())), "evidence/files/bomb.yaml")
    assert [(p.line, p.column) for p in found] == [(22, 4)]


def test_base64_in_a_log_line_is_decoded(catalog_dir: MakeCatalog) -> None:
    log = f"2026-06-14 ok {SHA256}\n2026-06-14 env {b64('DEPLOY_KEY=' + GITHUB)} sent\n"
    found = secrets_in(problems(attach(catalog_dir, "deploy.log", log.encode())), "evidence/files/deploy.log")
    assert [(p.line, p.column, p.message.split("'")[0]) for p in found] == [(2, 16, "possible GitHub token ")]


def png(*chunks: tuple[bytes, bytes]) -> bytes:
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0))
    pixels = chunk(b"IDAT", zlib.compress(b"\0\0"))
    return b"\x89PNG\r\n\x1a\n" + header + b"".join(chunk(k, b) for k, b in chunks) + pixels + chunk(b"IEND", b"")


def test_png_text_chunks_are_scanned(catalog_dir: MakeCatalog) -> None:
    compressed = png((b"zTXt", b"Comment\0\0" + zlib.compress(f"deploy with {GITHUB}".encode())))
    found = problems(attach(catalog_dir, "shot.png", compressed))
    assert [(p.line, p.column, p.message.split("'")[0]) for p in secrets_in(found, "evidence/files/shot.png")] == [
        (1, 1, "possible GitHub token ")
    ]
    assert_masked(found, GITHUB)
    international = png((b"iTXt", b"Description\0\1\0en\0Beschreibung\0" + zlib.compress(PEM.encode())))
    assert len(secrets_in(problems(attach(catalog_dir, "intl.png", international)), "evidence/files/intl.png")) == 1


def test_png_without_secrets_passes(catalog_dir: MakeCatalog) -> None:
    load_catalog(attach(catalog_dir, "plain.png", png()))
    load_catalog(attach(catalog_dir, "titled.png", png((b"tEXt", b"Title\0Dashboard after the cutover"))))


def test_a_zip_bomb_in_a_png_is_refused_cheaply(catalog_dir: MakeCatalog) -> None:
    bomb = png((b"zTXt", b"Comment\0\0" + zlib.compress(b"a" * (65 << 20), 9)))
    assert len(bomb) < 100_000
    found = problems(attach(catalog_dir, "bomb.png", bomb))
    assert [str(p) for p in found] == [
        f"{RECORD}:5:11: attachment 'evidence/files/bomb.png' holds compressed text that inflates beyond 64 MiB, "
        "too much to scan for secrets: attach the text itself, or a smaller file (attachments[0].path)"
    ]


def pdf(content: bytes, *, encrypted: bool = False) -> bytes:
    stream = zlib.compress(content)
    trailer = b"<< /Root 1 0 R /Encrypt 3 0 R >>" if encrypted else b"<< /Root 1 0 R >>"
    return (
        b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n"
        b"2 0 obj\n<< /Length " + str(len(stream)).encode() + b" /Filter /FlateDecode >>\nstream\n" + stream + b"\n"
        b"endstream\nendobj\ntrailer\n" + trailer + b"\n%%EOF\n"
    )


def test_pdf_flate_streams_are_inflated_and_scanned(catalog_dir: MakeCatalog) -> None:
    # The token is split in a TJ array (kerning), as PDF writers do.
    content = f"BT /F1 12 Tf 72 712 Td [(Deploy with {GITHUB[:9]}) -20 ({GITHUB[9:]})] TJ ET".encode()
    found = problems(attach(catalog_dir, "report.pdf", pdf(content)))
    assert [(p.line, p.column, p.message.split("'")[0]) for p in secrets_in(found, "evidence/files/report.pdf")] == [
        (1, 1, "possible GitHub token ")
    ]
    assert_masked(found, GITHUB)
    octal = "".join(f"\\{ord(c):03o}" for c in "glpat-")
    hidden = f"BT ({octal}Zq8Jm2Kx7Vb4Nc1Lp9Rt) Tj ET".encode()
    leaks = secrets_in(problems(attach(catalog_dir, "octal.pdf", pdf(hidden))), "evidence/files/octal.pdf")
    assert [p.message.split("'")[0] for p in leaks] == ["possible GitLab token "]


def test_pdf_without_secrets_passes_and_an_encrypted_one_is_refused(catalog_dir: MakeCatalog) -> None:
    load_catalog(attach(catalog_dir, "clean.pdf", pdf(b"BT (Restore drill passed in 14 minutes) Tj ET")))
    found = problems(attach(catalog_dir, "locked.pdf", pdf(b"BT (x) Tj ET", encrypted=True)))
    assert [str(p) for p in found] == [
        f"{RECORD}:5:11: attachment 'evidence/files/locked.pdf' is an encrypted PDF, which cannot be scanned for "
        "secrets: attach a copy saved without a password or permissions (attachments[0].path)"
    ]


def test_image_metadata_text_is_scanned(catalog_dir: MakeCatalog) -> None:
    comment = f"operator note: {GITHUB}".encode()
    jpeg = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    jpeg += b"\xff\xfe" + struct.pack(">H", len(comment) + 2) + comment + b"\xff\xd9"
    leaks = secrets_in(problems(attach(catalog_dir, "shot.jpg", jpeg)), "evidence/files/shot.jpg")
    assert [(p.line, p.column) for p in leaks] == [(1, 1)]
    utf16 = b"GIF89a\x01\x00\x01\x00\x00\x00\x00!\xfe" + f"x {GITHUB}".encode("utf-16-le") + b"\x00;"
    assert len(secrets_in(problems(attach(catalog_dir, "x.gif", utf16)), "evidence/files/x.gif")) == 1


def test_binary_types_that_cannot_be_scanned_are_refused(cli: Cli, catalog_dir: MakeCatalog) -> None:
    data = bytes(range(256)) * 8 + hashlib.sha256(b"dump").digest()
    result = cli("validate", root=attach(catalog_dir, "dump.bin", data))
    assert result.code == 1
    assert result.stdout.splitlines()[0] == (
        f"{RECORD}:5:11: attachment 'evidence/files/dump.bin' is a binary type that cannot be scanned for secrets: "
        "attach text (.txt, .log, .json, ...) or one of .pdf, .png, .jpg, .jpeg, .gif, .webp (attachments[0].path)"
    )


def test_text_names_are_scanned_whatever_their_content(catalog_dir: MakeCatalog) -> None:
    """A .json or .log name is scanned as text (as before), never refused."""
    load_catalog(attach(catalog_dir, "odd.json", b"\x00\x01binary\xff"))
    assert scan_attachment("odd.log", b"\x00\x01" + GITHUB.encode(), text_by_name=True).findings


def test_near_misses_pass(catalog_dir: MakeCatalog) -> None:
    manifest = kubernetes_secret({"greeting": "hello world from ops", "ca.crt": CERTIFICATE})
    files = with_attachment("secret.yaml", manifest.encode())
    log = f"sha256 {SHA256}\nid {base64.b64encode(hashlib.sha256(b'id').digest()[:24]).decode()}\npath /usr/lib/python3/dist-packages\n"
    root = catalog_dir(files)
    (root / "evidence" / "files").mkdir(parents=True)
    (root / "evidence" / "files" / "secret.yaml").write_bytes(manifest.encode())
    load_catalog(root)
    assert scan_attachment("run.log", log.encode(), text_by_name=True).findings == ()
    assert scan_attachment("run.log", log.encode("utf-16"), text_by_name=False).findings == ()


def test_the_cli_masks_decoded_secrets(cli: Cli, catalog_dir: MakeCatalog) -> None:
    extra = f'details: "{escaped(GITHUB[:6], "u")}{GITHUB[6:]}"\n'
    result = cli("validate", root=catalog_dir({RECORD: HEAD + extra}))
    assert result.code == 1
    assert result.stdout.startswith(
        f"{RECORD}:4:10: possible GitHub token 'ghp_…' (fingerprint {fingerprint(GITHUB)}): remove it and rotate it"
    )
    assert GITHUB[4:] not in result.stdout + result.stderr


# --------------------------------------------------------- the decoded-text walk


def test_strings_yields_every_key_and_scalar_in_document_order() -> None:
    text = (
        "plain: one line\n"
        'quoted: "same"\n'
        'escaped: "caf\\u00e9\\x41"\n'
        "single: 'it''s'\n"
        "folded: >\n  a\n  b\n"
        "literal: |\n  kept\n"
        "wrapped: first\n  second\n"
        "list: [x, 'y', {k: \"\\e\"}]\n"
    )
    parsed = yamlstrict.parse(text, "x.yaml", [])
    assert parsed is not None
    every = [
        (value, node.start_mark.line + 1, node.start_mark.column + 1) for value, node in yamlstrict.strings(parsed.node)
    ]
    assert every == [
        ("plain", 1, 1),
        ("one line", 1, 8),
        ("quoted", 2, 1),
        ("same", 2, 9),
        ("escaped", 3, 1),
        ("caféA", 3, 10),
        ("single", 4, 1),
        ("it's", 4, 9),
        ("folded", 5, 1),
        ("a b\n", 5, 9),
        ("literal", 8, 1),
        ("kept\n", 8, 10),
        ("wrapped", 10, 1),
        ("first second", 10, 10),
        ("list", 12, 1),
        ("x", 12, 8),
        ("y", 12, 11),
        ("k", 12, 17),
        ("\x1b", 12, 20),
    ]
    rewritten = [value for value, _ in yamlstrict.strings(parsed.node, rewritten_only=True)]
    assert rewritten == ["caféA", "it's", "a b\n", "first second", "\x1b"]
    assert list(yamlstrict.strings(None)) == []


def test_strings_walks_deep_trees_without_recursion() -> None:
    text = "a:\n" + "".join("  " * depth + "- \n" for depth in range(1, 60)) + "  " * 60 + '- "\\x41"\n'
    parsed = yamlstrict.parse(text, "deep.yaml", [])
    assert parsed is not None
    assert [value for value, _ in yamlstrict.strings(parsed.node, rewritten_only=True)] == ["A"]
