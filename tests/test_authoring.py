"""Writing evidence records: ``generator.authoring.new_evidence`` and ``readiness evidence new``."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, get_args

import click
import pytest
from click.testing import CliRunner

from generator import validation
from generator.authoring import new_evidence, parse_assess
from generator.cli import evidence as cli_evidence
from generator.cli import main
from generator.cli.evidence import evidence
from generator.errors import Problem, ReadinessError, UsageError, ValidationFailed
from generator.records import models
from generator.records.loader import load_catalog
from generator.records.models import EVIDENCE_KINDS, Evidence, GateStatus
from generator.records.recordfile import SCHEMA_COMMENT, render_evidence, slugify

TODAY = dt.date(2026, 6, 20)

EXTRA: dict[str, str | None] = {
    "data/gates.yaml": """\
        - id: T-G01
          title: First gate
          owners: [team-a]
          requirement: Something is true.
          aliases: [OLD-G01]
        - id: T-G02
          title: Second gate
          requirement: Something else is true.
        """,
    "data/services/svc.yaml": """\
        id: svc
        name: Service
        owner: team-a
        aliases: [svc-old]
        stores:
          - id: svc-db
            kind: postgresql
        """,
    "evidence/2026/2026-06-01-risk.yaml": """\
        observed: 2026-06-01
        kind: risk-raised
        summary: Backups are not tested
        severity: high
        about: [store:svc-db]
        """,
    "evidence/2026/2026-06-02-note.yaml": """\
        observed: 2026-06-02
        kind: note
        summary: A note
        """,
}


@pytest.fixture
def root(catalog_dir: Callable[..., Path]) -> Path:
    return catalog_dir(EXTRA)


def listing(root: Path) -> list[str]:
    """Every file and directory under ``root``, relative, sorted."""
    return sorted(path.relative_to(root).as_posix() for path in root.rglob("*"))


def write(root: Path, **overrides: Any) -> Path:
    options: dict[str, Any] = {
        "kind": "note",
        "summary": "Something was seen",
        "about": [],
        "assess": {},
        "attach": [],
        "observed": None,
        "details": None,
        "result": None,
        "source": None,
        "submitted_by": None,
        "severity": None,
        "supersedes": [],
        "resolves": [],
        "today": TODAY,
    }
    options.update(overrides)
    return new_evidence(root, **options)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# ------------------------------------------------------------------ the record


def test_record_at_the_expected_path_with_exact_content(root: Path) -> None:
    path = write(
        root,
        kind="backup-verified",
        summary="Nightly backup of svc-db restored into scratch",
        result="pass",
        about=["store:svc-db", "service:svc"],
        assess={"T-G01": "partial", "T-G02": "ready"},
        observed=dt.date(2026, 6, 14),
        details="Restored `svc-db` from last night's dump.\n\n- 42 tables\n- checksums match",
        source="scripts/restore-check.sh",
        submitted_by="Ann Example",
    )
    assert path == root / "evidence/2026/2026-06-14-nightly-backup-of-svc-db-restored-into-scratch.yaml"
    assert path.read_text(encoding="utf-8") == (
        f"{SCHEMA_COMMENT}\n"
        "observed: 2026-06-14\n"
        'kind: "backup-verified"\n'
        'summary: "Nightly backup of svc-db restored into scratch"\n'
        'result: "pass"\n'
        "about:\n"
        '  - "store:svc-db"\n'
        '  - "service:svc"\n'
        "assess:\n"
        '  "T-G01": "partial"\n'
        '  "T-G02": "ready"\n'
        "details: |\n"
        "  Restored `svc-db` from last night's dump.\n"
        "\n"
        "  - 42 tables\n"
        "  - checksums match\n"
        'source: "scripts/restore-check.sh"\n'
        'submitted_by: "Ann Example"\n'
    )
    catalog = load_catalog(root)
    record = catalog.evidence[path.stem]
    assert record.observed == dt.date(2026, 6, 14)
    assert record.kind == "backup-verified"
    assert record.result == "pass"
    assert record.about == ["store:svc-db", "service:svc"]
    assert record.assess == {"T-G01": "partial", "T-G02": "ready"}
    assert record.details == "Restored `svc-db` from last night's dump.\n\n- 42 tables\n- checksums match\n"


def test_field_order_and_every_field(root: Path) -> None:
    attachment = root.parent / "probe.txt"
    attachment.write_text("probe output\n", encoding="utf-8")
    path = write(
        root,
        kind="risk-raised",
        summary="Restore is slow",
        severity="medium",
        result="fail",
        about=["store:svc-db"],
        assess={"T-G01": "blocked"},
        details="Took 3 hours.",
        source="manual",
        submitted_by="ann",
        attach=[attachment],
        supersedes=["2026-06-02-note"],
        resolves=["2026-06-01-risk"],
    )
    keys = [
        line.split(":", 1)[0] for line in path.read_text(encoding="utf-8").splitlines()[1:] if not line.startswith(" ")
    ]
    assert keys == [
        "observed",
        "kind",
        "summary",
        "result",
        "severity",
        "about",
        "assess",
        "details",
        "source",
        "submitted_by",
        "attachments",
        "supersedes",
        "resolves",
    ]
    catalog = load_catalog(root)
    record = catalog.evidence[path.stem]
    assert record.supersedes == ["2026-06-02-note"]
    assert record.resolves == ["2026-06-01-risk"]
    assert record.severity == "medium"
    assert path.relative_to(root).as_posix() == "evidence/2026/2026-06-20-restore-is-slow.yaml"


def test_the_date_defaults_to_today_and_the_year_follows_the_date(root: Path) -> None:
    assert write(root).relative_to(root).as_posix() == "evidence/2026/2026-06-20-something-was-seen.yaml"
    old = write(root, observed=dt.date(2025, 12, 31))
    assert old.relative_to(root).as_posix() == "evidence/2025/2025-12-31-something-was-seen.yaml"
    assert "observed: 2025-12-31\n" in old.read_text(encoding="utf-8")
    assert old.stem in load_catalog(root).evidence


def test_aliases_are_accepted_and_written_as_current_ids(root: Path) -> None:
    path = write(root, about=["service:svc-old", "service:svc", "gate:OLD-G01"], assess={"OLD-G01": "ready"})
    record = load_catalog(root).evidence[path.stem]
    assert record.about == ["service:svc", "gate:T-G01"]
    assert record.assess == {"T-G01": "ready"}


@pytest.mark.parametrize(
    "summary",
    [
        "no",
        "yes",
        "1.10",
        "017",
        "2026-06-14",
        "2026-06-14T09:30:00Z",
        "null",
        "~",
        "yes: x",
        "#comment",
        "- item",
        "- ",
        "a: b # c",
        "&anchor *alias",
        "!tag value",
        "%directive",
        "@at `tick`",
        "[1, 2]",
        "{a: 1}",
        "| >",
        "'single' and \"double\" and \\backslash",
        "  leading and trailing spaces  ",
        "tab\there",
        "Zürich — ✓ 日本語 😀",
        "line\u2028separator",
    ],
)
def test_summary_round_trips_exactly(root: Path, summary: str) -> None:
    path = write(root, summary=summary)
    assert load_catalog(root).evidence[path.stem].summary == summary


@pytest.mark.parametrize(
    ("summary", "shown"),
    [
        ("\x85 next line", "U+0085 (NEXT LINE), a control character"),
        ("\ufeffbom", "U+FEFF (ZERO WIDTH NO-BREAK SPACE), a zero-width character"),
        ("red \x1b[31m", "U+001B (ESCAPE), a control character"),
        ("abc\u202eexe.txt", "U+202E (RIGHT-TO-LEFT OVERRIDE), a bidirectional control character"),
    ],
)
def test_summary_with_hidden_characters_is_refused(root: Path, summary: str, shown: str) -> None:
    with pytest.raises(UsageError) as caught:
        write(root, summary=summary)
    assert str(caught.value) == f"--summary: holds {shown}: remove it"


@pytest.mark.parametrize(
    "details",
    [
        "no",
        "Two trailing spaces  \nmake a line break",
        "  indented first line\nsecond",
        "ends with blank lines\n\n\n",
        "tabs\tand",
        "```yaml\nkey: value\n# not a comment\n```\n",
    ],
)
def test_details_round_trip_with_one_final_newline(root: Path, details: str) -> None:
    path = write(root, details=details)
    expected = details if details.endswith("\n") else details + "\n"
    assert load_catalog(root).evidence[path.stem].details == expected


@pytest.mark.parametrize(("details", "stored"), [("a\r\nb", "a\nb\n"), ("old\rmac\r", "old\nmac\n")])
def test_details_line_endings_become_newlines(root: Path, details: str, stored: str) -> None:
    path = write(root, details=details)
    assert load_catalog(root).evidence[path.stem].details == stored


def test_render_record_refuses_unknown_fields() -> None:
    with pytest.raises(ValueError, match="fields the writer does not know"):
        render_evidence(Evidence(observed=TODAY, kind="note", summary="x", links=[]))


# ------------------------------------------------------------------ names


@pytest.mark.parametrize(
    ("summary", "slug"),
    [
        ("Nightly backup: OK!", "nightly-backup-ok"),
        ("  --Zürich  Café--  ", "zurich-cafe"),
        ("日本語", "note"),
        ("!!!", "note"),
        ("a" * 60, "a" * 48),
        ("x" * 47 + " y", "x" * 47),
        ("x" * 48 + " y", "x" * 48),
        (
            "docker login, push and pull succeed against the new registry",
            "docker-login-push-and-pull-succeed-against-the",
        ),
        ("a" * 20 + " " + "b" * 40, "a" * 20 + "-" + "b" * 27),
        ("OPS-G05 ready", "ops-g05-ready"),
    ],
)
def test_slugify(summary: str, slug: str) -> None:
    assert slugify(summary, "note") == slug


def test_a_summary_without_ascii_letters_falls_back_to_the_kind(root: Path) -> None:
    path = write(root, kind="assessment", summary="日本語")
    assert path.name == "2026-06-20-assessment.yaml"


def test_a_taken_name_gets_a_suffix(root: Path) -> None:
    first = write(root, summary="Same thing")
    second = write(root, summary="Same thing")
    third = write(root, summary="Same thing")
    assert [first.name, second.name, third.name] == [
        "2026-06-20-same-thing.yaml",
        "2026-06-20-same-thing-2.yaml",
        "2026-06-20-same-thing-3.yaml",
    ]
    assert first.read_text(encoding="utf-8") == second.read_text(encoding="utf-8")
    assert {first.stem, second.stem, third.stem} <= set(load_catalog(root).evidence)


def test_an_id_taken_in_another_directory_is_not_reused(root: Path) -> None:
    other = root / "evidence/archive/2026-06-20-same-thing.yaml"
    other.parent.mkdir(parents=True)
    other.write_text("observed: 2026-06-20\nkind: note\nsummary: Elsewhere\n", encoding="utf-8")
    path = write(root, summary="Same thing")
    assert path.relative_to(root).as_posix() == "evidence/2026/2026-06-20-same-thing-2.yaml"
    assert other.read_text(encoding="utf-8").endswith("Elsewhere\n")
    load_catalog(root)


# ------------------------------------------------------------------ attachments


def test_attachments_are_copied_with_their_digest_and_never_overwrite(root: Path) -> None:
    outside = root.parent / "outside"
    (outside / "a").mkdir(parents=True)
    (outside / "b").mkdir()
    first = outside / "a" / "openapi.json"
    first.write_text('{"paths": {}}\n', encoding="utf-8")
    second = outside / "b" / "openapi.json"
    second.write_bytes(b"\x00\x01binary\xff")
    taken = root / "evidence/files/2026/openapi.json"
    taken.parent.mkdir(parents=True)
    taken.write_text("already here\n", encoding="utf-8")

    path = write(root, attach=[first, second], observed=dt.date(2026, 6, 14))

    copies = [root / "evidence/files/2026/openapi-2.json", root / "evidence/files/2026/openapi-3.json"]
    assert copies[0].read_bytes() == first.read_bytes()
    assert copies[1].read_bytes() == second.read_bytes()
    assert taken.read_text(encoding="utf-8") == "already here\n"
    assert first.exists() and second.exists()  # copied, not moved
    record = load_catalog(root).evidence[path.stem]
    assert record.attachments is not None
    assert [(a.path, a.sha256) for a in record.attachments] == [
        ("files/2026/openapi-2.json", sha256(first)),
        ("files/2026/openapi-3.json", sha256(second)),
    ]
    assert f'  - path: "files/2026/openapi-2.json"\n    sha256: "{sha256(first)}"\n' in path.read_text(encoding="utf-8")


def test_suffixes_go_before_the_whole_extension(root: Path) -> None:
    source = root.parent / "dump.tar.gz"
    source.write_bytes(b"x")
    write(root, attach=[source])
    write(root, attach=[source])
    assert sorted(p.name for p in (root / "evidence/files/2026").iterdir()) == ["dump-2.tar.gz", "dump.tar.gz"]


def test_a_file_already_under_evidence_files_is_referenced_in_place(root: Path) -> None:
    existing = root / "evidence/files/2026/report.txt"
    existing.parent.mkdir(parents=True)
    existing.write_text("report\n", encoding="utf-8")
    before = listing(root)
    path = write(root, attach=[existing])
    assert listing(root) == sorted([*before, path.relative_to(root).as_posix()])
    record = load_catalog(root).evidence[path.stem]
    assert record.attachments is not None
    assert [(a.path, a.sha256) for a in record.attachments] == [("files/2026/report.txt", sha256(existing))]


def test_directories_links_and_missing_files_are_refused(root: Path) -> None:
    directory = root.parent / "a-directory"
    directory.mkdir()
    target = root.parent / "target.txt"
    target.write_text("x", encoding="utf-8")
    link = root.parent / "link.txt"
    link.symlink_to(target)
    missing = root.parent / "missing.txt"
    before = listing(root)
    with pytest.raises(UsageError) as caught:
        write(root, attach=[target, directory, link, missing])
    assert str(caught.value) == "\n".join(
        [
            f"--attach {directory}: is a directory: attach its files one by one",
            f"--attach {link}: is a link: attach the file it points to",
            f"--attach {missing}: no such file",
        ]
    )
    assert listing(root) == before


# ------------------------------------------------------------------ refusals


REFUSALS: list[tuple[dict[str, Any], type[ReadinessError], str]] = [
    (
        {"assess": {"OPS-G99": "ready"}},
        UsageError,
        "--assess OPS-G99=ready: unknown gate 'OPS-G99'",
    ),
    (
        {"assess": {"T-G001": "ready"}},
        UsageError,
        "--assess T-G001=ready: unknown gate 'T-G001': did you mean 'T-G01'?",
    ),
    (
        {"assess": {"T-G01": "done"}},
        UsageError,
        "--assess T-G01=done: unknown status 'done' (use one of unknown, partial, blocked, ready)",
    ),
    (
        {"assess": {"ops-g01": "ready"}},
        UsageError,
        "--assess ops-g01=ready: 'ops-g01' is not a valid gate id: use uppercase parts joined by '-', like OPS-G05",
    ),
    (
        {"about": ["service:nope"]},
        UsageError,
        "--about service:nope: unknown service 'nope'",
    ),
    (
        {"about": ["store:svc-dbb", "environment:old"]},
        UsageError,
        "--about store:svc-dbb: unknown store 'svc-dbb': did you mean 'svc-db'?",
    ),
    (
        {"about": ["svc"]},
        UsageError,
        "--about svc: not a valid reference: write kind:id with kind one of service, store, environment, repo, "
        "gate, wave (e.g. store:gitea-db)",
    ),
    (
        {"kind": "notes"},
        UsageError,
        "--kind notes: unknown kind: did you mean 'note'? (use one of assessment, endpoint-verified, "
        "backup-verified, restore-tested, registry-verified, tls-verified, risk-raised, note, waiver, sign-off)",
    ),
    (
        {"kind": "endpoint-verified"},
        UsageError,
        "--result (pass or fail) is required for endpoint-verified records",
    ),
    ({"result": "ok"}, UsageError, "--result ok: use pass or fail"),
    ({"severity": "high"}, UsageError, "--severity is for risk-raised records only, not note"),
    ({"summary": "   "}, UsageError, "--summary: must not be blank"),
    ({"summary": "two\nlines"}, UsageError, "--summary: must be one line of text"),
    ({"details": " \n"}, UsageError, "--details: must not be blank"),
    ({"source": "a\nb"}, UsageError, "--source: must be one line of text"),
    (
        {"observed": dt.date(2026, 6, 21)},
        UsageError,
        "--observed 2026-06-21: is after today (2026-06-20): evidence records facts already seen",
    ),
    (
        {"supersedes": ["2026-06-03-nothing"]},
        UsageError,
        "--supersedes 2026-06-03-nothing: unknown evidence record '2026-06-03-nothing': did you mean '2026-06-02-note'?",
    ),
    (
        {"resolves": ["2026-06-02-note"]},
        UsageError,
        "--resolves 2026-06-02-note: '2026-06-02-note' is a note record: resolves closes risk-raised records only",
    ),
    (
        {"supersedes": ["Not An Id"]},
        UsageError,
        "--supersedes Not An Id: not a valid evidence id (the file name without .yaml, e.g. 2026-06-14-seed-status)",
    ),
    (
        {"assess": {"OPS-G99": "ready", "T-G01": "ready"}, "about": ["wave:nope"]},
        UsageError,
        "--about wave:nope: unknown wave 'nope'\n--assess OPS-G99=ready: unknown gate 'OPS-G99'",
    ),
]


@pytest.mark.parametrize(("overrides", "error", "message"), REFUSALS)
def test_bad_values_are_refused_and_nothing_is_written(
    root: Path, overrides: dict[str, Any], error: type[ReadinessError], message: str
) -> None:
    attachment = root.parent / "attachment.txt"
    attachment.write_text("x", encoding="utf-8")
    before = listing(root)
    with pytest.raises(ReadinessError) as caught:
        write(root, attach=[attachment], **overrides)
    assert type(caught.value) is error
    assert str(caught.value) == message
    assert listing(root) == before


def test_an_invalid_catalog_is_reported_and_nothing_is_written(catalog_dir: Callable[..., Path]) -> None:
    root = catalog_dir({"data/waves.yaml": "- id: wave-a\n  title: First wave\n  gates: [NOPE-X9]\n"})
    before = listing(root)
    with pytest.raises(ValidationFailed) as caught:
        write(root)
    assert [str(p) for p in caught.value.problems] == ["data/waves.yaml:3:11: unknown gate 'NOPE-X9' (wave-a.gates[0])"]
    assert listing(root) == before


def test_a_failed_write_removes_the_copied_attachments(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    attachment = root.parent / "attachment.txt"
    attachment.write_text("x", encoding="utf-8")
    before = listing(root)

    def fail(*args: object) -> Path:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("generator.records.recordfile._record_path", fail)
    with pytest.raises(ReadinessError, match=r"cannot write the record: .*No space left on device"):
        write(root, attach=[attachment])
    assert listing(root) == before


def test_a_record_the_catalog_refuses_is_removed_again(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Checks the loader adds later (secrets in attachments, say) still keep the catalog valid."""
    attachment = root.parent / "attachment.txt"
    attachment.write_text("x", encoding="utf-8")
    before = listing(root)
    real = validation.load_catalog
    calls: list[Path] = []

    def load_then_refuse(path: Path, **kwargs: Any) -> Any:
        calls.append(path)
        if len(calls) == 1:
            return real(path, **kwargs)
        raise ValidationFailed([Problem("evidence/files/2026/attachment.txt", 1, 1, "looks like a secret")])

    monkeypatch.setattr(validation, "load_catalog", load_then_refuse)
    with pytest.raises(ReadinessError) as caught:
        write(root, attach=[attachment])
    assert str(caught.value) == (
        "the new record would not validate, so nothing was written:\n"
        "evidence/files/2026/attachment.txt:1:1: looks like a secret"
    )
    assert len(calls) == 2
    assert listing(root) == before


def test_the_command_offers_what_the_models_accept() -> None:
    severity = Evidence.model_fields["severity"].annotation
    result = Evidence.model_fields["result"].annotation
    assert cli_evidence.KINDS == EVIDENCE_KINDS
    assert cli_evidence.RESULTS == models.RESULTS == get_args(get_args(result)[0])
    assert cli_evidence.SEVERITIES == models.SEVERITIES == get_args(get_args(severity)[0])
    assert get_args(GateStatus) == models.GATE_STATUSES


def test_parse_assess() -> None:
    assert parse_assess(["T-G01=ready", "T-G02 = partial", "T-G01=ready"]) == {"T-G01": "ready", "T-G02": "partial"}
    with pytest.raises(UsageError) as caught:
        parse_assess(["T-G01", "T-G02=", "T-G03=ready", "T-G03=partial"])
    assert str(caught.value) == (
        "--assess T-G01: write GATE=STATUS, e.g. OPS-G05=ready\n"
        "--assess T-G02=: write GATE=STATUS, e.g. OPS-G05=ready\n"
        "--assess T-G03=partial: T-G03 is already assessed as ready"
    )


# ------------------------------------------------------------------ the command


def readiness() -> click.Group:
    """``readiness`` with the ``evidence`` group, registered or not (yet) in generator.cli."""
    if "evidence" in main.commands:
        return main
    return click.Group(
        name="readiness",
        params=main.params,
        callback=main.callback,
        commands={**main.commands, "evidence": evidence},
        context_settings=main.context_settings,
    )


@pytest.fixture
def invoke(root: Path) -> Iterator[Callable[..., Any]]:
    def run(*args: str) -> Any:
        return CliRunner().invoke(readiness(), ["--root", str(root), "evidence", "new", *args], prog_name="readiness")

    yield run


def test_cli_writes_and_prints_the_path(root: Path, invoke: Callable[..., Any]) -> None:
    attachment = root.parent / "probe.json"
    attachment.write_text("{}", encoding="utf-8")
    today = dt.datetime.now(dt.UTC).date()
    result = invoke(
        "--kind",
        "endpoint-verified",
        "--summary",
        "API answers: yes",
        "--result",
        "pass",
        "--about",
        "service:svc",
        "--about",
        "environment:new",
        "--assess",
        "T-G01=ready",
        "--attach",
        str(attachment),
        "--details",
        "`GET /health` returns 200",
        "--source",
        "curl",
        "--submitted-by",
        "ann",
    )
    assert result.exit_code == 0, result.output
    rel = f"evidence/{today.year}/{today.isoformat()}-api-answers-yes.yaml"
    assert result.stdout == rel + "\n"  # the path alone, for scripts
    assert result.stderr == (
        f"next: read it over, then commit it on a branch (git add {rel}) and open a pull request; "
        "the pull request shows what it changes, and readiness validate checks it now\n"
    )
    record = load_catalog(root).evidence[Path(rel).stem]
    assert record.summary == "API answers: yes"
    assert record.about == ["service:svc", "environment:new"]
    assert record.assess == {"T-G01": "ready"}
    assert record.attachments is not None
    assert record.attachments[0].path == f"files/{today.year}/probe.json"


def test_cli_observed_and_severity(root: Path, invoke: Callable[..., Any]) -> None:
    result = invoke("--kind", "risk-raised", "--summary", "Risky", "--severity", "critical", "--observed", "2026-06-10")
    assert result.exit_code == 0, result.output
    assert result.stdout == "evidence/2026/2026-06-10-risky.yaml\n"
    assert load_catalog(root).evidence["2026-06-10-risky"].severity == "critical"


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (
            ["--kind", "note", "--summary", "x", "--assess", "OPS-G99=ready"],
            2,
            "error: --assess OPS-G99=ready: unknown gate 'OPS-G99'\n",
        ),
        (
            ["--kind", "note", "--summary", "x", "--about", "service:nope"],
            2,
            "error: --about service:nope: unknown service 'nope'\n",
        ),
        (
            ["--kind", "backup-verified", "--summary", "x"],
            2,
            "error: --result (pass or fail) is required for backup-verified records\n",
        ),
        (
            ["--kind", "note", "--summary", "x", "--assess", "T-G01"],
            2,
            "error: --assess T-G01: write GATE=STATUS, e.g. OPS-G05=ready\n",
        ),
        (
            ["--kind", "note", "--summary", "x", "--attach", "/nonexistent/file.txt"],
            2,
            "error: --attach /nonexistent/file.txt: no such file\n",
        ),
    ],
)
def test_cli_refusals(root: Path, invoke: Callable[..., Any], args: list[str], code: int, message: str) -> None:
    before = listing(root)
    result = invoke(*args)
    assert (result.exit_code, result.stdout, result.stderr) == (code, "", message)
    assert listing(root) == before


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["--kind", "notes", "--summary", "x"], "Invalid value for '--kind'"),
        (["--kind", "note"], "Missing option '--summary'"),
        (["--kind", "note", "--summary", "x", "--observed", "14.06.2026"], "--observed '14.06.2026' is not a date"),
        (["--kind", "note", "--summary", "x", "--result", "ok"], "Invalid value for '--result'"),
    ],
)
def test_cli_usage_errors(root: Path, invoke: Callable[..., Any], args: list[str], fragment: str) -> None:
    before = listing(root)
    result = invoke(*args)
    assert result.exit_code == 2
    assert fragment in result.stderr
    assert result.stdout == ""
    assert listing(root) == before


def test_cli_invalid_catalog_lists_the_problems(catalog_dir: Callable[..., Path]) -> None:
    root = catalog_dir({"data/waves.yaml": "- id: wave-a\n  title: First wave\n  gates: [NOPE-X9]\n"})
    result = CliRunner().invoke(
        readiness(), ["--root", str(root), "evidence", "new", "--kind", "note", "--summary", "x"]
    )
    assert result.exit_code == 1
    assert result.stderr == "data/waves.yaml:3:11: unknown gate 'NOPE-X9' (wave-a.gates[0])\ninvalid: 1 problem found\n"
    assert not (root / "evidence").exists()


def test_installed_command(root: Path, cli: Callable[..., Any]) -> None:
    """The real ``readiness`` process, once generator.cli registers the group."""
    if "evidence" not in main.commands:
        pytest.skip("generator.cli does not register the evidence group yet (main.add_command(evidence))")
    result = cli("evidence", "new", "--kind", "note", "--summary", "From a real process", root=root)
    assert result.code == 0, result.stderr
    path = root / result.stdout.strip()
    assert path.name.endswith("-from-a-real-process.yaml")
    assert path.stem in load_catalog(root).evidence
    assert os.path.commonpath([path, root / "evidence"]) == str(root / "evidence")
