"""The users' CI in .gitea/workflows/: valid workflow files that do what the guide says.

Gitea Actions reads GitHub Actions syntax, so every file is checked against the
GitHub workflow schema vendored in check-jsonschema (no network: the proxies
below point nowhere, so a download would fail the test).
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

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
    assert comment["env"]["TOKEN"] == "${{ secrets.GITEA_TOKEN }}", "posts with Gitea's workflow token"
    script = comment["run"]
    assert '-X POST "$COMMENTS_URL"' in script
    assert '-H "Authorization: token $TOKEN"' in script
    assert """python -c 'import json,sys; print(json.dumps({"body": sys.stdin.read()}))' < diff.md""" in script


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
