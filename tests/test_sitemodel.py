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
from generator.site.model.common import owners_of
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


def test_a_record_knows_its_gates_entities_and_owners(basic: SiteModel) -> None:
    """The evidence index's columns and filters: gates it assesses or whose checks used it, owners of both."""
    records = basic.records
    backup = records.by_id["2026-06-25-app-db-backup"]
    # It assesses no gate, but EX-G01's check used it.
    assert backup.record.assess == {}
    assert [(g.link.text, g.assessed) for g in backup.gates] == [("EX-G01", None)]
    assert [e.text for e in backup.entities] == ["store:app-db"]
    assert [o.text for o in backup.owners] == ["platform"]  # EX-G01's owner and the store's backup owner
    assess = records.by_id["2026-06-01-assess"]
    assert [(g.link.text, g.assessed) for g in assess.gates] == [("EX-G01", "ready"), ("EX-G03", "ready")]
    # Every gate the index offers is one that by_gate knows, and each record lists exactly the gates that list it.
    assert [g.text for g in records.choices.gates] == sorted(records.by_gate)
    for gate_id, ids in records.by_gate.items():
        for view in records.visible:
            assert (view.id in ids) == (gate_id in [g.link.text for g in view.gates])
    assert [o.text for o in records.choices.owners] == sorted({o.text for r in records.visible for o in r.owners})
    only = records.pages
    assert len(only) == 1 and only[0].records == records.visible and (only[0].start, only[0].end) == (1, 7)
    assert only[0].previous is None and only[0].next is None


def test_an_owner_owns_what_its_page_lists(basic: SiteModel) -> None:
    """One rule says who owns an entity: the owner pages and the records' owners agree."""
    with load_case("basic") as case:
        for owner in basic.owners:
            listed = [link.text for link in owner.services + owner.stores + owner.environments]
            for ref in listed:
                assert owner.id in owners_of(case.catalog, case.derived, ref), (owner.id, ref)
            for gate in owner.gates:
                assert owner.id in owners_of(case.catalog, case.derived, f"gate:{gate}")
        assert owners_of(case.catalog, case.derived, "repo:apps") == ("apps",)
        assert owners_of(case.catalog, case.derived, "repo:applications") == ("apps",)  # a former id


def test_the_evidence_index_pages_newest_first(catalog_dir, tmp_path) -> None:
    """More records than a page holds: fixed-size pages, each record on exactly one, linked in order."""
    from generator.asof import parse_as_of
    from generator.engine.status import derive
    from generator.records.loader import load_catalog
    from generator.site.model import PAGE_SIZE

    count = 2 * PAGE_SIZE + 5
    files = {
        f"evidence/2026/r-{n:04d}.yaml": f"observed: 2026-05-{1 + n % 28:02d}\nkind: note\nsummary: Note {n}\n"
        f"about: [service:svc]\n"
        for n in range(count)
    }
    root = catalog_dir(files)
    catalog = load_catalog(root)
    model = build_model(catalog, derive(catalog, parse_as_of("2026-06-30")))
    pages = model.records.pages
    assert [p.number for p in pages] == [1, 2, 3] and {p.count for p in pages} == {3}
    assert [len(p.records) for p in pages] == [PAGE_SIZE, PAGE_SIZE, 5]
    assert [r for p in pages for r in p.records] == list(model.records.visible)
    assert [(p.start, p.end) for p in pages] == [(1, PAGE_SIZE), (PAGE_SIZE + 1, 2 * PAGE_SIZE), (201, 205)]
    assert [p.target for p in pages] == [urls.evidence_page(n) for n in (1, 2, 3)]
    assert [p.previous for p in pages] == [None, urls.evidence_page(1), urls.evidence_page(2)]
    assert [p.next for p in pages] == [urls.evidence_page(2), urls.evidence_page(3), None]
    assert all(p.first == urls.evidence_page(1) and p.last == urls.evidence_page(3) for p in pages)
    assert [o.text for o in model.records.visible[0].owners] == ["team-a"]  # the service's owner
    rendered = render_model(model, root / "evidence")
    assert {"evidence/index.md", "evidence/page/2.md", "evidence/page/3.md"} <= set(rendered.pages)
    third = rendered.pages["evidence/page/3.md"]
    assert "search:\n  exclude: true\n" in third  # only the first page is in the search index
    assert "[Newest](../../evidence/index.md) · [Newer](../../evidence/page/2.md) · page 3 of 3" in third
    assert "page 3 of 3, records 201 to 205, observed 2026-05-01 to 2026-05-01 · Older · Oldest" in third
    assert third.count("](<../../evidence/r-") == 5
