"""The registries everything else is derived from: the entity kinds (generator.records.kinds), the record
rules of the Evidence model, the one record writer, and the probes (generator.probes.PROBES)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import inspect
import subprocess
import sys
from pathlib import Path
from typing import Any, get_args

import click
import pytest
import yaml
from pydantic import ValidationError

from generator.errors import UsageError
from generator.probes import PROBES, http, openapi, registry, tls
from generator.probes.base import PlanSettings
from generator.probes.planschema import ProbeEntry
from generator.probes.record import Outcome, Step, probe_record
from generator.probes.single import run_single
from generator.records import kinds
from generator.records.catalog import Catalog, Origin
from generator.records.loader import load_catalog, validate_document
from generator.records.models import REF_KINDS, CheckSelect, CollectBreaches, Evidence, Gate
from generator.records.recordfile import render_evidence
from tests.conftest import REPO, write_files

NO_NETWORK = ("ssl", "http.client", "cryptography", "generator.probes.net")


# ------------------------------------------------------------------ the kinds


def test_every_kind_once_in_the_order_of_the_contract() -> None:
    names = tuple(kind.name for kind in kinds.KINDS)
    assert names == get_args(kinds.EntityKind)
    assert set(REF_KINDS) == set(names) - {"evidence"}
    assert {kind.select for kind in kinds.KINDS if kind.select} == set(get_args(CheckSelect))
    sections = [kind.section for kind in kinds.KINDS if kind.section]
    assert len(sections) == len(set(sections))


def test_each_kind_names_its_catalog_table_and_model() -> None:
    catalog = load_catalog(REPO)
    fields = {field.name for field in dataclasses.fields(Catalog)}
    for kind in kinds.KINDS:
        table = kind.table(catalog)
        assert table is catalog.table(kind.name)
        assert any(getattr(catalog, name) is table for name in fields), kind.name
        assert all(isinstance(record, kind.model) for record in table.values()), kind.name
    with pytest.raises(KeyError):
        catalog.table("owner")


def test_layouts_say_where_records_are_written() -> None:
    patterns = {kind.name: kind.layout.pattern for kind in kinds.KINDS}
    assert patterns == {
        "repo": "data/repos.yaml",
        "environment": "data/environments.yaml",
        "service": "data/services/<id>.yaml",
        "store": "stores of a service",
        "gate": "data/gates.yaml",
        "wave": "data/waves.yaml",
        "evidence": "evidence/**/<id>.yaml",
    }
    assert kinds.kinds_inside(kinds.SERVICE) == (kinds.STORE,)


def test_retired_follows_each_kinds_rule(tmp_path: Path) -> None:
    root = write_files(
        tmp_path,
        {
            "data/repos.yaml": "- id: team\n",
            "data/environments.yaml": "- id: old\n  name: Old\n  lifecycle: retired\n",
            "data/gates.yaml": "- id: T-G01\n  title: t\n  requirement: r\n  retired: true\n",
            "data/waves.yaml": "- id: w\n  title: t\n  gates: [T-G01]\n  retired: true\n",
            "data/services/gone.yaml": "id: gone\nname: Gone\nlifecycle: retired\nstores: [{id: gone-db, kind: pg}]\n",
            "data/services/live.yaml": "id: live\nname: Live\nstores: [{id: live-db, kind: pg}]\n",
        },
    )
    catalog = load_catalog(root)
    retired = {
        (kind.name, ident) for kind in kinds.KINDS for ident in kind.table(catalog) if catalog.retired(kind.name, ident)
    }
    # An environment has no retired rule: its lifecycle is shown, but it still counts.
    assert retired == {("service", "gone"), ("store", "gone-db"), ("gate", "T-G01"), ("wave", "w")}
    assert catalog.store_retired("gone-db") and not catalog.store_retired("live-db")
    assert not catalog.retired("service", "nope")


# ------------------------------------------------------------ the record rules

RECORD = {"observed": dt.date(2026, 6, 1), "summary": "s"}


@pytest.mark.parametrize(
    ("fields", "breaches"),
    [
        ({"kind": "note"}, []),
        ({"kind": "tls-verified"}, [("result-required", ())]),
        ({"kind": "note", "severity": "low"}, [("severity-on-risk", ("severity",))]),
        ({"kind": "risk-raised", "severity": "low"}, []),
        (
            {"kind": "note", "result": "fail", "assess": {"A-G2": "ready", "A-G1": "ready", "A-G3": "partial"}},
            [("failed-ready", ("assess", "A-G1")), ("failed-ready", ("assess", "A-G2"))],
        ),
    ],
)
def test_the_evidence_model_holds_the_record_rules(fields: dict[str, Any], breaches: list[tuple[str, Any]]) -> None:
    collected = CollectBreaches()
    Evidence.model_validate({**RECORD, **fields}, context=collected)
    assert [(breach.rule, breach.loc) for breach in collected.breaches] == breaches
    if not breaches:
        Evidence.model_validate({**RECORD, **fields})
        return
    with pytest.raises(ValidationError) as caught:
        Evidence.model_validate({**RECORD, **fields})
    errors = caught.value.errors(include_url=False)
    assert [(error["type"], error["loc"], error["msg"]) for error in errors] == [
        ("record_rule", breach.loc, breach.message) for breach in collected.breaches
    ]


def test_validate_document_locates_problems_and_keeps_a_record_that_breaks_only_rules() -> None:
    text = "# a record\nobserved: 2026-06-01\nkind: note\nsummary: s\nseverity: low\n"
    node = yaml.compose(text)
    value = yaml.safe_load(text)
    record, problems = validate_document(node, value, Evidence, Origin("evidence/2026/x.yaml"))
    assert isinstance(record, Evidence)
    assert [str(problem) for problem in problems] == [
        "evidence/2026/x.yaml:5:11: severity is for risk-raised records only: remove it or change the kind (severity)"
    ]
    items = yaml.compose("- id: A-G1\n  title: t\n  requirment: r\n")
    gate, problems = validate_document(
        items, [{"id": "A-G1", "title": "t", "requirment": "r"}][0], Gate, Origin("data/gates.yaml", (0,), "A-G1")
    )
    assert gate is None
    assert sorted(str(problem) for problem in problems) == [
        "data/gates.yaml:1:3: missing required field 'requirement' (A-G1)",
        "data/gates.yaml:3:3: unknown field 'requirment': did you mean 'requirement'? (A-G1.requirment)",
    ]


# ------------------------------------------------------------- the one writer


def outcome(passed: bool = True) -> Outcome:
    return Outcome(
        kind="endpoint-verified",
        name="http-x",
        summary="GET https://x.example/ returned 200",
        command=["readiness", "probe", "http", "https://x.example/"],
        observed=dt.datetime(2026, 6, 1, 9, 30, tzinfo=dt.UTC),
        steps=[Step("GET https://x.example/", "200", "200" if passed else "500", passed)],
        details=["- a detail"],
    )


def test_probe_records_and_hand_written_ones_share_one_writer() -> None:
    record = probe_record(outcome(), about=["service:svc"], assess={"T-G01": "ready"})
    text = render_evidence(record)
    assert text.splitlines()[1:3] == ["observed: 2026-06-01T09:30:00Z", 'kind: "endpoint-verified"']
    failed = probe_record(outcome(passed=False), assess={"T-G01": "ready"})
    assert failed.assess == {} and "Not assessed ready, because the probe failed: T-G01" in (failed.details or "")


# ------------------------------------------------------------------ the probes


def test_the_registry_names_every_probe_by_its_name() -> None:
    assert list(PROBES) == ["http", "openapi", "tls", "registry"]
    assert all(name == probe.name for name, probe in PROBES.items())
    assert {name: probe.required for name, probe in PROBES.items()} == {
        "http": ("url",),
        "openapi": ("url", "require"),
        "tls": ("host",),
        "registry": ("url",),
    }


def test_a_plan_entry_holds_every_probes_fields_targets_first() -> None:
    assert list(ProbeEntry.model_fields) == [
        *("name", "probe", "url", "host", "expect", "method", "follow_redirects", "require", "min_days"),
        *("user_env", "password_env", "push_test", "ca", "timeout", "about", "assess_on_pass", "assess_on_fail"),
    ]
    entry = ProbeEntry.model_validate({"name": "t", "probe": "tls", "host": "x.example:8443"})
    settings = PlanSettings(ca=None, timeout=3.0, origins=())
    assert PROBES["tls"].from_plan(entry.settings, settings) == tls.TlsSpec("x.example", 8443, 14, None, 3.0)


def test_the_plan_schema_and_the_loader_load_no_network_code() -> None:
    script = "import sys, generator.records.loader, generator.probes.planschema; print(sorted(set(sys.argv[1:]) & set(sys.modules)))"
    result = subprocess.run(
        [sys.executable, "-c", script, *NO_NETWORK], capture_output=True, text=True, cwd=REPO, check=True
    )
    assert result.stdout.strip() == "[]"


@pytest.mark.parametrize("name", list(PROBES))
def test_a_probe_command_is_made_from_the_registry(name: str) -> None:
    """``readiness probe NAME`` is the registry's probe: its parameters and its help."""
    from generator.cli.probe import probe as group

    command = group.get_command(click.Context(group), name)
    assert command is not None and command.help == PROBES[name].help
    own = {param.name for param in PROBES[name].cli_params()}
    assert own <= {param.name for param in command.params}
    names = own | {"timeout"}
    assert set(inspect.signature(PROBES[name].from_cli).parameters) == names


def test_a_spec_from_the_command_line() -> None:
    assert http.PROBE.from_cli(
        url="https://x.example/", expect=204, method="head", follow=False, ca=None, timeout=2.0
    ) == (http.HttpSpec("https://x.example/", 204, "HEAD", False, None, 2.0))
    assert openapi.PROBE.from_cli(
        url="https://x.example/", require=("/a", "/a", "/b"), ca=None, timeout=1.0
    ).require == (
        "/a",
        "/b",
    )
    with pytest.raises(UsageError, match="--require hubs: write a path that starts with '/'"):
        openapi.PROBE.from_cli(url="https://x.example/", require=("hubs",), ca=None, timeout=1.0)
    with pytest.raises(UsageError, match="--user-env and --password-env go together"):
        registry.PROBE.from_cli(
            url="https://r.example/",
            user_env="U",
            password_env=None,
            push_test=None,
            credential_origins=(),
            ca=None,
            timeout=1.0,
        )
    with pytest.raises(UsageError, match="write an absolute http:// or https:// URL"):
        http.PROBE.from_cli(url="ftp://x.example/", expect=200, method="GET", follow=True, ca=None, timeout=1.0)


def test_run_single_checks_runs_and_writes(tmp_path: Path) -> None:
    root = write_files(
        tmp_path,
        {
            "data/repos.yaml": "- id: team\n",
            "data/gates.yaml": "- id: T-G01\n  title: t\n  requirement: r\n  aliases: [T-G00]\n",
            "data/services/svc.yaml": "id: svc\nname: Service\naliases: [old-svc]\n",
        },
    )
    seen: list[str] = []

    def run(spec: str) -> Outcome:
        seen.append(spec)
        return outcome(passed=False)

    fake = dataclasses.replace(http.PROBE, run=run)
    with pytest.raises(UsageError, match="--about nope: not a valid reference"):
        run_single(root, fake, "spec", about=["nope"], assess={}, write=False)
    assert seen == []
    shown = run_single(root, fake, "spec", about=["service:old-svc"], assess={"T-G00": "ready"}, write=False)
    assert shown.catalog is None and shown.refused == ["T-G00"] and shown.record.about == ["service:old-svc"]
    with pytest.raises(ValueError, match="write=True"):
        shown.write(root)
    written = run_single(root, fake, "spec", about=["service:old-svc"], assess={"T-G00": "ready"}, write=True)
    assert written.record.about == ["service:svc"] and written.refused == ["T-G01"]
    path = written.write(root)
    assert path.parent == root / "evidence" / "2026" and path.stem in load_catalog(root).evidence
    assert seen == ["spec", "spec"]
