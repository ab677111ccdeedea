"""The users' CI in .gitea/workflows/: valid workflow files that do what the guide says.

Gitea Actions reads GitHub Actions syntax, so every file is checked against the
GitHub workflow schema vendored in check-jsonschema (no network: the proxies
below point nowhere, so a download would fail the test).
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import pytest
import yaml

from tests.conftest import REPO

WORKFLOWS = REPO / ".gitea" / "workflows"
FILES = sorted(WORKFLOWS.glob("*.yml")) + sorted(WORKFLOWS.glob("*.yaml"))
OFFLINE = {
    "http_proxy": "http://127.0.0.1:9",
    "https_proxy": "http://127.0.0.1:9",
    "HTTP_PROXY": "http://127.0.0.1:9",
    "HTTPS_PROXY": "http://127.0.0.1:9",
    "no_proxy": "",
    "NO_PROXY": "",
}


def load(name: str) -> dict[str, Any]:
    """A workflow file, every scalar as text (``on`` stays a key, not ``True``)."""
    value = yaml.load((WORKFLOWS / name).read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
    assert isinstance(value, dict)
    return value


def steps(workflow: dict[str, Any]) -> list[dict[str, Any]]:
    jobs = list(workflow["jobs"].values())
    assert len(jobs) == 1
    return list(jobs[0]["steps"])


def runs(workflow: dict[str, Any]) -> list[str]:
    """Each step's ``run`` script ("" for ``uses`` steps), in order."""
    return [step.get("run", "") for step in steps(workflow)]


def index_of(scripts: list[str], text: str) -> int:
    found = [index for index, script in enumerate(scripts) if text in script]
    assert found, f"no step runs {text!r}"
    return found[0]


def test_there_are_workflows() -> None:
    assert [path.name for path in FILES] == ["main.yml", "probes.yml", "pull-request.yml"]


def test_workflows_match_the_github_workflow_schema() -> None:
    if importlib.util.find_spec("check_jsonschema") is None:
        if os.environ.get("CI") == "true":
            pytest.fail("check-jsonschema is not installed (it is in the test extra)")
        pytest.skip("check-jsonschema is not installed: pip install -c constraints.txt -e '.[test]'")
    command = [sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.github-workflows"]
    env = {**os.environ, **OFFLINE}
    proc = subprocess.run(
        [*command, *map(str, FILES)], capture_output=True, text=True, env=env, cwd=REPO, check=False, timeout=120
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_the_schema_check_catches_a_broken_workflow(tmp_path: Path) -> None:
    if importlib.util.find_spec("check_jsonschema") is None:
        pytest.skip("check-jsonschema is not installed")
    broken = tmp_path / "broken.yml"
    broken.write_text("on: push\njobs:\n  build:\n    steps:\n      - uses: actions/checkout@v4\n", encoding="utf-8")
    command = [sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.github-workflows", str(broken)]
    proc = subprocess.run(
        command, capture_output=True, text=True, env={**os.environ, **OFFLINE}, check=False, timeout=120
    )
    assert proc.returncode == 1, proc.stdout + proc.stderr  # a job without runs-on


def test_pull_request_workflow() -> None:
    workflow = load("pull-request.yml")
    assert "pull_request" in workflow["on"]
    all_steps = steps(workflow)
    checkout = all_steps[0]
    assert checkout["uses"].startswith("actions/checkout@")
    assert checkout["with"]["fetch-depth"] == "0", "the diff and the history page need full history"

    scripts = runs(workflow)
    order = [
        index_of(scripts, "apt-get install -y -qq python3 python3-venv chromium"),
        index_of(scripts, "pip install -c constraints.txt -e '.[test]'"),
        index_of(scripts, "readiness validate"),
        index_of(scripts, "python -m pytest"),
        index_of(scripts, "readiness build"),
        index_of(scripts, "--format markdown > diff.md"),
        index_of(scripts, "curl "),
        index_of(scripts, "--fail-on-regression"),
    ]
    assert order == sorted(order)
    assert order[-1] == len(scripts) - 1, "the regression gate is the last step"
    assert "readiness diff" in scripts[order[-1]]
    assert "continue-on-error" not in all_steps[order[-1]]

    comment = all_steps[order[6]]
    assert comment["env"]["COMMENTS_URL"] == (
        "${{ gitea.server_url }}/api/v1/repos/${{ gitea.repository }}/issues/"
        "${{ gitea.event.pull_request.number }}/comments"
    )
    assert comment["env"]["COMMENT_URL"] == (
        "${{ gitea.server_url }}/api/v1/repos/${{ gitea.repository }}/issues/comments"
    )
    assert comment["env"]["TOKEN"] == "${{ secrets.GITEA_TOKEN }}", "posts with Gitea's workflow token"
    assert comment["continue-on-error"] == "true", "a fork's read-only token must not fail the check"
    script = comment["run"]
    assert '-X PATCH "$COMMENT_URL/$id"' in script
    assert '-X POST "$COMMENTS_URL"' in script
    assert script.count('-H "Authorization: token $TOKEN"') == 3
    assert """python -c 'import json,sys; print(json.dumps({"body": sys.stdin.read()}))' < diff.md""" in script


class _FakeGitea(BaseHTTPRequestHandler):
    """Gitea's comment API for one pull request (o/r, #7): list, create, edit."""

    comments: ClassVar[list[dict[str, Any]]] = []
    requests: ClassVar[list[tuple[str, str, str, dict[str, Any] | None]]] = []

    def _answer(self, status: int, body: object) -> None:
        data = json.dumps(body).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _record(self) -> dict[str, Any] | None:
        length = int(self.headers.get("Content-Length") or 0)
        body = json.loads(self.rfile.read(length)) if length else None
        self.requests.append((self.command, self.path, self.headers.get("Authorization", ""), body))
        return body

    def do_GET(self) -> None:
        self._record()
        self._answer(200, self.comments)

    def do_POST(self) -> None:
        body = self._record()
        assert body is not None
        self._answer(201, {"id": 900, "body": body["body"]})

    def do_PATCH(self) -> None:
        body = self._record()
        assert body is not None
        self._answer(200, {"id": int(self.path.rsplit("/", 1)[1]), "body": body["body"]})

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.mark.parametrize(
    ("existing", "expected"),
    [
        ([{"id": 5, "body": "Looks good to me"}], ("POST", "/api/v1/repos/o/r/issues/7/comments")),
        (
            [
                {"id": 5, "body": "> <!-- readiness-diff -->\n> quoted by a reviewer"},
                {"id": 12, "body": "<!-- readiness-diff -->\n### Readiness changes: before"},
                {"id": 13, "body": "Thanks"},
            ],
            ("PATCH", "/api/v1/repos/o/r/issues/comments/12"),
        ),
    ],
    ids=["first push posts", "later pushes update"],
)
def test_the_comment_step_keeps_one_comment(
    tmp_path: Path, existing: list[dict[str, Any]], expected: tuple[str, str]
) -> None:
    """The step's own script, run with bash against a fake Gitea on 127.0.0.1: it edits the comment
    that starts with the marker `readiness diff` prints, and posts one only when there is none."""
    if shutil.which("curl") is None:
        if os.environ.get("CI") == "true":
            pytest.fail("curl is not installed")
        pytest.skip("curl is not installed")
    step = next(s for s in steps(load("pull-request.yml")) if "diff.md > comment.json" in s.get("run", ""))
    body = "<!-- readiness-diff -->\n### Readiness changes: `abc1234` → `def5678`\n\n- `team-a`: T-G01\n"
    (tmp_path / "diff.md").write_text(body, encoding="utf-8")
    (tmp_path / "step.sh").write_text(step["run"], encoding="utf-8")
    _FakeGitea.comments = existing
    _FakeGitea.requests = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _FakeGitea)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        api = f"http://127.0.0.1:{server.server_address[1]}/api/v1/repos/o/r/issues"
        env = {
            **{k: v for k, v in os.environ.items() if k.lower() not in {"http_proxy", "https_proxy", "all_proxy"}},
            "PATH": f"{Path(sys.executable).parent}:{os.environ.get('PATH', '')}",
            "COMMENTS_URL": f"{api}/7/comments",
            "COMMENT_URL": f"{api}/comments",
            "TOKEN": "t0ken",
        }
        proc = subprocess.run(
            ["bash", "-e", "step.sh"], cwd=tmp_path, env=env, capture_output=True, text=True, check=False, timeout=60
        )
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    listed, written = _FakeGitea.requests
    assert listed == ("GET", "/api/v1/repos/o/r/issues/7/comments", "token t0ken", None)
    assert written == (*expected, "token t0ken", {"body": body})


def test_main_workflow() -> None:
    workflow = load("main.yml")
    assert workflow["on"]["push"]["branches"] == ["main"]
    all_steps = steps(workflow)
    assert all_steps[0]["uses"].startswith("actions/checkout@")
    assert all_steps[0]["with"]["fetch-depth"] == "0"
    scripts = runs(workflow)
    order = [index_of(scripts, "readiness validate"), index_of(scripts, "readiness build")]
    assert order == sorted(order)
    upload = all_steps[-1]
    assert upload["uses"] == "actions/upload-artifact@v3"
    assert upload["with"]["path"] == "site/"


def test_main_keeps_the_history_cache_and_pull_requests_only_read_it() -> None:
    """Main's builds restore and save the history's cache where READINESS_CACHE_DIR says; a pull
    request restores it before its build and diff and never saves it (what a pull request runs
    must not change what main publishes)."""
    for name, action in (("main.yml", "actions/cache@v4"), ("pull-request.yml", "actions/cache/restore@v4")):
        workflow = load(name)
        job = next(iter(workflow["jobs"].values()))
        folder = job["env"]["READINESS_CACHE_DIR"]
        all_steps = steps(workflow)
        caching = [step for step in all_steps if step.get("uses", "").startswith("actions/cache")]
        assert [step["uses"] for step in caching] == [action], name
        cache = caching[0]
        assert cache["with"]["path"] == folder == ".cache/readiness"
        assert cache["with"]["key"] == "readiness-history-${{ gitea.sha }}"
        assert cache["with"]["restore-keys"] == "readiness-history-"
        scripts = runs(workflow)
        assert all_steps.index(cache) < index_of(scripts, "readiness build")
        if name == "pull-request.yml":
            assert all_steps.index(cache) < index_of(scripts, "readiness diff")


def test_scripts_take_expressions_through_env_only() -> None:
    """Branch names and titles are set by whoever opens the pull request: an expression
    pasted into a script could run code, so values reach scripts through ``env``."""
    for path in FILES:
        for step in steps(load(path.name)):
            assert "${{" not in step.get("run", ""), f"{path.name}: {step.get('name')}"


def test_main_workflow_delivers_after_publishing() -> None:
    workflow = load("main.yml")
    scripts = runs(workflow)
    order = [index_of(scripts, "readiness publish"), index_of(scripts, "readiness deliver")]
    assert order == sorted(order) and order[-1] == len(scripts) - 2, "deliver runs after publish, before the upload"
    step = steps(workflow)[order[-1]]
    assert step["env"]["INTERHUB_WEBHOOK_SECRET"] == "${{ secrets.INTERHUB_WEBHOOK_SECRET }}"
    assert step["env"]["INTERHUB_URL"] == "${{ vars.INTERHUB_EVENTS_URL }}"
    assert "--secret-env INTERHUB_WEBHOOK_SECRET" in step["run"]


def test_the_deliver_step_keeps_the_ledger_on_the_pages_branch(tmp_path: Path) -> None:
    """The step's own script, run by bash in a clone whose remote has a pages branch, against a
    receiver on 127.0.0.1: the ledger lands on gh-pages; the next run sends nothing and commits nothing."""
    from tests.interhub_receiver import Receiver, key_of, receiving
    from tests.test_deliver import SECRET, records
    from tests.test_history import Repo

    script = steps(load("main.yml"))[index_of(runs(load("main.yml")), "readiness deliver")]["run"]
    remote = tmp_path / "remote.git"
    subprocess.run(["git", "init", "-q", "--bare", str(remote)], check=True)
    work = Repo(tmp_path / "work")
    work.commit("2026-06-30", "records", records())
    work.git("checkout", "-q", "--orphan", "gh-pages")
    work.git("rm", "-q", "-r", "--cached", ".")
    (work.root / "index.html").write_text("<!doctype html>\n", encoding="utf-8")
    work.git("add", "index.html")
    work.git("commit", "-q", "-m", "pages")
    work.git("checkout", "-q", "-f", "main")
    work.git("remote", "add", "origin", str(remote))
    work.git("push", "-q", "origin", "main", "gh-pages")
    shim = tmp_path / "bin" / "readiness"
    shim.parent.mkdir()
    shim.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m generator "$@"\n', encoding="utf-8")
    shim.chmod(0o755)
    receiver = Receiver([key_of(SECRET)])

    def run_step(url: str) -> subprocess.CompletedProcess[str]:
        env = {
            **{k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"},
            "PATH": f"{shim.parent}{os.pathsep}{os.environ['PATH']}",
            "PYTHONPATH": str(REPO),
            "REF_TYPE": "branch",
            "INTERHUB_URL": url,
            "INTERHUB_WEBHOOK_SECRET": SECRET,
        }
        return subprocess.run(
            ["bash", "-e", "-c", script], cwd=work.root, env=env, capture_output=True, text=True, check=False
        )

    def pages_ledger() -> str:
        return work.git("--git-dir", str(remote), "show", "gh-pages:.interhub/ledger.jsonl")

    with receiving(receiver) as url:
        first = run_step(url)
        assert first.returncode == 0, first.stdout + first.stderr
        assert len(pages_ledger().splitlines()) == 12 == len(receiver.counts)
        head = work.git("--git-dir", str(remote), "rev-parse", "gh-pages")
        second = run_step(url)
    assert second.returncode == 0, second.stdout + second.stderr
    assert second.stderr.endswith(f"12 events, all acknowledged by {url}: nothing to send\n")
    assert work.git("--git-dir", str(remote), "rev-parse", "gh-pages") == head
    assert set(receiver.counts.values()) == {1}
    assert SECRET[6:] not in pages_ledger()
    unset = run_step("")
    assert (unset.returncode, unset.stdout) == (
        0,
        "the repository variable INTERHUB_EVENTS_URL is not set: no events delivered\n",
    )
