"""Waivers and sign-offs (the contract's "Waivers" and "Sign-offs"): their rules, their
boundaries, and what `validate` says about them."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from generator.asof import end_of_day, parse_as_of
from generator.engine.status import Derived, derive
from generator.validation import load_valid

GATES = """\
    - id: T-G01
      title: Stores are backed up
      owners: [team-a]
      requirement: Every store has a backup location.
      checks:
        - select: stores
          fields: [backup.location]
    - id: T-G02
      title: Needs the first
      owners: [team-b]
      requirement: x
      requires: [T-G01]
    - id: T-G03
      title: Plain gate
      owners: [team-a, team-b]
      requirement: x
    """

WAVES = """\
    - id: wave-a
      title: First wave
      gates: [T-G01, T-G03]
    """

SERVICE = """\
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

BASE = {"data/gates.yaml": GATES, "data/waves.yaml": WAVES, "data/services/svc.yaml": SERVICE}


def waiver(observed: str = "2026-06-10", expires: str = "2026-06-20", **fields: str) -> str:
    lines = [
        f"observed: {observed}",
        "kind: waiver",
        "summary: Files are replicated, not backed up",
        fields.pop("waive", "waive: {T-G01: [store:svc-files]}"),
        fields.pop("approved_by", "approved_by: team-a"),
        f"expires: {expires}",
        *fields.values(),
    ]
    return "\n".join(line for line in lines if line) + "\n"


def sign_off(observed: str, decision: str = "go", accepted: str = "", extra: str = "") -> str:
    lines = [
        f"observed: {observed}",
        "kind: sign-off",
        "summary: Wave decision",
        "wave: wave-a",
        f"decision: {decision}",
        "approved_by: [team-a, team-b]",
        accepted,
        extra,
    ]
    return "\n".join(line for line in lines if line) + "\n"


def assessment(observed: str, gate: str, status: str, extra: str = "") -> str:
    return f"observed: {observed}\nkind: assessment\nsummary: A look\nassess: {{{gate}: {status}}}\n{extra}"


Derive = Callable[..., Derived]


@pytest.fixture
def derived(catalog_dir: Callable[..., Path]) -> Derive:
    def run(files: dict[str, str | None], as_of: str = "2026-06-30") -> Derived:
        root = catalog_dir({**BASE, **files})
        catalog = load_valid(root, now=end_of_day(dt.date(2026, 11, 28)))
        return derive(catalog, parse_as_of(as_of))

    return run


# ---------------------------------------------------------------- waivers


def test_without_a_waiver_the_store_without_backup_fails(derived: Derive) -> None:
    state = derived({}).gates["T-G01"]
    assert state.status == "partial"
    assert [r.text for r in state.reasons] == [
        "no assessment; 1 of 2 check results pass",
        "check 1 (stores: has backup.location): 1 of 2 fail",
        "store:svc-files: lacks backup.location",
    ]


def test_a_waiver_in_force_counts_the_result_as_passing_and_says_so(derived: Derive) -> None:
    state = derived({"evidence/2026/w.yaml": waiver()}, as_of="2026-06-15").gates["T-G01"]
    assert state.status == "ready"
    assert [r.text for r in state.reasons] == [
        "no assessment; all 2 check results pass",
        "store:svc-files: waived by w until 2026-06-20, approved by team-a (lacks backup.location)",
    ]
    waived = [r for r in state.results if r.waived is not None]
    assert [(r.entity, r.passed, r.reasons) for r in waived] == [("store:svc-files", True, ("lacks backup.location",))]


@pytest.mark.parametrize(
    ("as_of", "in_force"),
    [
        ("2026-06-09", False),  # before it starts: not counted yet
        ("2026-06-10T00:00:00Z", True),  # its first moment
        ("2026-06-20", True),  # the end of the day it expires
        ("2026-06-21T00:00:00Z", False),  # the next moment
    ],
)
def test_a_waiver_is_in_force_from_observed_to_the_end_of_expires(derived: Derive, as_of: str, in_force: bool) -> None:
    state = derived({"evidence/2026/w.yaml": waiver()}, as_of=as_of).gates["T-G01"]
    assert state.status == ("ready" if in_force else "partial")


def test_a_waiver_never_changes_an_assessment(derived: Derive) -> None:
    files = {"evidence/2026/w.yaml": waiver(), "evidence/2026/a.yaml": assessment("2026-06-11", "T-G01", "partial")}
    state = derived(files, as_of="2026-06-15").gates["T-G01"]
    assert state.status == "partial"
    assert state.reasons[0].text == "assessed partial by a on 2026-06-11"


def test_a_waiver_never_lifts_blocked(derived: Derive) -> None:
    gates = GATES.replace(
        "      requires: [T-G01]\n",
        "      requires: [T-G03]\n      checks:\n        - select: stores\n          fields: [backup.location]\n",
    )
    files = {
        "data/gates.yaml": gates,
        "evidence/2026/w.yaml": waiver(waive="waive: {T-G02: [store:svc-files]}", approved_by="approved_by: team-b"),
    }
    state = derived(files, as_of="2026-06-15").gates["T-G02"]
    assert state.status == "blocked"
    assert state.reasons[0].text == "requires T-G03, which is unknown"


def test_a_superseded_waiver_counts_for_nothing(derived: Derive) -> None:
    files = {
        "evidence/2026/w.yaml": waiver(),
        "evidence/2026/x.yaml": "observed: 2026-06-12\nkind: note\nsummary: Withdrawn\nsupersedes: [w]\n",
    }
    assert derived(files, as_of="2026-06-15").gates["T-G01"].status == "partial"


def _problems(catalog_dir: Callable[..., Path], cli, files: dict[str, str]) -> list[str]:
    result = cli("validate", root=catalog_dir({**BASE, **files}))
    assert result.code == 1, result
    return result.stdout.splitlines()


W = "evidence/2026/w.yaml"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            waiver(approved_by="approved_by: team-b"),
            "5:14: 'team-b' does not own T-G01 (its owners: team-a): a waiver is approved by an owner of every "
            "gate it waives (approved_by)",
            id="approver-not-an-owner",
        ),
        pytest.param(
            waiver(waive="waive: {T-G01: [service:svc]}"),
            "4:17: service:svc is not selected by T-G01's checks, so it has no result to waive (they select: "
            "store:svc-db, store:svc-files) (waive.T-G01[0])",
            id="entity-not-selected",
        ),
        pytest.param(
            waiver(waive="waive: {T-G03: [store:svc-db]}"),
            "4:16: T-G03 has no automatic checks: a waiver covers check results only (waive.T-G03)",
            id="gate-without-checks",
        ),
        pytest.param(
            waiver(expires="2026-12-08"),
            "6:10: expires 2026-12-08 is more than 180 days after observed (2026-06-10): end it by 2026-12-07, "
            "and file a new waiver then if it is still needed (expires)",
            id="expires-181-days-out",
        ),
        pytest.param(
            waiver(expires="2026-06-09"),
            "6:10: expires 2026-06-09 is before observed (2026-06-10): a waiver ends after it starts (expires)",
            id="expires-before-observed",
        ),
        pytest.param(
            "observed: 2026-06-10\nkind: waiver\nsummary: S\nwaive: {T-G01: [store:svc-files]}\napproved_by: team-a\n",
            "1:1: missing required field 'expires' for a waiver record",
            id="expires-missing",
        ),
        pytest.param(
            "observed: 2026-06-10\nkind: note\nsummary: S\nexpires: 2026-06-20\n",
            "4:10: expires is for waiver records only: remove it or change the kind (expires)",
            id="expires-on-a-note",
        ),
    ],
)
def test_waiver_rules(catalog_dir, cli, text: str, expected: str) -> None:
    assert _problems(catalog_dir, cli, {W: text}) == [f"{W}:{expected}"]


def test_a_waiver_of_180_days_is_valid(catalog_dir, cli) -> None:
    result = cli("validate", root=catalog_dir({**BASE, W: waiver(expires="2026-12-07")}))
    assert result.code == 0, result


# ---------------------------------------------------------------- sign-offs


S = "evidence/2026/s.yaml"
READY_T01 = {
    "data/services/svc.yaml": SERVICE.replace(
        "        kind: object-storage\n", "        kind: object-storage\n        backup: {location: s3://f}\n"
    )
}


def test_no_sign_off_is_no_decision(derived: Derive) -> None:
    decision = derived({}).decisions["wave-a"]
    assert (decision.value, decision.record, decision.stale_because) == ("none", None, ())


def test_a_go_with_every_gate_ready_or_accepted_is_the_decision(derived: Derive) -> None:
    files = {**READY_T01, S: sign_off("2026-06-12T10:00:00Z", accepted="accepted: [T-G03]")}
    decision = derived(files).decisions["wave-a"]
    assert (decision.value, decision.record, decision.accepted) == ("go", "s", ("T-G03",))
    assert derived(files).waves["wave-a"].status == "in-progress"  # the status stays as derived


def test_a_go_with_a_gate_not_ready_and_not_accepted_is_invalid(catalog_dir, cli) -> None:
    assert _problems(catalog_dir, cli, {**READY_T01, S: sign_off("2026-06-12T10:00:00Z")}) == [
        f"{S}:5:11: a go needs every gate of wave-a ready at its moment, or listed in accepted; not ready then: "
        "T-G03 (unknown): accept them knowingly (accepted: [...]) or decide no-go (decision)"
    ]


def test_a_decision_at_the_same_moment_as_a_gate_change_sees_the_change(derived: Derive) -> None:
    files = {
        **READY_T01,
        "evidence/2026/a.yaml": assessment("2026-06-12T10:00:00Z", "T-G03", "ready"),
        S: sign_off("2026-06-12T10:00:00Z"),
    }
    decision = derived(files).decisions["wave-a"]
    assert (decision.value, decision.stale_because) == ("go", ())


def test_a_gate_that_gets_lower_after_a_go_makes_it_stale(derived: Derive) -> None:
    files = {
        **READY_T01,
        "evidence/2026/a.yaml": assessment("2026-06-12T09:00:00Z", "T-G03", "ready"),
        S: sign_off("2026-06-12T10:00:00Z"),
        "evidence/2026/b.yaml": assessment("2026-06-14", "T-G03", "partial"),
    }
    before = derived(files, as_of="2026-06-13").decisions["wave-a"]
    assert before.value == "go"
    after = derived(files, as_of="2026-06-15").decisions["wave-a"]
    assert after.value == "go-stale"
    assert [c.text for c in after.stale_because] == ["T-G03 went from ready to partial on 2026-06-14"]


def test_a_dip_that_recovered_still_made_the_go_stale(derived: Derive) -> None:
    gates = GATES.replace(
        "      owners: [team-a, team-b]\n      requirement: x\n",
        "      owners: [team-a, team-b]\n      requirement: x\n      max_age_days: 2\n",
    )
    files = {
        **READY_T01,
        "data/gates.yaml": gates,
        "evidence/2026/a.yaml": assessment("2026-06-12", "T-G03", "ready"),
        S: sign_off("2026-06-12T10:00:00Z"),
        "evidence/2026/b.yaml": assessment("2026-06-20", "T-G03", "ready"),  # renewed after it expired
    }
    decision = derived(files, as_of="2026-06-25").decisions["wave-a"]
    assert decision.value == "go-stale"
    assert [c.text for c in decision.stale_because] == ["T-G03 went from ready to partial on 2026-06-15"]


def test_an_accepted_gate_that_becomes_blocked_makes_the_go_stale(derived: Derive) -> None:
    waves = WAVES.replace("gates: [T-G01, T-G03]", "gates: [T-G01, T-G02]")
    files = {
        "data/waves.yaml": waves,
        S: sign_off("2026-06-12T10:00:00Z", accepted="accepted: [T-G01, T-G02]"),
        "data/services/svc.yaml": SERVICE,
    }
    files_later = {**files, "evidence/2026/a.yaml": assessment("2026-06-14", "T-G02", "ready")}
    # T-G02 requires T-G01, which is partial: blocked at the decision already, so not stale.
    assert derived(files).decisions["wave-a"].value == "go"
    assert derived(files_later).decisions["wave-a"].value == "go"


def test_an_accepted_gate_that_becomes_blocked_after_the_go(derived: Derive) -> None:
    gates = GATES.replace("      requires: [T-G01]\n", "      requires: [T-G03]\n")
    waves = WAVES.replace("gates: [T-G01, T-G03]", "gates: [T-G01, T-G02, T-G03]")
    files = {
        **READY_T01,
        "data/gates.yaml": gates,
        "data/waves.yaml": waves,
        "evidence/2026/a.yaml": assessment("2026-06-11", "T-G03", "ready"),
        S: sign_off("2026-06-12T10:00:00Z", accepted="accepted: [T-G02]"),
        "evidence/2026/b.yaml": assessment("2026-06-14", "T-G03", "partial"),
    }
    decision = derived(files).decisions["wave-a"]
    assert decision.value == "go-stale"
    assert [c.text for c in decision.stale_because] == [
        "T-G02 went from unknown to blocked on 2026-06-14",
        "T-G03 went from ready to partial on 2026-06-14",
    ]


def test_a_superseded_sign_off_gives_way_to_the_one_before(derived: Derive) -> None:
    files = {
        **READY_T01,
        "evidence/2026/n.yaml": sign_off("2026-06-11", decision="no-go"),
        S: sign_off("2026-06-12T10:00:00Z", accepted="accepted: [T-G03]"),
        "evidence/2026/x.yaml": "observed: 2026-06-13\nkind: note\nsummary: Not signed after all\nsupersedes: [s]\n",
    }
    assert derived(files, as_of="2026-06-12T12:00:00Z").decisions["wave-a"].value == "go"
    decision = derived(files).decisions["wave-a"]
    assert (decision.value, decision.record) == ("no-go", "n")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            sign_off("2026-06-12", decision="no-go", accepted="accepted: [T-G03]"),
            "7:11: accepted lists the open gates a go knowingly accepts: remove it from a no-go (accepted)",
            id="accepted-on-a-no-go",
        ),
        pytest.param(
            sign_off("2026-06-12", accepted="accepted: [T-G01, T-G02, T-G03]"),
            "7:19: T-G02 is not a gate of wave-a: accept only the wave's gates (accepted[1])",
            id="accepted-gate-outside-the-wave",
        ),
        pytest.param(
            "observed: 2026-06-12\nkind: sign-off\nsummary: S\ndecision: go\napproved_by: [team-a]\n",
            "1:1: missing required field 'wave' for a sign-off record",
            id="wave-missing",
        ),
        pytest.param(
            sign_off("2026-06-12", decision="maybe"),
            "5:11: 'maybe' is not allowed here: use one of 'go' or 'no-go' (decision)",
            id="decision-not-go-or-no-go",
        ),
        pytest.param(
            sign_off("2026-06-12", extra="expires: 2026-07-01").replace(
                "approved_by: [team-a, team-b]", "approved_by: [team-a, team-z]"
            ),
            "6:23: unknown repo 'team-z': did you mean 'team-b'? (approved_by[1])",
            id="approver-unknown",
        ),
    ],
)
def test_sign_off_rules(catalog_dir, cli, text: str, expected: str) -> None:
    problems = _problems(catalog_dir, cli, {**READY_T01, S: text})
    assert f"{S}:{expected}" in problems, problems


# ---------------------------------------------------------------- evidence new


def test_evidence_new_writes_a_waiver(catalog_dir, cli) -> None:
    root = catalog_dir(BASE)
    result = cli(
        "evidence", "new", "--kind", "waiver", "--summary", "Files are replicated",
        "--waive", "T-G01=store:svc-files", "--approved-by", "team-a",
        "--observed", "2026-06-10", "--expires", "2026-06-20",
        root=root,
    )  # fmt: skip
    assert result.code == 0, result
    assert result.stdout == "evidence/2026/2026-06-10-files-are-replicated.yaml\n"
    assert (root / result.stdout.strip()).read_text(encoding="utf-8") == (
        "# yaml-language-server: $schema=../../schema/evidence.schema.json\n"
        "observed: 2026-06-10\n"
        'kind: "waiver"\n'
        'summary: "Files are replicated"\n'
        "waive:\n"
        '  "T-G01":\n'
        '    - "store:svc-files"\n'
        'approved_by: "team-a"\n'
        "expires: 2026-06-20\n"
    )
    assert cli("validate", root=root).code == 0


def test_evidence_new_writes_a_sign_off(catalog_dir, cli) -> None:
    root = catalog_dir(BASE)
    result = cli(
        "evidence", "new", "--kind", "sign-off", "--summary", "Not yet",
        "--wave", "wave-a", "--decision", "no-go", "--approved-by", "team-a", "--approved-by", "team-b",
        "--observed", "2026-06-12",
        root=root,
    )  # fmt: skip
    assert result.code == 0, result
    text = (root / result.stdout.strip()).read_text(encoding="utf-8")
    assert 'wave: "wave-a"\ndecision: "no-go"\napproved_by:\n  - "team-a"\n  - "team-b"\n' in text


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        pytest.param(
            ("--kind", "waiver", "--summary", "S", "--observed", "2026-06-10", "--expires", "2027-01-01"),
            "error: --waive is required for waiver records\n--approved-by is required for waiver records\n"
            "--expires: expires 2027-01-01 is more than 180 days after observed (2026-06-10): end it by 2026-12-07, "
            "and file a new waiver then if it is still needed",
            id="waiver-options-missing-and-too-long",
        ),
        pytest.param(
            ("--kind", "note", "--summary", "S", "--wave", "wave-a", "--accept", "T-G03"),
            "error: --wave: is for sign-off records only: remove it or change the kind\n"
            "--accept: is for sign-off records only: remove it or change the kind",
            id="sign-off-options-on-a-note",
        ),
        pytest.param(
            ("--kind", "waiver", "--summary", "S", "--waive", "T-G01", "--approved-by", "team-a",
             "--expires", "2026-06-20", "--observed", "2026-06-10"),
            "error: --waive T-G01: write GATE=ENTITY, e.g. OPS-G06=store:gitea-packages",
            id="waive-without-entity",
        ),
        pytest.param(
            ("--kind", "sign-off", "--summary", "S", "--wave", "wave-b", "--decision", "go",
             "--approved-by", "team-c"),
            "error: --approved-by team-c: unknown repo 'team-c': did you mean 'team-b'?\n"
            "--wave wave-b: unknown wave 'wave-b': did you mean 'wave-a'?",
            id="unknown-wave-and-approver",
        ),
    ],
)  # fmt: skip
def test_evidence_new_decision_options_say_what_is_wrong(catalog_dir, cli, args, expected) -> None:
    root = catalog_dir(BASE)
    result = cli("evidence", "new", *args, root=root)
    assert (result.code, result.stdout, result.stderr.strip()) == (2, "", expected)
    assert not (root / "evidence").exists()


# ---------------------------------------------------------------- history


def test_a_waiver_that_starts_or_ends_is_the_cause_of_the_transition(tmp_path: Path, cli) -> None:
    from tests.conftest import MINIMAL
    from tests.test_history import Repo

    repo = Repo(tmp_path / "repo")
    base = {**MINIMAL, **BASE}
    repo.commit("2026-06-05", "catalog", base)
    repo.commit("2026-06-10", "waive the files store", {W: waiver(observed="2026-06-10", expires="2026-06-20")})
    repo.commit(
        "2026-06-25",
        "a note after the waiver ended",
        {"evidence/2026/n.yaml": "observed: 2026-06-25\nkind: note\nsummary: S\n"},
    )
    result = cli("history", "--json", root=repo.root)
    assert result.code == 0, result
    document = json.loads(result.stdout)
    warm = cli("history", "--json", root=repo.root)  # read back from the history's cache
    assert (warm.code, json.loads(warm.stdout)) == (0, document)
    assert (repo.root / ".cache" / "readiness").is_dir()
    gate = [(t["from"], t["to"], t["causes"]) for t in document["transitions"] if t["id"] == "T-G01"]
    assert gate == [
        (None, "partial", []),
        ("partial", "ready", ["waiver w started"]),
        ("ready", "partial", ["waiver w ended"]),
    ]
