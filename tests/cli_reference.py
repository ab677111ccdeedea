"""The CLI reference page, built from the real ``--help`` texts.

Regenerate with ``make cli-docs`` (``python -m tests.cli_reference``);
``tests/test_docs.py`` fails when docs/guide/cli.md differs.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click
from click.testing import CliRunner

from generator.cli import main

PAGE = Path(__file__).resolve().parent.parent / "docs" / "guide" / "cli.md"

INTRO = """\
# Command-line reference

The `readiness` command validates the records, shows statuses, renders and
builds the site. `make site` installs it as `.venv/bin/readiness`; `. .venv/bin/activate`
puts it on your PATH as `readiness`, the name this guide uses. Run it from the
repository root or pass `--root`.

Exit codes: `0` success, `1` invalid records, a failed build, a failed probe
or an event `deliver` left unacknowledged, `2` a wrong command line (an unknown
option, a malformed value, a value naming something the records do not hold, an
environment variable that is not set), `3` a regression found by
`diff --fail-on-regression`. Messages follow one style:
[Messages and exit codes](messages.md).

The as-of moment is `--as-of` (a date means the end of that day, UTC), else
`SOURCE_DATE_EPOCH`, else now.

This page is generated from the command's own `--help`.
"""


def help_text(*args: str) -> str:
    result = CliRunner().invoke(main, [*args, "--help"], prog_name="readiness", terminal_width=88)
    assert result.exit_code == 0, result.output
    return result.output.rstrip() + "\n"


def reference() -> str:
    parts = [INTRO, "## readiness\n", "```text\n" + help_text() + "```\n"]
    assert isinstance(main, click.Group)
    for name in sorted(main.commands):
        parts.append(f"## readiness {name}\n")
        parts.append("```text\n" + help_text(name) + "```\n")
        command = main.commands[name]
        if isinstance(command, click.Group):
            for sub in command.list_commands(click.Context(command)):
                parts.append(f"## readiness {name} {sub}\n")
                parts.append("```text\n" + help_text(name, sub) + "```\n")
    return "\n".join(parts)


if __name__ == "__main__":
    PAGE.write_text(reference(), encoding="utf-8")
    sys.stdout.write(f"wrote {PAGE}\n")
