"""``readiness deliver``: signed events pushed to a real receiver on 127.0.0.1, retried, recorded
once in a durable ledger, and delivered exactly once across runs (at most the event in flight
again after a kill). The receiver verifies every signature with its own implementation of the
specification (tests/interhub_receiver.py), not with the library the generator signs with.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import os
import random
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from email.message import Message
from pathlib import Path

import pytest

from generator.interhub.delivery import Sender, retry_after, target
from generator.interhub.events import Outbound
from generator.interhub.ledger import LedgerError, open_ledger, read
from generator.interhub.models import LedgerEntry
from generator.interhub.signing import Secret, headers, secret_from_env, signature_header
from generator.probes.web import Response
from generator.site.api import API_ROOT
from tests.conftest import MINIMAL, REPO, Result, run_cli, write_files
from tests.interhub_receiver import Answer, Receiver, key_of, receiving, verify
from tests.probe_servers import free_port

Cli = Callable[..., Result]

SECRET = "whsec_" + base64.b64encode(bytes(range(32))).decode()
OLD_SECRET = "whsec_" + base64.b64encode(bytes(range(100, 132))).decode()
AS_OF = "2026-07-01"
RECORDS = 6
"""Each record gives two events: 12 in all."""


def records(count: int = RECORDS) -> dict[str, str | None]:
    files: dict[str, str | None] = dict(MINIMAL)
    for day in range(1, count + 1):
        files[f"evidence/2026/2026-06-{day:02d}-check.yaml"] = f"""\
            observed: 2026-06-{day:02d}
            kind: endpoint-verified
            result: pass
            summary: "Health check {day} answered <200> & fast – ok"
            about: [service:svc]
            assess:
              T-G01: partial
            """
    return files


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return write_files(tmp_path / "repo", records())


def published_events(root: Path, out: Path) -> list[dict[str, object]]:
    """events.json as the site publishes it."""
    result = run_cli("render", "--as-of", AS_OF, "--out", str(out), root=root)
    assert result.code == 0, result.stderr
    document = json.loads((out / API_ROOT / "events.json").read_text(encoding="utf-8"))
    events: list[dict[str, object]] = document["events"]
    return events


def deliver(root: Path, url: str, ledger: Path, *args: str, env: dict[str, str] | None = None) -> Result:
    return run_cli(
        "deliver",
        "--url",
        url,
        "--secret-env",
        "INTERHUB_SECRET",
        "--ledger",
        str(ledger),
        "--as-of",
        AS_OF,
        *args,
        root=root,
        env={"INTERHUB_SECRET": SECRET, **(env or {})},
    )


def line(event: dict[str, object], outcome: str = "acknowledged") -> str:
    return f"{outcome}  {event['id']}  {event['type']}  {event['subject']}"


def ledger_entries(path: Path) -> list[LedgerEntry]:
    return [LedgerEntry.model_validate_json(text) for text in path.read_text(encoding="utf-8").splitlines()]


# ------------------------------------------------------------------ the happy path


def test_every_event_is_posted_once_signed_oldest_first(root: Path, tmp_path: Path) -> None:
    events = published_events(root, tmp_path / "site")
    assert len(events) == 2 * RECORDS
    receiver = Receiver([key_of(SECRET)])
    ledger = tmp_path / "ledger.jsonl"
    with receiving(receiver) as url:
        first = deliver(root, url, ledger)
        assert (first.code, first.stdout) == (0, "".join(line(e) + "\n" for e in events))
        assert first.stderr == (
            f"12 events for {url}: 0 already acknowledged, 12 acknowledged now, 0 refused, 0 not delivered\n"
        )
        # The receiver's own verifier accepted every signature; the bodies are the published events.
        assert receiver.rejected == []
        assert receiver.order == [e["id"] for e in events]
        assert [json.loads(receiver.bodies[str(e["id"])]) for e in events] == events
        assert "<200> & fast – ok".encode() in b"".join(receiver.bodies.values())  # UTF-8, as JSON is

        second = deliver(root, url, ledger)
        assert (second.code, second.stdout) == (0, "")
        assert second.stderr == f"12 events, all acknowledged by {url}: nothing to send\n"
    assert set(receiver.counts.values()) == {1}
    entries = ledger_entries(ledger)
    assert [(e.event, e.outcome, e.status, e.receiver, e.answer) for e in entries] == [
        (e["id"], "acknowledged", 200, url, None) for e in events
    ]


def test_a_new_record_sends_only_its_events(root: Path, tmp_path: Path) -> None:
    receiver = Receiver([key_of(SECRET)])
    ledger = tmp_path / "ledger.jsonl"
    with receiving(receiver) as url:
        assert deliver(root, url, ledger).code == 0
        write_files(root, {"evidence/2026/2026-06-20-late.yaml": records(20)["evidence/2026/2026-06-20-check.yaml"]})
        again = deliver(root, url, ledger)
    assert again.code == 0
    assert [text.split("  ")[2] for text in again.stdout.splitlines()] == [
        "ops-endpoint-verified",
        "ops-readiness-gate-updated",
    ]
    assert again.stderr.endswith(": 12 already acknowledged, 2 acknowledged now, 0 refused, 0 not delivered\n")
    assert len(receiver.counts) == 14 and set(receiver.counts.values()) == {1}


def test_another_receiver_gets_every_event(root: Path, tmp_path: Path) -> None:
    """The ledger records acknowledgements per receiver: a new URL is sent everything."""
    ledger = tmp_path / "ledger.jsonl"
    one, two = Receiver([key_of(SECRET)]), Receiver([key_of(SECRET)])
    with receiving(one) as url_one, receiving(two) as url_two:
        assert deliver(root, url_one, ledger).code == 0
        assert deliver(root, url_two, ledger).code == 0
    assert len(one.counts) == len(two.counts) == 12


def test_rotation_signs_with_every_secret(root: Path, tmp_path: Path) -> None:
    """Two --secret-env: two signatures; a receiver that holds either secret accepts."""
    env = {"INTERHUB_SECRET": SECRET, "INTERHUB_OLD_SECRET": OLD_SECRET}
    for keys in ([key_of(OLD_SECRET)], [key_of(SECRET)]):
        receiver = Receiver(keys)
        with receiving(receiver) as url:
            result = deliver(
                root,
                url,
                tmp_path / f"{len(receiver.keys)}-{keys[0][0]}.jsonl",
                "--secret-env",
                "INTERHUB_OLD_SECRET",
                env=env,
            )
        assert result.code == 0, result.stderr
        assert receiver.rejected == [] and len(receiver.counts) == 12


def test_dry_run_sends_nothing_and_writes_no_ledger(root: Path, tmp_path: Path) -> None:
    events = published_events(root, tmp_path / "site")
    receiver = Receiver([key_of(SECRET)])
    ledger = tmp_path / "ledger.jsonl"
    with receiving(receiver) as url:
        result = deliver(root, url, ledger, "--dry-run")
    assert result.code == 0
    assert result.stdout == "".join(
        f"would send  {e['id']}  {e['type']}  {e['subject']}  {e['time']}\n" for e in events
    )
    assert result.stderr == f"12 events, 0 already acknowledged by {url}: 12 to send (dry run: nothing sent)\n"
    assert not ledger.exists() and not receiver.counts


# ------------------------------------------------------------------ retries and refusals


RETRY = re.compile(
    r"retrying (?P<id>[0-9a-f]{32}) in (?P<wait>\d+\.\d) s \((?P<why>[^,]+), attempt (?P<n>\d+)(?:, Retry-After (?P<after>\d+) s)?\)"
)


def test_500_429_and_503_are_retried_honouring_retry_after(root: Path, tmp_path: Path) -> None:
    receiver = Receiver([key_of(SECRET)])
    receiver.every = [Answer(500, b"oops"), Answer(429, b"slow down", {"Retry-After": "1"}), Answer(503, b"busy")]
    with receiving(receiver) as url:
        result = deliver(root, url, tmp_path / "ledger.jsonl")
    assert result.code == 0, result.stderr
    first = result.stdout.splitlines()[0]
    assert first.endswith(" (attempt 4)")
    retries = [RETRY.fullmatch(text) for text in result.stderr.splitlines()[:3]]
    assert all(retries), result.stderr
    assert [(m["why"], m["n"], m["after"]) for m in retries if m] == [
        ("500 Internal Server Error", "1", None),
        ("429 Too Many Requests", "2", "1"),
        ("503 Service Unavailable", "3", None),
    ]
    waited = retries[1]
    assert waited is not None and float(waited["wait"]) >= 1.0  # the wait asked for, as computed
    assert receiver.counts[first.split("  ")[1]] == 4
    assert len(receiver.counts) == 12


def test_an_answer_slower_than_the_timeout_is_retried(root: Path, tmp_path: Path) -> None:
    events = published_events(root, tmp_path / "site")
    slow = str(events[2]["id"])
    receiver = Receiver([key_of(SECRET)], script={slow: [Answer(200, delay=3)]})
    with receiving(receiver) as url:
        result = deliver(root, url, tmp_path / "ledger.jsonl", "--timeout", "1")
    assert result.code == 0, result.stderr
    assert result.stdout.splitlines()[2] == line(events[2]) + " (attempt 2)"
    retry = RETRY.fullmatch(result.stderr.splitlines()[0])
    assert retry is not None and (retry["id"], retry["why"]) == (slow, "no answer within 1 s")
    assert receiver.counts[slow] == 2  # the receiver got it twice: it deduplicates by webhook-id


def test_a_refused_event_is_recorded_masked_and_the_others_go_on(root: Path, tmp_path: Path) -> None:
    events = published_events(root, tmp_path / "site")
    refused = events[3]
    answer = f"unknown event type\n(secret {SECRET}, password=hunter2hunter2)".encode()
    receiver = Receiver([key_of(SECRET)], script={str(refused["id"]): [Answer(400, answer)]})
    ledger = tmp_path / "ledger.jsonl"
    masked = "400 Bad Request: unknown event type (secret whse…, password=hunt…"
    with receiving(receiver) as url:
        result = deliver(root, url, ledger)
        assert result.code == 1
        assert result.stdout.splitlines() == [
            line(e) if e is not refused else f"{line(e, 'refused')}: {masked}" for e in events
        ]
        assert result.stderr == (
            f"12 events for {url}: 0 already acknowledged, 11 acknowledged now, 1 refused, 0 not delivered\n"
            "error: 1 of 12 events not acknowledged: refused events are sent again by the next run "
            "once the receiver accepts them\n"
        )
        refusal = [e for e in ledger_entries(ledger) if e.outcome == "refused"]
        assert [(e.event, e.status, e.answer) for e in refusal] == [(refused["id"], 400, masked)]

        again = deliver(root, url, ledger)
    assert (again.code, again.stdout) == (0, line(refused) + "\n")
    assert receiver.counts[str(refused["id"])] == 2
    everything = result.stdout + result.stderr + again.stdout + again.stderr + ledger.read_text(encoding="utf-8")
    assert SECRET not in everything and SECRET[6:] not in everything and "hunter2hunter2" not in everything


def test_a_redirect_is_refused_and_a_retry_after_past_the_budget_stops_the_run(root: Path, tmp_path: Path) -> None:
    events = published_events(root, tmp_path / "site")
    first, second = str(events[0]["id"]), str(events[1]["id"])
    receiver = Receiver([key_of(SECRET)])
    receiver.script = {
        first: [Answer(308, b"", {"Location": "https://hub.example/v2/hooks?token=abcdef123456"})],
        second: [Answer(429, b"quota", {"Retry-After": "3600"})],
    }
    with receiving(receiver) as url:
        result = deliver(root, url, tmp_path / "ledger.jsonl", "--max-seconds", "30")
    assert result.code == 1
    assert result.stdout.splitlines() == [
        f"{line(events[0], 'refused')}: 308 Permanent Redirect (a redirect to "
        "https://hub.example/v2/hooks?token=REDACTED: give that URL as --url)",
        f"{line(events[1], 'not delivered')}: 429 Too Many Requests (1 attempt; Retry-After 3600 s ends past "
        "the time budget)",
    ]
    assert result.stderr.splitlines() == [
        f"12 events for {url}: 0 already acknowledged, 0 acknowledged now, 1 refused, 11 not delivered",
        "error: 12 of 12 events not acknowledged: refused events are sent again by the next run once the receiver "
        "accepts them; the time budget (--max-seconds 30) allowed no more: run again to send the rest",
    ]
    assert dict(receiver.counts) == {first: 1, second: 1}


def test_a_receiver_that_comes_up_late_gets_everything(root: Path, tmp_path: Path) -> None:
    """Refused connections are retried until the receiver listens."""
    port = free_port()
    url = f"http://127.0.0.1:{port}/hooks/readiness"
    command = [sys.executable, "-m", "generator", "--root", str(root), "deliver", "--url", url]
    command += ["--secret-env", "INTERHUB_SECRET", "--ledger", str(tmp_path / "ledger.jsonl"), "--as-of", AS_OF]
    command += ["--max-seconds", "120"]
    env = {**os.environ, "INTERHUB_SECRET": SECRET}
    receiver = Receiver([key_of(SECRET)])
    proc = subprocess.Popen(command, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert proc.stderr is not None
    first_retry = proc.stderr.readline()  # the sender has been refused once: start listening
    with receiving(receiver, port):
        stdout, rest = proc.communicate(timeout=120)
    assert proc.returncode == 0, first_retry + rest
    assert RETRY.fullmatch(first_retry.rstrip("\n")) is not None
    assert "(connection refused, attempt 1)" in first_retry
    assert len(stdout.splitlines()) == 12 and len(receiver.counts) == 12


# ------------------------------------------------------------------ what users get wrong


def test_an_unreachable_url_stops_within_the_budget(root: Path, tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{free_port()}/hooks/readiness"
    result = deliver(root, url, tmp_path / "ledger.jsonl", "--max-seconds", "1")
    assert result.code == 1
    out = result.stdout.splitlines()
    assert len(out) == 1
    assert re.fullmatch(
        r"not delivered  [0-9a-f]{32}  ops-endpoint-verified  service:svc: connection refused "
        r"\(\d+ attempts?; the time budget allows no other\)",
        out[0],
    )
    assert result.stderr.splitlines()[-2:] == [
        f"12 events for {url}: 0 already acknowledged, 0 acknowledged now, 0 refused, 12 not delivered",
        "error: 12 of 12 events not acknowledged: the time budget (--max-seconds 1) allowed no more: "
        "run again to send the rest",
    ]
    assert "Traceback" not in result.stderr


def test_a_wrong_secret_is_refused_by_the_receiver(root: Path, tmp_path: Path) -> None:
    receiver = Receiver([key_of(OLD_SECRET)])
    with receiving(receiver) as url:
        result = deliver(root, url, tmp_path / "ledger.jsonl")
    assert result.code == 1
    assert {text.split(": ", 1)[1] for text in result.stdout.splitlines()} == {
        "401 Unauthorized: invalid signature: no matching signature"
    }
    assert result.stderr.splitlines()[-1] == (
        "error: 12 of 12 events not acknowledged: refused events are sent again by the next run once the "
        "receiver accepts them; 401 and 403 mean the receiver does not accept the signature: check --secret-env"
    )
    assert SECRET[6:] not in result.stdout + result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({}, "the environment variable INTERHUB_SECRET is not set: set it to the whsec_ secret"),
        ({"INTERHUB_SECRET": "  "}, "the environment variable INTERHUB_SECRET is empty: set it to the whsec_ secret"),
        (
            {"INTERHUB_SECRET": "c2VjcmV0LXZhbHVlLWhlcmU="},
            "the secret does not start with whsec_: give it as Inter-Hub shows it (whsec_ followed by the base64 "
            "of the key)",
        ),
        (
            {"INTERHUB_SECRET": "whsec_not base64 at all!"},
            "the part after whsec_ is not base64 of a key: give the secret as Inter-Hub shows it",
        ),
    ],
)
def test_a_missing_or_malformed_secret_is_a_usage_error(
    root: Path, tmp_path: Path, env: dict[str, str], message: str
) -> None:
    environ = {k: v for k, v in os.environ.items() if k != "INTERHUB_SECRET"}
    command = [sys.executable, "-m", "generator", "--root", str(root), "deliver", "--url", "http://127.0.0.1:9/x"]
    command += ["--secret-env", "INTERHUB_SECRET", "--ledger", str(tmp_path / "ledger.jsonl")]
    proc = subprocess.run(command, cwd=REPO, env={**environ, **env}, capture_output=True, text=True, check=False)
    assert (proc.returncode, proc.stdout, proc.stderr) == (2, "", f"error: --secret-env INTERHUB_SECRET: {message}\n")
    assert not (tmp_path / "ledger.jsonl").exists()


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("ftp://hub.example/x", "--url ftp://hub.example/x: not an http(s) URL: write it as https://host/path"),
        ("hub.example/hooks", "--url hub.example/hooks: not an http(s) URL: write it as https://host/path"),
        ("http://hub.example:99999/x", "--url http://hub.example:99999/x: the port is not a number from 0 to 65535"),
        (
            "https://me:pa55w0rd@hub.example/x",
            "--url https://hub.example/x: the URL holds credentials: remove them (deliveries are authenticated by "
            "their signature)",
        ),
    ],
)
def test_a_bad_url_is_a_usage_error(root: Path, tmp_path: Path, url: str, message: str) -> None:
    result = deliver(root, url, tmp_path / "ledger.jsonl")
    assert (result.code, result.stdout, result.stderr) == (2, "", f"error: {message}\n")


def test_invalid_records_send_nothing(root: Path, tmp_path: Path) -> None:
    write_files(root, {"evidence/2026/2026-06-30-bad.yaml": "observed: 2026-06-30\nkind: nonsense\nsummary: x\n"})
    receiver = Receiver([key_of(SECRET)])
    with receiving(receiver) as url:
        result = deliver(root, url, tmp_path / "ledger.jsonl")
    assert result.code == 1 and result.stderr.endswith("invalid: 1 problem found\n")
    assert not receiver.counts


# ------------------------------------------------------------------ killed and rerun


def test_killed_at_random_points_then_rerun_delivers_every_event_once(tmp_path: Path) -> None:
    """SIGKILL while a request is in flight, right after an answer, or a moment after a request
    arrived (writing the ledger, sending the next one); then run again. Bounded: a fixed seed,
    up to 8 runs killed after their first or second request, then one run to the end."""
    root = write_files(tmp_path / "repo", records(16))
    ids = [str(e["id"]) for e in published_events(root, tmp_path / "site")]
    assert len(ids) == 32
    ledger = tmp_path / "ledger.jsonl"
    rng = random.Random(16)
    receiver = Receiver([key_of(SECRET)])
    env = {**os.environ, "INTERHUB_SECRET": SECRET}
    kills = certain = 0
    with receiving(receiver) as url:
        command = [sys.executable, "-m", "generator", "--root", str(root), "deliver", "--url", url]
        command += ["--secret-env", "INTERHUB_SECRET", "--ledger", str(ledger), "--as-of", AS_OF]
        for _ in range(8):
            if len(ids) - len(receiver.counts) < 4:
                break  # too few events left to kill a run among them
            proc = subprocess.Popen(command, cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            how = rng.choice(["in flight", "after the answer", "a moment later"])
            goal = len(receiver.order) + rng.randint(1, 2)
            delay = rng.uniform(0.0, 0.005) if how == "a moment later" else 0.0

            fired = threading.Event()

            def reached(r: Receiver, goal: int = goal, fired: threading.Event = fired) -> bool:
                if len(r.order) < goal or fired.is_set():
                    return False
                fired.set()
                return True

            def kill(proc: subprocess.Popen[bytes] = proc) -> None:
                proc.send_signal(signal.SIGKILL)

            def in_flight(r: Receiver, msg_id: str, reached: Callable[[Receiver], bool] = reached) -> str | None:
                if not reached(r):
                    return None
                kill()
                return "hang-up"

            def answered(
                r: Receiver, msg_id: str, reached: Callable[[Receiver], bool] = reached, delay: float = delay
            ) -> None:
                if reached(r):
                    time.sleep(delay)
                    kill()

            if how == "in flight":
                receiver.hook = in_flight
            else:
                receiver.after = answered
            certain += how != "a moment later"
            proc.wait(timeout=120)
            receiver.hook = receiver.after = None
            stderr = proc.stderr.read().decode() if proc.stderr else ""
            if proc.stderr:
                proc.stderr.close()
            if proc.returncode == -signal.SIGKILL:
                kills += 1
            else:
                assert proc.returncode == 0, stderr
            read(ledger)  # readable after every kill (a torn last line is ignored)
        final = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True, check=False)
        assert final.returncode == 0, final.stderr
        last = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True, check=False)
    assert (last.returncode, last.stdout) == (0, "")
    assert kills >= certain >= 1
    assert sorted(receiver.counts) == sorted(ids), "every event arrived"
    duplicates = sum(count - 1 for count in receiver.counts.values())
    assert duplicates <= kills, receiver.counts
    acknowledged = [e.event for e in read(ledger).entries if e.outcome == "acknowledged"]
    assert sorted(acknowledged) == sorted(ids), "the ledger holds each acknowledgement once"
    assert receiver.rejected == []
    print(f"kills: {kills}, duplicates: {duplicates}, deliveries: {sum(receiver.counts.values())}")


# ------------------------------------------------------------------ the ledger


def entry(event: str, outcome: str = "acknowledged") -> str:
    return LedgerEntry(
        event=event, receiver="http://hub/x", outcome=outcome, status=200, at="2026-07-01T00:00:00Z", attempts=1
    ).model_dump_json()


def test_a_torn_last_line_is_ignored_and_cut_before_the_next_append(tmp_path: Path) -> None:
    path = tmp_path / "ledger.jsonl"
    path.write_text(entry("a" * 32) + "\n" + entry("b" * 32)[:40], encoding="utf-8")
    contents = read(path)
    assert contents.torn and contents.acknowledged("http://hub/x") == {"a" * 32}
    with open_ledger(path) as (opened, writer):
        assert opened.acknowledged("http://hub/x") == {"a" * 32}
        writer.append(LedgerEntry.model_validate_json(entry("c" * 32)))
    assert path.read_text(encoding="utf-8") == entry("a" * 32) + "\n" + entry("c" * 32) + "\n"


def test_a_broken_line_inside_the_ledger_is_an_error_that_says_what_to_do(root: Path, tmp_path: Path) -> None:
    path = tmp_path / "ledger.jsonl"
    path.write_text(entry("a" * 32) + "\n" + '{"event": "nope"}\n' + entry("c" * 32) + "\n", encoding="utf-8")
    with pytest.raises(LedgerError) as caught:
        read(path)
    assert str(caught.value) == (
        f"{path}:2: not a ledger line: String should match pattern '^[0-9a-f]{{32}}$' (event): "
        "remove the line (its event is then sent again), or pass another --ledger"
    )
    result = deliver(root, "http://127.0.0.1:9/x", path)
    assert (result.code, result.stderr) == (1, f"error: {caught.value}\n")


def test_one_run_at_a_time_per_ledger(root: Path, tmp_path: Path) -> None:
    path = tmp_path / "ledger.jsonl"
    with open_ledger(path):
        result = deliver(root, "http://127.0.0.1:9/x", path)
    assert (result.code, result.stderr) == (
        1,
        f"error: the ledger {path} is in use by another readiness deliver: wait for it to end\n",
    )


# ------------------------------------------------------------------ units


def test_signatures_match_the_specification_example() -> None:
    """The example of the Standard Webhooks specification, and the independent verifier."""
    secret = Secret("S", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
    moment = dt.datetime.fromtimestamp(1614265330, dt.UTC)
    body = '{"test": 2432232314}'
    assert signature_header([secret], "msg_p5jXN8AQM9LWM0D4loKWxJek", moment, body) == (
        "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
    )
    sent = headers([secret, Secret("OLD", OLD_SECRET)], "msg_1", moment, body)
    assert sent["webhook-timestamp"] == "1614265330" and len(sent["webhook-signature"].split(" ")) == 2
    key = key_of(secret.value)
    assert verify([key], sent, body.encode(), 1614265330) is None
    assert verify([key], sent, body.encode() + b" ", 1614265330) == "no matching signature"
    assert verify([key], sent, body.encode(), 1614265330 + 301) == "timestamp out of tolerance"


def test_secret_values_never_show_in_a_repr() -> None:
    secret = secret_from_env("S", {"S": SECRET})
    assert repr(secret) == "Secret(env='S')" and SECRET not in repr([secret])


def test_retry_after_takes_seconds_or_an_http_date() -> None:
    now = dt.datetime(2026, 7, 1, 12, 0, 0, tzinfo=dt.UTC)

    def answer(value: str | None) -> Response:
        message = Message()
        if value is not None:
            message["Retry-After"] = value
        return Response("POST", "http://hub/x", 429, "Too Many Requests", message, b"", 0.0, None)

    assert retry_after(answer("7"), now) == 7.0
    assert retry_after(answer("Wed, 01 Jul 2026 12:00:30 GMT"), now) == 30.0
    assert retry_after(answer("Wed, 01 Jul 2026 11:00:00 GMT"), now) == 0.0
    assert retry_after(answer("soon"), now) is None
    assert retry_after(answer(None), now) is None


def test_backoff_grows_with_jitter_and_stops_at_the_budget(tmp_path: Path) -> None:
    """A fake clock and sleep: the waits tenacity computes, and no attempt after the budget."""
    clock = [0.0]
    waits: list[float] = []

    def sleep(seconds: float) -> None:
        waits.append(seconds)
        clock[0] += seconds

    receiver = Receiver([key_of(SECRET)], every=[Answer(503)] * 100)
    event = Outbound("f" * 32, "ops-test", "gate:T-G01", "2026-07-01T00:00:00Z", '{"id": "x"}')
    with receiving(receiver) as url:
        sender = Sender(target(url), [Secret("S", SECRET)], budget=20.0, clock=lambda: clock[0], sleep=sleep)
        result = sender.send(event)
    assert result.outcome == "not delivered" and result.status == 503
    assert result.attempts == len(waits) + 1 == receiver.counts[event.id]
    assert all(0 <= wait <= min(30.0, 0.5 * 2**n) for n, wait in enumerate(waits))
    assert sum(waits) < 20.0
