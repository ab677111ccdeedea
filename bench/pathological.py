"""Pathological Markdown: inputs that make Markdown parsers slow, and what they cost here.

``python -m bench.pathological`` prints, for each case at the largest size a Markdown field
may have, the render time per KB; then the build time of a small catalog with a hundred
records holding such fields, next to the same catalog with a hundred records of ordinary
text of the same length (the ratio is the number that matters; target ≤ 2x).
The cases are shared with the tests, which check that each renders (no error, no recursion
limit) and stays inert.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from generator.records.models import MAX_MARKDOWN

SIZE = MAX_MARKDOWN


def cases(size: int = SIZE) -> dict[str, str]:
    """Name -> a Markdown text of at most ``size`` characters built to stress one parser path."""
    raw = {
        "unclosed tags": "<a" * size,
        "unclosed divs": "<div>" * size,
        "html attributes": '<a href="' * size,
        "html comments": "<!--" * size,
        "nested emphasis": "*a **a " * size,
        "underscore emphasis": "_a __a " * size,
        "emphasis runs": "*" * size,
        "backtick runs": "`a " * size,
        "brackets": "[" * 500 + "a" * size,
        "link openers": "[a](" * 500,
        "autolinks": "<http://" * size,
        "entities": "&#" * size,
        "nested lists": "1. " * size,
        "deep list indentation": "".join("  " * i + "- x\n" for i in range(400)),
        "nested quotes": "> " * size,
        "quote levels": "".join(">" * i + " x\n" for i in range(300)),
        "setext underlines": "a\n=\n" * size,
        "table rows": "|a|b|\n|-|-|\n" + "|x|y|\n" * size,
        "fences": "```\n" * size,
        "backslashes": "\\" * size,
        "intraword underscores": "a_b_" * size,
    }
    return {name: text[:size] for name, text in raw.items()}


def ordinary(size: int = SIZE) -> str:
    """Ordinary record text of ``size`` characters: paragraphs, a list, some emphasis and code."""
    block = (
        "The restore was run on the staging copy and took **12 minutes**; see `restore.sh`.\n\n"
        "- backup found\n- checksum matched\n- service answered\n\n"
    )
    return (block * (size // len(block) + 1))[:size]


def render_per_kb() -> list[tuple[str, float]]:
    from generator.textsafe import markdown_converter, render_markdown

    converter = markdown_converter()
    out = []
    for name, text in {"ordinary text": ordinary(), **cases()}.items():
        started = time.perf_counter()
        render_markdown(text, converter)
        elapsed = time.perf_counter() - started
        out.append((name, 1000 * elapsed / (len(text) / 1024)))
    return out


def _catalog(root: Path, texts: list[str]) -> None:
    (root / "data").mkdir(parents=True)
    (root / "data/repos.yaml").write_text("- id: team\n", encoding="utf-8")
    (root / "data/environments.yaml").write_text("- id: env\n  name: Env\n", encoding="utf-8")
    (root / "data/gates.yaml").write_text("- id: B-G01\n  title: T\n  requirement: R\n", encoding="utf-8")
    (root / "data/waves.yaml").write_text("- id: w\n  title: W\n  gates: [B-G01]\n", encoding="utf-8")
    evidence = root / "evidence" / "2026"
    evidence.mkdir(parents=True)
    for index, text in enumerate(texts):
        quoted = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
        (evidence / f"r{index:03d}.yaml").write_text(
            f'observed: 2026-06-01\nkind: note\nsummary: Record {index}\ndetails: "{quoted}"\n', encoding="utf-8"
        )
    repo = Path(__file__).resolve().parent.parent
    shutil.copy2(repo / "mkdocs.yml", root / "mkdocs.yml")
    shutil.copytree(repo / "docs", root / "docs")


def build_seconds(texts: list[str], runs: int = 3) -> float:
    """Median wall time of ``readiness build`` over a catalog with one record per text."""
    times = []
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "catalog"
        _catalog(root, texts)
        env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
        env["NO_MKDOCS_2_WARNING"] = "1"
        command = [sys.executable, "-m", "generator", "--root", str(root), "build", "--as-of", "2026-06-30"]
        for _ in range(runs):
            started = time.perf_counter()
            subprocess.run(command, check=True, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            times.append(time.perf_counter() - started)
    return sorted(times)[len(times) // 2]


def build_ratio(count: int = 100, runs: int = 3) -> tuple[float, float]:
    """(seconds with ``count`` pathological records, seconds with ``count`` ordinary ones)."""
    hostile = list(cases().values())
    texts = [hostile[index % len(hostile)] for index in range(count)]
    plain = [ordinary(len(text)) for text in texts]
    return build_seconds(texts, runs), build_seconds(plain, runs)


def main() -> int:
    for name, ms in render_per_kb():
        print(f"{name:24s} {ms:6.2f} ms/KB")
    hostile, plain = build_ratio()
    verdict = "holds" if hostile <= 2 * plain else "MISSED"
    print(f"build, 100 pathological records: {hostile:.2f} s; 100 ordinary: {plain:.2f} s; "
          f"ratio {hostile / plain:.2f}x (target ≤ 2x: {verdict})")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
