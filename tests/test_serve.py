"""`readiness serve` rebuilds when a record changes under data/ or evidence/."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from tests.conftest import REPO, write_files
from tests.test_site import copy_repo

NEW_EVIDENCE = """\
observed: 2026-06-20
kind: assessment
summary: Registry push and pull verified by hand
assess: {OPS-G05: ready}
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return str(response.read().decode("utf-8"))
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return None


def wait_for(url: str, needle: str, deadline: float) -> str:
    """Poll until the page contains ``needle`` (bounded by ``deadline``)."""
    text = None
    while time.monotonic() < deadline:
        text = fetch(url)
        if text is not None and needle in text:
            return text
        time.sleep(0.25)
    raise AssertionError(f"{url} never contained {needle!r}; last page: {(text or '')[:200]!r}")


def test_serve_rebuilds_when_evidence_changes(tmp_path: Path) -> None:
    repo = copy_repo(tmp_path / "repo")
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "generator", "--root", str(repo), "serve", "--dev-addr", f"127.0.0.1:{port}"],
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        url = f"http://127.0.0.1:{port}/gates/ops-g05/"
        before = wait_for(url, "OPS-G05", time.monotonic() + 90)
        index_before = json.loads(fetch(f"http://127.0.0.1:{port}/search/search_index.json") or "{}")["docs"]
        assert 'rd-status rd-partial">partial</span>' in before
        write_files(repo, {"evidence/2026/2026-06-20-registry-proof.yaml": NEW_EVIDENCE})
        after = wait_for(url, 'rd-status rd-ready">ready</span>', time.monotonic() + 90)
        assert "2026-06-20-registry-proof" in after
        assert not (repo / "docs" / "gates").exists()  # nothing was written into docs/
        # Only changed pages were rebuilt, yet the search index still covers every page, the new one included.
        index_after = json.loads(fetch(f"http://127.0.0.1:{port}/search/search_index.json") or "{}")["docs"]
        pages_before = {d["location"].split("#")[0] for d in index_before}
        pages_after = {d["location"].split("#")[0] for d in index_after}
        assert pages_before < pages_after
        assert "evidence/2026-06-20-registry-proof/" in pages_after - pages_before
        assert "services/gitea/" in pages_after and "guide/statuses/" in pages_after
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def test_serve_says_where_and_shows_invalid_records_as_a_page(tmp_path: Path) -> None:
    repo = copy_repo(tmp_path / "repo")
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "generator", "--root", str(repo), "serve", "--dev-addr", f"127.0.0.1:{port}"],
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        url = f"http://127.0.0.1:{port}/gates/ops-g05/"
        wait_for(url, "OPS-G05", time.monotonic() + 90)
        write_files(
            repo, {"evidence/2026/2026-06-21-broken.yaml": "observed: 2026-06-21\nkind: note\nsummary: 'It's\n"}
        )
        broken = wait_for(url, "The records do not validate", time.monotonic() + 90)
        assert "evidence/2026/2026-06-21-broken.yaml:3:10:" in broken
        home = wait_for(f"http://127.0.0.1:{port}/", "The records do not validate", time.monotonic() + 30)
        assert "2026-06-21-broken.yaml" in home
        (repo / "evidence" / "2026" / "2026-06-21-broken.yaml").unlink()
        wait_for(url, 'rd-status rd-partial">partial</span>', time.monotonic() + 90)
    finally:
        proc.terminate()
        try:
            _, stderr = proc.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            _, stderr = proc.communicate()
    assert stderr.splitlines()[0] == (
        f"Serving the site at http://127.0.0.1:{port}/ (Ctrl+C stops it; saving a file under data/ or evidence/ "
        "rebuilds it)"
    )
    assert "dirty" not in stderr
    assert "Traceback" not in stderr


def test_serve_on_a_busy_port_says_so_in_one_line(tmp_path: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "generator", "serve", "--dev-addr", f"127.0.0.1:{port}"],
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == (
        f"error: --dev-addr 127.0.0.1:{port}: port {port} is in use: stop what listens there, or pass another port, "
        f"e.g. --dev-addr 127.0.0.1:{port + 1}\n"
    )
