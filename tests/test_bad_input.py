"""Bad input: every kind of malformed record is reported at its exact place.

Each case builds the minimal catalog from ``conftest.py`` with ONE malformed
input and checks what ``readiness validate`` prints: exit code 1 and exactly one
problem in the malformed file, starting with the ``path:line:column:`` computed
by hand from the fixture text (1-based columns) and holding the key part of the
message. (Whether a malformed record also makes references to it dangle in
other files is tested separately, in ``test_one_mistake_is_one_problem``.)

The fixture texts are dedented by ``write_files``; line 1 is the first line
after the opening quotes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

Result = Any  # conftest.Result: code, stdout, stderr

HEX = "ab" * 32  # a well-formed sha256 that matches nothing

NOTE = """\
    observed: 2026-06-14
    kind: note
    summary: A note
    """


def assert_problem(result: Result, prefix: str, *fragments: str) -> str:
    """Exit 1; the file named in ``prefix`` has exactly one problem, at ``prefix``, with every fragment."""
    assert result.code == 1, result
    path = prefix.split(":", 1)[0]
    in_file = [line for line in result.stdout.splitlines() if line.startswith(path + ":")]
    assert len(in_file) == 1, result.stdout
    line = in_file[0]
    assert line.startswith(prefix + " "), line
    for fragment in fragments:
        assert fragment in line, line
    return line


# --------------------------------------------------------------- YAML structure

YAML_CASES = [
    pytest.param(
        {
            "data/repos.yaml": """\
                - id: team-a
                  description: one
                  description: two
                - id: team-b
                """
        },
        "data/repos.yaml:3:3:",
        ("duplicate key 'description'",),
        id="duplicate-key-in-list-file",
    ),
    pytest.param(
        {
            "evidence/e1.yaml": """\
                observed: 2026-06-14
                kind: note
                summary: first
                summary: second
                """
        },
        "evidence/e1.yaml:4:1:",
        ("duplicate key 'summary'",),
        id="duplicate-key-in-evidence",
    ),
    pytest.param(
        {
            "data/repos.yaml": """\
                - id: team-a
                  description: &d shared
                - id: team-b
                  description: *d
                """
        },
        "data/repos.yaml:2:16:",
        ("anchor '&d'", "not allowed"),
        id="anchor",
    ),
    pytest.param(
        {
            "evidence/e1.yaml": """\
                observed: 2026-06-14
                kind: note
                summary: *a
                """
        },
        "evidence/e1.yaml:3:10:",
        ("alias '*a'", "not allowed"),
        id="alias",
    ),
    pytest.param(
        {
            "evidence/e1.yaml": """\
                observed: 2026-06-14
                kind: note
                summary: merged
                <<: {details: extra}
                """
        },
        "evidence/e1.yaml:4:1:",
        ("merge key", "not allowed"),
        id="merge-key",
    ),
    pytest.param(
        {
            "evidence/e1.yaml": """\
                observed: 2026-06-14
                kind: note
                summary: one
                ---
                observed: 2026-06-15
                kind: note
                summary: two
                """
        },
        "evidence/e1.yaml:4:1:",
        ("one YAML document",),
        id="two-documents",
    ),
    pytest.param(
        {"data/environments.yaml": "id: old\nname: Old\n"},
        "data/environments.yaml:1:1:",
        ("expected a list",),
        id="list-file-is-a-mapping",
    ),
    pytest.param(
        {"evidence/e1.yml": NOTE},
        "evidence/e1.yml:1:1:",
        (".yaml",),
        id="evidence-named-yml",
    ),
    pytest.param(
        {"data/services/other.yml": "id: other\nname: Other\n"},
        "data/services/other.yml:1:1:",
        (".yaml",),
        id="service-named-yml",
    ),
]


@pytest.mark.parametrize(("files", "prefix", "fragments"), YAML_CASES)
def test_yaml_structure(catalog_dir, cli, files, prefix, fragments) -> None:
    assert_problem(cli("validate", root=catalog_dir(files)), prefix, *fragments)


def test_merge_key_with_alias_is_rejected(catalog_dir, cli) -> None:
    root = catalog_dir(
        {
            "data/services/svc.yaml": """\
                id: svc
                name: Service
                owner: team-a
                runbooks: &r {deploy: docs/deploy.md}
                observability:
                  <<: *r
                """
        }
    )
    assert_problem(cli("validate", root=root), "data/services/svc.yaml:4:11:", "anchor '&r'")


def test_alias_bomb_is_rejected(catalog_dir, cli) -> None:
    lol = ", ".join(['"lol"'] * 9)
    lines = [f"a: &a [{lol}]"]
    for prev, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"{name}: &{name} [{', '.join([f'*{prev}'] * 9)}]")
    root = catalog_dir({"evidence/bomb.yaml": "\n".join(lines) + "\n"})
    assert_problem(cli("validate", root=root), "evidence/bomb.yaml:1:4:", "anchor '&a'", "not allowed")


def test_tab_indentation(catalog_dir, cli) -> None:
    text = "observed: 2026-06-14\nkind: note\nsummary: tabbed\nabout:\n\t- service:svc\n"
    line = assert_problem(cli("validate", root=catalog_dir({"evidence/e1.yaml": text})), "evidence/e1.yaml:5:1:")
    assert "tab" in line.lower(), line


def test_tab_inside_a_mapping(catalog_dir, cli) -> None:
    text = "observed: 2026-06-14\nkind: note\nsummary: tabbed\nlinks:\n  - title: x\n\turl: https://example.com/\n"
    line = assert_problem(cli("validate", root=catalog_dir({"evidence/e1.yaml": text})), "evidence/e1.yaml:6:1:")
    assert "tab" in line.lower(), line


def test_invalid_utf8(catalog_dir, cli) -> None:
    root = catalog_dir()
    path = root / "evidence" / "e1.yaml"
    path.parent.mkdir(parents=True)
    path.write_bytes(b"observed: 2026-06-14\nkind: note\nsummary: caf\xe9\n")
    assert_problem(cli("validate", root=root), "evidence/e1.yaml:3:13:", "UTF-8")


def test_file_over_one_mib(catalog_dir, cli) -> None:
    body = ("  " + "x" * 1000 + "\n") * 1100
    text = "observed: 2026-06-14\nkind: note\nsummary: big\ndetails: |\n" + body
    assert len(text.encode()) > 1024 * 1024
    assert_problem(cli("validate", root=catalog_dir({"evidence/big.yaml": text})), "evidence/big.yaml:1:1:", "1 MiB")


def test_file_of_exactly_one_mib_is_accepted(catalog_dir, cli) -> None:
    # Padded with a comment: a Markdown field that long would break its own limit (MAX_MARKDOWN).
    head = "observed: 2026-06-14\nkind: note\nsummary: big\n# "
    text = head + "x" * (1024 * 1024 - len(head) - 1) + "\n"
    assert len(text.encode()) == 1024 * 1024
    result = cli("validate", root=catalog_dir({"evidence/big.yaml": text}))
    assert result.code == 0, result


# ------------------------------------------------------- values YAML converts

CONVERTED_CASES = [
    pytest.param(
        {
            "evidence/e1.yaml": """\
                observed: 2026-06-14
                kind: note
                summary: no
                """
        },
        "evidence/e1.yaml:3:10:",
        ("'no'", "quote it"),
        id="no-as-summary",
    ),
    pytest.param(
        {
            "data/repos.yaml": """\
                - id: team-a
                  description: on
                - id: team-b
                """
        },
        "data/repos.yaml:2:16:",
        ("'on'", "quote it"),
        id="on-as-description",
    ),
    pytest.param(
        {
            "data/gates.yaml": """\
                - id: T-G01
                  title: First gate
                  owners: [team-a]
                  requirement: Something is true.
                  retired: yes
                """
        },
        "data/gates.yaml:5:12:",
        ("'yes'", "true or false"),
        id="yes-as-boolean",
    ),
    pytest.param(
        {
            "data/environments.yaml": """\
                - id: old
                  name: Old
                  role: 1.10
                - id: new
                  name: New
                """
        },
        "data/environments.yaml:3:9:",
        ("1.10", "quote it"),
        id="float-as-text",
    ),
    pytest.param(
        {
            "data/gates.yaml": """\
                - id: T-G01
                  title: 2026-06-14
                  owners: [team-a]
                  requirement: Something is true.
                """
        },
        "data/gates.yaml:2:10:",
        ("2026-06-14", "quote it"),
        id="date-as-title",
    ),
    pytest.param(
        {
            "evidence/e1.yaml": """\
                observed: 2026-13-01
                kind: note
                summary: A note
                """
        },
        "evidence/e1.yaml:1:11:",
        ("2026-13-01", "not a valid date"),
        id="impossible-date",
    ),
    pytest.param(
        {
            "evidence/e1.yaml": """\
                observed: 2026-06-14
                kind: note
                summary: 1:30
                """
        },
        "evidence/e1.yaml:3:10:",
        ("1:30", "quote it"),
        id="sexagesimal-as-text",
    ),
    pytest.param(
        {
            "evidence/e1.yaml": """\
                observed: 2026-06-14
                kind: note
                summary: 017
                """
        },
        "evidence/e1.yaml:3:10:",
        ("017", "quote it"),
        id="octal-as-text",
    ),
    *(
        pytest.param(
            {
                "data/gates.yaml": f"""\
                    - id: T-G01
                      title: First gate
                      owners: [team-a]
                      requirement: Something is true.
                      max_age_days: {raw}
                    """
            },
            "data/gates.yaml:5:17:",
            (raw,),
            id=f"number-{raw}",
        )
        for raw in ("0o17", "017", "1:30", "1_000")
    ),
]


@pytest.mark.parametrize(("files", "prefix", "fragments"), CONVERTED_CASES)
def test_converted_values(catalog_dir, cli, files, prefix, fragments) -> None:
    assert_problem(cli("validate", root=catalog_dir(files)), prefix, *fragments)


# ------------------------------------------------------ fields, types and ids

FIELD_CASES = [
    pytest.param(
        {
            "data/gates.yaml": """\
                - id: T-G01
                  title: First gate
                  ownrs: [team-a]
                  requirement: Something is true.
                """
        },
        "data/gates.yaml:3:3:",
        ("unknown field 'ownrs'", "owners"),
        id="unknown-field-typo",
    ),
    pytest.param(
        {
            "data/services/svc.yaml": """\
                id: svc
                name: Service
                owner: team-a
                stores:
                  - id: svc-db
                    kind: postgresql
                    bakup: {location: s3}
                """
        },
        "data/services/svc.yaml:7:5:",
        ("unknown field 'bakup'", "backup"),
        id="unknown-nested-field",
    ),
    pytest.param(
        {
            "data/gates.yaml": """\
                - id: T-G01
                  title: First gate
                  owners: [team-a]
                """
        },
        "data/gates.yaml:1:3:",
        ("missing required field 'requirement'",),
        id="missing-in-list-file",
    ),
    pytest.param(
        {
            "evidence/e1.yaml": """\
                observed: 2026-06-14
                kind: note
                """
        },
        "evidence/e1.yaml:1:1:",
        ("missing required field 'summary'",),
        id="missing-in-evidence",
    ),
    pytest.param(
        {
            "data/gates.yaml": """\
                - id: T-G01
                  title: First gate
                  owners: team-a
                  requirement: Something is true.
                """
        },
        "data/gates.yaml:3:11:",
        ("expected a list",),
        id="string-for-list-in-gate",
    ),
    pytest.param(
        {
            "evidence/e1.yaml": """\
                observed: 2026-06-14
                kind: note
                summary: A note
                about: service:svc
                """
        },
        "evidence/e1.yaml:4:8:",
        ("expected a list",),
        id="string-for-list-in-evidence",
    ),
    pytest.param(
        {
            "data/repos.yaml": """\
                - id: team-a
                - id: team-b
                - id: Team-C
                """
        },
        "data/repos.yaml:3:7:",
        ("'Team-C'", "not a valid id"),
        id="uppercase-slug",
    ),
    pytest.param(
        {
            "data/gates.yaml": """\
                - id: T-G01
                  title: First gate
                  requirement: Something is true.
                - id: t-g02
                  title: Second gate
                  requirement: Something else is true.
                """
        },
        "data/gates.yaml:4:7:",
        ("'t-g02'", "not a valid gate id"),
        id="lowercase-gate-id",
    ),
    pytest.param(
        {"evidence/Bad_Name.yaml": NOTE},
        "evidence/Bad_Name.yaml:1:1:",
        ("not a valid evidence id",),
        id="bad-evidence-file-name",
    ),
    pytest.param(
        {
            "evidence/e1.yaml": """\
                observed: 2026-06-14
                kind: note
                summary: A note
                about: [foo:bar]
                """
        },
        "evidence/e1.yaml:4:9:",
        ("'foo:bar'", "not a valid reference"),
        id="bad-reference-form",
    ),
    pytest.param(
        {
            "data/services/svc.yaml": """\
                id: other
                name: Service
                owner: team-a
                """
        },
        "data/services/svc.yaml:1:5:",
        ("'other'", "file name"),
        id="service-id-differs-from-file",
    ),
    pytest.param(
        {
            "data/gates.yaml": """\
                - id: T-G01
                  title: First gate
                  requirement: Something is true.
                - id: T-G01
                  title: Same gate again
                  requirement: Something else is true.
                """
        },
        "data/gates.yaml:4:7:",
        ("duplicate gate id 'T-G01'",),
        id="duplicate-gate-id",
    ),
    pytest.param(
        {
            "data/services/svc2.yaml": """\
                id: svc2
                name: Service two
                stores:
                  - id: svc-db
                    kind: postgresql
                """
        },
        "data/services/svc2.yaml:4:9:",
        ("duplicate store id 'svc-db'",),
        id="duplicate-store-id-across-services",
    ),
    pytest.param(
        {"evidence/a/e1.yaml": NOTE, "evidence/b/e1.yaml": NOTE},
        "evidence/b/e1.yaml:1:1:",
        ("duplicate evidence id 'e1'",),
        id="duplicate-evidence-stem",
    ),
    pytest.param(
        {
            "data/repos.yaml": """\
                - id: team-a
                - id: team-b
                  aliases: [team-a]
                """
        },
        "data/repos.yaml:3:13:",
        ("alias 'team-a'",),
        id="alias-collides-with-earlier-id",
    ),
    pytest.param(
        {
            "data/repos.yaml": """\
                - id: team-a
                  aliases: [team-b]
                - id: team-b
                """
        },
        "data/repos.yaml:3:7:",
        ("'team-b'",),
        id="id-collides-with-earlier-alias",
    ),
]


@pytest.mark.parametrize(("files", "prefix", "fragments"), FIELD_CASES)
def test_fields_types_and_ids(catalog_dir, cli, files, prefix, fragments) -> None:
    assert_problem(cli("validate", root=catalog_dir(files)), prefix, *fragments)


# ----------------------------------------------------------------- references

REFERENCE_CASES = [
    pytest.param(
        {
            "data/gates.yaml": """\
                - id: T-G01
                  title: First gate
                  owners: [team-x]
                  requirement: Something is true.
                """
        },
        "data/gates.yaml:3:12:",
        ("unknown repo 'team-x'",),
        id="gate-owner",
    ),
    pytest.param(
        {
            "data/services/svc.yaml": """\
                id: svc
                name: Service
                owner: team-x
                """
        },
        "data/services/svc.yaml:3:8:",
        ("unknown repo 'team-x'",),
        id="service-owner",
    ),
    pytest.param(
        {
            "data/services/svc.yaml": """\
                id: svc
                name: Service
                owner: team-a
                deployments:
                  - environment: nowhere
                    state: live
                """
        },
        "data/services/svc.yaml:5:18:",
        ("unknown environment 'nowhere'",),
        id="deployment-environment",
    ),
    pytest.param(
        {
            "data/waves.yaml": """\
                - id: wave-a
                  title: First wave
                  gates: [T-G01, T-G99]
                """
        },
        "data/waves.yaml:3:18:",
        ("unknown gate 'T-G99'",),
        id="wave-gate",
    ),
    pytest.param(
        {
            "data/waves.yaml": """\
                - id: wave-a
                  title: First wave
                  gates: [T-G01]
                  services: [nosvc]
                """
        },
        "data/waves.yaml:4:14:",
        ("unknown service 'nosvc'",),
        id="wave-service",
    ),
    pytest.param(
        {
            "data/gates.yaml": """\
                - id: T-G01
                  title: First gate
                  requirement: Something is true.
                  requires: [T-G99]
                """
        },
        "data/gates.yaml:4:14:",
        ("unknown gate 'T-G99'",),
        id="gate-requires",
    ),
    pytest.param(
        {
            "data/gates.yaml": """\
                - id: T-G01
                  title: First gate
                  requirement: Something is true.
                  service: nosvc
                """
        },
        "data/gates.yaml:4:12:",
        ("unknown service 'nosvc'",),
        id="gate-service",
    ),
    *(
        pytest.param(
            {
                "evidence/e1.yaml": f"""\
                    observed: 2026-06-14
                    kind: note
                    summary: A note
                    about: [{kind}:{ident}]
                    """
            },
            "evidence/e1.yaml:4:9:",
            (f"unknown {kind} '{ident}'",),
            id=f"evidence-about-{kind}",
        )
        for kind, ident in [
            ("service", "nosvc"),
            ("store", "nostore"),
            ("environment", "nowhere"),
            ("repo", "team-x"),
            ("gate", "T-G99"),
            ("wave", "wave-x"),
        ]
    ),
    pytest.param(
        {
            "evidence/e1.yaml": """\
                observed: 2026-06-14
                kind: assessment
                summary: Assessed
                assess:
                  T-G99: ready
                """
        },
        "evidence/e1.yaml:5:3:",
        ("unknown gate 'T-G99'",),
        id="evidence-assess-key",
    ),
    pytest.param(
        {
            "evidence/e1.yaml": """\
                observed: 2026-06-14
                kind: note
                summary: A correction
                supersedes: [e-none]
                """
        },
        "evidence/e1.yaml:4:14:",
        ("unknown evidence 'e-none'",),
        id="supersedes",
    ),
    pytest.param(
        {
            "evidence/e1.yaml": """\
                observed: 2026-06-14
                kind: note
                summary: A fix
                resolves: [e-none]
                """
        },
        "evidence/e1.yaml:4:12:",
        ("unknown evidence 'e-none'",),
        id="resolves",
    ),
    pytest.param(
        {
            "evidence/e0.yaml": NOTE,
            "evidence/e1.yaml": """\
                observed: 2026-06-14
                kind: note
                summary: A fix
                resolves: [e0]
                """,
        },
        "evidence/e1.yaml:4:12:",
        ("'e0'", "risk-raised"),
        id="resolves-non-risk",
    ),
    pytest.param(
        {
            "data/gates.yaml": """\
                - id: T-G01
                  title: First gate
                  requirement: Something is true.
                  requires: [T-G02]
                - id: T-G02
                  title: Second gate
                  requirement: Something else is true.
                  requires: [T-G01]
                """
        },
        "data/gates.yaml:8:14:",
        ("cycle", "T-G01", "T-G02"),
        id="requires-cycle",
    ),
]


@pytest.mark.parametrize(("files", "prefix", "fragments"), REFERENCE_CASES)
def test_dangling_references(catalog_dir, cli, files, prefix, fragments) -> None:
    assert_problem(cli("validate", root=catalog_dir(files)), prefix, *fragments)


# ----------------------------------------------------------------------- URLs


@pytest.mark.parametrize(
    ("url", "fragment"),
    [
        ("ftp://example.com/x", "http"),
        ("example.com/x", "http"),
        ("https://example.com/a b", "space"),
        ("https://", "http"),
    ],
)
def test_bad_url(catalog_dir, cli, url, fragment) -> None:
    files = {"data/repos.yaml": f"- id: team-a\n  url: {url}\n- id: team-b\n"}
    assert_problem(cli("validate", root=catalog_dir(files)), "data/repos.yaml:2:8:", fragment)


def test_bad_url_in_evidence_link(catalog_dir, cli) -> None:
    files = {
        "evidence/e1.yaml": """\
            observed: 2026-06-14
            kind: note
            summary: A note
            links:
              - title: Docs
                url: ftp://example.com/docs
            """
    }
    assert_problem(cli("validate", root=catalog_dir(files)), "evidence/e1.yaml:6:10:", "http")


# ------------------------------------------------------------------- evidence

EVIDENCE_CASES = [
    pytest.param(
        """\
        observed: 2999-01-01
        kind: note
        summary: From the future
        """,
        "evidence/e1.yaml:1:11:",
        ("future",),
        id="observed-in-future",
    ),
    pytest.param(
        """\
        observed: 2026-06-14
        kind: endpoint-verified
        summary: Probed
        """,
        "evidence/e1.yaml:1:1:",
        ("'result'",),
        id="verification-without-result",
    ),
    pytest.param(
        """\
        observed: 2026-06-14
        kind: note
        summary: A note
        severity: high
        """,
        "evidence/e1.yaml:4:11:",
        ("severity", "risk-raised"),
        id="severity-on-note",
    ),
    pytest.param(
        """\
        observed: 2026-06-14
        kind: note
        summary: A note
        kind: assessment
        """,
        "evidence/e1.yaml:4:1:",
        ("duplicate key 'kind'",),
        id="duplicate-kind",
    ),
]


@pytest.mark.parametrize(("text", "prefix", "fragments"), EVIDENCE_CASES)
def test_evidence_rules(catalog_dir, cli, text, prefix, fragments) -> None:
    assert_problem(cli("validate", root=catalog_dir({"evidence/e1.yaml": text})), prefix, *fragments)


def attached(path: str, sha256: str) -> dict[str, str]:
    """An evidence record with one attachment: path at 5:11, sha256 at 6:13."""
    return {
        "evidence/e1.yaml": f"""\
            observed: 2026-06-14
            kind: note
            summary: With an attachment
            attachments:
              - path: {path}
                sha256: {sha256}
            """
    }


def test_attachment_missing(catalog_dir, cli) -> None:
    root = catalog_dir(attached("files/missing.txt", HEX))
    assert_problem(cli("validate", root=root), "evidence/e1.yaml:5:11:", "files/missing.txt", "does not exist")


def test_attachment_escaping_evidence(catalog_dir, cli) -> None:
    root = catalog_dir(attached("../data/repos.yaml", HEX))
    assert_problem(cli("validate", root=root), "evidence/e1.yaml:5:11:", "../data/repos.yaml", "inside evidence/")


def test_attachment_through_symlink(catalog_dir, cli) -> None:
    content = "hello\n"
    digest = hashlib.sha256(content.encode()).hexdigest()
    root = catalog_dir({**attached("files/link.txt", digest), "evidence/files/real.txt": content})
    os.symlink("real.txt", root / "evidence" / "files" / "link.txt")
    assert_problem(cli("validate", root=root), "evidence/e1.yaml:5:11:", "link")


def test_attachment_sha256_differs(catalog_dir, cli) -> None:
    root = catalog_dir({**attached("files/a.txt", HEX), "evidence/files/a.txt": "hello\n"})
    actual = hashlib.sha256(b"hello\n").hexdigest()
    assert_problem(cli("validate", root=root), "evidence/e1.yaml:6:13:", "sha256", actual)


def test_attachment_that_matches_is_accepted(catalog_dir, cli) -> None:
    digest = hashlib.sha256(b"hello\n").hexdigest()
    root = catalog_dir({**attached("files/a.txt", digest), "evidence/files/a.txt": "hello\n"})
    result = cli("validate", root=root)
    assert result.code == 0, result


# --------------------------------------------------------------------- checks


def gate_with_check(*check_lines: str) -> dict[str, str]:
    """A gate whose one check starts at line 5 (``- select: ...``) and continues at 6, 7, ..."""
    text = "- id: T-G01\n  title: First gate\n  requirement: Something is true.\n  checks:\n"
    text += "".join(f"    {'- ' if i == 0 else '  '}{line}\n" for i, line in enumerate(check_lines))
    return {"data/gates.yaml": text}


CHECK_CASES = [
    pytest.param(
        ("select: environments", "fields: [colour]"),
        "data/gates.yaml:6:16:",
        ("'colour'",),
        id="unknown-check-field",
    ),
    pytest.param(
        ("select: services", "where: {colour: [red]}", "fields: [owner]"),
        "data/gates.yaml:6:15:",
        ("'colour'",),
        id="unknown-where-key",
    ),
    pytest.param(
        ("select: waves", "where: {retired: [0]}", "fields: [notes]"),
        "data/gates.yaml:6:25:",
        ("0 is a number and never matches retired, which is true or false",),
        id="where-number-for-boolean",
    ),
    pytest.param(
        ("select: services", "where: {owner: [2026-11-15]}", "fields: [owner]"),
        "data/gates.yaml:6:23:",
        ("2026-11-15 is a date and never matches owner, which is text", 'quote it ("2026-11-15")'),
        id="where-date-for-text",
    ),
    pytest.param(
        ("select: waves", "where: {target: [2026-11-15T09:30:00Z]}", "fields: [notes]"),
        "data/gates.yaml:6:24:",
        ("'2026-11-15T09:30:00Z' has a time", "write the date alone (2026-11-15)"),
        id="where-time-for-date",
    ),
    pytest.param(
        ("select: services", "where: {lifecycle: [live, retired]}", "fields: [owner]"),
        "data/gates.yaml:6:33:",
        ("'retired' never matches lifecycle: checks never select retired services",),
        id="where-retired-value",
    ),
    pytest.param(
        ("select: services", "where: {criticality: []}", "fields: [owner]"),
        "data/gates.yaml:6:28:",
        ("an empty list matches nothing", "remove 'criticality'"),
        id="where-empty-list",
    ),
    pytest.param(
        ("select: services", "ids: []", "fields: [owner]"),
        "data/gates.yaml:6:12:",
        ("ids: [] selects nothing", "remove 'ids' to select all services"),
        id="empty-ids",
    ),
    pytest.param(
        ("select: stores", "fields: [backup.location]", "max_age_days: 7"),
        "data/gates.yaml:7:21:",
        ("max_age_days", "evidence"),
        id="max-age-without-evidence",
    ),
    pytest.param(
        ("select: planets", "fields: [name]"),
        "data/gates.yaml:5:15:",
        ("'planets'", "not allowed"),
        id="unknown-select",
    ),
]


@pytest.mark.parametrize(("check_lines", "prefix", "fragments"), CHECK_CASES)
def test_check_rules(catalog_dir, cli, check_lines, prefix, fragments) -> None:
    assert_problem(cli("validate", root=catalog_dir(gate_with_check(*check_lines))), prefix, *fragments)


# ------------------------------------------------------- many problems at once


def test_every_problem_reported_together_sorted(catalog_dir, cli) -> None:
    files = {
        "evidence/e1.yaml": """\
            observed: 2026-06-14
            kind: note
            summary: no
            """,
        "data/repos.yaml": """\
            - id: team-a
            - id: team-b
            - id: team-c
              ownrs: [x]
            - id: team-d
            - id: team-e
            - id: team-f
            - id: team-g
            - id: team-h
              url: ftp://example.com/
            """,
        "data/gates.yaml": """\
            - id: T-G01
              title: First gate
              owners: [team-x]
              requirement: Something is true.
            """,
    }
    result = cli("validate", root=catalog_dir(files))
    assert result.code == 1, result
    lines = result.stdout.splitlines()
    assert [line.split(" ", 1)[0] for line in lines] == [
        "data/gates.yaml:3:12:",
        "data/repos.yaml:4:3:",
        "data/repos.yaml:10:8:",
        "evidence/e1.yaml:3:10:",
    ], lines


@pytest.mark.parametrize(
    ("files", "prefix"),
    [
        pytest.param(
            {
                "data/gates.yaml": """\
                    - id: T-G01
                      title: First gate
                      ownrs: [team-a]
                      requirement: Something is true.
                    """
            },
            "data/gates.yaml:3:3:",
            id="gate-with-unknown-field",
        ),
        pytest.param(
            {"data/repos.yaml": "- id: team-a\n  url: ftp://example.com/\n- id: team-b\n"},
            "data/repos.yaml:2:8:",
            id="repo-with-bad-url",
        ),
        pytest.param(
            {
                "data/gates.yaml": """\
                    - id: T-G01
                      title: 2026-06-14
                      owners: [team-a]
                      requirement: Something is true.
                    """
            },
            "data/gates.yaml:2:10:",
            id="gate-with-date-title",
        ),
    ],
)
def test_one_mistake_is_one_problem(catalog_dir, cli, files, prefix) -> None:
    """A record with a bad field but a valid id is still there: references to it must not dangle."""
    result = cli("validate", root=catalog_dir(files))
    assert result.code == 1, result
    assert len(result.stdout.splitlines()) == 1, result.stdout
    assert result.stdout.startswith(prefix + " "), result.stdout


# ------------------------------------------------------------ usage and as-of


def test_root_without_data_is_a_usage_error(tmp_path: Path, cli) -> None:
    result = cli("validate", root=tmp_path)
    assert result.code == 2, result
    assert "data/" in result.stderr


def test_bad_as_of_is_a_usage_error(catalog_dir, cli) -> None:
    result = cli("validate", "--as-of", "not-a-date", root=catalog_dir())
    assert result.code == 2, result
    assert "not-a-date" in result.stderr


def gate_status(result: Result, gate_id: str) -> str:
    assert result.code == 0, result
    return next(gate["status"] for gate in json.loads(result.stdout)["gates"] if gate["id"] == gate_id)


def test_as_of_in_the_past_hides_later_records(catalog_dir, cli) -> None:
    today = dt.datetime.now(dt.UTC).date()
    as_of = (today - dt.timedelta(days=60)).isoformat()
    observed = (today - dt.timedelta(days=30)).isoformat()
    root = catalog_dir(
        {
            "evidence/later.yaml": f"""\
                observed: {observed}
                kind: assessment
                summary: Ready after the as-of date
                assess: {{T-G01: ready}}
                """
        }
    )
    result = cli("validate", "--as-of", as_of, root=root)
    assert result.code == 0, result
    assert gate_status(cli("status", "--json", "--as-of", as_of, root=root), "T-G01") == "unknown"
    assert gate_status(cli("status", "--json", root=root), "T-G01") == "ready"


def test_as_of_in_the_past_still_rejects_future_records(catalog_dir, cli) -> None:
    root = catalog_dir(
        {
            "evidence/typo.yaml": """\
                observed: 2999-06-14
                kind: note
                summary: A typo in the year
                """
        }
    )
    result = cli("validate", "--as-of", "2026-01-01", root=root)
    assert_problem(result, "evidence/typo.yaml:1:11:", "future")


# ------------------------------------------------ other commands on bad input

INVALID: dict[str, str] = {
    "evidence/e1.yaml": """\
        observed: 2026-06-14
        kind: note
        summary: no
        """
}


def test_status_on_invalid_catalog(catalog_dir, cli) -> None:
    result = cli("status", "--json", root=catalog_dir(INVALID))
    assert result.code == 1, result
    assert result.stdout == ""
    assert "evidence/e1.yaml:3:10:" in result.stderr
    assert "Traceback" not in result.stderr


def test_debug_shows_traceback(catalog_dir, cli) -> None:
    result = cli("--debug", "status", "--json", root=catalog_dir(INVALID))
    assert result.code == 1, result
    assert result.stdout == ""
    assert "Traceback" in result.stderr
    assert "evidence/e1.yaml:3:10:" in result.stderr


def test_valid_minimal_catalog(catalog_dir: Callable[..., Path], cli) -> None:
    result = cli("validate", root=catalog_dir())
    assert result.code == 0, result
    assert result.stdout.startswith("valid:"), result
