"""Calendars (RFC 5545) and the events feed (RFC 4287): what a calendar app and a feed reader see.

The calendars are written with ``icalendar``; they are read back with it and with ``vobject``,
an independent parser (its own reader, unfolding and value types), and both must see the same
events. The feed is read with the standard library's XML parser and with ``feedparser``.
"""

from __future__ import annotations

import datetime as dt
import json
import posixpath
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import feedparser
import icalendar
import pytest
import vobject
import yaml

from generator.asof import parse_as_of
from generator.pipeline import build_model, render
from tests.conftest import MINIMAL, Result, write_files
from tests.golden_cases import GOLDEN, render_case

ATOM = "{http://www.w3.org/2005/Atom}"
CALENDAR = "api/v1/calendar.ics"
FEED = "api/v1/events.atom"


def outputs(root: Path, files: dict[str, str | None], as_of: str) -> dict[str, str]:
    """The catalog ``files`` rendered as of ``as_of``: path -> text, pages and files, byte for byte."""
    write_files(root, files)
    rendered = render(root, build_model(root, parse_as_of(as_of), history=False))
    return {**rendered.pages, **rendered.files}


def case_as_of(name: str, as_of: str, root: Path) -> dict[str, str]:
    case = yaml.safe_load((GOLDEN / f"{name}.yaml").read_text(encoding="utf-8"))
    return outputs(root, case["files"], as_of)


# ------------------------------------------------------------------ calendars


def with_vobject(text: str) -> list[dict[str, Any]]:
    calendar = vobject.readOne(text)
    assert calendar.name == "VCALENDAR" and calendar.version.value == "2.0"
    return [
        {
            "uid": event.uid.value,
            "start": event.dtstart.value,
            "end": event.dtend.value,
            "stamp": event.dtstamp.value,
            "summary": event.summary.value,
            "description": event.description.value,
            "categories": list(event.categories.value),
        }
        for event in getattr(calendar, "vevent_list", [])
    ]


def with_icalendar(text: str) -> list[dict[str, Any]]:
    calendar = icalendar.Calendar.from_ical(text)
    return [
        {
            "uid": str(event["uid"]),
            "start": event.decoded("dtstart"),
            "end": event.decoded("dtend"),
            "stamp": event.decoded("dtstamp"),
            "summary": str(event["summary"]),
            "description": str(event["description"]),
            "categories": [str(c) for c in event["categories"].cats],
        }
        for event in calendar.walk("VEVENT")
    ]


def events_of(text: str) -> list[dict[str, Any]]:
    """The events, as both parsers read them (they must agree), after the RFC's line rules."""
    assert "\n" not in text.replace("\r\n", ""), "every line ends with CRLF"
    for line in text.split("\r\n"):
        assert len(line.encode("utf-8")) <= 75, line
    read = with_vobject(text)
    assert read == with_icalendar(text)
    for event in read:
        assert type(event["start"]) is dt.date and event["end"] == event["start"] + dt.timedelta(days=1)
    return read


def test_the_calendar_has_the_wave_targets_and_the_ends_of_evidence_and_waivers() -> None:
    files = render_case("decisions")
    text = files[CALENDAR]
    assert text.count("DTSTART;VALUE=DATE:") == text.count("BEGIN:VEVENT") == 3
    events = events_of(text)
    assert [(e["start"].isoformat(), e["categories"], e["summary"]) for e in events] == [
        ("2026-06-15", ["assessment-stale"], "D-G02: the ready assessment goes stale"),
        ("2026-07-10", ["waiver-ends"], "D-G01: waiver 2026-06-05-files-waiver ends"),
        ("2026-07-20", ["wave-target"], "Target of wave-go"),
    ]
    # Stamped with the as-of moment (the end of 2026-06-30), never the clock.
    assert {e["stamp"] for e in events} == {dt.datetime(2026, 6, 30, 23, 59, 59, tzinfo=dt.UTC)}
    assert [e["description"] for e in events] == [
        "D-G02: Runbooks are reviewed\nAssessed ready by 2026-06-09-runbook-review (observed 2026-06-09), which "
        "counts for 5 days: from 2026-06-15 it no longer proves the gate ready. File a new assessment before then.",
        "Files are replicated, not backed up, until the new cluster exists\nCovers D-G01: store:svc-files; "
        "approved by platform.\nIn force through 2026-07-10 (UTC): from the next day the results it covers fail "
        "again, unless a new waiver is approved.",
        "Move the registry\nStatus: in-progress, 1 of 2 gates ready; decision: go (stale).\nGates: D-G01, D-G02.",
    ]
    calendar = vobject.readOne(text)
    assert calendar.prodid.value == "-//ops-readiness//readiness calendar//EN"
    assert calendar.contents["x-wr-calname"][0].value == "Readiness"


def test_check_evidence_goes_stale_on_the_first_day_it_no_longer_counts() -> None:
    events = events_of(render_case("basic")[CALENDAR])
    assert [(e["start"].isoformat(), e["summary"]) for e in events] == [
        ("2026-06-01", "Target of wave-1"),
        ("2026-07-02", "EX-G01: the ready assessment goes stale"),
        ("2026-07-03", "EX-G01: backup-verified evidence for store:app-db goes stale"),
    ]
    # The same day home lists as "stale from".
    assert "| 2026-06-25 | 2026-07-03 |" in render_case("basic")["index.md"]


def test_each_owner_has_the_calendar_of_what_it_is_responsible_for() -> None:
    files = render_case("decisions")

    def summaries(owner: str) -> list[str]:
        return [e["summary"] for e in events_of(files[f"api/v1/owners/{owner}/calendar.ics"])]

    # apps owns D-G02 (and D-G03): its stale assessment, and wave-go's target (wave-go needs D-G02).
    assert summaries("apps") == ["D-G02: the ready assessment goes stale", "Target of wave-go"]
    # platform owns D-G01: the waiver of it, and wave-go's target (wave-go needs D-G01 too).
    assert summaries("platform") == ["D-G01: waiver 2026-06-05-files-waiver ends", "Target of wave-go"]
    assert vobject.readOne(files["api/v1/owners/apps/calendar.ics"]).contents["x-wr-calname"][0].value == (
        "Readiness: apps"
    )
    # The pages link them: home the whole calendar, each owner page its own.
    assert (
        "[Subscribe to the calendar](<../api/v1/owners/apps/calendar.ics>) of what it is responsible for: the "
        "targets of the waves that need its gates, the days evidence for its gates goes stale and the days "
        "waivers of its gates end (2 dates now)."
    ) in files["owners/apps.md"]
    assert "[Subscribe to the calendar](<api/v1/calendar.ics>) of wave targets" in files["index.md"]
    assert "follow [the events feed](<api/v1/events.atom>) (Atom)" in files["index.md"]


def test_an_owner_with_nothing_dated_has_an_empty_calendar(tmp_path: Path) -> None:
    files = outputs(tmp_path / "repo", dict(MINIMAL), "2026-06-30")
    for path in (CALENDAR, "api/v1/owners/team-a/calendar.ics", "api/v1/owners/team-b/calendar.ics"):
        assert events_of(files[path]) == []
    assert "(0 dates now)" in files["owners/team-b.md"]


def test_uids_stay_the_same_across_builds_and_days(tmp_path: Path) -> None:
    one = events_of(case_as_of("decisions", "2026-06-30", tmp_path / "one")[CALENDAR])
    again = events_of(case_as_of("decisions", "2026-06-30", tmp_path / "again")[CALENDAR])
    later = events_of(case_as_of("decisions", "2026-07-05", tmp_path / "later")[CALENDAR])
    assert one == again
    assert [e["uid"] for e in one] == [e["uid"] for e in later]
    assert len({e["uid"] for e in one}) == 3
    assert {e["stamp"] for e in later} == {dt.datetime(2026, 7, 5, 23, 59, 59, tzinfo=dt.UTC)}


def test_a_new_assessment_is_a_new_event_and_a_moved_target_the_same_one(tmp_path: Path) -> None:
    case = yaml.safe_load((GOLDEN / "decisions.yaml").read_text(encoding="utf-8"))
    files = dict(case["files"])
    before = {e["summary"]: e for e in events_of(outputs(tmp_path / "one", files, "2026-06-30")[CALENDAR])}
    files["data/waves.yaml"] = files["data/waves.yaml"].replace("target: 2026-07-20", "target: 2026-08-03")
    files["evidence/2026/2026-06-29-runbook-review.yaml"] = (
        "observed: 2026-06-29\nkind: assessment\nsummary: Reviewed again\nassess: {D-G02: ready}\n"
    )
    after = {e["summary"]: e for e in events_of(outputs(tmp_path / "two", files, "2026-06-30")[CALENDAR])}
    target = "Target of wave-go"
    assert after[target]["uid"] == before[target]["uid"] and after[target]["start"] == dt.date(2026, 8, 3)
    stale = "D-G02: the ready assessment goes stale"
    assert after[stale]["uid"] != before[stale]["uid"] and after[stale]["start"] == dt.date(2026, 7, 5)


def test_calendar_text_from_records_stays_text(tmp_path: Path) -> None:
    # Titles and summaries are one line (validation says so): iCalendar's own syntax and markup are what remain.
    hostile = "Move; END:VEVENT, BEGIN:VEVENT\\nUID:evil \\ <b>bold</b> <script>x</script>"
    files = {
        **MINIMAL,
        "data/waves.yaml": f"- id: wave-a\n  title: {json.dumps(hostile)}\n  gates: [T-G01]\n  target: 2026-07-01\n",
    }
    text = outputs(tmp_path / "repo", files, "2026-06-30")[CALENDAR]
    (event,) = events_of(text)
    # One event, whose description starts with the title as written, its markup shown inert.
    assert event["description"].startswith(
        "Move; END:VEVENT, BEGIN:VEVENT\\nUID:evil \\ ‹b›bold‹/b› ‹script›x‹/script›\nStatus: "
    )
    assert event["uid"].startswith("wave-target-")
    assert text.count("\r\nBEGIN:VEVENT\r\n") == 1 and "\r\nUID:evil" not in text and "<" not in text


# ------------------------------------------------------------------ the events feed


def parse_feed(text: str) -> ET.Element:
    assert text.startswith('<?xml version="1.0" encoding="utf-8"?>\n')
    root = ET.fromstring(text.encode("utf-8"))
    assert root.tag == f"{ATOM}feed"
    return root


def one(element: ET.Element, tag: str) -> ET.Element:
    found = element.findall(f"{ATOM}{tag}")
    assert len(found) == 1, (tag, found)
    return found[0]


def link(element: ET.Element, rel: str) -> str:
    (found,) = [e for e in element.findall(f"{ATOM}link") if e.get("rel", "alternate") == rel]
    href = found.get("href")
    assert href is not None
    return href


def built_url(href: str) -> str:
    """A link of the feed, resolved against the feed's own URL, relative to the version root."""
    return posixpath.normpath(posixpath.join(posixpath.dirname(FEED), href)) + ("/" if href.endswith("/") else "")


def page_urls(files: dict[str, str]) -> set[str]:
    """The URL of every generated page (MkDocs' directory URLs)."""
    out = set()
    for path in files:
        if path.endswith("index.md"):
            out.add(posixpath.dirname(path) + "/" if "/" in path else "")
        elif path.endswith(".md"):
            out.add(path.removesuffix(".md") + "/")
    return out


@pytest.mark.parametrize("name", ["basic", "decisions", "hostile"])
def test_the_feed_has_the_required_elements_and_the_events_newest_first(name: str) -> None:
    files = render_case(name)
    feed = parse_feed(files[FEED])
    assert one(feed, "id").text == "urn:uuid:5096fb6b-102d-5fc3-b25c-61e1879551c0"
    assert one(feed, "title").text == "Readiness events"
    assert one(one(feed, "author"), "name").text == "readiness"
    assert link(feed, "self") == "events.atom" and link(feed, "alternate") == "../../"
    events = json.loads(files["api/v1/events.json"])["events"]
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == len(events) > 0
    assert one(feed, "updated").text == max(e["time"] for e in events)
    pages = page_urls(files)
    for entry, event in zip(entries, reversed(events), strict=True):
        assert one(entry, "id").text is not None and one(entry, "id").text.startswith("urn:uuid:")  # type: ignore[union-attr]
        assert one(entry, "title").text
        assert one(entry, "updated").text == event["time"]
        assert one(entry, "category").get("term") == event["type"]
        assert built_url(link(entry, "alternate")) in pages
    ids = [one(e, "id").text for e in entries]
    assert len(set(ids)) == len(ids)
    times = [one(e, "updated").text or "" for e in entries]
    assert times == sorted(times, reverse=True)


def test_feed_entries_link_the_page_of_what_happened() -> None:
    feed = parse_feed(render_case("decisions")[FEED])
    entries = [
        (one(e, "title").text, built_url(link(e, "alternate")), built_url(link(e, "related")))
        for e in feed.findall(f"{ATOM}entry")
    ]
    assert entries == [
        (
            "go for wave-accepted: Go for the app move, load test to follow",
            "waves/wave-accepted/",
            "evidence/2026-06-21-wave-accepted-go/",
        ),
        (
            "no-go for wave-no-go: No-go until the load test passes",
            "waves/wave-no-go/",
            "evidence/2026-06-20-wave-no-go/",
        ),
        ("go for wave-go: Go for the registry move", "waves/wave-go/", "evidence/2026-06-10-wave-go-sign-off/"),
        ("D-G02 assessed ready by 2026-06-09-runbook-review", "gates/d-g02/", "evidence/2026-06-09-runbook-review/"),
    ]
    basic = parse_feed(render_case("basic")[FEED])
    risk = next(e for e in basic.findall(f"{ATOM}entry") if one(e, "category").get("term") == "ops-risk-raised")
    assert built_url(link(risk, "alternate")).startswith("evidence/")
    assert not [e for e in risk.findall(f"{ATOM}link") if e.get("rel") == "related"]


def test_feedparser_reads_the_feed_and_resolves_its_links_against_the_feed_url() -> None:
    text = render_case("decisions")[FEED]
    base = "https://readiness.example.internal/latest/api/v1/events.atom"
    parsed = feedparser.parse(
        text, response_headers={"content-location": base, "content-type": "application/atom+xml; charset=utf-8"}
    )
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    assert parsed.feed.title == "Readiness events"
    assert parsed.feed.link == "https://readiness.example.internal/latest/"
    newest = parsed.entries[0]
    assert newest.title == "go for wave-accepted: Go for the app move, load test to follow"
    assert newest.link == "https://readiness.example.internal/latest/waves/wave-accepted/"
    assert newest.updated == "2026-06-21T00:00:00Z"
    assert [e.id for e in parsed.entries] == [e.findtext(f"{ATOM}id") for e in parse_feed(text).findall(f"{ATOM}entry")]


def test_feed_ids_stay_the_same_across_builds(tmp_path: Path) -> None:
    def ids(as_of: str, where: str) -> list[str | None]:
        feed = parse_feed(case_as_of("decisions", as_of, tmp_path / where)[FEED])
        return [one(e, "id").text for e in feed.findall(f"{ATOM}entry")]

    assert ids("2026-06-30", "one") == ids("2026-07-30", "two")


def test_hostile_text_in_the_feed_is_text() -> None:
    text = render_case("hostile")[FEED]
    titles = [one(e, "title").text for e in parse_feed(text).findall(f"{ATOM}entry")]
    assert titles[0] == "risk-raised (high): ]]></title><entry>&amp; BEGIN:VEVENT;a,b\\n tab\there \\ufffe"
    assert "<entry>&amp;" not in text and "\ufffe" not in text
    assert not feedparser.parse(text).bozo


def test_a_gate_or_wave_without_a_page_links_the_record_or_the_history(cli: Any, tmp_path: Path) -> None:
    from tests.test_history import Repo, assessment

    repo = Repo(tmp_path / "repo")
    repo.commit(
        "2026-06-01",
        "catalog",
        {**MINIMAL, "data/gates.yaml": MINIMAL["data/gates.yaml"] + "- {id: T-G09, title: Old, requirement: R}\n"},
    )
    repo.commit("2026-06-02", "ready", {"evidence/2026/r.yaml": assessment("2026-06-02", "T-G01", "ready")})
    repo.commit("2026-06-03", "old", {"evidence/2026/o.yaml": assessment("2026-06-03", "T-G09", "partial")})
    repo.commit(
        "2026-06-04",
        "retire",
        {
            "data/gates.yaml": MINIMAL["data/gates.yaml"]
            + "- {id: T-G09, title: Old, requirement: R, retired: true}\n",
            "data/waves.yaml": "- {id: wave-a, title: First wave, gates: [T-G01], retired: true}\n",
        },
    )
    result: Result = cli("render", "--as-of", "2026-06-30", "--out", str(tmp_path / "out"), root=repo.root)
    assert result.code == 0, result.stderr
    feed = parse_feed((tmp_path / "out" / FEED).read_text(encoding="utf-8"))
    entries = {one(e, "title").text: built_url(link(e, "alternate")) for e in feed.findall(f"{ATOM}entry")}
    assert entries == {
        "wave-a went from passed to none": "history/",
        "wave-a went from not-started to passed": "history/",
        "T-G09 assessed partial by o": "evidence/o/",
        "T-G01 assessed ready by r": "gates/t-g01/",
    }
