"""The Inter-Hub contract: JSON documents valid against their schemas, stable events, badges, cards, redirects."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

import jsonschema
import pytest
import yaml

from generator.site.api import API_ROOT, SCHEMAS
from tests.api_reference import PAGE, reference
from tests.conftest import REPO, Result, write_files
from tests.golden_cases import GOLDEN

Cli = Callable[..., Result]


def render_files(cli: Cli, root: Path, out: Path, as_of: str) -> dict[str, str]:
    result = cli("render", "--as-of", as_of, "--out", str(out), root=root)
    assert result.code == 0, result.stderr
    return {p.relative_to(out).as_posix(): p.read_text(encoding="utf-8") for p in out.rglob("*") if p.is_file()}


@pytest.fixture(scope="module")
def basic(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    from tests.conftest import run_cli

    case = yaml.safe_load((GOLDEN / "basic.yaml").read_text(encoding="utf-8"))
    root = write_files(tmp_path_factory.mktemp("basic"), case["files"])
    return render_files(run_cli, root, tmp_path_factory.mktemp("out"), case["as_of"])


@pytest.fixture(scope="module")
def shipped(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    from tests.conftest import run_cli

    return render_files(run_cli, REPO, tmp_path_factory.mktemp("shipped"), "2026-11-28")


def api_documents(files: dict[str, str]) -> dict[str, dict[str, object]]:
    return {
        path: json.loads(text)
        for path, text in files.items()
        if path.startswith(f"{API_ROOT}/") and path.endswith(".json") and "/schema/" not in path
    }


@pytest.mark.parametrize("which", ["basic", "shipped"])
def test_every_document_validates_against_its_own_schema(which: str, request: pytest.FixtureRequest) -> None:
    files: dict[str, str] = request.getfixturevalue(which)
    documents = api_documents(files)
    assert len(documents) > 10
    seen = set()
    for path, document in documents.items():
        reference = document["$schema"]
        assert isinstance(reference, str)
        name = reference.rsplit("/", 1)[1]
        seen.add(name)
        # The relative URL resolves to the schema file directly under api/v1/schema/.
        resolved = (Path(path).parent / reference).as_posix()
        resolved = re.sub(r"[^/]+/\.\./", "", resolved)
        assert resolved == f"{API_ROOT}/schema/{name}", (path, reference)
        schema = json.loads(files[resolved])
        jsonschema.Draft202012Validator.check_schema(schema)
        jsonschema.Draft202012Validator(schema).validate(document)
        for key in ("as_of", "commit", "version"):
            assert key in document, (path, key)
    if which == "basic":
        assert seen == {f"{name}.schema.json" for name in SCHEMAS}


def test_schemas_are_self_contained(basic: dict[str, str]) -> None:
    for name in SCHEMAS:
        text = basic[f"{API_ROOT}/schema/{name}.schema.json"]
        for ref in re.findall(r'"\$ref": "([^"]+)"', text):
            assert ref.startswith("#/"), (name, ref)


def test_single_documents_carry_id_title_status_reasons(basic: dict[str, str]) -> None:
    gate = json.loads(basic[f"{API_ROOT}/gates/ex-g01.json"])
    assert (gate["id"], gate["title"], gate["status"]) == ("EX-G01", "Backups are proven", "partial")
    assert gate["reasons"][0] == "assessed ready by 2026-06-01-assess on 2026-06-01"
    assert gate["badge"] == "badges/gates/ex-g01.svg" and gate["embed"] == "embed/gates/ex-g01/"
    wave = json.loads(basic[f"{API_ROOT}/waves/wave-1.json"])
    assert (wave["id"], wave["status"], wave["overdue"]) == ("wave-1", "in-progress", True)
    assert wave["reasons"][0] == "overdue: the target 2026-06-01 has passed"


def test_events_follow_the_contract(basic: dict[str, str]) -> None:
    events = json.loads(basic[f"{API_ROOT}/events.json"])["events"]
    types = [(e["type"], e["subject"]) for e in events]
    assert ("ops-backup-verified", "store:app-db") in types
    assert ("ops-risk-raised", "store:app-db") in types and ("ops-risk-raised", "service:app") in types
    assert types.count(("ops-readiness-gate-updated", "gate:EX-G01")) == 1
    assert ("ops-readiness-gate-updated", "gate:EX-G02") in types  # the superseded record still happened
    assert not any(t.startswith("ops-migration-gate") for t, _ in types)  # no git history here
    ids = [e["id"] for e in events]
    assert len(ids) == len(set(ids))
    assert all(set(e) == {"id", "type", "time", "subject", "data"} for e in events)


def test_event_ids_are_identical_across_builds(cli: Cli, tmp_path: Path) -> None:
    first = render_files(cli, REPO, tmp_path / "one", "2026-11-28")
    second = render_files(cli, REPO, tmp_path / "two", "2026-11-29")
    ids_one = [e["id"] for e in json.loads(first[f"{API_ROOT}/events.json"])["events"]]
    ids_two = [e["id"] for e in json.loads(second[f"{API_ROOT}/events.json"])["events"]]
    assert ids_one and ids_one == ids_two


def test_wave_events_come_from_history(cli: Cli, tmp_path: Path) -> None:
    from tests.conftest import MINIMAL
    from tests.test_history import Repo, assessment

    repo = Repo(tmp_path / "repo")
    repo.commit("2026-06-01", "catalog", dict(MINIMAL))
    passed = repo.commit("2026-06-02", "ready", {"evidence/2026/r.yaml": assessment("2026-06-02", "T-G01", "ready")})
    failed = repo.commit(
        "2026-06-03", "blocked", {"evidence/2026/b.yaml": assessment("2026-06-03", "T-G01", "blocked")}
    )
    files = render_files(cli, repo.root, tmp_path / "out", "2026-06-30")
    events = json.loads(files[f"{API_ROOT}/events.json"])["events"]
    waves = [(e["type"], e["subject"], e["data"]["commit"]) for e in events if e["type"].startswith("ops-migration")]
    assert waves == [
        ("ops-migration-gate-passed", "wave:wave-a", passed),
        ("ops-migration-gate-failed", "wave:wave-a", failed),
    ]


def test_badges_are_valid_accessible_svg(shipped: dict[str, str]) -> None:
    badges = {p: t for p, t in shipped.items() if p.startswith("badges/")}
    summary = json.loads(shipped[f"{API_ROOT}/summary.json"])
    waves = json.loads(shipped[f"{API_ROOT}/waves.json"])["waves"]
    assert len(badges) == summary["gates"] + len(waves) > 0  # one per active gate and wave, whatever data/ holds
    for text in badges.values():
        root = ET.fromstring(text.encode("utf-8"))
        assert root.tag == "{http://www.w3.org/2000/svg}svg"
        title = root.find("{http://www.w3.org/2000/svg}title")
        assert title is not None and title.text and ":" in title.text
        assert root.get("role") == "img"
        assert "@import" not in text and "url(http" not in text and "href=" not in text
    assert "OPS-G05: partial" in shipped["badges/gates/ops-g05.svg"]


def test_widget_cards_are_small_and_inert(shipped: dict[str, str]) -> None:
    card = shipped["embed/gates/ops-g05/index.html"]
    assert "<script" not in card and "javascript:" not in card
    assert not re.search(r"<[^>]+\son\w+=", card)
    assert "Container registry publishing is proven" in card
    assert 'href="../../../gates/ops-g05/" target="_top"' in card
    assert "http://" not in card and "https://" not in card
    assert "wave-1-registry-proof" in shipped["embed/waves/wave-1-registry-proof/index.html"]


def test_aliases_keep_old_urls_working(cli: Cli, tmp_path: Path) -> None:
    from tests.conftest import MINIMAL

    root = write_files(
        tmp_path / "repo",
        {
            **MINIMAL,
            "data/gates.yaml": "- {id: T-G01, title: First gate, requirement: x, aliases: [OLD-G01]}\n",
            "data/waves.yaml": "- {id: wave-a, title: W, gates: [T-G01], aliases: [first-wave]}\n",
            "data/services/svc.yaml": "id: svc\nname: Service\naliases: [old-svc]\n",
        },
    )
    files = render_files(cli, root, tmp_path / "out", "2026-06-30")
    assert 'content="0; url=../t-g01/"' in files["gates/old-g01/index.html"]
    assert files[f"{API_ROOT}/gates/old-g01.json"] == files[f"{API_ROOT}/gates/t-g01.json"]
    assert files["badges/gates/old-g01.svg"] == files["badges/gates/t-g01.svg"]
    assert files["embed/gates/old-g01/index.html"] == files["embed/gates/t-g01/index.html"]
    assert 'content="0; url=../wave-a/"' in files["waves/first-wave/index.html"]
    assert 'content="0; url=../svc/"' in files["services/old-svc/index.html"]
    assert files[f"{API_ROOT}/services/old-svc.json"] == files[f"{API_ROOT}/services/svc.json"]


def test_api_guide_is_generated(basic: dict[str, str]) -> None:
    assert PAGE.read_text(encoding="utf-8") == reference(), "docs/guide/api.md is stale: run `make api-docs`"
