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

COMPLETION = {
    "bash": 'eval "$(_READINESS_COMPLETE=bash_source readiness)"',
    "zsh": 'eval "$(_READINESS_COMPLETE=zsh_source readiness)"',
    "fish": "_READINESS_COMPLETE=fish_source readiness | source",
}
"""The line that turns completion on, per shell (``tests/test_cli.py`` runs the bash one in bash)."""

INTRO = f"""\
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

## Colour

On a terminal, `validate`, `status`, `history` and `diff` colour what to look at
first: statuses (`ready` and `passed` green, `partial` and `in-progress` yellow,
`blocked` red, `unknown` and `not-started` dim), the location of each problem
(`path:line:column`, cyan) and the verdicts (`valid:` green; `invalid:`, `error:`,
`OVERDUE` and the regressions of `diff --fail-on-regression` red; the `gap:` of
`history` yellow). The Markdown of `diff` and every `--json` document are never
coloured. For each stream (stdout, stderr) on its own:

1. `NO_COLOR` set to anything but the empty string: no colour
   ([no-color.org](https://no-color.org)).
2. Else `FORCE_COLOR` set to anything but the empty string: colour, even into a
   pipe or a file (`FORCE_COLOR=1 readiness status | less -R`).
3. Else colour when the stream is a terminal and `TERM` is not `dumb`: never into
   a pipe, a file or a CI log.

Colour is added after the text has been made safe to print: record text never
reaches the terminal with an escape sequence of its own, coloured or not.

## Progress

Work that can take more than a moment says how far it got, on one line of stderr
that is rewritten in place and wiped when the work ends: `history: 120/400
commits`; `diff: 1/2 sides read`; for `render`, the commits of the history; for
`build` and `publish`, the commits, then the pages MkDocs has converted and
written (`build: 120/400 pages written`). Only when stderr is a terminal: a pipe
or a CI log (no terminal) never gets it, whatever `FORCE_COLOR` says. The line
has no colour, so `NO_COLOR` leaves it alone.

## Shell completion

`readiness` completes its commands, options and choices (`readiness st<TAB>`,
`--kind <TAB>`) in bash (4.4 or later), zsh and fish. The completion calls the
`readiness` command back, so it must be on the `PATH` (an activated `.venv`, or
`pip install -e .`); `python -m generator` does not complete. Add one line to the
shell's start-up file:

```sh
# bash, in ~/.bashrc
{COMPLETION["bash"]}
# zsh, in ~/.zshrc (after compinit)
{COMPLETION["zsh"]}
# fish, in ~/.config/fish/completions/readiness.fish
{COMPLETION["fish"]}
```

The rest of this page is generated from the command's own `--help`.
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
