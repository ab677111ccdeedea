"""Calendars (RFC 5545) and the events feed (RFC 4287): views of the site model's
:attr:`~.model.SiteModel.calendar` and :attr:`~.model.SiteModel.feed`.

The calendars are written by the ``icalendar`` library, which escapes iCalendar's syntax and
folds long lines; the feed by the standard library's XML writer, which escapes XML's. Text from
the records passes :func:`~generator.textsafe.ical_text` or :func:`~generator.textsafe.feed_text`
first, so no control character reaches either, nor a tag a calendar app would render. Every
event of a calendar is an all-day event (``VALUE=DATE``) stamped with the as-of moment, never
the clock.

The site does not know the address it is published at (``mkdocs.yml`` need not set
``site_url``, and each version lives under its own path), so the feed's links are relative to
the feed itself, as RFC 4287 allows (they resolve against the feed's own URL, there being no
``xml:base``): the same file is right under ``/latest/`` and under a frozen version. Its ids
must be absolute IRIs: ``urn:uuid:`` name-based UUIDs, the feed's a constant and each entry's
made from its event's id, so both stay the same across builds.
"""

from __future__ import annotations

import datetime as dt
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Iterable

import icalendar

from ..textsafe import feed_text, ical_text
from . import urls
from .model import CalendarEntry, SiteModel

PRODID = "-//ops-readiness//readiness calendar//EN"
ATOM_NAMESPACE = "http://www.w3.org/2005/Atom"
_NAMESPACE = uuid.UUID("0de5842d-0236-40be-a5b2-75e05db52ee2")
"""The namespace of the feed's name-based UUIDs (a constant: ids never depend on the build)."""
FEED_ID = f"urn:uuid:{uuid.uuid5(_NAMESPACE, 'events.atom')}"


def entry_id(event_id: str) -> str:
    """The Atom id of the event ``event_id`` (``urn:uuid:...``)."""
    return f"urn:uuid:{uuid.uuid5(_NAMESPACE, event_id)}"


def calendar_event(entry: CalendarEntry, stamp: dt.datetime) -> icalendar.Event:
    """One all-day event, stamped with ``stamp`` (the as-of moment)."""
    event = icalendar.Event()
    event.add("uid", entry.uid)
    event.add("dtstamp", stamp.astimezone(dt.UTC).replace(microsecond=0))
    event.add("dtstart", entry.day)
    event.add("dtend", entry.day + dt.timedelta(days=1))
    event.add("summary", ical_text(entry.summary))
    event.add("description", ical_text(entry.description, lines=True))
    event.add("categories", [entry.kind])
    event.add("transp", "TRANSPARENT")
    return event


def calendar_text(events: Iterable[icalendar.Event], name: str) -> str:
    """An iCalendar object holding ``events`` (CRLF line ends, as RFC 5545 says)."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("name", name)
    calendar.add("x-wr-calname", name)
    for event in events:
        calendar.add_component(event)
    text: bytes = calendar.to_ical()
    return text.decode("utf-8")


def _element(parent: ET.Element, tag: str, text: str | None = None, **attributes: str) -> ET.Element:
    element = ET.SubElement(parent, tag, attributes)
    element.text = text
    return element


def atom_text(site: SiteModel) -> str:
    """The events feed: feed-level id, title, updated, author and links, then one entry per event, newest first."""
    here = urls.events_feed()
    feed = ET.Element("feed", {"xmlns": ATOM_NAMESPACE})
    _element(feed, "id", FEED_ID)
    _element(feed, "title", "Readiness events")
    _element(feed, "subtitle", "The events of events.json, newest first, each linking to its page")
    _element(feed, "updated", site.feed.updated)
    author = _element(feed, "author")
    _element(author, "name", "readiness")
    _element(feed, "link", rel="self", type="application/atom+xml", href=urls.file_href(here, here))
    _element(feed, "link", rel="alternate", type="text/html", href=urls.file_href(urls.page("home").url, here))
    events_json = urls.api_document("events")
    _element(feed, "link", rel="related", type="application/json", href=urls.file_href(events_json, here))
    _element(feed, "generator", "readiness")
    for entry in site.feed.entries:
        item = _element(feed, "entry")
        _element(item, "id", entry_id(entry.event.id))
        _element(item, "title", feed_text(entry.title))
        _element(item, "updated", entry.event.time)
        _element(item, "link", rel="alternate", type="text/html", href=urls.file_href(entry.page.url, here))
        if entry.record is not None:
            _element(item, "link", rel="related", type="text/html", href=urls.file_href(entry.record.url, here))
        _element(item, "category", term=entry.event.type)
    ET.indent(feed)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, encoding="unicode") + "\n"


def feed_files(site: SiteModel) -> dict[str, str]:
    """Path under the site -> text: the whole calendar, each owner's, and the events feed (and a
    copy of an owner's calendar under each of its former ids)."""
    events = {entry.uid: calendar_event(entry, site.as_of) for entry in site.calendar}  # made once, shared
    out = {urls.calendar(): calendar_text(events.values(), "Readiness")}
    for owner in site.owners:
        mine = (events[entry.uid] for entry in site.calendar_of(owner))
        out[urls.calendar(owner.id)] = calendar_text(mine, f"Readiness: {owner.id}")
    for alias in site.aliases:
        if alias.section == "owners":
            out[urls.calendar(alias.old.id)] = out[urls.calendar(alias.new.id)]
    out[urls.events_feed()] = atom_text(site)
    return out
