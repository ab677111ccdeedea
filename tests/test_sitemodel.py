"""The site model: every fact computed once, every output a view of it."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path

import pytest

from generator.engine.freshness import stale_from
from generator.site import urls
from generator.site.markdown import render_model
from generator.site.model import SiteModel, build_model
from generator.site.report import model_document, model_text, status_document, status_text
from tests.golden_cases import load_case


@pytest.fixture(scope="module")
def basic() -> SiteModel:
    with load_case("basic") as case:
        return build_model(case.catalog, case.derived, case.info)


@pytest.mark.parametrize("max_age", [0, 1, 7, 30])
@pytest.mark.parametrize("age", [0, 1, 6, 7, 8, 30, 31])
def test_one_freshness_rule(age: int, max_age: int) -> None:
    """Evidence too old for a check (``age > max_age_days``) is exactly evidence on or after its stale day."""
    observed = dt.date(2026, 6, 1)
    assert (age > max_age) == (observed + dt.timedelta(days=age) >= stale_from(observed, max_age))


def test_freshness_and_ready_until_come_from_the_status_rule(basic: SiteModel) -> None:
    gate = basic.gate("EX-G01")
    assessment = gate.state.assessment
    assert assessment is not None and gate.gate.max_age_days == 30
    expires = stale_from(assessment.observed.date(), 30)
    assert gate.state.expires == expires
    assert gate.ready_until == expires - dt.timedelta(days=1)
    items = {(item.gate, item.entity): item for item in basic.freshness}
    assert items[("EX-G01", None)].expires == expires
    backup = items[("EX-G01", "store:app-db")]
    assert backup.expires == stale_from(backup.observed, 7)
    assert [item.expires for item in basic.freshness] == sorted(item.expires for item in basic.freshness)


def test_the_model_is_frozen(basic: SiteModel) -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        basic.gates[0].id = "X"  # type: ignore[misc]


def test_facts_of_the_basic_case(basic: SiteModel) -> None:
    assert basic.counts.items() == (("ready", 1), ("partial", 1), ("blocked", 1), ("unknown", 0))
    owner = next(o for o in basic.owners if o.id == "platform")
    assert owner.gates == ("EX-G01",) and owner.gates_not_ready == ("EX-G01",)
    assert [link.text for link in owner.stores + owner.environments] == ["store:app-db", "environment:old-prod"]
    assert owner.owes == ()  # the failing store, app-files, names no backup owner
    assert [r.id for r in basic.records.open_risks][:1] == ["2026-06-10-risk"]
    assert basic.records.visible == tuple(sorted(basic.records.visible, key=lambda r: (r.moment, r.id), reverse=True))
    assert all(r.superseded_by == () for r in [basic.gate(g.id).last_evidence for g in basic.gates] if r)
    alias = next(a for a in basic.aliases if a.section == "owners")
    assert (alias.old, alias.new) == (urls.Target("owner", "applications"), urls.Target("owner", "apps"))
    environments = {e.id: e for e in basic.environments}
    assert [d.id for d in environments["old-prod"].live] == ["app"]
    assert [d.id for d in environments["new-prod"].target] == ["app"]


def test_a_reason_reads_as_its_text(basic: SiteModel) -> None:
    for gate in basic.gates:
        for reason in gate.reasons:
            assert "".join(part.text for part in reason.parts) == reason.text
    gate = basic.gate("EX-G02")
    linked = [part for reason in gate.reasons for part in reason.parts if part.target is not None]
    assert urls.Target("gate", "EX-G01") in [part.target for part in linked]


def test_every_output_shows_the_models_facts(basic: SiteModel) -> None:
    """Change a fact in the model: every output that shows it follows, since none computes it."""
    gate = basic.gate("EX-G01")
    changed_state = dataclasses.replace(gate.state, status="ready")
    changed = dataclasses.replace(gate, state=changed_state)
    gates = tuple(changed if g.id == gate.id else g for g in basic.gates)
    model = dataclasses.replace(basic, gates=gates, gate_by_id={g.id: g for g in gates})
    rendered = render_model(model, Path("/nonexistent"))  # attachments are named, not read
    assert (
        '<span class="rd-status rd-ready">ready</span>' in rendered.pages["gates/ex-g01.md"].split("## Requirement")[0]
    )
    brief = next(g for g in json.loads(rendered.files["api/v1/gates.json"])["gates"] if g["id"] == "EX-G01")
    assert brief["status"] == "ready"
    assert json.loads(rendered.files["api/v1/gates/ex-g01.json"])["status"] == "ready"
    assert "EX-G01: ready" in rendered.files["badges/gates/ex-g01.svg"]
    assert ">ready</span>" in rendered.files["embed/gates/ex-g01/index.html"]
    assert model_document(model)["gates"][0]["status"] == "ready"
    assert "EX-G01  ready" in model_text(model, 100)


def test_report_and_its_model_view_agree() -> None:
    with load_case("basic") as case:
        model = build_model(case.catalog, case.derived)
        assert status_document(case.catalog, case.derived) == model_document(model)
        assert status_text(case.catalog, case.derived, 100) == model_text(model, 100)
