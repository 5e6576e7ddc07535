"""Read an iCalendar feed with libical (GNOME/Evolution's parser, through
GObject introspection) and print what it sees as JSON, in the same shape as
the other readers.

libical looks a TZID up in the VCALENDAR's own VTIMEZONEs before its built-in
zones, and this script refuses an event whose zone the feed does not define,
so times resolve through our VTIMEZONE.
Run with Debian's python3 (python3-gi, gir1.2-ical-3.0).
"""
import json
import sys

import gi

gi.require_version("ICalGLib", "3.0")
from gi.repository import ICalGLib  # noqa: E402

K = ICalGLib.ComponentKind
P = ICalGLib.PropertyKind


def children(comp, kind):
    c = comp.get_first_component(kind)
    while c is not None:
        yield c
        c = comp.get_next_component(kind)


def props(comp, kind):
    p = comp.get_first_property(kind)
    while p is not None:
        yield p
        p = comp.get_next_property(kind)


def utc(comp, t, tzids):
    if t.is_date():
        return "%04d-%02d-%02d" % (t.get_year(), t.get_month(), t.get_day())
    zone = t.get_timezone()
    if zone is None:
        raise SystemExit("floating time in " + comp.get_uid())
    name = zone.get_tzid()
    if name not in tzids and name != "UTC":
        raise SystemExit("zone not from the feed: " + str(name))
    secs = t.as_timet_with_zone(zone)
    u = ICalGLib.Time.new_from_timet_with_zone(secs, 0, ICalGLib.Timezone.get_utc_timezone())
    return "%04d-%02d-%02dT%02d:%02d:%02dZ" % (
        u.get_year(), u.get_month(), u.get_day(), u.get_hour(), u.get_minute(), u.get_second())


def main(path):
    with open(path, encoding="utf-8") as f:
        cal = ICalGLib.Component.new_from_string(f.read())
    tzids = {z.get_first_property(P.TZID_PROPERTY).get_tzid() for z in children(cal, K.VTIMEZONE_COMPONENT)}
    events = []
    for ev in children(cal, K.VEVENT_COMPONENT):
        location = ev.get_location()
        events.append({
            "uid": ev.get_uid(),
            "start": utc(ev, ev.get_dtstart(), tzids),
            "end": utc(ev, ev.get_dtend(), tzids),
            "summary": ev.get_summary(),
            "description": ev.get_description() or "",
            "location": location,
            "categories": [p.get_categories() for p in props(ev, P.CATEGORIES_PROPERTY)],
        })
    names = {}
    for name in ("NAME", "X-WR-CALNAME"):
        for p in props(cal, P.ANY_PROPERTY):
            if p.get_property_name() == name:
                names[name] = p.get_value_as_string()
    json.dump({"names": names, "events": events}, sys.stdout, ensure_ascii=False)


if __name__ == "__main__":
    main(sys.argv[1])
