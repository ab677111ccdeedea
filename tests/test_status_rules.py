"""Each branch of the contract's status rules, on small catalogs."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest

from generator.asof import end_of_day, parse_as_of
from generator.engine.status import Derived, derive
from generator.records.loader import load_catalog

GATES_WITH_CHECKS = """\
    - id: T-G01
      title: Stores are backed up
      requirement: Every store has a backup and fresh evidence.
      checks:
        - select: stores
          fields: [backup.location]
          evidence: backup-verified
          max_age_days: 7
    - id: T-G02
      title: Needs the first
      requirement: x
      requires: [T-G01]
    - id: T-G03
      title: Plain gate
      requirement: x
      max_age_days: 30
    """

SERVICE_TWO_STORES = """\
    id: svc
    name: Service
    owner: team-a
    stores:
      - id: svc-db
        kind: postgresql
        backup: {location: s3://b}
      - id: svc-files
        kind: object-storage
    """


def evidence(
    observed: str,
    *,
    kind: str = "assessment",
    assess: dict[str, str] | None = None,
    about: list[str] | None = None,
    result: str | None = None,
    supersedes: list[str] | None = None,
) -> str:
    lines = [f"observed: {observed}", f"kind: {kind}", "summary: test record"]
    if result:
        lines.append(f"result: {result}")
    if about:
        lines.append(f"about: [{', '.join(about)}]")
    if assess:
        lines.append("assess: {" + ", ".join(f"{k}: {v}" for k, v in assess.items()) + "}")
    if supersedes:
        lines.append(f"supersedes: [{', '.join(supersedes)}]")
    return "\n".join(lines) + "\n"


Derive = Callable[..., Derived]


@pytest.fixture
def derived(catalog_dir: Callable[..., Path]) -> Derive:
    def run(files: dict[str, str | None], as_of: str = "2026-06-30") -> Derived:
        root = catalog_dir(files)
        catalog = load_catalog(root, now=end_of_day(dt.date(2026, 11, 28)))
        return derive(catalog, parse_as_of(as_of))

    return run


def statuses(result: Derived) -> dict[str, str]:
    return {gate_id: state.status for gate_id, state in result.gates.items()}


def reasons(result: Derived, gate_id: str) -> list[str]:
    return [reason.text for reason in result.gates[gate_id].reasons]


# ----------------------------------------------------------------- assessments


def test_latest_assessment_sets_the_status(derived: Derive) -> None:
    result = derived(
        {
            "evidence/a/old.yaml": evidence("2026-06-01", assess={"T-G01": "ready"}),
            "evidence/a/new.yaml": evidence("2026-06-10", assess={"T-G01": "partial"}),
        }
    )
    assert result.gates["T-G01"].status == "partial"
    assert reasons(result, "T-G01")[0] == "assessed partial by new on 2026-06-10"


def test_explicit_unknown_assessment_counts(derived: Derive) -> None:
    result = derived(
        {
            "evidence/a/one.yaml": evidence("2026-06-01", assess={"T-G01": "ready"}),
            "evidence/a/two.yaml": evidence("2026-06-02", assess={"T-G01": "unknown"}),
        }
    )
    assert result.gates["T-G01"].status == "unknown"


def test_same_day_tie_is_broken_by_id(derived: Derive) -> None:
    result = derived(
        {
            "evidence/a/b-record.yaml": evidence("2026-06-10", assess={"T-G01": "ready"}),
            "evidence/z/a-record.yaml": evidence("2026-06-10", assess={"T-G01": "partial"}),
        }
    )
    assert result.gates["T-G01"].status == "ready"
    assert result.gates["T-G01"].assessment is not None
    assert result.gates["T-G01"].assessment.evidence == "b-record"


def test_datetime_beats_same_day_date(derived: Derive) -> None:
    # A date means the start of its day, so a later time that day is later.
    result = derived(
        {
            "evidence/a/z-date.yaml": evidence("2026-06-10", assess={"T-G01": "partial"}),
            "evidence/a/a-time.yaml": evidence("2026-06-10T08:00:00Z", assess={"T-G01": "ready"}),
        }
    )
    assert result.gates["T-G01"].status == "ready"


def test_assessment_from_any_kind_counts(derived: Derive) -> None:
    result = derived(
        {
            "evidence/a/probe.yaml": evidence(
                "2026-06-10",
                kind="endpoint-verified",
                result="fail",
                about=["service:svc"],
                assess={"T-G01": "blocked"},
            ),
        }
    )
    assert result.gates["T-G01"].status == "blocked"
    assert result.gates["T-G01"].reasons[0].evidence == "probe"


# ----------------------------------------------------------------------- expiry


@pytest.mark.parametrize(
    ("as_of", "expected"),
    [("2026-06-30", "ready"), ("2026-07-10", "ready"), ("2026-07-11", "partial")],
)
def test_ready_expires_after_max_age_days(derive_gates: Derive, as_of: str, expected: str) -> None:
    # observed 2026-06-10, max_age_days 30: age 30 on 07-10 is fresh, age 31 on 07-11 expired.
    result = derive_gates({"evidence/a/r.yaml": evidence("2026-06-10", assess={"T-G03": "ready"})}, as_of)
    assert result.gates["T-G03"].status == expected
    if expected == "partial":
        assert "ready evidence expired on 2026-07-11 (r is older than 30 days)" in reasons(result, "T-G03")


def test_max_age_days_does_not_touch_partial(derive_gates: Derive) -> None:
    result = derive_gates({"evidence/a/r.yaml": evidence("2025-01-10", assess={"T-G03": "partial"})}, "2026-06-30")
    assert result.gates["T-G03"].status == "partial"


@pytest.fixture
def derive_gates(derived: Derive) -> Derive:
    """Like ``derived``, with the three-gate catalog and a service with two stores."""

    def run(files: dict[str, str | None], as_of: str = "2026-06-30") -> Derived:
        merged: dict[str, str | None] = {
            "data/gates.yaml": GATES_WITH_CHECKS,
            "data/waves.yaml": "[]\n",
            "data/services/svc.yaml": SERVICE_TWO_STORES,
        }
        merged.update(files)
        return derived(merged, as_of)

    return run


# ----------------------------------------------------------------------- checks


def backup(day: str, store: str, result: str = "pass") -> str:
    return evidence(day, kind="backup-verified", result=result, about=[f"store:{store}"])


def test_checks_without_assessment_none_passing_is_unknown(derive_gates: Derive) -> None:
    result = derive_gates({})
    assert result.gates["T-G01"].status == "unknown"
    assert reasons(result, "T-G01")[0] == "no assessment, and none of 2 check results pass"
    assert "store:svc-files: lacks backup.location; no backup-verified record" in reasons(result, "T-G01")


def test_checks_without_assessment_some_passing_is_partial(derive_gates: Derive) -> None:
    result = derive_gates({"evidence/a/b1.yaml": backup("2026-06-28", "svc-db")})
    assert result.gates["T-G01"].status == "partial"
    assert reasons(result, "T-G01")[0] == "no assessment; 1 of 2 check results pass"


def test_checks_without_assessment_all_passing_is_ready(derive_gates: Derive) -> None:
    service = SERVICE_TWO_STORES.replace(
        "kind: object-storage", "kind: object-storage\n        backup: {location: s3://f}"
    )
    result = derive_gates(
        {
            "data/services/svc.yaml": service,
            "evidence/a/b1.yaml": backup("2026-06-28", "svc-db"),
            "evidence/a/b2.yaml": backup("2026-06-29", "svc-files"),
        }
    )
    assert result.gates["T-G01"].status == "ready"
    assert reasons(result, "T-G01") == ["no assessment; all 2 check results pass"]


def test_check_evidence_age_and_result(derive_gates: Derive) -> None:
    result = derive_gates(
        {
            "evidence/a/b1.yaml": backup("2026-06-22", "svc-db"),  # 8 days old on 06-30
            "evidence/a/b2.yaml": backup("2026-06-29", "svc-files", result="fail"),
        }
    )
    text = reasons(result, "T-G01")
    assert "store:svc-db: latest backup-verified record b1 is 8 days old (at most 7 days)" in text
    assert "store:svc-files: lacks backup.location; latest backup-verified record b2 (2026-06-29) did not pass" in text


def test_check_evidence_exactly_max_age_is_fresh(derive_gates: Derive) -> None:
    result = derive_gates({"evidence/a/b1.yaml": backup("2026-06-23", "svc-db")})  # 7 days old
    db = [r for r in result.gates["T-G01"].results if r.entity == "store:svc-db"]
    assert db[0].passed


def test_latest_check_evidence_wins_even_when_failing(derive_gates: Derive) -> None:
    result = derive_gates(
        {
            "evidence/a/b1.yaml": backup("2026-06-28", "svc-db"),
            "evidence/a/b2.yaml": backup("2026-06-29", "svc-db", result="fail"),
        }
    )
    db = next(r for r in result.gates["T-G01"].results if r.entity == "store:svc-db")
    assert not db.passed and db.evidence == "b2"


def test_service_evidence_says_nothing_about_its_stores(derive_gates: Derive) -> None:
    result = derive_gates(
        {"evidence/a/b1.yaml": evidence("2026-06-28", kind="backup-verified", result="pass", about=["service:svc"])}
    )
    assert all(not r.passed for r in result.gates["T-G01"].results)


def test_failing_check_caps_a_ready_assessment(derive_gates: Derive) -> None:
    result = derive_gates(
        {
            "evidence/a/b1.yaml": backup("2026-06-28", "svc-db"),
            "evidence/a/ok.yaml": evidence("2026-06-29", assess={"T-G01": "ready"}),
        }
    )
    assert result.gates["T-G01"].status == "partial"
    text = reasons(result, "T-G01")
    assert text[0] == "assessed ready by ok on 2026-06-29"
    assert text[1].startswith("check 1 (stores: has backup.location and latest backup-verified record passes")
    assert text[1].endswith("1 of 2 fail")


def test_all_checks_pass_but_assessment_below_ready_is_hinted(derive_gates: Derive) -> None:
    service = SERVICE_TWO_STORES.replace(
        "kind: object-storage", "kind: object-storage\n        backup: {location: s3://f}"
    )
    result = derive_gates(
        {
            "data/services/svc.yaml": service,
            "evidence/a/b1.yaml": backup("2026-06-28", "svc-db"),
            "evidence/a/b2.yaml": backup("2026-06-28", "svc-files"),
            "evidence/a/p.yaml": evidence("2026-06-01", assess={"T-G01": "partial"}),
        }
    )
    assert result.gates["T-G01"].status == "partial"
    assert (
        "all 2 check results pass, but the latest assessment says partial: file a new assessment if the gate is ready"
        in reasons(result, "T-G01")
    )


def test_missing_listed_id_is_a_failing_result(derived: Derive) -> None:
    gates = """\
        - id: T-G01
          title: Inventory
          requirement: x
          checks:
            - select: environments
              ids: [old, gone]
              fields: [role]
        """
    result = derived({"data/gates.yaml": gates})
    outcomes = {r.entity: r.passed for r in result.gates["T-G01"].results}
    assert outcomes == {"environment:old": True, "environment:gone": False}
    assert "environment:gone: environment 'gone' does not exist" in reasons(result, "T-G01")
    assert result.gates["T-G01"].status == "partial"


def test_where_filters_and_virtual_fields(derived: Derive) -> None:
    gates = """\
        - id: T-G01
          title: Critical services are cataloged
          requirement: x
          checks:
            - select: services
              where: {criticality: [critical]}
              fields: [endpoints, evidence, stores]
        """
    services = {
        "data/services/svc.yaml": """\
            id: svc
            name: S
            criticality: critical
            stores: []
            deployments:
              - environment: new
                state: target
                endpoints: [{url: "https://svc.example/"}]
            """,
        "data/services/low.yaml": "id: low\nname: L\ncriticality: low\n",
    }
    result = derived({"data/gates.yaml": gates, **services})
    assert [r.entity for r in result.gates["T-G01"].results] == ["service:svc"]
    assert result.gates["T-G01"].results[0].reasons == ("lacks evidence",)
    result = derived(
        {
            "data/gates.yaml": gates,
            **services,
            "evidence/a/n.yaml": evidence("2026-06-01", kind="note", about=["service:svc"]),
        }
    )
    assert result.gates["T-G01"].status == "ready"


def test_gate_without_checks_or_assessment_is_unknown(derived: Derive) -> None:
    result = derived({})
    assert result.gates["T-G01"].status == "unknown"
    assert reasons(result, "T-G01") == ["no assessment and no automatic checks: nothing is cataloged yet"]


# ---------------------------------------------------------------- preconditions


def test_precondition_not_ready_blocks(derive_gates: Derive) -> None:
    result = derive_gates(
        {
            "evidence/a/g2.yaml": evidence("2026-06-29", assess={"T-G02": "ready"}),
        }
    )
    assert result.gates["T-G02"].status == "blocked"
    assert reasons(result, "T-G02")[0] == "requires T-G01, which is unknown"


def test_precondition_ready_lets_assessment_through(derive_gates: Derive) -> None:
    service = SERVICE_TWO_STORES.replace(
        "kind: object-storage", "kind: object-storage\n        backup: {location: s3://f}"
    )
    result = derive_gates(
        {
            "data/services/svc.yaml": service,
            "evidence/a/b1.yaml": backup("2026-06-28", "svc-db"),
            "evidence/a/b2.yaml": backup("2026-06-28", "svc-files"),
            "evidence/a/g2.yaml": evidence("2026-06-29", assess={"T-G02": "ready"}),
        }
    )
    assert statuses(result) == {"T-G01": "ready", "T-G02": "ready", "T-G03": "unknown"}


def test_blocked_propagates_through_a_chain(derived: Derive) -> None:
    gates = """\
        - {id: T-G01, title: a, requirement: x}
        - {id: T-G02, title: b, requirement: x, requires: [T-G01]}
        - {id: T-G03, title: c, requirement: x, requires: [T-G02]}
        """
    result = derived(
        {
            "data/gates.yaml": gates,
            "data/waves.yaml": "[]\n",
            "evidence/a/r.yaml": evidence("2026-06-01", assess={"T-G02": "ready", "T-G03": "ready"}),
        }
    )
    assert statuses(result) == {"T-G01": "unknown", "T-G02": "blocked", "T-G03": "blocked"}
    assert reasons(result, "T-G03")[0] == "requires T-G02, which is blocked"


# ------------------------------------------------------------------------ waves

WAVE_GATES = """\
    - {id: T-G01, title: a, requirement: x}
    - {id: T-G02, title: b, requirement: x}
    - {id: T-G03, title: c, requirement: x, service: svc}
    """


@pytest.mark.parametrize(
    ("assess", "expected"),
    [
        ({}, "not-started"),
        ({"T-G01": "unknown"}, "not-started"),
        ({"T-G01": "partial"}, "in-progress"),
        ({"T-G01": "ready"}, "in-progress"),
        ({"T-G01": "ready", "T-G02": "ready"}, "passed"),
        ({"T-G01": "ready", "T-G02": "blocked"}, "blocked"),
    ],
)
def test_wave_status(derived: Derive, assess: dict[str, str], expected: str) -> None:
    files: dict[str, str | None] = {
        "data/gates.yaml": WAVE_GATES,
        "data/waves.yaml": "- {id: w, title: W, gates: [T-G01, T-G02]}\n",
    }
    if assess:
        files["evidence/a/r.yaml"] = evidence("2026-06-01", assess=assess)
    result = derived(files)
    assert result.waves["w"].status == expected
    assert result.waves["w"].gates == ("T-G01", "T-G02")


@pytest.mark.parametrize(
    ("target", "as_of", "assess", "overdue"),
    [
        ("2026-06-30", "2026-06-30", {}, False),
        ("2026-06-30", "2026-07-01", {}, True),
        ("2026-06-30", "2026-07-01", {"T-G01": "ready", "T-G02": "ready"}, False),
    ],
)
def test_wave_overdue(derived: Derive, target: str, as_of: str, assess: dict[str, str], overdue: bool) -> None:
    files: dict[str, str | None] = {
        "data/gates.yaml": WAVE_GATES,
        "data/waves.yaml": f"- {{id: w, title: W, gates: [T-G01, T-G02], target: {target}}}\n",
    }
    if assess:
        files["evidence/a/r.yaml"] = evidence("2026-06-01", assess=assess)
    result = derived(files, as_of)
    assert result.waves["w"].overdue is overdue
    if overdue:
        assert result.waves["w"].reasons[0].text == f"overdue: the target {target} has passed"


def test_service_specific_gates_join_the_wave(derived: Derive) -> None:
    result = derived(
        {
            "data/gates.yaml": WAVE_GATES,
            "data/waves.yaml": "- {id: w, title: W, gates: [T-G01], services: [svc]}\n- {id: v, title: V, gates: [T-G01]}\n",
            "evidence/a/r.yaml": evidence("2026-06-01", assess={"T-G01": "ready", "T-G03": "ready"}),
        }
    )
    assert result.waves["w"].gates == ("T-G01", "T-G03")
    assert result.waves["w"].status == "passed"
    assert result.waves["v"].gates == ("T-G01",)


# ------------------------------------------------------- supersedes and retired


def test_superseded_record_counts_for_nothing(derived: Derive) -> None:
    result = derived(
        {
            "evidence/a/wrong.yaml": evidence("2026-06-10", assess={"T-G01": "ready"}),
            "evidence/a/fix.yaml": evidence("2026-06-01", assess={"T-G01": "partial"}, supersedes=["wrong"]),
        }
    )
    assert result.gates["T-G01"].status == "partial"
    assert result.index.superseded_by == {"wrong": ["fix"]}


def test_superseding_record_after_as_of_does_not_count_yet(derived: Derive) -> None:
    files: dict[str, str | None] = {
        "evidence/a/first.yaml": evidence("2026-06-10", assess={"T-G01": "ready"}),
        "evidence/a/later.yaml": evidence("2026-07-10", assess={"T-G01": "partial"}, supersedes=["first"]),
    }
    assert derived(files, "2026-06-30").gates["T-G01"].status == "ready"
    assert derived(files, "2026-07-30").gates["T-G01"].status == "partial"


def test_as_of_in_the_past_ignores_later_records(derived: Derive) -> None:
    files: dict[str, str | None] = {"evidence/a/r.yaml": evidence("2026-06-10", assess={"T-G01": "ready"})}
    assert derived(files, "2026-06-09").gates["T-G01"].status == "unknown"
    assert derived(files, "2026-06-10").gates["T-G01"].status == "ready"


def test_retired_gate_counts_for_nothing(derived: Derive) -> None:
    gates = """\
        - {id: T-G01, title: a, requirement: x, retired: true}
        - {id: T-G02, title: b, requirement: x, requires: [T-G01]}
        """
    result = derived(
        {
            "data/gates.yaml": gates,
            "data/waves.yaml": "- {id: w, title: W, gates: [T-G01, T-G02]}\n",
            "evidence/a/r.yaml": evidence("2026-06-01", assess={"T-G02": "ready"}),
        }
    )
    assert list(result.gates) == ["T-G02"]
    assert result.gates["T-G02"].status == "ready"
    assert result.waves["w"].gates == ("T-G02",)
    assert result.waves["w"].status == "passed"


def test_retired_wave_is_left_out(derived: Derive) -> None:
    waves = "- {id: w, title: W, gates: [T-G01], retired: true}\n- {id: v, title: V, gates: [T-G01]}\n"
    result = derived({"data/waves.yaml": waves})
    assert list(result.waves) == ["v"]


def test_retired_service_leaves_checks_and_waves(derived: Derive) -> None:
    gates = """\
        - id: T-G01
          title: a
          requirement: x
          checks:
            - {select: services, fields: [owner]}
            - {select: stores, fields: [backup]}
        - {id: T-G02, title: b, requirement: x, service: gone}
        """
    result = derived(
        {
            "data/gates.yaml": gates,
            "data/waves.yaml": "- {id: w, title: W, gates: [T-G01], services: [gone]}\n",
            "data/services/gone.yaml": "id: gone\nname: Gone\nlifecycle: retired\nstores: [{id: gone-db, kind: sql}]\n",
        }
    )
    entities = [r.entity for r in result.gates["T-G01"].results]
    assert "service:gone" not in entities and "store:gone-db" not in entities
    assert "service:svc" in entities
    assert result.waves["w"].gates == ("T-G01",)


def test_aliases_resolve_in_references(derived: Derive) -> None:
    gates = "- {id: T-G01, title: a, requirement: x, aliases: [OLD-G01]}\n"
    result = derived(
        {
            "data/gates.yaml": gates,
            "data/waves.yaml": "- {id: w, title: W, gates: [OLD-G01]}\n",
            "evidence/a/r.yaml": evidence("2026-06-01", assess={"OLD-G01": "ready"}),
        }
    )
    assert result.gates["T-G01"].status == "ready"
    assert result.waves["w"].status == "passed"


# ------------------------------------------------------------------ scorecards


def test_scorecards_collect_results_per_entity(derive_gates: Derive) -> None:
    result = derive_gates({"evidence/a/b1.yaml": backup("2026-06-28", "svc-db")})
    card = result.scorecards["store:svc-db"]
    assert [(r.gate, r.passed) for r in card] == [("T-G01", True)]
    assert [(r.gate, r.passed) for r in result.scorecards["store:svc-files"]] == [("T-G01", False)]


def test_a_wave_whose_gates_are_all_retired_has_passed(derived: Derive) -> None:
    gates = "- {id: T-G01, title: a, requirement: x, retired: true}\n- {id: T-G02, title: b, requirement: x}\n"
    result = derived({"data/gates.yaml": gates, "data/waves.yaml": "- {id: w, title: W, gates: [T-G01]}\n"})
    assert (result.waves["w"].status, [r.text for r in result.waves["w"].reasons]) == (
        "passed",
        ["requires no active gate"],
    )


def test_fields_with_model_defaults_are_absent_until_written(derived: Derive) -> None:
    gates = """\
        - id: T-G01
          title: a
          requirement: x
          checks:
            - {select: waves, fields: [retired, aliases]}
            - {select: stores, fields: [aliases]}
        """
    result = derived({"data/gates.yaml": gates})
    assert result.gates["T-G01"].status == "unknown"
    reasons = [r.reasons for r in result.gates["T-G01"].results]
    assert reasons == [("lacks retired", "lacks aliases"), ("lacks aliases",)]


def test_where_an_unquoted_date_selects_the_waves_with_that_target(derived: Derive) -> None:
    """``where`` compares as the field's type: ``target`` is a date (written quoted or not in the
    wave), and a date written unquoted in the list is a date. (A value of another type, like
    ``retired: [0]`` or a quoted date, is a validation error: see test_bad_input.py.)"""
    gates = """\
        - id: T-G01
          title: a
          requirement: x
          checks:
            - {select: waves, where: {target: [2026-11-15]}, fields: [notes]}
        """
    waves = """\
        - {id: due, title: Due, gates: [T-G01], target: 2026-11-15, notes: Plan}
        - {id: quoted, title: Quoted, gates: [T-G01], target: "2026-11-15"}
        - {id: later, title: Later, gates: [T-G01], target: 2026-11-16}
        - {id: open, title: Open, gates: [T-G01]}
        """
    result = derived({"data/gates.yaml": gates, "data/waves.yaml": waves})
    outcomes = {r.entity: r.reasons for r in result.gates["T-G01"].results}
    assert outcomes == {"wave:due": (), "wave:quoted": ("lacks notes",)}
    assert result.gates["T-G01"].status == "partial"
