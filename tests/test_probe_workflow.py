"""The scheduled probe workflow (.gitea/workflows/probes.yml) does what the probes guide says.

The schema check of every workflow file is in tests/test_workflows.py; the
script that builds the pull request body is run here on a sample output.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO
from tests.test_workflows import index_of, load, runs, steps


def test_probe_workflow_runs_on_a_schedule_and_on_demand() -> None:
    workflow = load("probes.yml")
    assert workflow["on"]["schedule"][0]["cron"].count(" ") == 4
    assert "workflow_dispatch" in workflow["on"]
    assert workflow["permissions"] == {"contents": "write", "pull-requests": "write"}


def test_probe_workflow_steps() -> None:
    workflow = load("probes.yml")
    all_steps = steps(workflow)
    checkout = all_steps[0]
    assert checkout["uses"].startswith("actions/checkout@")
    assert checkout["with"]["token"] == "${{ secrets.GITEA_TOKEN }}", "pushes with the workflow token"
    scripts = runs(workflow)
    order = [
        index_of(scripts, "pip install -c constraints.txt -e ."),
        index_of(scripts, "readiness probe run > probes.txt"),
        index_of(scripts, "readiness validate"),
        index_of(scripts, 'git push -q origin "HEAD:refs/heads/$branch"'),
        index_of(scripts, '-X POST "$API_URL/pulls"'),
    ]
    assert order == sorted(order)

    probe_step = all_steps[order[1]]
    assert probe_step["env"] == {
        "GITEA_REGISTRY_USER": "${{ secrets.GITEA_REGISTRY_USER }}",
        "GITEA_REGISTRY_TOKEN": "${{ secrets.GITEA_REGISTRY_TOKEN }}",
    }
    assert 'if [ "$code" -gt 1 ]; then exit "$code"; fi' in probe_step["run"], "failing probes are evidence"

    pull = all_steps[order[4]]
    assert pull["env"]["API_URL"] == "${{ gitea.server_url }}/api/v1/repos/${{ gitea.repository }}"
    assert pull["env"]["TOKEN"] == "${{ secrets.GITEA_TOKEN }}"
    assert pull["env"]["BASE_BRANCH"] == "${{ gitea.ref_name }}"
    script = pull["run"]
    assert '-H "Authorization: token $TOKEN"' in script
    assert "git add -- evidence" in script
    assert script.index("git status --porcelain -- evidence") < script.index("git switch -c")


def test_the_registry_secrets_are_the_ones_the_plan_names() -> None:
    plan = (REPO / "data" / "probes.yaml").read_text(encoding="utf-8")
    env = steps(load("probes.yml"))[index_of(runs(load("probes.yml")), "readiness probe run")]["env"]
    for name in env:
        assert f"_env: {name}\n" in plan


def test_the_pull_request_body_script(tmp_path: Path) -> None:
    """The inline Python of the last step, run on a sample probes.txt."""
    script = steps(load("probes.yml"))[-1]["run"]
    code = script.split("python3 -c '", 1)[1].split("' > pull.json", 1)[0]
    (tmp_path / "probes.txt").write_text(
        "pass  evidence/2026/2026-06-14-gitea-web.yaml  GET https://gitea.example/ returned 200 in 35 ms\n"
        "fail  evidence/2026/2026-06-14-gitea-tls.yaml  TLS to gitea.example:443 failed: connection refused\n",
        encoding="utf-8",
    )
    env = {**os.environ, "BRANCH": "probes/2026-06-14-051700", "BASE_BRANCH": "main"}
    proc = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True, check=True, timeout=30
    )
    pull = json.loads(proc.stdout)
    assert pull["title"] == "Probe records: 1 of 2 failed"
    assert (pull["head"], pull["base"]) == ("probes/2026-06-14-051700", "main")
    assert "GET https://gitea.example/ returned 200 in 35 ms" in pull["body"]
