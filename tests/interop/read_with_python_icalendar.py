"""Read an iCalendar feed with Python's `icalendar` and print what it sees as JSON.

Used by tests/interop.rs: an independent parser must agree with the tz
database on every event's UTC start and end, and give back the text exactly.
Times are resolved through the feed's own VTIMEZONE (`to_tz(lookup_tzid=False)`),
not through the zoneinfo of the machine the test runs on: by default icalendar
looks a known TZID up in its own database, which says nothing of our VTIMEZONE
and differs from machine to machine.
"""
import json
import sys
from datetime import datetime, timezone

import icalendar


def main(path):
    with open(path, "rb") as f:
        cal = icalendar.Calendar.from_ical(f.read())
    zones = {str(tz["TZID"]): tz.to_tz(lookup_tzid=False) for tz in cal.walk("VTIMEZONE")}
    events = []
    for ev in cal.walk("VEVENT"):
        start = ev.decoded("DTSTART")
        end = ev.decoded("DTEND")
        if not isinstance(start, datetime):  # an all-day DATE value
            events.append(_all_day(ev, start, end))
            continue
        start, end = (_through_vtimezone(ev[name], zones) for name in ("DTSTART", "DTEND"))
        events.append({
            "uid": str(ev.get("UID")),
            "start": start.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "end": end.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "summary": str(ev.get("SUMMARY")),
            "description": str(ev.get("DESCRIPTION", "")),
            "location": str(ev["LOCATION"]) if "LOCATION" in ev else None,
            "categories": [str(c) for cats in _list(ev.get("CATEGORIES")) for c in cats.cats],
        })
    # icalendar keeps RFC 7986 NAME and X-WR-CALNAME untyped: their raw value.
    names = {k: cal[k].to_ical().decode() for k in ("NAME", "X-WR-CALNAME")}
    json.dump({"names": names, "events": events}, sys.stdout, ensure_ascii=False)


def _through_vtimezone(prop, zones):
    """The property's time in the zone its TZID names in this feed."""
    t = prop.dt
    tzid = prop.params.get("TZID")
    if tzid is None:
        if t.tzinfo is None:
            raise SystemExit("floating time")
        return t  # UTC
    if tzid not in zones:
        raise SystemExit(f"no VTIMEZONE for {tzid}")
    return t.replace(tzinfo=None).replace(tzinfo=zones[tzid])


def _all_day(ev, start, end):
    return {
        "uid": str(ev.get("UID")),
        "start": start.isoformat(),
        "end": end.isoformat(),
        "summary": str(ev.get("SUMMARY")),
        "description": str(ev.get("DESCRIPTION", "")),
        "location": str(ev["LOCATION"]) if "LOCATION" in ev else None,
        "categories": [str(c) for cats in _list(ev.get("CATEGORIES")) for c in cats.cats],
    }


def _list(v):
    if v is None:
        return []
    return v if isinstance(v, list) else [v]


if __name__ == "__main__":
    main(sys.argv[1])
