"""``readiness export interhub``: the explicit-migration bundle, its schema, its determinism, and
its events equal to the published ones and to what ``deliver`` sends."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from generator.site.api import API_ROOT
from tests.conftest import MINIMAL, REPO, run_cli
from tests.interhub_receiver import Receiver, key_of, receiving
from tests.test_deliver import SECRET
from tests.test_history import Repo, assessment

AS_OF = "2026-06-30"
FILES = ["manifest.json", "events.jsonl", "interhub-manifest.schema.json", "interhub-event.schema.json"]


@pytest.fixture
def repo(tmp_path: Path) -> Repo:
    """A catalog with git history: the wave passes, then fails (so wave events exist)."""
    repo = Repo(tmp_path / "repo")
    repo.commit("2026-06-01", "catalog", dict(MINIMAL))
    repo.commit("2026-06-02", "ready", {"evidence/2026/r.yaml": assessment("2026-06-02", "T-G01", "ready")})
    repo.commit("2026-06-03", "blocked", {"evidence/2026/b.yaml": assessment("2026-06-03", "T-G01", "blocked")})
    return repo


def export(root: Path, out: Path, *args: str) -> dict[str, bytes]:
    result = run_cli("export", "interhub", "--out", str(out), "--hub", "test-hub", "--as-of", AS_OF, *args, root=root)
    assert (result.code, result.stderr) == (0, "")
    assert result.stdout == f"wrote {', '.join(FILES)} into {out}: 2 widgets, 4 events\n"
    return {path.name: path.read_bytes() for path in sorted(out.iterdir())}


def test_the_bundle_is_the_manifest_the_events_and_their_schemas(repo: Repo, tmp_path: Path) -> None:
    files = export(repo.root, tmp_path / "bundle", "--base-url", "https://readiness.example/latest")
    assert sorted(files) == sorted(FILES)
    manifest = json.loads(files["manifest.json"])
    assert manifest == {
        "$schema": "interhub-manifest.schema.json",
        "hub": "test-hub",
        "as_of": "2026-06-30T23:59:59Z",
        "base_url": "https://readiness.example/latest/",
        "events": "events.jsonl",
        "event_count": 4,
        "event_types": ["ops-migration-gate-failed", "ops-migration-gate-passed", "ops-readiness-gate-updated"],
        "widgets": [
            {
                "id": "gate-t-g01",
                "kind": "gate",
                "entity": "T-G01",
                "title": "First gate",
                "page": "gates/t-g01/",
                "api": "api/v1/gates/t-g01.json",
                "badge": "badges/gates/t-g01.svg",
                "card": "embed/gates/t-g01/",
                "event_types": ["ops-readiness-gate-updated"],
            },
            {
                "id": "wave-wave-a",
                "kind": "wave",
                "entity": "wave-a",
                "title": "First wave",
                "page": "waves/wave-a/",
                "api": "api/v1/waves/wave-a.json",
                "badge": "badges/waves/wave-a.svg",
                "card": "embed/waves/wave-a/",
                "event_types": ["ops-migration-gate-failed", "ops-migration-gate-passed"],
            },
        ],
    }
    schema = json.loads(files["interhub-manifest.schema.json"])
    jsonschema.validate(manifest, schema)
    assert files["interhub-manifest.schema.json"] == (REPO / "schema" / "interhub-manifest.schema.json").read_bytes()
    assert files["interhub-event.schema.json"] == (REPO / "schema" / "interhub-event.schema.json").read_bytes()
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({**manifest, "extra": 1}, schema)


def test_the_events_are_the_published_ones_and_the_bodies_deliver_sends(repo: Repo, tmp_path: Path) -> None:
    files = export(repo.root, tmp_path / "bundle")
    lines = files["events.jsonl"].decode("utf-8").split("\n")
    assert lines[-1] == "" and len(lines) == 5
    rendered = run_cli("render", "--as-of", AS_OF, "--out", str(tmp_path / "site"), root=repo.root)
    assert rendered.code == 0
    published = json.loads((tmp_path / "site" / API_ROOT / "events.json").read_text(encoding="utf-8"))["events"]
    assert [json.loads(text) for text in lines[:-1]] == published
    schema = json.loads(files["interhub-event.schema.json"])
    for text in lines[:-1]:
        jsonschema.validate(json.loads(text), schema)

    receiver = Receiver([key_of(SECRET)])
    with receiving(receiver) as url:
        sent = run_cli(
            "deliver", "--url", url, "--secret-env", "S", "--ledger", str(tmp_path / "ledger.jsonl"),
            "--as-of", AS_OF, root=repo.root, env={"S": SECRET},
        )  # fmt: skip
    assert sent.code == 0, sent.stderr
    assert [receiver.bodies[event["id"]] for event in published] == [text.encode() for text in lines[:-1]]


def test_the_same_records_and_as_of_give_the_same_bytes(repo: Repo, tmp_path: Path) -> None:
    first = export(repo.root, tmp_path / "one")
    second = export(repo.root, tmp_path / "two")
    assert first == second
    again = export(repo.root, tmp_path / "one")  # over an earlier bundle
    assert again == first


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--hub", "Test Hub"],
            "--hub 'Test Hub' is not a hub id: write a lowercase slug of letters, digits and '-', e.g. my-hub",
        ),
        (
            ["--hub", "test-hub", "--base-url", "ftp://readiness.example/"],
            "--base-url 'ftp://readiness.example/' is not an http(s) URL: write the published version's root, "
            "e.g. https://readiness.example.internal/latest/",
        ),
    ],
)
def test_bad_options_are_usage_errors(repo: Repo, tmp_path: Path, args: list[str], message: str) -> None:
    result = run_cli("export", "interhub", "--out", str(tmp_path / "bundle"), *args, root=repo.root)
    assert (result.code, result.stdout, result.stderr) == (2, "", f"error: {message}\n")
    assert not (tmp_path / "bundle").exists()


def test_an_out_that_is_a_file_is_a_usage_error(repo: Repo, tmp_path: Path) -> None:
    (tmp_path / "bundle").write_text("not a directory\n", encoding="utf-8")
    result = run_cli("export", "interhub", "--out", str(tmp_path / "bundle"), "--hub", "h", root=repo.root)
    assert result.code == 2
    assert (
        result.stderr.splitlines()[-1]
        == f"Error: Invalid value for '--out': Directory '{tmp_path / 'bundle'}' is a file."
    )
