"""Status as terminal text and as the JSON document of ``readiness status --json``."""

from __future__ import annotations

import shutil
import textwrap
from typing import Any

from .asof import format_moment
from .catalog import Catalog
from .status import Derived
from .textsafe import terminal_text


def status_document(catalog: Catalog, derived: Derived) -> dict[str, Any]:
    """The ``--json`` document: ``as_of``, ``gates`` and ``waves``."""

    def target(wave_id: str) -> str | None:
        day = catalog.waves[wave_id].target
        return day.isoformat() if day is not None else None

    return {
        "as_of": format_moment(derived.as_of),
        "gates": [
            {
                "id": state.id,
                "title": catalog.gates[state.id].title,
                "status": state.status,
                "reasons": [reason.text for reason in state.reasons],
            }
            for state in derived.gates.values()
        ],
        "waves": [
            {
                "id": wave.id,
                "title": catalog.waves[wave.id].title,
                "status": wave.status,
                "overdue": wave.overdue,
                "target": target(wave.id),
                "gates": list(wave.gates),
                "progress": {"ready": wave.progress(derived.gates)[0], "total": len(wave.gates)},
                "reasons": [reason.text for reason in wave.reasons],
            }
            for wave in derived.waves.values()
        ],
    }


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: max(width - 1, 0)] + "…"


def status_text(catalog: Catalog, derived: Derived, width: int | None = None) -> str:
    """A readable table of gates (with their reasons) and waves.

    Ids, titles and reasons come from the records: each is one escaped field
    (:func:`terminal_text`), so none can break the table or reach the terminal raw.
    """
    width = width or min(shutil.get_terminal_size((100, 24)).columns, 140)
    lines: list[str] = [f"Readiness as of {format_moment(derived.as_of)}", ""]
    gate_ids = {gate_id: terminal_text(gate_id) for gate_id in derived.gates}
    gate_w = max([4] + [len(g) for g in gate_ids.values()])
    status_w = 8
    title_w = max(20, width - gate_w - status_w - 4)
    lines.append(f"{'GATE':<{gate_w}}  {'STATUS':<{status_w}}  TITLE")
    for state in derived.gates.values():
        title = _clip(terminal_text(catalog.gates[state.id].title), title_w)
        lines.append(f"{gate_ids[state.id]:<{gate_w}}  {state.status:<{status_w}}  {title}")
        if state.reasons:
            indent = " " * (gate_w + 2)
            shown = state.reasons[:6]
            for reason in shown:
                text = terminal_text(reason.text)
                for i, chunk in enumerate(textwrap.wrap(text, max(20, width - len(indent) - 2)) or [""]):
                    lines.append(f"{indent}{'- ' if i == 0 else '  '}{chunk}")
            if len(state.reasons) > len(shown):
                lines.append(f"{indent}  … {len(state.reasons) - len(shown)} more (readiness status --json lists all)")
    counts: dict[str, int] = {}
    for state in derived.gates.values():
        counts[state.status] = counts.get(state.status, 0) + 1
    summary = ", ".join(f"{counts[s]} {s}" for s in ("ready", "partial", "blocked", "unknown") if s in counts)
    noun = "gate" if len(derived.gates) == 1 else "gates"
    lines += ["", f"{len(derived.gates)} {noun}: {summary or 'none'}", ""]
    wave_ids = {wave_id: terminal_text(wave_id) for wave_id in derived.waves}
    wave_w = max([4] + [len(w) for w in wave_ids.values()])
    lines.append(f"{'WAVE':<{wave_w}}  {'STATUS':<11}  {'GATES':>7}  TARGET")
    for wave in derived.waves.values():
        ready, total = wave.progress(derived.gates)
        target = catalog.waves[wave.id].target
        due = target.isoformat() if target else "-"
        flag = "  OVERDUE" if wave.overdue else ""
        lines.append(f"{wave_ids[wave.id]:<{wave_w}}  {wave.status:<11}  {f'{ready}/{total}':>7}  {due}{flag}")
    return "\n".join(lines) + "\n"
