"""Unit tests: direct calls into the pieces the CLI tests only see through their output.

Every catalog here is built in code from the models (no files, no data/), and every
assertion names the exact value the behaviour produces today.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from generator.diff import Change as StatusChange
from generator.diff import Diff, Side, _status_changes, regressed
from generator.engine.checks import CheckResult, evaluate_check, field_value, is_present
from generator.engine.evidence_index import Assessment, build_index
from generator.engine.status import GATE_RANK, WAVE_RANK, GateState, Reason, WaveState
from generator.git import Blobs, Change, GitTree, first_parent_log
from generator.records.catalog import Catalog
from generator.records.checkfields import check_field_problem, where_value_problem
from generator.records.kinds import KINDS
from generator.records.models import Check, Environment, Evidence, Gate, Service, Store, Wave
from generator.records.tree import Entry, TooLarge
from generator.textsafe import (
    front_matter_title,
    md_code,
    md_fence,
    md_text,
    render_markdown,
    terminal_text,
)

try:  # the registry probe's OCI helpers may move to their own module
    from generator.probes.oci import parse_challenge  # type: ignore[import-not-found, unused-ignore]
except ImportError:
    from generator.probes.registry import parse_challenge

UTC = dt.UTC
AS_OF = dt.datetime(2026, 6, 30, 23, 59, 59, tzinfo=UTC)


# ------------------------------------------------------------------ building catalogs in code


def service(**fields: Any) -> Service:
    return Service.model_validate({"name": "Service", **fields})


def store(**fields: Any) -> Store:
    return Store.model_validate({"kind": "postgresql", **fields})


def wave(**fields: Any) -> Wave:
    return Wave.model_validate({"title": "Wave", "gates": ["T-G01"], **fields})


def environment(**fields: Any) -> Environment:
    return Environment.model_validate({"name": "Env", **fields})


def record(observed: str | dt.date | dt.datetime, kind: str = "note", **fields: Any) -> Evidence:
    return Evidence.model_validate({"observed": observed, "kind": kind, "summary": "test record", **fields})


def catalog(
    *,
    services: Sequence[Service] = (),
    environments: Sequence[Environment] = (),
    waves: Sequence[Wave] = (),
    gates: Sequence[Gate] = (),
    evidence: dict[str, Evidence] | None = None,
    aliases: dict[str, dict[str, str]] | None = None,
) -> Catalog:
    """A catalog as the loader would leave it: every table keyed by id, stores by their service."""
    built = Catalog(root=Path("/nonexistent-catalog-root"))
    for svc in services:
        built.services[svc.id] = svc
        for item in svc.stores or ():
            built.stores[item.id] = item
            built.store_service[item.id] = svc.id
    built.environments = {e.id: e for e in environments}
    built.waves = {w.id: w for w in waves}
    built.gates = {g.id: g for g in gates}
    built.evidence = dict(evidence or {})
    built.aliases = dict(aliases or {})
    return built


def run_check(check: Check, cat: Catalog, as_of: dt.datetime = AS_OF) -> dict[str, tuple[bool, tuple[str, ...]]]:
    """entity ref -> (passed, reasons) of one check, as the status rules would see it."""
    results = evaluate_check("T-G01", 0, check, cat, build_index(cat, as_of), as_of)
    return {r.entity: (r.passed, r.reasons) for r in results}


# ------------------------------------------------------------------ checks: reading field values


def test_field_value_follows_dotted_paths_through_written_fields_only() -> None:
    db = store(id="db", backup={"location": "s3://backups/db", "schedule": "  "})
    bare = store(id="bare")
    assert field_value(db, "backup.location") == "s3://backups/db"
    assert field_value(db, "backup.schedule") == "  "  # read as written; presence is decided apart
    assert field_value(db, "backup.retention") is None  # the mapping is there, the key is not
    assert field_value(bare, "backup.location") is None  # no mapping on the way
    assert field_value(db, "kind") == "postgresql"
    # A default the model fills in is not written: absent.
    assert db.aliases == []
    assert field_value(db, "aliases") is None

    svc = service(id="svc", runbooks={"deploy": "docs/deploy.md"}, stores=[])
    assert field_value(svc, "runbooks.deploy") == "docs/deploy.md"
    assert field_value(svc, "runbooks.restore") is None
    assert field_value(svc, "stores") == []
    assert field_value(svc, "deployments") is None

    env = environment(id="old", role="current production")
    assert field_value(env, "role") == "current production"
    assert field_value(env, "lifecycle") is None

    w = wave(id="w", target="2026-07-01", rollback={"steps": "Revert the DNS."}, retired=False)
    assert field_value(w, "target") == dt.date(2026, 7, 1)
    assert field_value(w, "rollback.steps") == "Revert the DNS."
    assert field_value(w, "rollback.conditions") is None
    assert field_value(w, "retired") is False  # written false is a value
    assert field_value(wave(id="v"), "retired") is None  # the default False is not


@pytest.mark.parametrize(
    ("value", "present"),
    [
        (None, False),
        ("", False),
        ("   ", False),
        ("\t\n", False),
        ("x", True),
        (" x ", True),
        ([], True),
        ({}, True),
        (False, True),
        (0, True),
        (dt.date(2026, 7, 1), True),
    ],
    ids=repr,
)
def test_is_present_null_and_blank_absent_empty_list_present(value: Any, present: bool) -> None:
    assert is_present(value) is present


def test_fields_check_on_stores_blank_and_null_are_absent() -> None:
    svc = service(
        id="svc",
        stores=[
            {"id": "db", "kind": "postgresql", "backup": {"location": "s3://b"}},
            {"id": "blank", "kind": "postgresql", "backup": {"location": "   "}},
            {"id": "null", "kind": "postgresql", "backup": {"location": None}},
            {"id": "nobackup", "kind": "object-storage"},
        ],
    )
    check = Check(select="stores", fields=["backup.location"])
    assert run_check(check, catalog(services=[svc])) == {
        "store:blank": (False, ("lacks backup.location",)),
        "store:db": (True, ()),
        "store:nobackup": (False, ("lacks backup.location",)),
        "store:null": (False, ("lacks backup.location",)),
    }


def test_fields_check_explicit_empty_list_is_present_absent_list_is_not() -> None:
    cat = catalog(
        services=[
            service(id="none-declared", stores=[], depends_on=[]),
            service(id="not-cataloged"),
        ]
    )
    check = Check(select="services", fields=["stores", "depends_on"])
    assert run_check(check, cat) == {
        "service:none-declared": (True, ()),
        "service:not-cataloged": (False, ("lacks stores", "lacks depends_on")),
    }


def test_virtual_endpoints_needs_one_endpoint_in_some_deployment() -> None:
    cat = catalog(
        services=[
            service(
                id="has",
                deployments=[
                    {"environment": "old", "state": "live"},
                    {"environment": "new", "state": "target", "endpoints": [{"url": "https://has.example/"}]},
                ],
            ),
            service(id="empty", deployments=[{"environment": "new", "state": "target", "endpoints": []}]),
            service(id="nodeploy"),
            service(id="nolist", deployments=[]),
        ]
    )
    assert run_check(Check(select="services", fields=["endpoints"]), cat) == {
        "service:empty": (False, ("lacks endpoints",)),  # an explicit [] of endpoints is not one endpoint
        "service:has": (True, ()),
        "service:nodeploy": (False, ("lacks endpoints",)),
        "service:nolist": (False, ("lacks endpoints",)),
    }


def test_virtual_evidence_needs_a_counting_record_about_the_entity() -> None:
    envs = [environment(id="old"), environment(id="new"), environment(id="later")]
    records = {
        "2026-06-01-old": record("2026-06-01", about=["environment:old"]),
        "2026-06-02-new": record("2026-06-02", about=["environment:new"]),
        "2026-06-03-fix": record("2026-06-03", supersedes=["2026-06-02-new"]),
        "2026-07-05-later": record("2026-07-05", about=["environment:later"]),  # after the as-of moment
    }
    cat = catalog(environments=envs, evidence=records)
    assert run_check(Check(select="environments", fields=["evidence", "role"]), cat) == {
        "environment:later": (False, ("lacks evidence", "lacks role")),
        "environment:new": (False, ("lacks evidence", "lacks role")),
        "environment:old": (False, ("lacks role",)),
    }
    assert run_check(Check(select="environments", fields=["evidence"]), cat) == {
        "environment:later": (False, ("lacks evidence",)),
        "environment:new": (False, ("lacks evidence",)),
        "environment:old": (True, ()),
    }


def test_where_compares_values_with_their_type() -> None:
    cat = catalog(
        services=[
            service(id="crit", criticality="critical", depends_on=["db", "auth"]),
            service(id="low", criticality="low", depends_on=["auth"]),
            service(id="unset"),
        ],
        waves=[
            wave(id="w-retired", retired=True),
            wave(id="w-written", retired=False),
            wave(id="w-default"),
        ],
    )
    by_criticality = Check(select="services", where={"criticality": ["critical", "high"]}, fields=["owner"])
    assert list(run_check(by_criticality, cat)) == ["service:crit"]
    # A list field matches when any item is among those listed.
    by_dependency = Check(select="services", where={"depends_on": ["db"]}, fields=["owner"])
    assert list(run_check(by_dependency, cat)) == ["service:crit"]
    by_either = Check(select="services", where={"depends_on": ["auth"]}, fields=["owner"])
    assert list(run_check(by_either, cat)) == ["service:crit", "service:low"]
    # Every key must match.
    both = Check(select="services", where={"depends_on": ["auth"], "criticality": ["low"]}, fields=["owner"])
    assert list(run_check(both, cat)) == ["service:low"]
    # false is not 0, and a default (never written) matches nothing; retired waves are not selected at all.
    assert run_check(Check(select="waves", where={"retired": [0]}, fields=["notes"]), cat) == {}
    assert run_check(Check(select="waves", where={"retired": [False]}, fields=["notes"]), cat) == {
        "wave:w-written": (False, ("lacks notes",))
    }
    assert run_check(Check(select="waves", where={"retired": ["false"]}, fields=["notes"]), cat) == {}


def test_where_a_date_field_matches_a_date_in_the_list() -> None:
    """The comparison keeps types: a date (written unquoted, YAML reads it as one) matches an equal date."""
    cat = catalog(waves=[wave(id="july", target="2026-07-01"), wave(id="august", target="2026-08-01"), wave(id="x")])
    check = Check(select="waves", where={"target": [dt.date(2026, 7, 1), dt.date(2026, 9, 1)]}, fields=["notes"])
    assert run_check(check, cat) == {"wave:july": (False, ("lacks notes",))}
    moments: dict[str, list[Any]] = {"target": [dt.datetime(2026, 7, 1, tzinfo=UTC)]}
    moment = Check.model_construct(select="waves", where=moments, fields=["notes"])
    assert run_check(moment, cat) == {}  # a datetime is another type than a date


def test_where_a_quoted_date_does_not_match_a_date_field() -> None:
    """``where: {target: ["2026-07-01"]}`` is text, ``target`` is a date: no wave is selected
    (the loader reports the quoted date and says to write it unquoted)."""
    cat = catalog(waves=[wave(id="july", target="2026-07-01")])
    check = Check(select="waves", where={"target": ["2026-07-01"]}, fields=["notes"])
    assert run_check(check, cat) == {}


def test_where_values_keep_their_type_and_refuse_times() -> None:
    check = Check.model_validate({"select": "waves", "where": {"target": [dt.date(2026, 7, 1), "x", 1, True]}})
    assert [type(v) for v in (check.where or {})["target"]] == [dt.date, str, int, bool]
    for bad in (dt.datetime(2026, 7, 1, 9, 30), 1.5, {"a": 1}):
        with pytest.raises(ValidationError):
            Check.model_validate({"select": "waves", "where": {"target": [bad]}})


@pytest.mark.parametrize(
    ("select", "name", "value", "problem"),
    [
        ("waves", "target", dt.date(2026, 11, 15), None),
        (
            "waves",
            "target",
            "2026-11-15",
            "'2026-11-15' is quoted, so it is text and never matches target, "
            "which is a date: write 2026-11-15 without quotes",
        ),
        (
            "waves",
            "target",
            "2026-02-30",
            "'2026-02-30' is text and never matches target, which is a date: "
            "write a date like 2026-06-14, without quotes",
        ),
        (
            "waves",
            "target",
            1,
            "1 is a number and never matches target, which is a date: write a date like 2026-06-14, without quotes",
        ),
        ("waves", "retired", False, None),
        ("waves", "retired", True, "true never matches retired: checks never select retired waves"),
        ("waves", "retired", 0, "0 is a number and never matches retired, which is true or false"),
        ("waves", "gates", "T-G01", None),
        ("waves", "gates", 1, '1 is a number and never matches gates, which is a list of text: quote it ("1")'),
        ("waves", "rollback", "x", "'x' is text and never matches rollback, which is a mapping of fields"),
        ("services", "criticality", "high", None),
        (
            "services",
            "criticality",
            "urgent",
            "'urgent' never matches criticality, which is one of critical, high, normal, low",
        ),
        (
            "services",
            "criticality",
            True,
            "true never matches criticality, which is one of critical, high, normal, low",
        ),
        ("services", "lifecycle", "retired", "'retired' never matches lifecycle: checks never select retired services"),
        ("services", "deployments", "x", "'x' is text and never matches deployments, which is a list of mappings"),
        (
            "services",
            "owner",
            dt.date(2026, 1, 2),
            '2026-01-02 is a date and never matches owner, which is text: quote it ("2026-01-02")',
        ),
        ("environments", "lifecycle", "retired", None),  # environments are selected whatever their lifecycle
        ("stores", "kind", "x" * 70, None),
        ("stores", "kind", 7, '7 is a number and never matches kind, which is text: quote it ("7")'),
        ("stores", "nope", 7, None),  # an unknown field is reported by check_field_problem
    ],
)
def test_where_value_problem(select: str, name: str, value: object, problem: str | None) -> None:
    assert where_value_problem(select, name, value) == problem


def test_a_kind_retired_by_a_field_value_is_retired_by_it() -> None:
    """``retired_by`` states the field value that the kind's ``retired`` rule tests."""
    cat = catalog(
        services=[service(id="gone", lifecycle="retired"), service(id="live", lifecycle="live")],
        waves=[wave(id="gone", retired=True), wave(id="live", retired=False)],
        gates=[
            Gate.model_validate({"id": f"T-G0{n}", "title": "t", "requirement": "r", "retired": n == 1}) for n in (1, 2)
        ],
    )
    retired = {}
    for kind in KINDS:
        if kind.retired_by is not None:
            field, value = kind.retired_by
            table = kind.table(cat)
            assert table, kind.name
            for ident, entity in table.items():
                assert cat.retired(kind.name, ident) == (getattr(entity, field) == value), (kind.name, ident)
            retired[kind.name] = sorted(ident for ident in table if cat.retired(kind.name, ident))
    assert retired == {"service": ["gone"], "gate": ["T-G01"], "wave": ["gone"]}


def test_checks_skip_retired_services_and_their_stores_and_report_missing_ids() -> None:
    cat = catalog(
        services=[
            service(id="live", stores=[store(id="live-db")]),
            service(id="gone", lifecycle="retired", stores=[store(id="gone-db")]),
        ],
        aliases={"store": {"old-db": "live-db"}},
    )
    assert list(run_check(Check(select="stores", fields=["kind"]), cat)) == ["store:live-db"]
    listed = Check(select="stores", ids=["old-db", "live-db", "nope", "gone-db"], fields=["kind"])
    assert run_check(listed, cat) == {
        "store:live-db": (True, ()),  # the alias and the id name one store, once
        "store:nope": (False, ("store 'nope' does not exist",)),
    }


@pytest.mark.parametrize(
    ("select", "name", "top_level", "problem"),
    [
        ("stores", "backup.location", False, None),
        ("stores", "backup", False, None),
        ("stores", "evidence", False, None),
        ("services", "endpoints", False, None),
        ("services", "runbooks.deploy", False, None),
        ("waves", "rollback.steps", False, None),
        ("environments", "evidence", False, None),
        ("waves", "target", True, None),
        (
            "stores",
            "backup.nope",
            False,
            "stores have no field 'backup.nope' (known: location, owner, retention, schedule)",
        ),
        ("stores", "kind.x", False, "stores have no field 'kind.x': 'kind' holds no fields"),
        (
            "stores",
            "endpoints",
            False,
            "stores have no field 'endpoints' (known: aliases, backup, description, id, kind, evidence)",
        ),
        (
            "environments",
            "nope",
            False,
            "environments have no field 'nope' (known: aliases, id, lifecycle, name, notes, owner, role, evidence)",
        ),
        (
            "services",
            "endpoints",
            True,
            "services have no field 'endpoints' (known: aliases, criticality, depends_on, deployments, "
            "description, id, lifecycle, links, name, observability, owner, runbooks, stores)",
        ),
        ("services", "runbooks.deploy", True, "'where' filters on top-level fields only, not 'runbooks.deploy'"),
        (
            "waves",
            "nope",
            True,
            "waves have no field 'nope' (known: aliases, gates, id, notes, retired, rollback, services, target, title)",
        ),
    ],
)
def test_check_field_problem(select: str, name: str, top_level: bool, problem: str | None) -> None:
    assert check_field_problem(select, name, top_level=top_level) == problem


# ------------------------------------------------------------------ the evidence index


def backup(observed: str | dt.datetime, result: str = "pass", **fields: Any) -> Evidence:
    return record(observed, "backup-verified", result=result, about=["store:db"], **fields)


def db_catalog(records: dict[str, Evidence], **kwargs: Any) -> Catalog:
    return catalog(services=[service(id="svc", stores=[store(id="db"), store(id="blobs")])], evidence=records, **kwargs)


def test_latest_is_the_greatest_observed_then_id() -> None:
    # Inserted in an order that is neither by id nor by day: the index sorts.
    records = {
        "2026-06-10-b": backup("2026-06-10"),
        "2026-06-10-a": backup("2026-06-10", result="fail"),
        "2026-06-01-z": backup("2026-06-01"),
    }
    index = build_index(db_catalog(records), AS_OF)
    assert index.latest_about("store:db", "backup-verified") == "2026-06-10-b"  # same day: the id that sorts last
    assert index.counted == ["2026-06-01-z", "2026-06-10-a", "2026-06-10-b"]
    assert index.about == {"store:db": ["2026-06-01-z", "2026-06-10-a", "2026-06-10-b"]}
    assert index.latest_about("store:db", "note") is None
    assert index.latest_about("store:blobs", "backup-verified") is None
    assert index.has_about("store:db") and not index.has_about("store:blobs")
    assert index.observed_day("2026-06-10-a") == dt.date(2026, 6, 10)


def test_a_time_on_a_day_sorts_after_the_date_alone() -> None:
    records = {
        "2026-06-10-z": backup("2026-06-10"),
        "2026-06-10-a": backup(dt.datetime(2026, 6, 10, 0, 0, 1, tzinfo=UTC)),
    }
    index = build_index(db_catalog(records), AS_OF)
    assert index.latest_about("store:db", "backup-verified") == "2026-06-10-a"
    assert index.moments["2026-06-10-z"] == dt.datetime(2026, 6, 10, tzinfo=UTC)


def test_records_after_the_as_of_moment_do_not_count() -> None:
    records = {"early": backup("2026-06-10"), "late": backup(dt.datetime(2026, 6, 11, 9, 0, tzinfo=UTC))}
    on_the_10th = build_index(db_catalog(records), dt.datetime(2026, 6, 10, 23, 59, 59, tzinfo=UTC))
    assert on_the_10th.counted == ["early"]
    assert on_the_10th.latest_about("store:db", "backup-verified") == "early"
    assert set(on_the_10th.moments) == {"early", "late"}  # every moment is known, counting or not
    at_nine = build_index(db_catalog(records), dt.datetime(2026, 6, 11, 9, 0, tzinfo=UTC))
    assert at_nine.latest_about("store:db", "backup-verified") == "late"  # "at or before" the moment


def test_references_count_under_the_canonical_id_and_unknown_ones_are_skipped() -> None:
    records = {
        "one": record("2026-06-01", "backup-verified", result="pass", about=["store:old-db", "store:db", "wave:x"]),
    }
    index = build_index(db_catalog(records, aliases={"store": {"old-db": "db"}}), AS_OF)
    assert index.about == {"store:db": ["one"]}  # once, although named twice
    assert index.latest_kind == {("store:db", "backup-verified"): "one"}


def test_superseded_records_stop_counting() -> None:
    records = {
        "2026-06-01-ok": backup("2026-06-01"),
        "2026-06-05-bad": backup("2026-06-05", result="fail"),
        "2026-06-06-fix": record("2026-06-06", supersedes=["2026-06-05-bad"]),
    }
    index = build_index(db_catalog(records), AS_OF)
    assert index.superseded_by == {"2026-06-05-bad": ["2026-06-06-fix"]}
    assert index.counted == ["2026-06-01-ok", "2026-06-06-fix"]
    assert index.latest_about("store:db", "backup-verified") == "2026-06-01-ok"
    # Before the correction was observed, the record still counted.
    before = build_index(db_catalog(records), dt.datetime(2026, 6, 5, 12, 0, tzinfo=UTC))
    assert before.superseded_by == {}
    assert before.latest_about("store:db", "backup-verified") == "2026-06-05-bad"


def test_a_superseded_record_stays_superseded_when_its_corrector_is_superseded() -> None:
    """docs/guide/data-model.md: superseded stays superseded even if the superseding record is itself superseded."""
    records = {
        "a": backup("2026-06-01"),
        "b": backup("2026-06-02", supersedes=["a"]),
        "c": record("2026-06-03", supersedes=["b"]),
    }
    index = build_index(db_catalog(records), AS_OF)
    assert index.superseded_by == {"a": ["b"], "b": ["c"]}
    assert index.counted == ["c"]
    assert index.latest_about("store:db", "backup-verified") is None
    assert index.has_about("store:db") is False


def test_resolved_by_lists_counting_resolvers_only() -> None:
    records = {
        "risk": record("2026-06-01", "risk-raised", severity="high", about=["store:db"]),
        "fix-1": record("2026-06-02", resolves=["risk"]),
        "fix-2": record("2026-06-03", resolves=["risk"]),
        "fix-3": record("2026-06-04", resolves=["risk"]),
        "undo": record("2026-06-05", supersedes=["fix-2"]),
    }
    index = build_index(db_catalog(records), AS_OF)
    assert index.resolved_by == {"risk": ["fix-1", "fix-3"]}
    assert build_index(db_catalog(records), dt.datetime(2026, 6, 1, 12, tzinfo=UTC)).resolved_by == {}


def test_the_latest_assessment_of_a_gate_counts() -> None:
    gate = Gate(id="T-G01", title="Gate", requirement="x", aliases=["OLD-G01"])
    records = {
        "2026-06-01-a": record("2026-06-01", "assessment", assess={"T-G01": "ready"}),
        "2026-06-02-b": record("2026-06-02", "assessment", assess={"OLD-G01": "partial", "NO-G09": "ready"}),
        "2026-06-02-a": record("2026-06-02", "assessment", assess={"T-G01": "blocked"}),
        "2026-06-03-c": record("2026-06-03", "assessment", assess={"T-G01": "unknown"}),
        "2026-06-04-x": record("2026-06-04", supersedes=["2026-06-03-c"]),
    }
    index = build_index(catalog(gates=[gate], evidence=records, aliases={"gate": {"OLD-G01": "T-G01"}}), AS_OF)
    assert index.assessments == {
        "T-G01": Assessment("2026-06-02-b", "partial", dt.datetime(2026, 6, 2, tzinfo=UTC)),
    }


def test_check_evidence_reads_the_latest_record_and_its_age() -> None:
    records = {
        "2026-06-20-a": backup("2026-06-20"),
        "2026-06-20-b": backup("2026-06-20", result="fail"),
        "2026-06-10-c": record("2026-06-10", "backup-verified", result="pass", about=["store:blobs"]),
    }
    cat = db_catalog(records)
    check = Check(select="stores", evidence="backup-verified", max_age_days=19)
    assert run_check(check, cat) == {
        "store:db": (False, ("latest backup-verified record 2026-06-20-b (2026-06-20) did not pass",)),
        "store:blobs": (False, ("latest backup-verified record 2026-06-10-c is 20 days old (at most 19 days)",)),
    }
    results = evaluate_check("T-G01", 3, check, cat, build_index(cat, AS_OF), AS_OF)
    assert [r.entity for r in results] == ["store:blobs", "store:db"]
    assert results[1] == CheckResult(
        "T-G01",
        3,
        "store:db",
        False,
        ("latest backup-verified record 2026-06-20-b (2026-06-20) did not pass",),
        "2026-06-20-b",
    )
    assert run_check(Check(select="stores", evidence="backup-verified", max_age_days=20), cat)["store:blobs"] == (
        True,
        (),
    )
    assert run_check(Check(select="stores", evidence="restore-tested"), cat)["store:db"] == (
        False,
        ("no restore-tested record",),
    )


# ------------------------------------------------------------------ diff: what counts as worse


@pytest.mark.parametrize(
    ("before", "after", "worse"),
    [
        ("ready", "partial", True),
        ("ready", "unknown", True),
        ("partial", "unknown", True),
        ("ready", "blocked", True),
        ("partial", "blocked", True),
        ("unknown", "blocked", True),
        ("unknown", "partial", False),
        ("unknown", "ready", False),
        ("partial", "ready", False),
        ("blocked", "partial", False),
        ("blocked", "unknown", False),
        ("blocked", "ready", False),
        ("blocked", "blocked", False),
        ("ready", "ready", False),
        (None, "blocked", False),
        (None, "unknown", False),
        (None, "ready", False),
        ("ready", None, False),
        ("blocked", None, False),
        (None, None, False),
    ],
)
def test_gate_regressions(before: str | None, after: str | None, worse: bool) -> None:
    assert regressed(before, after, GATE_RANK) is worse


@pytest.mark.parametrize(
    ("before", "after", "worse"),
    [
        ("passed", "in-progress", True),
        ("passed", "not-started", True),
        ("in-progress", "not-started", True),
        ("passed", "blocked", True),
        ("not-started", "blocked", True),
        ("not-started", "in-progress", False),
        ("in-progress", "passed", False),
        ("blocked", "in-progress", False),
        ("blocked", "not-started", False),
        (None, "blocked", False),
        (None, "not-started", False),
        ("passed", None, False),
    ],
)
def test_wave_regressions(before: str | None, after: str | None, worse: bool) -> None:
    assert regressed(before, after, WAVE_RANK) is worse


def gate_state(ident: str, status: Any, *reasons: str) -> GateState:
    return GateState(ident, status, tuple(Reason(text) for text in reasons), None, ())


def wave_state(ident: str, status: Any, *reasons: str) -> WaveState:
    return WaveState(ident, status, False, ("T-G01",), tuple(Reason(text) for text in reasons))


def test_status_changes_flag_regressions_and_take_the_new_reasons() -> None:
    old = {
        "A-G01": gate_state("A-G01", "ready"),
        "A-G02": gate_state("A-G02", "unknown"),
        "A-G03": gate_state("A-G03", "partial"),
        "A-G04": gate_state("A-G04", "ready"),
        "A-G05": gate_state("A-G05", "partial", "same"),
    }
    new = {
        "A-G05": gate_state("A-G05", "partial", "other reasons do not make a change"),
        "A-G01": gate_state("A-G01", "partial", "no assessment", "1 of 2 check results pass"),
        "A-G02": gate_state("A-G02", "partial", "assessed partial"),
        "A-G03": gate_state("A-G03", "blocked", "requires A-G01, which is partial"),
        "A-G00": gate_state("A-G00", "blocked", "requires A-G09"),
    }
    changes = _status_changes({ident: state.status for ident, state in old.items()}, new, GATE_RANK)
    assert changes == [
        StatusChange("A-G00", None, "blocked", ("requires A-G09",), False),
        StatusChange("A-G01", "ready", "partial", ("no assessment", "1 of 2 check results pass"), True),
        StatusChange("A-G02", "unknown", "partial", ("assessed partial",), False),
        StatusChange("A-G03", "partial", "blocked", ("requires A-G01, which is partial",), True),
        StatusChange("A-G04", "ready", None, (), False),
    ]
    waves = _status_changes(
        {"w1": "passed", "w2": "not-started"},
        {"w1": wave_state("w1", "in-progress", "T-G01 is partial"), "w2": wave_state("w2", "in-progress")},
        WAVE_RANK,
    )
    assert [(c.id, c.regression) for c in waves] == [("w1", True), ("w2", False)]
    side = Side("work tree", AS_OF, None, None, [])
    diff = Diff(side, side, gates=changes, waves=waves)
    assert [c.id for c in diff.regressions] == ["A-G01", "A-G03", "w1"]


# ------------------------------------------------------------------ git: moving a tree commit by commit


class GitRepo:
    def __init__(self, root: Path) -> None:
        self.root = root
        root.mkdir(parents=True)
        self.git("init", "-q", "-b", "main")
        self.git("config", "user.name", "Ada Example")
        self.git("config", "user.email", "ada@example.invalid")
        self.git("config", "core.symlinks", "true")

    def git(self, *args: str, day: int = 1) -> str:
        stamp = f"2026-06-{day:02d}T12:00:00+00:00"
        env = {**os.environ, "GIT_AUTHOR_DATE": stamp, "GIT_COMMITTER_DATE": stamp}
        return subprocess.run(
            ["git", *args], cwd=self.root, env=env, capture_output=True, text=True, check=True
        ).stdout.strip()

    def commit(
        self, day: int, message: str, files: dict[str, bytes | None], links: dict[str, str] | None = None
    ) -> str:
        for rel, data in files.items():
            path = self.root / rel
            if data is None:
                path.unlink()
            else:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(data)
        for rel, target in (links or {}).items():
            (self.root / rel).symlink_to(target)
        self.git("add", "-A")
        self.git("commit", "-q", "-m", message, day=day)
        return self.git("rev-parse", "HEAD")


def snapshot(tree: GitTree) -> dict[str, tuple[str, bytes | None]]:
    """Every entry reachable from the top: rel -> (kind, content of a file or link)."""
    out: dict[str, tuple[str, bytes | None]] = {}

    def walk(rel: str) -> None:
        for child in tree.children(rel):
            assert tree.entry(child.rel) == child
            if child.kind == "dir":
                out[child.rel] = ("dir", None)
                walk(child.rel)
            else:
                out[child.rel] = (child.kind, tree.read(child, 1 << 20))

    walk("")
    return out


def test_git_tree_moves_from_each_commit_to_the_next(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "repo")
    shas = [
        repo.commit(
            1,
            "catalog",
            {
                "data/gates.yaml": b"g1\n",
                "data/repos.yaml": b"r1\n",
                "evidence/2026/a.yaml": b"a1\n",
                "README.md": b"outside the records\n",
            },
        ),
    ]
    repo.commit(2, "docs only", {"README.md": b"still outside\n"})  # touches neither data/ nor evidence/
    shas.append(
        repo.commit(
            3,
            "modify and add",
            {
                "data/gates.yaml": b"g2\n",
                "evidence/files/run.bin": b"\x00\x01\xffbytes",
                "evidence/2026/b.yaml": b"b1\n",
                "evidence/2027/a.yaml": b"a2\n",
            },
            links={"data/link.yaml": "gates.yaml"},
        )
    )
    shas.append(
        repo.commit(
            4,
            "delete and rename",
            {
                "evidence/2026/a.yaml": None,
                "evidence/2026/b.yaml": None,
                "data/repos.yaml": None,
                "data/teams.yaml": b"r1\n",
            },
        )
    )
    repo.git("checkout", "-q", "-b", "side")
    side = repo.commit(5, "side work", {"evidence/2027/c.yaml": b"c1\n"})
    repo.git("checkout", "-q", "main")
    shas.append(repo.commit(6, "main work", {"data/waves.yaml": b"w1\n"}))
    repo.git("merge", "-q", "--no-ff", "-m", "merge side", "side", day=7)
    shas.append(repo.git("rev-parse", "HEAD"))

    expected: list[dict[str, tuple[str, bytes | None]]] = [
        {
            "data": ("dir", None),
            "data/gates.yaml": ("file", b"g1\n"),
            "data/repos.yaml": ("file", b"r1\n"),
            "evidence": ("dir", None),
            "evidence/2026": ("dir", None),
            "evidence/2026/a.yaml": ("file", b"a1\n"),
        },
        {
            "data": ("dir", None),
            "data/gates.yaml": ("file", b"g2\n"),
            "data/link.yaml": ("link", b"gates.yaml"),
            "data/repos.yaml": ("file", b"r1\n"),
            "evidence": ("dir", None),
            "evidence/2026": ("dir", None),
            "evidence/2026/a.yaml": ("file", b"a1\n"),
            "evidence/2026/b.yaml": ("file", b"b1\n"),
            "evidence/2027": ("dir", None),
            "evidence/2027/a.yaml": ("file", b"a2\n"),
            "evidence/files": ("dir", None),
            "evidence/files/run.bin": ("file", b"\x00\x01\xffbytes"),
        },
        {
            "data": ("dir", None),
            "data/gates.yaml": ("file", b"g2\n"),
            "data/link.yaml": ("link", b"gates.yaml"),
            "data/teams.yaml": ("file", b"r1\n"),
            "evidence": ("dir", None),
            "evidence/2027": ("dir", None),
            "evidence/2027/a.yaml": ("file", b"a2\n"),
            "evidence/files": ("dir", None),
            "evidence/files/run.bin": ("file", b"\x00\x01\xffbytes"),
        },
    ]
    expected.append({**expected[2], "data/waves.yaml": ("file", b"w1\n")})
    expected.append({**expected[3], "evidence/2027/c.yaml": ("file", b"c1\n")})
    expected_ids = [{"a"}, {"a", "b"}, {"a"}, {"a"}, {"a", "c"}]

    log = first_parent_log(repo.root)
    assert [commit.sha for commit, _ in log] == shas  # oldest first; no docs-only or side commit
    assert side not in {commit.sha for commit, _ in log}
    assert [commit.subject for commit, _ in log] == [
        "catalog",
        "modify and add",
        "delete and rename",
        "main work",
        "merge side",
    ]
    assert log[0][0].time == dt.datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
    assert sorted((c.status, c.rel) for c in log[2][1]) == [
        ("A", "data/teams.yaml"),
        ("D", "data/repos.yaml"),
        ("D", "evidence/2026/a.yaml"),
        ("D", "evidence/2026/b.yaml"),
    ]
    assert [(c.status, c.rel) for c in log[4][1]] == [("A", "evidence/2027/c.yaml")]  # the merge, against main
    assert {c.rel: c.mode for c in log[1][1]}["data/link.yaml"] == "120000"

    with Blobs(repo.root) as blobs:
        moving = GitTree(blobs)
        assert snapshot(moving) == {} and moving.evidence_ids() == set()
        for (commit, changes), want, ids in zip(log, expected, expected_ids, strict=True):
            moving.apply(changes)
            assert snapshot(moving) == want, commit.subject
            assert moving.evidence_ids() == ids, commit.subject
            fresh = GitTree.at(repo.root, commit.sha, blobs)
            assert snapshot(fresh) == want, commit.subject
            assert fresh.evidence_ids() == ids, commit.subject
        assert moving.entry("evidence/2026") is None and moving.children("evidence/2026") == []
        assert moving.entry("README.md") is None
        assert moving.entry("data") == Entry("data", "dir")
        assert [e.name for e in moving.children("data")] == ["gates.yaml", "link.yaml", "teams.yaml", "waves.yaml"]


def test_git_tree_apply_by_hand_and_reading_past_a_limit(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "repo")
    repo.commit(1, "one", {"data/x.yaml": b"0123456789", "data/y.yaml": b"y\n"})
    blobs_of = {}  # path -> blob id, from "mode type blob<TAB>path"
    for line in repo.git("ls-tree", "-r", "HEAD").splitlines():
        meta, _, path = line.partition("\t")
        blobs_of[path] = meta.split()[2]
    with Blobs(repo.root) as blobs:
        tree = GitTree(blobs)
        tree.apply([Change("A", "100644", blobs_of["data/x.yaml"], "evidence/n/x.yaml")])
        tree.apply([Change("M", "100755", blobs_of["data/y.yaml"], "evidence/n/x.yaml")])  # a mode and blob change
        entry = tree.entry("evidence/n/x.yaml")
        assert entry == Entry("evidence/n/x.yaml", "file", blobs_of["data/y.yaml"])
        assert tree.evidence_ids() == {"x"}  # modified, still counted once
        tree.apply([Change("A", "100644", blobs_of["data/x.yaml"], "evidence/m/x.yaml")])
        tree.apply([Change("D", "100644", "0" * 40, "evidence/n/x.yaml")])
        assert tree.evidence_ids() == {"x"}
        assert [e.rel for e in tree.children("evidence")] == ["evidence/m"]
        big = tree.entry("evidence/m/x.yaml")
        assert big is not None
        with pytest.raises(TooLarge) as raised:
            tree.read(big, 9)
        assert raised.value.size == 10
        assert tree.read(big, 10) == b"0123456789"  # the stream stayed in step after the skip
        tree.apply([Change("D", "100644", "0" * 40, "evidence/m/x.yaml")])
        assert tree.evidence_ids() == set()
        assert tree.children("") == [] and tree.entry("evidence") is None
        tree.apply([Change("D", "100644", "0" * 40, "evidence/never/there.yaml")])  # deleting nothing is a no-op
        assert tree.children("") == []


def test_first_parent_log_from_a_subdirectory_is_relative_to_it(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "repo")
    repo.commit(1, "outside", {"data/gates.yaml": b"top\n"})
    sha = repo.commit(2, "inside", {"ops/data/gates.yaml": b"ops\n", "ops/evidence/e.yaml": b"e\n"})
    log = first_parent_log(repo.root / "ops")
    assert [(c.sha, sorted((x.status, x.rel) for x in changes)) for c, changes in log] == [
        (sha, [("A", "data/gates.yaml"), ("A", "evidence/e.yaml")])
    ]
    with Blobs(repo.root) as blobs:
        tree = GitTree.at(repo.root / "ops", sha, blobs, "ops/")
        assert snapshot(tree) == {
            "data": ("dir", None),
            "data/gates.yaml": ("file", b"ops\n"),
            "evidence": ("dir", None),
            "evidence/e.yaml": ("file", b"e\n"),
        }


# ------------------------------------------------------------------ text sanitizing


@pytest.mark.parametrize(
    ("value", "markdown"),
    [
        ("a*b_c`d[e]f{g}h|i\\j", "a\\*b\\_c\\`d\\[e\\]f\\{g\\}h\\|i\\\\j"),
        ("<b>&amp;", "&lt;b&gt;&amp;amp;"),
        ("# title", "\\# title"),
        ("- item", "\\- item"),
        ("+ item", "\\+ item"),
        ("1. one", "1\\. one"),
        ("2) two", "2\\) two"),
        ("a - b # c", "a - b # c"),  # block markers only act at the start
        ("  - indented", " \\- indented"),
        ("    code block", " code block"),
        ("line1\nline2\r\nline3\tx\u2028y", "line1 line2 line3 x y"),
        ("!!! note", "&#33;&#33;&#33; note"),
        ("??? details", "&#63;&#63;&#63; details"),
        ("=== tab", "&#61;&#61;&#61; tab"),
        (": definition", "&#58; definition"),
        (":smile:", "&#58;smile:"),
        ("a==mark==", "a&#61;&#61;mark&#61;&#61;"),
        ("H~2~O x^2^", "H&#126;2&#126;O x&#94;2&#94;"),
        ("++ctrl++", "&#43;&#43;ctrl&#43;&#43;"),
        ("@user a@b.example", "&#64;user a&#64;b.example"),
        ("https://x.example", "https&#58;//x.example"),
        ("www.example.com", "www&#46;example.com"),
        ("a:b ready! a = b", "a:b ready! a = b"),
    ],
)
def test_md_text(value: str, markdown: str) -> None:
    assert str(md_text(value)) == markdown


def md_block(inner: str) -> str:
    return f'\n<div class="readiness-md">\n{inner}\n</div>\n'


@pytest.mark.parametrize(
    ("source", "html"),
    [
        ("<script>alert(1)</script>\n\nok", "<p>ok</p>"),
        ("<img src=x onerror=alert(1)>", ""),
        ("<iframe src=//evil.example></iframe>text", "text"),
        ("[x](javascript:alert(1))", "<p>[x](javascript:alert(1))</p>"),
        ("[x](&#106;avascript:alert(4))", "<p>[x](javascript:alert(4))</p>"),
        ('<a href="javascript:alert(1)">x</a>', '<p><a rel="noopener noreferrer nofollow">x</a></p>'),
        (
            '<a href="https://x.example" onclick="e()">l</a>',
            '<p><a href="https://x.example" rel="noopener noreferrer nofollow">l</a></p>',
        ),
        (
            "[x](https://ok.example/a?b=1)",
            '<p><a href="https://ok.example/a?b=1" rel="noopener noreferrer nofollow">x</a></p>',
        ),
        ("[r](/relative/page)", '<p><a href="/relative/page" rel="noopener noreferrer nofollow">r</a></p>'),
        (
            "<https://auto.example>",
            '<p><a href="https://auto.example" rel="noopener noreferrer nofollow">https://auto.example</a></p>',
        ),
        ("[m](mailto:a@b.example)", '<p><a rel="noopener noreferrer nofollow">m</a></p>'),
        ("# H1\n\n## H2\n\n### H3\n\nSetext\n===", "<h3>H1</h3>\n<h3>H2</h3>\n<h3>H3</h3>\n<h3>Setext</h3>"),
        ("a {{ config }} {% x %}", "<p>a &#123;&#123; config &#125;&#125; &#123;% x %&#125;</p>"),
        ("`{code}`", "<p><code>&#123;code&#125;</code></p>"),
        ("<!-- hidden -->text", "text"),
        ("![img](https://x.example/i.png)", "<p></p>"),
        (
            "| a | b |\n|:-|-:|\n| 1 | 2 |",
            '<table>\n<thead>\n<tr>\n<th align="left">a</th>\n<th align="right">b</th>\n</tr>\n</thead>\n'
            '<tbody>\n<tr>\n<td align="left">1</td>\n<td align="right">2</td>\n</tr>\n</tbody>\n</table>',
        ),
    ],
)
def test_render_markdown(source: str, html: str) -> None:
    assert str(render_markdown(source)) == md_block(html)


@pytest.mark.parametrize(
    ("value", "field", "lines"),
    [
        ("\x1b[31mred", "\\x1b[31mred", "\\x1b[31mred"),
        ("a\nb\rc", "a\\nb\\rc", "a\nb\\rc"),
        ("::error::x", "\\x3a:error::x", "\\x3a:error::x"),
        ("  ::warning x", "  \\x3a:warning x", "  \\x3a:warning x"),
        ("##[group]x", "\\x23#[group]x", "\\x23#[group]x"),
        ("ok\n::error::x\n##[group]y", "ok\\n::error::x\\n##[group]y", "ok\n\\x3a:error::x\n\\x23#[group]y"),
        ("\u202eevil", "\\u202eevil", "\\u202eevil"),
        ("\u2028\u2029", "\\u2028\\u2029", "\\u2028\\u2029"),
        ("\U000e0001", "\\U000e0001", "\\U000e0001"),
        ("\x7f\x85\x00", "\\x7f\\x85\\x00", "\\x7f\\x85\\x00"),
        ("\udcff", "\\udcff", "\\udcff"),
        ("tab\there é ✓ a:b #1", "tab\there é ✓ a:b #1", "tab\there é ✓ a:b #1"),
    ],
)
def test_terminal_text(value: str, field: str, lines: str) -> None:
    assert terminal_text(value) == field
    assert terminal_text(value, lines=True) == lines


@pytest.mark.parametrize(
    ("value", "span"),
    [
        ("plain", "`plain`"),
        ("a`b", "``a`b``"),
        ("`x", "`` `x ``"),
        ("x`", "`` x` ``"),
        ("``a```", "```` ``a``` ````"),
        ("", "` `"),
        (" x ", "`  x  `"),
        (" x", "` x`"),
        ("a\nb", "`a b`"),
        ("<b>@me [x](y)", "`<b>@me [x](y)`"),
    ],
)
def test_md_code(value: str, span: str) -> None:
    assert str(md_code(value)) == span


def test_md_fence() -> None:
    assert str(md_fence("plain", "text")) == "```text\nplain\n```"
    assert str(md_fence("a```b")) == "````\na```b\n````"
    assert str(md_fence("````")) == "`````\n````\n`````"
    assert str(md_fence("", "text")) == "```text\n```"
    assert str(md_fence("x\r\ny\rz\n", "text")) == "```text\nx\ny\nz\n```"
    for info in ("two words", "a`b", "tab\t"):
        with pytest.raises(ValueError, match="one word without backticks"):
            md_fence("x", info)


@pytest.mark.parametrize(
    ("value", "title"),
    [
        ("Plain title", '"Plain title"'),
        ('<b>"A" & B\\</b>', '"‹b›”A” ＆ B∖‹/b›"'),
        ("  two\nlines\r\n  ", '"two lines"'),
        ("a\u2028b", '"a b"'),
        ("</title><script>x</script>", '"‹/title›‹script›x‹/script›"'),
    ],
)
def test_front_matter_title(value: str, title: str) -> None:
    assert front_matter_title(value) == title


# ------------------------------------------------------------------ WWW-Authenticate challenges


@pytest.mark.parametrize(
    ("header", "scheme", "params"),
    [
        (
            'Bearer realm="https://auth.example/token",service="registry.example",scope="repository:a/b:pull,push"',
            "bearer",
            {"realm": "https://auth.example/token", "service": "registry.example", "scope": "repository:a/b:pull,push"},
        ),
        ('Basic realm="Registry Realm"', "basic", {"realm": "Registry Realm"}),
        ("basic", "basic", {}),
        ("BASIC realm=unquoted", "basic", {"realm": "unquoted"}),
        (
            'Bearer realm="a \\"quoted\\", with, commas",service=s',
            "bearer",
            {"realm": 'a "quoted", with, commas', "service": "s"},
        ),
        ('Bearer realm="a\\\\b"', "bearer", {"realm": "a\\b"}),
        ('  Bearer  realm = "x" ,  Service="y"', "bearer", {"realm": "x", "service": "y"}),
        ('Bearer realm="first", realm="second"', "bearer", {"realm": "first"}),
        ('Bearer realm="x", Basic realm="y"', "bearer", {"realm": "x"}),
        (
            'Bearer error="invalid_token",error_description="expired"',
            "bearer",
            {"error": "invalid_token", "error_description": "expired"},
        ),
    ],
)
def test_parse_challenge(header: str, scheme: str, params: dict[str, str]) -> None:
    challenge = parse_challenge(header)
    assert challenge is not None
    assert (challenge.scheme, challenge.params) == (scheme, params)
    assert challenge.name == scheme.capitalize()


@pytest.mark.parametrize("header", [None, "", "   ", "!!!", "123 abc", '"Bearer"', ",,,", "\x00", "=x"])
def test_parse_challenge_garbage_is_none(header: str | None) -> None:
    assert parse_challenge(header) is None
