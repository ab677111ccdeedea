"""Status as terminal text and as the JSON document of ``readiness status --json``."""

from __future__ import annotations

import shutil
import textwrap
from typing import Any

from ..asof import format_moment
from ..engine.status import Derived
from ..records.catalog import Catalog
from ..textsafe import TerminalLine, Word, plain_line, terminal_text
from .model import SiteModel, build_model
from .model.decisions import decision_document


def status_document(catalog: Catalog, derived: Derived) -> dict[str, Any]:
    """The ``--json`` document: ``as_of``, ``gates`` and ``waves``."""
    return model_document(build_model(catalog, derived))


def model_document(site: SiteModel) -> dict[str, Any]:
    """The ``--json`` document of a site model."""
    return {
        "as_of": format_moment(site.as_of),
        "gates": [
            {
                "id": gate.id,
                "title": gate.gate.title,
                "status": gate.status,
                "reasons": [reason.text for reason in gate.reasons],
            }
            for gate in site.gates
        ],
        "waves": [
            {
                "id": wave.id,
                "title": wave.wave.title,
                "status": wave.status,
                "decision": decision_document(wave.decision),
                "overdue": wave.state.overdue,
                "target": wave.wave.target.isoformat() if wave.wave.target is not None else None,
                "gates": list(wave.state.gates),
                "progress": {"ready": wave.ready, "total": wave.total},
                "reasons": [reason.text for reason in wave.reasons],
            }
            for wave in site.waves
        ],
    }


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: max(width - 1, 0)] + "…"


def status_text(catalog: Catalog, derived: Derived, width: int | None = None) -> str:
    """A readable table of gates (with their reasons) and waves."""
    return model_text(build_model(catalog, derived), width)


def status_lines(catalog: Catalog, derived: Derived, width: int | None = None) -> list[TerminalLine]:
    """:func:`status_text` in parts, its statuses marked for colour (what ``readiness status`` prints)."""
    return model_lines(build_model(catalog, derived), width)


def model_text(site: SiteModel, width: int | None = None) -> str:
    """A readable table of gates (with their reasons) and waves of a site model."""
    return "".join(plain_line(line) + "\n" for line in model_lines(site, width))


def _padded(status: str, width: int) -> TerminalLine:
    """A status marked for colour, padded to ``width`` like ``f"{status:<{width}}"``."""
    return Word(status, "status"), " " * max(width - len(status), 0)


def model_lines(site: SiteModel, width: int | None = None) -> list[TerminalLine]:
    """:func:`model_text` line by line, in parts: each status a :class:`Word`, as is OVERDUE.

    Ids, titles and reasons come from the records: each is one escaped field
    (:func:`terminal_text`), so none can break the table or reach the terminal raw.
    """
    width = width or min(shutil.get_terminal_size((100, 24)).columns, 140)
    lines: list[TerminalLine] = [(f"Readiness as of {format_moment(site.as_of)}",), ("",)]
    gate_ids = {gate.id: terminal_text(gate.id) for gate in site.gates}
    gate_w = max([4] + [len(g) for g in gate_ids.values()])
    status_w = 8
    title_w = max(20, width - gate_w - status_w - 4)
    lines.append((f"{'GATE':<{gate_w}}  {'STATUS':<{status_w}}  TITLE",))
    for gate in site.gates:
        title = _clip(terminal_text(gate.gate.title), title_w)
        lines.append((f"{gate_ids[gate.id]:<{gate_w}}  ", *_padded(gate.status, status_w), f"  {title}"))
        if gate.reasons:
            indent = " " * (gate_w + 2)
            shown = gate.reasons[:6]
            for reason in shown:
                text = terminal_text(reason.text)
                for i, chunk in enumerate(textwrap.wrap(text, max(20, width - len(indent) - 2)) or [""]):
                    lines.append((f"{indent}{'- ' if i == 0 else '  '}{chunk}",))
            if len(gate.reasons) > len(shown):
                lines.append(
                    (f"{indent}  … {len(gate.reasons) - len(shown)} more (readiness status --json lists all)",)
                )
    summary: list[str | Word] = []
    for status, count in site.counts.items():
        if count:
            summary += [", "] if summary else []
            summary += [f"{count} ", Word(status, "status")]
    noun = "gate" if len(site.gates) == 1 else "gates"
    lines += [("",), (f"{len(site.gates)} {noun}: ", *(summary or ["none"])), ("",)]
    wave_ids = {wave.id: terminal_text(wave.id) for wave in site.waves}
    wave_w = max([4] + [len(w) for w in wave_ids.values()])
    lines.append((f"{'WAVE':<{wave_w}}  {'STATUS':<11}  {'GATES':>7}  TARGET",))
    for wave in site.waves:
        target = wave.wave.target
        due = target.isoformat() if target else "-"
        flag: TerminalLine = ("  ", Word("OVERDUE", "bad")) if wave.state.overdue else ()
        lines.append(
            (
                f"{wave_ids[wave.id]:<{wave_w}}  ",
                *_padded(wave.status, 11),
                f"  {f'{wave.ready}/{wave.total}':>7}  {due}",
                *flag,
            )
        )
    return lines
