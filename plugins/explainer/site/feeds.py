"""Atom feeds of events: one for the whole site, one per country.

Written with feedgenerator (a Pelican dependency), which escapes XML. Entries are newest
first and dated by the event's first possible day; a feed's <updated> is SOURCE_DATE_EPOCH
when set, else its newest event's date, so two builds of the same data are identical.
"""
from __future__ import annotations

import datetime as dt
import io
import os
from collections.abc import Iterable, Sequence

from feedgenerator import Atom1Feed

from ..data.markdown import render_text
from ..data.model import Event
from . import urls
from .words import ENGLISH, Words

_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
MAX_ENTRIES = 50
"""Newest events per feed: feed readers poll often, so a feed carries recent news, not the archive."""


def build_date() -> dt.datetime | None:
    """SOURCE_DATE_EPOCH as a UTC datetime (reproducible-builds.org), or None when unset."""
    value = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not value:
        return None
    return dt.datetime.fromtimestamp(int(value), tz=dt.UTC)


class _ReproducibleAtomFeed(Atom1Feed):
    """An Atom feed whose <updated> never comes from the clock."""

    def latest_post_date(self) -> dt.datetime:
        fixed = build_date()
        if fixed is not None:
            return fixed
        # Without items feedgenerator would fall back to the clock; the epoch is stable.
        return super().latest_post_date() if self.items else _EPOCH


def _event_datetime(event: Event) -> dt.datetime:
    return dt.datetime.combine(event.date.first_day(), dt.time(), tzinfo=dt.UTC)


def latest(events: Sequence[Event]) -> tuple[Event, ...]:
    """The MAX_ENTRIES newest of `events`, newest first.

    `events` must be in timeline order (oldest first by date, then by id), as Dataset.events
    and every index of the site context are: then the newest are the last ones, and a
    rebuild finds them without sorting 10,000 events.
    """
    return tuple(sorted(events[-MAX_ENTRIES:], key=lambda e: (e.date.sort_key, e.id), reverse=True))


def atom_feed(
    title: str, feed_path: str, page_path: str, siteurl: str, entries: Iterable[Event], author: str,
    words: Words = ENGLISH,
) -> str:
    """The Atom document for `entries` (in the order given: `latest` gives them newest first),
    in the language of `words` (texts as `text.show_in` shows them)."""
    feed = _ReproducibleAtomFeed(
        title=title,
        # RFC 4287 wants an author for every entry; one at feed level covers them all.
        author_name=author,
        author_link=f"{siteurl}/{urls.ABOUT}",
        link=f"{siteurl}/{page_path}",
        description=title,
        feed_url=f"{siteurl}/{feed_path}",
        feed_guid=f"{siteurl}/{feed_path}",
        language=words.lang,
    )
    for event in entries:
        when = _event_datetime(event)
        feed.add_item(
            title=str(event.title),
            link=f"{siteurl}/{urls.event(event)}",
            description=str(render_text(event.summary)),
            unique_id=f"{siteurl}/{urls.event(event)}",
            pubdate=when,
            updateddate=when,
            categories=[words.gettext(event.kind.label), *(str(country.name) for country in event.countries)],
        )
    out = io.StringIO()
    feed.write(out, "utf-8")
    return out.getvalue()
