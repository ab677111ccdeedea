"""The benchmark: one table, medians of several runs, measured in one run (``make bench``).

Each measurement runs the real command in a fresh process (process start
included) and records its wall time and peak memory (``wait4`` rusage). The
synthetic catalogs are generated once under ``.bench/`` (deterministic).
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from bench.history_repo import make_history_repo
from bench.pathological import build_ratio, render_per_kb
from bench.synthetic import Size, preset, write_catalog

REPO = Path(__file__).resolve().parent.parent
WORK = REPO / ".bench"
OUTPUT = Path("/dev/shm") if Path("/dev/shm").is_dir() and os.access("/dev/shm", os.W_OK) else WORK
"""Where rendered pages and built sites go: memory when possible, because on this machine's disk
creating a file costs about half a millisecond, which would measure the disk, not the generator."""
AS_OF = "2026-11-28"
BARE = """
import os, sys, yaml
n = 0
for base in ("data", "evidence"):
    for dirpath, dirnames, filenames in os.walk(os.path.join(sys.argv[1], base)):
        if dirpath == os.path.join(sys.argv[1], "evidence") and "files" in dirnames:
            dirnames.remove("files")
        for name in filenames:
            if name.endswith(".yaml"):
                with open(os.path.join(dirpath, name), encoding="utf-8") as handle:
                    yaml.load(handle.read(), Loader=yaml.CSafeLoader)
                n += 1
"""


@dataclass
class Measure:
    seconds: float
    peak_mib: float


def run(command: Sequence[str], *, cwd: Path = REPO, env: dict[str, str] | None = None) -> Measure:
    """Run once; wall time and the peak resident memory of the process."""
    started = time.perf_counter()
    proc = subprocess.Popen(list(command), cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    stderr = proc.stderr.read().decode() if proc.stderr else ""
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed ({proc.returncode}):\n{stderr}")
    return Measure(elapsed, usage.ru_maxrss / 1024)


def median(runs: int, once: Callable[[], Measure]) -> Measure:
    measures = [once() for _ in range(runs)]
    return Measure(statistics.median(m.seconds for m in measures), max(m.peak_mib for m in measures))


def readiness(*args: str) -> list[str]:
    return [sys.executable, "-m", "generator", *args]


def catalog(name: str, size: Size | str, *, site: bool = False) -> Path:
    root = WORK / name
    if not (root / "data").is_dir():
        write_catalog(root, size, overwrite=True)
    if site:
        shutil.copy2(REPO / "mkdocs.yml", root / "mkdocs.yml")
        if (root / "docs").exists():
            shutil.rmtree(root / "docs")
        shutil.copytree(REPO / "docs", root / "docs")
    return root


def count_files(root: Path) -> int:
    return sum(1 for p in root.rglob("*.yaml") if "files" not in p.relative_to(root).parts[1:2])


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def serve_rebuild(root: Path, changes: int) -> Measure:
    """Seconds from writing a new evidence record to its page being served (median), under readiness serve."""
    port = free_port()
    proc = subprocess.Popen(
        readiness("--root", str(root), "serve", "--dev-addr", f"127.0.0.1:{port}"),
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait(f"http://127.0.0.1:{port}/", "Readiness handoff", 600)
        times = []
        for i in range(changes):
            ident = f"2026-06-30-bench-change-{i}"
            path = root / "evidence" / "bench" / f"{ident}.yaml"
            path.parent.mkdir(parents=True, exist_ok=True)
            started = time.perf_counter()
            path.write_text(f"observed: 2026-06-30\nkind: note\nsummary: Bench change {i}\n", encoding="utf-8")
            _wait(f"http://127.0.0.1:{port}/evidence/{ident}/", f"Bench change {i}", 120)
            times.append(time.perf_counter() - started)
            time.sleep(1.0)  # let the server settle before the next change
        peak = _peak_rss_mib(proc.pid)
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        shutil.rmtree(root / "evidence" / "bench", ignore_errors=True)
    return Measure(statistics.median(times), peak)


def _peak_rss_mib(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def _wait(url: str, needle: str, limit: float) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if needle in response.read().decode("utf-8", "replace"):
                    return
        except OSError:
            pass
        time.sleep(0.05)
    raise SystemExit(f"{url} never showed {needle!r}")


def built_pages(site: Path) -> int:
    return sum(1 for p in site.rglob("*.html") if p.name == "index.html" and "embed" not in p.parts)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="runs per measurement (the median is shown)")
    parser.add_argument("--commits", type=int, default=400)
    args = parser.parse_args(argv)
    runs = args.runs
    WORK.mkdir(exist_ok=True)
    env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    env["NO_MKDOCS_2_WARNING"] = "1"

    large = catalog("large", "large")
    medium = catalog("medium", "medium", site=True)
    base = preset("medium")
    triple = catalog(
        "medium-x3",
        Size(
            name="medium-x3",
            services=base.services * 3,
            stores_per_service=base.stores_per_service,
            environments=base.environments,
            repos=base.repos,
            gates=base.gates,
            waves=base.waves,
            evidence=base.evidence * 3,
        ),
        site=True,
    )
    history_root = WORK / f"history-{args.commits}"
    if not history_root.is_dir():
        make_history_repo(history_root, "medium", args.commits)
    stores_root = WORK / f"history-stores-{args.commits}"
    if not stores_root.is_dir():
        make_history_repo(stores_root, "stores", args.commits)

    rows: list[tuple[str, str, str, str]] = []

    def row(what: str, measure: Measure, note: str = "") -> Measure:
        rows.append((what, f"{measure.seconds:.2f} s", f"{measure.peak_mib:.0f} MiB", note))
        print(f"  {what}: {measure.seconds:.2f} s, {measure.peak_mib:.0f} MiB {note}", file=sys.stderr)
        return measure

    files_large = count_files(large)
    rows.append(
        ("files in the large catalog", f"{files_large:,}", "", "300 services, 600 stores, 40 gates, 20,000 records")
    )
    bare = row("bare CSafeLoader load, large", median(runs, lambda: run([sys.executable, "-c", BARE, str(large)])))
    status = row(
        "readiness status, large",
        median(runs, lambda: run(readiness("--root", str(large), "status", "--json", "--as-of", AS_OF), env=env)),
    )
    ratio = status.seconds / bare.seconds
    rows.append(
        (
            "status / bare load",
            f"{ratio:.2f}x",
            "",
            f"target ≤ 1.5x, < 1 GiB: {'holds' if ratio <= 1.5 and status.peak_mib < 1024 else 'MISSED'}",
        )
    )

    out = OUTPUT / "readiness-bench-render"

    def render(root: Path) -> Measure:
        _fresh(out)
        return run(readiness("--root", str(root), "render", "--as-of", AS_OF, "--out", str(out)), env=env)

    row("readiness render, large", median(runs, lambda: render(large)))

    builds: dict[str, tuple[Measure, int, Measure]] = {}
    for label, root in (("medium", medium), ("medium x3", triple)):
        site = OUTPUT / f"readiness-bench-site-{label.replace(' ', '')}"

        def build_once(root: Path = root, site: Path = site) -> Measure:
            return run(readiness("--root", str(root), "build", "--as-of", AS_OF, "--site-dir", str(site)), env=env)

        def render_once(root: Path = root) -> Measure:
            return render(root)

        build = median(runs, build_once)
        pages = built_pages(site)
        shutil.rmtree(site, ignore_errors=True)
        rendered = median(runs, render_once)
        builds[label] = (build, pages, rendered)
        row(f"readiness build, {label} ({pages:,} pages)", build, f"{1000 * build.seconds / pages:.2f} ms/page")
        share = rendered.seconds / build.seconds
        verdict = "holds" if share <= 0.15 else "MISSED"
        row(f"readiness render, {label}", rendered, f"{100 * share:.0f}% of the build (target ≤ 15%: {verdict})")
    (b1, p1, _), (b3, p3, _) = builds["medium"], builds["medium x3"]
    per1, per3 = b1.seconds / p1, b3.seconds / p3
    rows.append(
        (
            "ms/page, x3 pages vs medium",
            f"{1000 * per3:.2f} vs {1000 * per1:.2f}",
            "",
            f"flat within 25%: {'holds' if per3 <= per1 * 1.25 else 'MISSED'}",
        )
    )

    rebuild = row("serve: new record's page served, medium", serve_rebuild(medium, runs), "")
    rows[-1] = (*rows[-1][:3], f"target ≤ 2 s: {'holds' if rebuild.seconds <= 2 else 'MISSED'}")

    # History against status: each round runs status and the histories one after the other, and a
    # ratio is taken within the round (the machine is shared: what slows one run slows its neighbours
    # too); the table shows the median of each, over at least 5 rounds.
    rounds = max(runs, 5)
    status_medium, history_medium = paired(
        rounds, history_root, {"no cache": lambda: history_run(history_root, env, None)}, env
    )
    row("readiness status, final tree of the medium history", status_medium.measure)
    row(f"readiness history, {args.commits} commits (medium), no cache", history_medium["no cache"].measure)
    factor = history_medium["no cache"].ratio
    rows.append(("history / status", f"{factor:.2f}x", "", f"target ≤ 8.8x: {'holds' if factor <= 8.8 else 'MISSED'}"))

    seed = warm_cache(stores_root, env)
    status_stores, history_stores = paired(
        rounds,
        stores_root,
        {
            "no cache": lambda: history_run(stores_root, env, None),
            "one new commit": lambda: history_run(stores_root, env, seed),
        },
        env,
    )
    shape = "100 services, 200 stores, 40 gates checking every store, 4,000 records"
    row("readiness status, final tree of the stores history", status_stores.measure, shape)
    row(f"readiness history, {args.commits} commits (stores), no cache", history_stores["no cache"].measure)
    row("readiness history, same, cache of the commit before", history_stores["one new commit"].measure)
    for label, limit in (("no cache", 3.0), ("one new commit", 0.5)):
        found = history_stores[label]
        verdict = "holds" if found.ratio <= limit and found.measure.peak_mib < 1024 else "MISSED"
        rows.append((f"history / status, {label}", f"{found.ratio:.2f}x", "", f"target ≤ {limit}x, < 1 GiB: {verdict}"))

    hostile, plain = build_ratio(100, runs)
    rows.append(
        (
            "build, 100 pathological Markdown records vs 100 ordinary",
            f"{hostile:.2f} s vs {plain:.2f} s",
            "",
            f"{hostile / plain:.2f}x (target ≤ 2x: {'holds' if hostile <= 2 * plain else 'MISSED'})",
        )
    )
    worst_name, worst_ms = max(render_per_kb(), key=lambda item: item[1])
    rows.append(("slowest pathological Markdown field", f"{worst_ms:.2f} ms/KB", "", worst_name))

    print(
        f"\nMachine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"{platform.system()} {platform.release()}; median of {runs} runs; output in {OUTPUT}; as of {AS_OF}\n"
    )
    print("| Measurement | Time | Peak memory | Note |")
    print("| --- | --- | --- | --- |")
    for what, value, memory, note in rows:
        print(f"| {what} | {value} | {memory} | {note} |")
    return 0


def _fresh(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)


@dataclass
class Paired:
    measure: Measure
    """Median time, peak memory over the rounds."""
    ratio: float = 1.0
    """Median over the rounds of this run's time / the status run's time in the same round."""


def paired(
    rounds: int, root: Path, histories: dict[str, Callable[[], Measure]], env: dict[str, str]
) -> tuple[Paired, dict[str, Paired]]:
    """``readiness status`` of ``root``, then each history, ``rounds`` times; ratios within each round."""
    status: list[Measure] = []
    found: dict[str, list[Measure]] = {label: [] for label in histories}
    for _ in range(rounds):
        status.append(run(readiness("--root", str(root), "status", "--json"), env=env))
        for label, once in histories.items():
            found[label].append(once())

    def summary(measures: list[Measure]) -> Measure:
        return Measure(statistics.median(m.seconds for m in measures), max(m.peak_mib for m in measures))

    return Paired(summary(status)), {
        label: Paired(
            summary(measures), statistics.median(m.seconds / s.seconds for m, s in zip(measures, status, strict=True))
        )
        for label, measures in found.items()
    }


def history_run(root: Path, env: dict[str, str], seed: Path | None) -> Measure:
    """One ``readiness history --json`` in a fresh process: with no cache (an empty one, which the
    run writes, as a first build does), or with a copy of the cache ``seed``."""
    cache = OUTPUT / "readiness-bench-history-cache"
    _fresh(cache)
    if seed is not None:
        shutil.copytree(seed, cache)
    return run(readiness("--root", str(root), "history", "--json"), env={**env, "READINESS_CACHE_DIR": str(cache)})


def warm_cache(root: Path, env: dict[str, str]) -> Path:
    """The cache a build of the commit before the last one leaves (made in a worktree of that commit,
    by this generator: a cache from another one would be ignored)."""
    seed = WORK / f"{root.name}-cache-of-the-commit-before"
    before = WORK / f"{root.name}-the-commit-before"
    subprocess.run(["git", "-C", str(root), "worktree", "prune"], check=True)
    _fresh(before)
    subprocess.run(["git", "-C", str(root), "worktree", "add", "-q", "--detach", str(before), "HEAD~1"], check=True)
    try:
        _fresh(seed)
        run(readiness("--root", str(before), "history", "--json"), env={**env, "READINESS_CACHE_DIR": str(seed)})
    finally:
        subprocess.run(["git", "-C", str(root), "worktree", "remove", "--force", str(before)], check=True)
    return seed


if __name__ == "__main__":
    raise SystemExit(main())
