"""Pushing events to Inter-Hub: one signed POST per event the ledger does not hold, oldest first.

- A 2xx answer acknowledges the event; the ledger records it (written, flushed, fsynced)
  before the next event is sent.
- 408, 429, 5xx and network failures (refused, reset, no answer within the timeout) are
  retried with exponential backoff and full jitter, waiting at least what ``Retry-After``
  asks, as long as the next attempt starts within the run's time budget. When the budget is
  spent the run stops: the event and the ones after it are left for the next run.
- Any other answer (a 4xx, a 3xx: redirects are not followed) refuses the event: the ledger
  records the status and the start of the answer (one line, secrets masked), and the run
  goes on with the next event. A refused event is sent again by the next run.

The retry loop is tenacity's; the signature is the ``standardwebhooks`` library's
(:mod:`.signing`); the request is :func:`generator.probes.net.request` (one request, no
redirects, no proxy or ``.netrc`` from the environment, each failure named).
"""

from __future__ import annotations

import datetime as dt
import email.utils
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from tenacity import RetryCallState, Retrying, retry_if_result, wait_random_exponential

from ..asof import format_moment
from ..errors import UsageError
from ..probes.record import one_line, safe_url
from ..probes.web import NetError, Response
from ..textsafe import terminal_text
from .events import Outbound
from .ledger import LedgerContents, open_ledger
from .models import LedgerEntry
from .signing import Secret, headers, scrub

DEFAULT_TIMEOUT = 10.0
"""Seconds to wait to connect and for the answer, per attempt."""
DEFAULT_BUDGET = 120.0
"""Seconds a run may spend sending and waiting between attempts."""
BACKOFF_FIRST = 0.5
"""The first backoff window (seconds); it doubles with each attempt..."""
BACKOFF_MAX = 30.0
"""...up to this."""
ANSWER_CHARS = 200
"""How much of a refusing answer is kept."""
MAX_ANSWER_BYTES = 64 * 1024
USER_AGENT = "readiness-deliver/1"

RETRIED = frozenset({408, 429})
"""Besides 5xx: the statuses that mean "try again later"."""


@dataclass(frozen=True, slots=True)
class Target:
    """Where events go: the URL, and the receiver as the ledger and the output name it."""

    url: str
    receiver: str
    """The URL without credentials or fragment, sensitive query values replaced."""


def target(url: str) -> Target:
    """The receiver at ``url``; a :class:`UsageError` naming the fix for a URL that cannot be one."""
    shown = terminal_text(safe_url(url))
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number from 0 to 65535
    except ValueError:
        raise UsageError(f"--url {shown}: the port is not a number from 0 to 65535") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UsageError(f"--url {shown}: not an http(s) URL: write it as https://host/path")
    if "@" in parts.netloc:
        raise UsageError(
            f"--url {shown}: the URL holds credentials: remove them (deliveries are authenticated by their signature)"
        )
    return Target(url.split("#", 1)[0], safe_url(url))


# ------------------------------------------------------------------ what a run reports


@dataclass(frozen=True, slots=True)
class Retry:
    """An attempt that will be repeated after ``wait`` seconds."""

    event: Outbound
    attempt: int
    failure: str
    wait: float
    retry_after: float | None
    """What the answer's ``Retry-After`` asked for, if it did."""

    def line(self) -> str:
        asked = f", Retry-After {self.retry_after:g} s" if self.retry_after is not None else ""
        return f"retrying {self.event.id} in {self.wait:.1f} s ({self.failure}, attempt {self.attempt}{asked})"


Outcome = Literal["acknowledged", "refused", "not delivered"]


@dataclass(frozen=True, slots=True)
class Result:
    """What became of one event this run sent."""

    event: Outbound
    outcome: Outcome
    attempts: int
    status: int | None
    """The last answer's status (``None``: the last attempt got no answer)."""
    detail: str
    """refused: status, reason and the start of the answer; not delivered: the last failure."""

    def line(self) -> str:
        e = self.event
        head = f"{self.outcome}  {e.id}  {terminal_text(e.type)}  {terminal_text(e.subject)}"
        if self.outcome == "acknowledged":
            return head + (f" (attempt {self.attempts})" if self.attempts > 1 else "")
        return f"{head}: {terminal_text(self.detail)}"


Notice = Retry | Result


@dataclass(frozen=True, slots=True)
class Report:
    """A run: how many events there are, which were already acknowledged, what became of the others."""

    receiver: str
    total: int
    already: int
    results: tuple[Result, ...]
    unsent: int
    """Events not tried: the time budget was spent before their turn."""
    budget: float

    def count(self, outcome: Outcome) -> int:
        return sum(1 for r in self.results if r.outcome == outcome)

    @property
    def complete(self) -> bool:
        """Every event is acknowledged (now or before)."""
        return self.already + self.count("acknowledged") == self.total

    def summary(self) -> str:
        """One line for the end of a run."""
        receiver = terminal_text(self.receiver)
        if not self.results and not self.unsent:
            return f"{_events(self.total)}, all acknowledged by {receiver}: nothing to send"
        late = self.count("not delivered") + self.unsent
        parts = [
            f"{self.already} already acknowledged",
            f"{self.count('acknowledged')} acknowledged now",
            f"{self.count('refused')} refused",
            f"{late} not delivered",
        ]
        line = f"{_events(self.total)} for {receiver}: {', '.join(parts)}"
        if self.complete:
            return line
        missing = self.total - self.already - self.count("acknowledged")
        why = []
        if self.count("refused"):
            why.append("refused events are sent again by the next run once the receiver accepts them")
            if any(r.status in (401, 403) for r in self.results if r.outcome == "refused"):
                why.append("401 and 403 mean the receiver does not accept the signature: check --secret-env")
        if late:
            why.append(f"the time budget (--max-seconds {self.budget:g}) allowed no more: run again to send the rest")
        return f"{line}\nerror: {missing} of {_events(self.total)} not acknowledged: {'; '.join(why)}"


def _events(count: int) -> str:
    return f"{count} event{'' if count == 1 else 's'}"


def pending(events: Sequence[Outbound], ledger: LedgerContents, receiver: str) -> tuple[Outbound, ...]:
    """The events ``receiver`` has not acknowledged, oldest first."""
    done = ledger.acknowledged(receiver)
    return tuple(e for e in events if e.id not in done)


# ------------------------------------------------------------------ sending


def _failure(answer: Response | NetError) -> str:
    if isinstance(answer, NetError):
        return answer.reason
    return f"{answer.status} {answer.reason}".strip()


def _retryable(answer: Response) -> bool:
    return answer.status in RETRIED or 500 <= answer.status <= 599


def retry_after(answer: Response, now: dt.datetime) -> float | None:
    """Seconds the answer's ``Retry-After`` asks to wait (a number of seconds or an HTTP date), if any."""
    value = (answer.headers.get("Retry-After") or "").strip()
    if not value:
        return None
    if value.isdigit():
        return float(int(value))
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return max(0.0, (when - now).total_seconds())


def excerpt(answer: Response, secrets: Sequence[Secret]) -> str:
    """The start of an answer's body as one line, every secret masked."""
    text = answer.body.decode("utf-8", errors="replace")
    return one_line(scrub(text, secrets), limit=ANSWER_CHARS)


@dataclass(slots=True)
class Sender:
    """Sends events to one target within one time budget (``clock`` and ``sleep`` are injectable)."""

    target: Target
    secrets: Sequence[Secret]
    budget: float = DEFAULT_BUDGET
    """Seconds the run may take to send (``--max-seconds``), counted from the sender's making."""
    timeout: float = DEFAULT_TIMEOUT
    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep
    now: Callable[[], dt.datetime] = field(default=lambda: dt.datetime.now(dt.UTC))
    notify: Callable[[Notice], None] = field(default=lambda notice: None)
    deadline: float = field(init=False)
    """``clock()`` past which no attempt starts."""

    def __post_init__(self) -> None:
        self.deadline = self.clock() + self.budget

    def _post(self, event: Outbound) -> Response | NetError:
        from ..probes.net import request

        remaining = self.deadline - self.clock()
        if remaining <= 0:
            return NetError("timeout", "the time budget was spent")
        sent = {**headers(self.secrets, event.id, self.now(), event.body), "User-Agent": USER_AGENT}
        try:
            return request(
                "POST",
                self.target.url,
                timeout=min(self.timeout, remaining),
                headers=sent,
                body=event.body.encode("utf-8"),
                max_body=MAX_ANSWER_BYTES,
            )
        except NetError as exc:
            return exc

    def send(self, event: Outbound) -> Result:
        """Send ``event`` until it is acknowledged or refused, or the budget allows no other attempt."""
        backoff = wait_random_exponential(multiplier=BACKOFF_FIRST, max=BACKOFF_MAX)
        answers: list[Response | NetError] = []

        def attempt() -> Response | NetError:
            answers.append(self._post(event))
            return answers[-1]

        def asked(state: RetryCallState) -> float | None:
            answer = answers[-1]
            return retry_after(answer, self.now()) if isinstance(answer, Response) else None

        def wait(state: RetryCallState) -> float:
            return max(asked(state) or 0.0, backoff(state))

        def stop(state: RetryCallState) -> bool:
            return self.clock() + state.upcoming_sleep >= self.deadline

        def before_sleep(state: RetryCallState) -> None:
            failure = scrub(_failure(answers[-1]), self.secrets)
            self.notify(Retry(event, len(answers), failure, state.upcoming_sleep, asked(state)))

        Retrying(
            retry=retry_if_result(lambda answer: isinstance(answer, NetError) or _retryable(answer)),
            wait=wait,
            stop=stop,
            sleep=self.sleep,
            before_sleep=before_sleep,
            retry_error_callback=lambda state: None,
        )(attempt)
        answer, attempts = answers[-1], len(answers)
        if isinstance(answer, NetError) or _retryable(answer):
            status = None if isinstance(answer, NetError) else answer.status
            asked_for = retry_after(answer, self.now()) if isinstance(answer, Response) else None
            why = "the time budget allows no other"
            if asked_for is not None and self.clock() + asked_for >= self.deadline:
                why = f"Retry-After {asked_for:g} s ends past the time budget"
            detail = f"{scrub(_failure(answer), self.secrets)} ({_attempts(attempts)}; {why})"
            return Result(event, "not delivered", attempts, status, detail)
        if 200 <= answer.status <= 299:
            return Result(event, "acknowledged", attempts, answer.status, _failure(answer))
        body = excerpt(answer, self.secrets)
        detail = scrub(_failure(answer), self.secrets) + (f": {body}" if body else "")
        if answer.location is not None:
            detail += f" (a redirect to {safe_url(answer.location)}: give that URL as --url)"
        return Result(event, "refused", attempts, answer.status, detail)


def _attempts(count: int) -> str:
    return f"{count} attempt{'' if count == 1 else 's'}"


def _entry(result: Result, receiver: str, at: dt.datetime) -> LedgerEntry:
    return LedgerEntry(
        event=result.event.id,
        receiver=receiver,
        outcome="refused" if result.outcome == "refused" else "acknowledged",
        status=result.status or 0,
        at=format_moment(at),
        attempts=result.attempts,
        answer=result.detail if result.outcome == "refused" else None,
    )


def deliver(
    events: Sequence[Outbound],
    ledger_path: Path,
    sender: Sender,
) -> Report:
    """Send every event of ``events`` that the ledger at ``ledger_path`` does not hold as acknowledged by
    the sender's receiver, oldest first, recording each answer before the next send."""
    receiver = sender.target.receiver
    with open_ledger(ledger_path) as (contents, writer):
        todo = pending(events, contents, receiver)
        results: list[Result] = []
        for index, event in enumerate(todo):
            if sender.clock() >= sender.deadline:
                return _report(sender, events, todo, results, len(todo) - index)
            result = sender.send(event)
            if result.outcome != "not delivered":
                writer.append(_entry(result, receiver, sender.now()))
            results.append(result)
            sender.notify(result)
            if result.outcome == "not delivered":
                return _report(sender, events, todo, results, len(todo) - index - 1)
        return _report(sender, events, todo, results, 0)


def _report(
    sender: Sender, events: Sequence[Outbound], todo: Sequence[Outbound], results: list[Result], unsent: int
) -> Report:
    return Report(
        receiver=sender.target.receiver,
        total=len(events),
        already=len(events) - len(todo),
        results=tuple(results),
        unsent=unsent,
        budget=sender.budget,
    )
