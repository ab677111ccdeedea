"""Gates and waves as the site shows them: statuses, reasons in words with what they name, checks, freshness."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ... import textsafe
from ...engine.checks import CheckResult, describe_check
from ...engine.decisions import NO_DECISION
from ...engine.freshness import stale_from
from ...engine.status import Derived, GateState, Reason, WaveState
from ...records.catalog import Catalog
from ...records.models import Gate, Wave
from .common import PageLink, entity_link, evidence_link, gate_link, repo_link, wave_link
from .decisions import DecisionView, decision_view
from .records import Records, RecordView

FRESHNESS_WINDOW_DAYS = 30
"""Home lists evidence whose freshness window ends within this many days."""


@dataclass(frozen=True, slots=True)
class ReasonView:
    """A reason's words, cut where they name a record, gate or entity (those pieces are links).

    ``parts`` read as the reason's text; ``extra`` are links to what it points to without naming it.
    """

    text: str
    parts: tuple[PageLink, ...]
    extra: tuple[PageLink, ...]
    about_entity: bool = False
    """One entity's check result: a gate page shows it in its check's table instead."""


@dataclass(frozen=True, slots=True)
class ResultView:
    """One check result: which gate and check, the entity it selected, and the record it looked at."""

    result: CheckResult
    gate: PageLink
    check: str
    """``check 2: services with a backup-verified record ...``."""
    entity: PageLink
    evidence: PageLink | None
    waiver: PageLink | None
    """The waiver that counts this failing result as passing."""

    @property
    def passed(self) -> bool:
        """Passed, or failed and waived."""
        return self.result.passed

    @property
    def outcome(self) -> str:
        """``pass``, ``waived`` or ``fail``: what a results table shows."""
        if self.result.waived is not None:
            return "waived"
        return "pass" if self.result.passed else "fail"

    @property
    def waiver_text(self) -> str:
        """``waived by <record> until <date>, approved by <owner>`` (empty when not waived)."""
        return self.result.waived.text if self.result.waived is not None else ""


@dataclass(frozen=True, slots=True)
class CheckView:
    """One of a gate's automatic checks with every result it gave."""

    index: int
    """1-based position in the gate's checks."""
    description: str
    results: tuple[ResultView, ...]

    @property
    def open_results(self) -> tuple[ResultView, ...]:
        """Failing results, then waived ones (each in selection order): what a gate page lists."""
        return tuple(r for r in self.results if r.outcome == "fail") + tuple(
            r for r in self.results if r.outcome == "waived"
        )

    @property
    def passing(self) -> tuple[ResultView, ...]:
        """Passing results (not waived): a gate page folds them under their count."""
        return tuple(r for r in self.results if r.outcome == "pass")


@dataclass(frozen=True, slots=True)
class GateView:
    """An active gate: its page, API document, badge, card and row in every table."""

    id: str
    gate: Gate
    state: GateState
    """Its derived status, reasons, assessment and check results."""
    link: PageLink
    owners: tuple[PageLink, ...]
    """Owner repos by canonical id (the link's text)."""
    service: PageLink | None
    reasons: tuple[ReasonView, ...]
    requires: tuple[str, ...]
    """Every precondition as written, by canonical id."""
    preconditions: tuple[tuple[PageLink, str], ...]
    """The active preconditions, each with its status."""
    checks: tuple[CheckView, ...]
    records: tuple[RecordView, ...]
    """Records that assess it or that its checks used, newest first."""
    last_evidence: RecordView | None
    waves: tuple[str, ...]
    """Waves that require it."""
    ready_until: dt.date | None
    """Last day a ready assessment counts (``None``: none, or it never expires)."""

    @property
    def status(self) -> str:
        return self.state.status

    @property
    def failing(self) -> tuple[ResultView, ...]:
        """Its failing check results (waived ones count as passing), in check order."""
        return tuple(r for check in self.checks for r in check.results if r.outcome == "fail")

    @property
    def next_step(self) -> str:
        """What would move it towards ready, in one sentence ("" when it is ready)."""
        state = self.state
        if state.status == "ready":
            return ""
        waiting = [link.text for link, status in self.preconditions if status != "ready"]
        if state.status == "blocked" and waiting:
            return f"Get {textsafe.and_list(waiting)} ready first."
        failing = self.failing
        if failing:
            first = failing[0]
            more = f" and {textsafe.plural(len(failing) - 1, 'more result')}" if len(failing) > 1 else ""
            return f"Fix {first.entity.text} ({'; '.join(first.result.reasons)}){more}."
        assessment = state.assessment
        if assessment is not None and assessment.status == "ready" and state.expires is not None:
            return f"Renew the assessment: the last one stopped counting on {state.expires.isoformat()}."
        if assessment is not None and self.checks and not failing:
            return "Every check passes: file an assessment that says ready if the requirement is met."
        if assessment is not None:
            said = next((r.record.summary for r in self.records if r.id == assessment.evidence), None)
            if said:
                return f"Meet the requirement, then file an assessment that says ready; the latest says: {said}"
            return (
                f"Meet the requirement, then file an assessment that says ready (the latest says {assessment.status})."
            )
        if self.checks and not any(check.results for check in self.checks):
            return "Catalog what its checks select, or file an assessment."
        return "File an assessment (readiness evidence new --kind assessment)."


@dataclass(frozen=True, slots=True)
class WaveView:
    """An active wave: its page, API document, badge, card and progress."""

    id: str
    wave: Wave
    state: WaveState
    link: PageLink
    ready: int
    total: int
    reasons: tuple[ReasonView, ...]
    services: tuple[PageLink, ...]
    """Services moving in the wave, as written (text ``service:<ref>``)."""
    service_ids: tuple[str, ...]
    """The same by canonical id."""
    decision: DecisionView
    """Its latest sign-off, beside the derived status."""

    @property
    def status(self) -> str:
        return self.state.status


@dataclass(frozen=True, slots=True)
class FreshItem:
    """A piece of evidence whose freshness window has ended or ends soon."""

    gate: str
    entity: str | None
    """The entity a check result is about (``None``: the gate's own assessment)."""
    about: PageLink | None
    """The same, linked."""
    evidence: str
    observed: dt.date
    expires: dt.date
    """The first day it no longer counts."""
    expired: bool
    check: int | None
    """The 0-based index of the check whose result it is (``None``: the gate's own assessment)."""

    @property
    def gate_link(self) -> PageLink:
        return gate_link(self.gate)

    @property
    def evidence_link(self) -> PageLink:
        return evidence_link(self.evidence)


def reason_view(catalog: Catalog, derived: Derived, reason: Reason) -> ReasonView:
    """Cut the reason's text at the first place it names each thing it points to."""
    links: list[PageLink] = []
    if reason.entity:
        links.append(entity_link(catalog, reason.entity))
    if reason.evidence:
        links.append(evidence_link(reason.evidence))
    if reason.gate and reason.gate in derived.gates:
        links.append(gate_link(reason.gate))
    text = reason.text
    parts: list[PageLink] = []
    extra: list[PageLink] = []
    for link in links:
        at = text.find(link.text)
        if at < 0:
            extra.append(link)
            continue
        if at:
            parts.append(PageLink(text[:at], None))
        parts.append(link)
        text = text[at + len(link.text) :]
    if text:
        parts.append(PageLink(text, None))
    return ReasonView(reason.text, tuple(parts), tuple(extra), reason.entity is not None)


def result_view(catalog: Catalog, result: CheckResult) -> ResultView:
    check = catalog.gates[result.gate].checks[result.check]
    return ResultView(
        result,
        gate_link(result.gate),
        f"check {result.check + 1}: {describe_check(check)}",
        entity_link(catalog, result.entity),
        evidence_link(result.evidence) if result.evidence else None,
        evidence_link(result.waived.record) if result.waived is not None else None,
    )


def gate_view(catalog: Catalog, derived: Derived, records: Records, gate_id: str) -> GateView:
    gate = catalog.gates[gate_id]
    state = derived.gates[gate_id]
    requires = tuple(catalog.resolve("gate", g) or g for g in gate.requires)
    checks = tuple(
        CheckView(
            i + 1,
            describe_check(check),
            tuple(result_view(catalog, r) for r in state.results if r.check == i),
        )
        for i, check in enumerate(gate.checks)
    )
    ready_until = None
    if state.expires is not None and state.assessment is not None and state.assessment.status == "ready":
        ready_until = state.expires - dt.timedelta(days=1)
    return GateView(
        id=gate_id,
        gate=gate,
        state=state,
        link=gate_link(gate_id),
        owners=tuple(repo_link(catalog, o) for o in gate.owners),
        service=entity_link(catalog, f"service:{gate.service}") if gate.service else None,
        reasons=tuple(reason_view(catalog, derived, r) for r in state.reasons),
        requires=requires,
        preconditions=tuple(
            (gate_link(g), derived.gates[g].status)
            for g in (catalog.resolve("gate", ref) for ref in gate.requires)
            if g in derived.gates
        ),
        checks=checks,
        records=records.of(records.by_gate.get(gate_id, ())),
        last_evidence=records.last_counting(gate_id),
        waves=tuple(w for w, s in derived.waves.items() if gate_id in s.gates),
        ready_until=ready_until,
    )


def wave_view(catalog: Catalog, derived: Derived, wave_id: str) -> WaveView:
    wave = catalog.waves[wave_id]
    state = derived.waves[wave_id]
    ready, total = state.progress(derived.gates)
    return WaveView(
        id=wave_id,
        wave=wave,
        state=state,
        link=wave_link(wave_id),
        ready=ready,
        total=total,
        reasons=tuple(reason_view(catalog, derived, r) for r in state.reasons),
        services=tuple(entity_link(catalog, f"service:{s}") for s in wave.services or []),
        service_ids=tuple(catalog.resolve("service", s) or s for s in wave.services or []),
        decision=decision_view(catalog, derived.decisions.get(wave_id, NO_DECISION)),
    )


def expiries(catalog: Catalog, derived: Derived) -> tuple[FreshItem, ...]:
    """Every piece of evidence with a freshness window that a status counts on (ready assessments,
    passing check evidence), ended or not, soonest first: what calendars show."""
    today = derived.as_of.date()
    items: list[FreshItem] = []
    for gate_id, state in derived.gates.items():
        gate = catalog.gates[gate_id]
        assessment = state.assessment
        if assessment is not None and assessment.status == "ready" and state.expires is not None:
            observed = assessment.observed.date()
            items.append(
                FreshItem(
                    gate_id, None, None, assessment.evidence, observed, state.expires, today >= state.expires, None
                )
            )
        for result in state.results:
            check = gate.checks[result.check]
            if result.evidence is None or check.max_age_days is None:
                continue
            record = catalog.evidence[result.evidence]
            if record.result != "pass":
                continue
            observed = derived.index.observed_day(result.evidence)
            expires = stale_from(observed, check.max_age_days)
            about = entity_link(catalog, result.entity)
            items.append(
                FreshItem(
                    gate_id, result.entity, about, result.evidence, observed, expires, today >= expires, result.check
                )
            )
    items.sort(key=lambda item: (item.expires, item.gate, item.entity or "", item.evidence))
    return tuple(items)


def freshness(items: tuple[FreshItem, ...], today: dt.date) -> tuple[FreshItem, ...]:
    """Of :func:`expiries`, those whose freshness window has ended or ends within
    :data:`FRESHNESS_WINDOW_DAYS` of ``today`` (what home lists)."""
    horizon = today + dt.timedelta(days=FRESHNESS_WINDOW_DAYS)
    return tuple(item for item in items if item.expires <= horizon)
