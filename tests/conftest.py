"""Shared test helpers: write small catalogs, run the real CLI."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parent.parent

MINIMAL: dict[str, str] = {
    "data/repos.yaml": """\
        - id: team-a
        - id: team-b
        """,
    "data/environments.yaml": """\
        - id: old
          name: Old
          role: current production
          lifecycle: active
          notes: on its way out
        - id: new
          name: New
        """,
    "data/gates.yaml": """\
        - id: T-G01
          title: First gate
          owners: [team-a]
          requirement: Something is true.
        """,
    "data/waves.yaml": """\
        - id: wave-a
          title: First wave
          gates: [T-G01]
        """,
    "data/services/svc.yaml": """\
        id: svc
        name: Service
        owner: team-a
        stores:
          - id: svc-db
            kind: postgresql
        """,
}


def write_files(root: Path, files: dict[str, str | None]) -> Path:
    """Write ``files`` (path -> text, dedented; ``None`` deletes) under ``root``."""
    for rel, text in files.items():
        path = root / rel
        if text is None:
            if path.exists():
                path.unlink()
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return root


@pytest.fixture
def catalog_dir(tmp_path: Path) -> Callable[..., Path]:
    """Make a catalog: the minimal one, overridden and extended by ``files``."""

    def make(files: dict[str, str | None] | None = None, *, base: bool = True) -> Path:
        root = tmp_path / "repo"
        merged: dict[str, str | None] = dict(MINIMAL) if base else {}
        merged.update(files or {})
        write_files(root, merged)
        return root

    return make


@dataclass
class Result:
    code: int
    stdout: str
    stderr: str


UNSET = ("SOURCE_DATE_EPOCH", "NO_COLOR", "FORCE_COLOR")
"""Variables of the developer's shell that would change what the command prints."""


@pytest.fixture(autouse=True)
def _plain_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """In-process runs (CliRunner, capsys) see neither NO_COLOR nor FORCE_COLOR from the shell either."""
    for name in UNSET[1:]:
        monkeypatch.delenv(name, raising=False)


def _command(args: tuple[str, ...], root: Path | None) -> list[str]:
    command = [sys.executable, "-m", "generator"]
    if root is not None:
        command += ["--root", str(root)]
    return command + list(args)


def _environment(env: dict[str, str] | None, **defaults: str) -> dict[str, str]:
    full_env = {k: v for k, v in os.environ.items() if k not in UNSET}
    full_env.update(defaults)
    full_env.update(env or {})
    return full_env


def run_cli(*args: str, root: Path | None = None, env: dict[str, str] | None = None) -> Result:
    """Run the installed ``readiness`` command as a user would (a real process), its output into pipes."""
    proc = subprocess.run(
        _command(args, root), capture_output=True, text=True, env=_environment(env), cwd=REPO, check=False
    )
    return Result(proc.returncode, proc.stdout, proc.stderr)


def run_on_terminal(*args: str, root: Path | None = None, env: dict[str, str] | None = None) -> Result:
    """:func:`run_cli` with stdout and stderr each on a terminal of its own (a pseudo-terminal).

    The terminals are raw, so the bytes read are the bytes written (no ``\\n`` to ``\\r\\n``).
    ``TERM`` is ``xterm-256color`` and ``COLUMNS`` 100 unless ``env`` says otherwise.
    """
    import pty
    import select
    import tty

    masters: list[int] = []
    slaves: list[int] = []
    for _ in range(2):
        master, slave = pty.openpty()
        tty.setraw(slave)
        masters.append(master)
        slaves.append(slave)
    full_env = _environment(env, TERM="xterm-256color", COLUMNS="100")
    try:
        proc = subprocess.Popen(
            _command(args, root), stdin=subprocess.DEVNULL, stdout=slaves[0], stderr=slaves[1], env=full_env, cwd=REPO
        )
    finally:
        for slave in slaves:
            os.close(slave)
    output = {master: bytearray() for master in masters}
    reading = set(masters)
    try:
        while reading:
            ready, _, _ = select.select(sorted(reading), [], [])
            for master in ready:
                try:
                    chunk = os.read(master, 65536)
                except OSError:  # EIO: every writer of the terminal has gone
                    chunk = b""
                if chunk:
                    output[master] += chunk
                else:
                    reading.discard(master)
        code = proc.wait()
    finally:
        for master in masters:
            os.close(master)
    return Result(code, output[masters[0]].decode(), output[masters[1]].decode())


@pytest.fixture
def cli() -> Callable[..., Result]:
    return run_cli


# ------------------------------------------------------------------ Chromium

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
MISSING = "chromium not installed: .ci/run installs it with apt-get install chromium"


def _unavailable(reason: str) -> None:
    """Skip loudly; under CI a missing browser is a failure, never a silent skip."""
    if os.environ.get("CI", "").strip().lower() == "true":
        pytest.fail(f"CI=true but {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Debian's Chromium, driven by Playwright (shared by the browser and publishing tests)."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:
        _unavailable(f"{MISSING} (playwright cannot be imported: {type(exc).__name__}: {exc})")
        raise
    if not CHROMIUM.is_file():
        _unavailable(f"{MISSING} ({CHROMIUM} is missing)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()
