"""The readiness command as a user runs it: output, JSON and exit codes."""

from __future__ import annotations

import ast
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import main
from generator.interhub.models import schema_texts
from generator.records.schema import schemas
from tests.cli_reference import COMPLETION
from tests.conftest import REPO, UNSET, Result

Cli = Callable[..., Result]
MakeCatalog = Callable[..., Path]

ASSESS = "observed: 2026-06-10\nkind: assessment\nsummary: Gate looked at\nassess: {T-G01: ready}\n"


def test_status_text_shows_gates_reasons_and_waves(cli: Cli, catalog_dir: MakeCatalog) -> None:
    root = catalog_dir({"evidence/2026/look.yaml": ASSESS})
    result = cli("status", "--as-of", "2026-06-30", root=root)
    assert result.code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "Readiness as of 2026-06-30T23:59:59Z"
    assert "T-G01  ready     First gate" in lines
    assert "       - assessed ready by look on 2026-06-10" in lines
    assert "1 gate: 1 ready" in lines
    assert any(line.startswith("wave-a  passed") and "1/1" in line for line in lines)


def test_status_json_is_alone_on_stdout(cli: Cli, catalog_dir: MakeCatalog) -> None:
    root = catalog_dir({"evidence/2026/look.yaml": ASSESS})
    result = cli("status", "--json", "--as-of", "2026-06-30", root=root)
    assert result.code == 0
    document = json.loads(result.stdout)
    assert document["as_of"] == "2026-06-30T23:59:59Z"
    assert document["gates"] == [
        {"id": "T-G01", "title": "First gate", "status": "ready", "reasons": ["assessed ready by look on 2026-06-10"]}
    ]
    wave = document["waves"][0]
    assert {k: wave[k] for k in ("id", "status", "overdue", "gates")} == {
        "id": "wave-a",
        "status": "passed",
        "overdue": False,
        "gates": ["T-G01"],
    }


def test_as_of_from_source_date_epoch(cli: Cli, catalog_dir: MakeCatalog) -> None:
    root = catalog_dir({"evidence/2026/look.yaml": ASSESS})
    # 2026-06-09T00:00:00Z: before the record, so it does not count yet.
    early = cli("status", "--json", root=root, env={"SOURCE_DATE_EPOCH": "1780963200"})
    assert json.loads(early.stdout)["as_of"] == "2026-06-09T00:00:00Z"
    assert json.loads(early.stdout)["gates"][0]["status"] == "unknown"
    # --as-of wins over the environment.
    late = cli("status", "--json", "--as-of", "2026-06-11", root=root, env={"SOURCE_DATE_EPOCH": "1780963200"})
    assert json.loads(late.stdout)["gates"][0]["status"] == "ready"


def test_same_records_same_bytes(cli: Cli) -> None:
    first = cli("status", "--json", "--as-of", "2026-07-01", root=REPO)
    second = cli("status", "--json", "--as-of", "2026-07-01", root=REPO)
    assert first.code == 0 and first.stdout == second.stdout
    text = cli("status", "--as-of", "2026-07-01", root=REPO, env={"COLUMNS": "100"})
    assert text.stdout == cli("status", "--as-of", "2026-07-01", root=REPO, env={"COLUMNS": "100"}).stdout


def test_usage_errors_exit_2(cli: Cli, catalog_dir: MakeCatalog, tmp_path: Path) -> None:
    root = catalog_dir()
    bad_date = cli("status", "--as-of", "yesterday", root=root)
    assert bad_date.code == 2
    assert "--as-of 'yesterday' is not a date" in bad_date.stderr
    assert cli("frobnicate", root=root).code == 2
    empty = tmp_path / "empty"
    empty.mkdir()
    missing = cli("validate", root=empty)
    assert missing.code == 2
    assert "no data/ directory" in missing.stderr
    assert "Traceback" not in missing.stderr


def test_validate_reports_on_stdout_and_exits_1(cli: Cli, catalog_dir: MakeCatalog) -> None:
    root = catalog_dir({"data/waves.yaml": "- id: wave-a\n  title: W\n  gates: [T-G09]\n"})
    result = cli("validate", root=root)
    assert result.code == 1
    assert result.stdout == "data/waves.yaml:3:11: unknown gate 'T-G09': did you mean 'T-G01'? (wave-a.gates[0])\n"
    assert result.stderr == "invalid: 1 problem found\n"


def test_schemas_are_generated_from_the_models_and_committed(cli: Cli, tmp_path: Path) -> None:
    committed = {path.name: path.read_text(encoding="utf-8") for path in (REPO / "schema").glob("*.json")}
    assert committed == {**schemas(), **schema_texts()}, "schema/ is stale: run 'make schema' and commit it"
    result = cli("schema", "--out", str(tmp_path / "out"))
    assert result.code == 0
    written = {path.name: path.read_text(encoding="utf-8") for path in (tmp_path / "out").glob("*.json")}
    assert written == committed
    evidence = json.loads(committed["evidence.schema.json"])
    assert evidence["additionalProperties"] is False
    assert set(evidence["required"]) == {"observed", "kind", "summary"}
    assert evidence["properties"]["summary"]["description"] == "One line of plain text."


def test_schema_check_flags_stale_files(cli: Cli, tmp_path: Path) -> None:
    out = tmp_path / "schema"
    assert cli("schema", "--out", str(out)).code == 0
    assert cli("schema", "--check", "--out", str(out)).code == 0
    (out / "gates.schema.json").write_text("{}\n", encoding="utf-8")
    stale = cli("schema", "--check", "--out", str(out))
    assert stale.code == 1
    assert "gates.schema.json" in stale.stderr


# ------------------------------------------------------------------ the package


def test_command_modules_import_only_the_shared_module() -> None:
    """generator.cli: each command module imports cli.common and no other command module (no cycles)."""
    package = REPO / "generator" / "cli"
    modules = {path.stem for path in package.glob("*.py")} - {"__init__"}
    assert modules == {"common", "records", "site", "history", "evidence", "probe", "publish", "interhub"}
    for name in modules:
        tree = ast.parse((package / f"{name}.py").read_text(encoding="utf-8"))
        siblings = {
            node.module.split(".")[0] if node.module else alias.name
            for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom) and node.level == 1
            for alias in node.names
        }
        assert siblings <= ({"common"} if name != "common" else set()), (name, siblings)


def test_the_console_script_and_the_module_run_the_same_command(tmp_path: Path) -> None:
    script = Path(sys.executable).with_name("readiness")
    env = {k: v for k, v in os.environ.items() if k not in UNSET}
    runs = [
        subprocess.run([*command, "status", "--as-of", "2026-07-01"], capture_output=True, text=True, env=env, cwd=REPO)
        for command in ([str(script)], [sys.executable, "-m", "generator"])
    ]
    assert [run.returncode for run in runs] == [0, 0]
    assert runs[0].stdout == runs[1].stdout and runs[0].stdout.startswith("Readiness as of 2026-07-01T23:59:59Z")
    bad = subprocess.run([str(script), "status", "--as-of", "soon"], capture_output=True, text=True, env=env, cwd=REPO)
    assert (bad.returncode, bad.stderr) == (
        2,
        "error: --as-of 'soon' is not a date: write YYYY-MM-DD (end of that day, UTC) or an ISO time such as 2026-06-14T12:00:00Z\n",
    )


# ------------------------------------------------------------------ shell completion


def complete(shell: str, words: str) -> list[str]:
    """What the ``readiness`` command answers a shell asking to complete ``words`` (the last word)."""
    env = {"_READINESS_COMPLETE": f"{shell}_complete", "COMP_WORDS": words, "COMP_CWORD": str(len(words.split()) - 1)}
    result = CliRunner().invoke(main, [], prog_name="readiness", env=env)
    assert result.exit_code == 0, result.output
    return result.output.split()


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_the_completion_script_of_each_shell_names_the_command(shell: str) -> None:
    variable, _, rest = COMPLETION[shell].removeprefix('eval "$(').partition("=")
    assert (variable, rest.split()[0]) == ("_READINESS_COMPLETE", f"{shell}_source")
    result = CliRunner().invoke(main, [], prog_name="readiness", env={variable: f"{shell}_source"})
    assert result.exit_code == 0
    assert "_readiness_completion" in result.output and "_READINESS_COMPLETE" in result.output


def test_completion_answers_commands_subcommands_and_choices() -> None:
    assert complete("bash", "readiness st") == ["plain,status"]
    assert complete("bash", "readiness probe t") == ["plain,tls"]
    assert "plain,--fail-on-regression" in complete("bash", "readiness diff --f")
    assert complete("bash", "readiness evidence new --severity c") == ["plain,critical"]


def test_bash_completion_works_as_documented(tmp_path: Path) -> None:
    """The documented line, in a real bash, with the console script on the PATH."""
    bash = shutil.which("bash")
    if bash is None:
        pytest.skip("bash is not installed")
    script = f"""
{COMPLETION["bash"]}
complete -p readiness
COMP_WORDS=(readiness va); COMP_CWORD=1; COMPREPLY=()
_readiness_completion readiness
printf '%s\\n' "${{COMPREPLY[@]}}"
COMP_WORDS=(readiness diff --format ''); COMP_CWORD=3; COMPREPLY=()
_readiness_completion readiness
printf '%s\\n' "${{COMPREPLY[@]}}"
"""
    env = {k: v for k, v in os.environ.items() if k not in UNSET}
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    result = subprocess.run([bash, "--norc", "-c", script], capture_output=True, text=True, env=env, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "complete -o nosort -F _readiness_completion readiness",
        "validate",
        "markdown",
        "json",
    ]
