"""``readiness deliver`` and ``readiness export interhub``: the events pushed to Inter-Hub, and the
explicit-migration bundle for when it cannot take calls yet. The logic is in :mod:`generator.interhub`."""

from __future__ import annotations

import os
from pathlib import Path

import click

from .common import as_of_moment, as_of_option, directory_option, echo, field, report_errors, root

LEDGER = ".interhub/ledger.jsonl"


@click.command()
@click.option("--url", required=True, metavar="URL", help="The receiver's URL (http or https).")
@click.option(
    "--secret-env",
    "secret_envs",
    required=True,
    multiple=True,
    metavar="NAME",
    help="Environment variable holding the whsec_ signing secret. Repeat it while rotating "
    "secrets: each one signs (the new and the old).",
)
@click.option(
    "--ledger",
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="FILE",
    help=f"The ledger of acknowledged and refused events (default: ROOT/{LEDGER}).",
)
@click.option(
    "--max-seconds",
    type=click.FloatRange(min=0, min_open=True, max=86400),
    default=120,
    show_default=True,
    metavar="N",
    help="Time budget of the run: no attempt starts after it; what is left waits for the next run.",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0, min_open=True, max=600),
    default=10,
    show_default=True,
    metavar="SECONDS",
    help="Wait at most this long to connect and for each answer.",
)
@click.option("--dry-run", is_flag=True, help="Print what would be sent; send nothing, write no ledger.")
@as_of_option()
@report_errors
def deliver(
    url: str,
    secret_envs: tuple[str, ...],
    ledger: Path | None,
    max_seconds: float,
    timeout: float,
    dry_run: bool,
    as_of: str | None,
) -> None:
    """Push every event not yet acknowledged to Inter-Hub, oldest first (Standard Webhooks).

    The events are those of the site's events.json, computed from the records (no built
    site needed). Each is one POST with the headers webhook-id (the event's id),
    webhook-timestamp and webhook-signature (v1, HMAC-SHA256 with the whsec_ secret); the
    body is the event as events.json publishes it. A 2xx answer acknowledges it: the ledger
    records that before the next send. 408, 429, 5xx and network failures are retried with
    backoff and jitter (honouring Retry-After) within --max-seconds; any other answer
    refuses the event (the ledger keeps the status and the start of the answer) and the
    run goes on. A second run sends what is missing, refused events included.

    Prints one line per event sent (acknowledged, refused, not delivered) and, on stderr,
    each retry and a summary. Exit 0 when every event is acknowledged, 1 when one was
    refused or not delivered in time (or the records do not validate), 2 for a wrong
    command line: a bad URL, or a secret variable that is missing, empty or not whsec_.
    """
    from ..interhub import delivery, events, signing
    from ..interhub import ledger as ledgers

    where = root()
    target = delivery.target(url)
    secrets = [signing.secret_from_env(name, os.environ) for name in secret_envs]
    path = ledger if ledger is not None else where / LEDGER
    outbound = events.outbound(events.site_model(where, as_of_moment(as_of)))
    if dry_run:
        todo = delivery.pending(outbound, ledgers.read(path), target.receiver)
        for event in todo:
            echo(f"would send  {event.id}  {field(event.type)}  {field(event.subject)}  {event.time}")
        already = len(outbound) - len(todo)
        echo(
            f"{len(outbound)} events, {already} already acknowledged by {field(target.receiver)}: "
            f"{len(todo)} to send (dry run: nothing sent)",
            err=True,
        )
        return

    def notify(notice: delivery.Notice) -> None:
        echo(notice.line(), err=isinstance(notice, delivery.Retry))

    sender = delivery.Sender(target, secrets, budget=max_seconds, timeout=timeout, notify=notify)
    report = delivery.deliver(outbound, path, sender)
    echo(report.summary(), err=True)
    if not report.complete:
        click.get_current_context().exit(1)


@click.group()
def export() -> None:
    """Write what another system imports."""


@export.command("interhub")
@directory_option("--out", "Directory to write the bundle into (created when missing).", required=True)
@click.option("--hub", required=True, metavar="ID", help="The hub's id in Inter-Hub (a lowercase slug).")
@click.option(
    "--base-url",
    metavar="URL",
    help="The published version's root the widgets' paths are relative to, e.g. https://readiness.example/latest/.",
)
@as_of_option()
@report_errors
def export_interhub(out: Path, hub: str, base_url: str | None, as_of: str | None) -> None:
    """The explicit-migration bundle, for when Inter-Hub cannot take calls yet.

    Writes manifest.json (the hub, one widget per active gate and wave with its page, API,
    badge and card URLs and the event types that concern it), events.jsonl (every event,
    oldest first, one JSON object a line: the bodies deliver sends) and their JSON Schemas.
    The same records and as-of moment give the same bytes.
    """
    from ..interhub import bundle, events

    hub = bundle.check_hub(hub)
    base = bundle.check_base_url(base_url)
    site = events.site_model(root(), as_of_moment(as_of))
    written = bundle.write_bundle(site, out, hub, base)
    echo(
        f"wrote {', '.join(written.files)} into {field(written.out)}: "
        f"{written.widgets} widgets, {written.events} events"
    )


COMMANDS = (deliver, export)
