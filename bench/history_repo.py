"""A git repository whose history grows a synthetic catalog commit by commit.

The first commit holds ``data/`` and the oldest evidence; each later commit adds
the next slice of evidence records (in ``observed`` order) and is dated at the
latest ``observed`` day of its slice, so every commit's statuses are real. The
objects are packed at the end, as in a clone.

Command line::

    python -m bench.history_repo {small,medium,large,stores} OUTDIR [--commits N] [--seed N]
"""

from __future__ import annotations

import argparse
import itertools
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from bench.synthetic import PRESETS, write_catalog


def _observed_day(path: Path) -> str:
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("observed:"):
            value = line.split(":", 1)[1].strip().strip('"')
            return value[:10]
    raise ValueError(f"{path}: no observed line")


def _git(root: Path, *args: str, date: str | None = None) -> None:
    env = dict(os.environ)
    if date:
        env.update(GIT_AUTHOR_DATE=f"{date}T18:00:00+00:00", GIT_COMMITTER_DATE=f"{date}T18:00:00+00:00")
    subprocess.run(["git", *args], cwd=root, env=env, check=True, stdout=subprocess.DEVNULL)


def make_history_repo(out: Path, size: str = "medium", commits: int = 300, seed: int = 1) -> int:
    """Write the repository at ``out`` (which must not exist); returns the number of commits."""
    if out.exists():
        raise SystemExit(f"{out} exists: choose a new directory")
    with tempfile.TemporaryDirectory() as scratch:
        source = Path(scratch)
        write_catalog(source, size, seed)
        records = sorted(
            (
                p
                for p in (source / "evidence").rglob("*.yaml")
                if "files" not in p.relative_to(source / "evidence").parts[:1]
            ),
            key=lambda p: (_observed_day(p), p.name),
        )
        out.mkdir(parents=True)
        _git(out, "init", "-q", "-b", "main")
        _git(out, "config", "user.name", "Bench Example")
        _git(out, "config", "user.email", "bench@example.invalid")
        shutil.copytree(source / "data", out / "data")
        shutil.copytree(source / "evidence" / "files", out / "evidence" / "files")
        commits = max(1, min(commits, len(records)))
        bounds = [round(i * len(records) / commits) for i in range(commits + 1)]
        made = 0
        for start, stop in itertools.pairwise(bounds):
            batch = records[start:stop]
            for path in batch:
                target = out / path.relative_to(source)
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(path, target)
            day = max(_observed_day(p) for p in batch)
            _git(out, "add", "-A")
            _git(out, "commit", "-q", "-m", f"evidence up to {day}", date=day)
            made += 1
        _git(out, "gc", "--quiet")  # packed, as a clone is: the history reads what CI reads
    return made


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("size", choices=sorted(PRESETS))
    parser.add_argument("out", type=Path)
    parser.add_argument("--commits", type=int, default=300)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    made = make_history_repo(args.out, args.size, args.commits, args.seed)
    sys.stdout.write(f"{made} commits in {args.out}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
