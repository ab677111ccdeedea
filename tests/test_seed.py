"""The shipped data reproduces the seed document: titles, waves and statuses."""

from __future__ import annotations

import json
import re
from collections.abc import Callable

import pytest

from generator.asof import parse_as_of
from generator.engine.status import derive
from generator.records.loader import load_catalog
from tests.conftest import REPO, Result

SEED = REPO / "tests" / "seed" / "ops-hub-readiness-gates.md"
"""The readiness document this project replaces, kept with the tests so that the users' CI has it too."""
SHARED_SEED = REPO.parent / "shared" / "seed" / "ops-hub-readiness-gates.md"


def _seed_rows() -> list[list[str]]:
    if not SEED.is_file():
        pytest.fail(f"the seed document is missing: {SEED}")
    rows = []
    for line in SEED.read_text(encoding="utf-8").splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if line.startswith("|") and cells and not set(cells[0]) <= {"-"}:
            rows.append(cells)
    return rows


def seed_gates() -> dict[str, tuple[str, str]]:
    """Gate id -> (title, status) from the seed's table."""
    return {cells[0]: (cells[1], cells[4].strip("`")) for cells in _seed_rows() if re.fullmatch(r"OPS-G\d+", cells[0])}


def seed_waves() -> dict[str, tuple[str, list[str]]]:
    waves = {}
    for cells in _seed_rows():
        if cells[0].startswith("`wave-"):
            waves[cells[0].strip("`")] = (cells[1], re.findall(r"OPS-G\d+", cells[2]))
    return waves


def test_the_kept_seed_is_the_shared_one() -> None:
    if not SHARED_SEED.is_file():
        pytest.skip(f"no shared seed beside the repository ({SHARED_SEED}); the kept copy is used")
    assert SEED.read_text(encoding="utf-8") == SHARED_SEED.read_text(encoding="utf-8")


def test_validate_shipped_data(cli: Callable[..., Result]) -> None:
    result = cli("validate", root=REPO)
    assert result.code == 0, result.stdout + result.stderr
    counts = re.match(r"valid: (\d+) gates, (\d+) waves", result.stdout)
    assert counts is not None, result.stdout
    # The seed's gates and waves at least: the data may grow beyond the seed.
    assert int(counts[1]) >= len(seed_gates()) and int(counts[2]) >= len(seed_waves())


@pytest.mark.parametrize("as_of", ["2026-06-14", "2026-11-28"])
def test_status_reproduces_the_seed(cli: Callable[..., Result], as_of: str) -> None:
    result = cli("status", "--json", "--as-of", as_of, root=REPO)
    assert result.code == 0, result.stderr
    document = json.loads(result.stdout)
    expected = seed_gates()
    assert len(expected) == 15
    got = {gate["id"]: (gate["title"], gate["status"]) for gate in document["gates"]}
    assert {gate_id: got.get(gate_id) for gate_id in expected} == expected
    for gate in document["gates"]:
        if gate["id"] in expected and gate["status"] != "unknown":
            assert gate["reasons"], gate["id"]
            assert gate["reasons"][0].startswith("assessed partial by ")


def test_waves_match_the_seed(cli: Callable[..., Result]) -> None:
    document = json.loads(cli("status", "--json", "--as-of", "2026-06-14", root=REPO).stdout)
    got = {wave["id"]: (wave["title"], wave["gates"]) for wave in document["waves"]}
    assert {wave_id: got.get(wave_id) for wave_id in seed_waves()} == seed_waves()
    statuses = {wave["id"]: wave["status"] for wave in document["waves"]}
    assert {wave_id: statuses[wave_id] for wave_id in seed_waves()} == {
        "wave-0-catalog": "in-progress",
        "wave-1-registry-proof": "in-progress",
        "wave-2-backup-restore": "not-started",
        "wave-3-threephoenix-foundation": "not-started",
        "wave-4-service-migration": "in-progress",
    }


def test_bootstrap_probe_is_the_latest_endpoint_evidence_for_inter_hub() -> None:
    catalog = load_catalog(REPO)
    probe = catalog.evidence["2026-06-14-interhub-bootstrap-probe"]
    assert (probe.kind, probe.result, probe.assess) == ("endpoint-verified", "fail", {"OPS-G15": "partial"})
    assert [o.ok for o in probe.observations or []] == [False] * 5
    derived = derive(catalog, parse_as_of("2026-06-14"))
    assert derived.index.latest_about("service:inter-hub", "endpoint-verified") == "2026-06-14-interhub-bootstrap-probe"
