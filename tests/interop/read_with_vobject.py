"""Read an iCalendar feed with Python's `vobject` and print what it sees as JSON.

vobject builds each event's time zone from the feed's own VTIMEZONE (through
dateutil), so this checks our VTIMEZONEs with a third, independent parser.
Same output shape as read_with_python_icalendar.py.
"""
import json
import sys
from datetime import datetime, timezone

import vobject


def text(component, name):
    child = getattr(component, name.lower().replace("-", "_"), None)
    return None if child is None else child.value


def main(path):
    with open(path, encoding="utf-8") as f:
        cal = vobject.readOne(f.read())
    events = []
    for ev in cal.vevent_list:
        start, end = ev.dtstart.value, ev.dtend.value
        all_day = not isinstance(start, datetime)
        for t in () if all_day else (start, end):
            if t.tzinfo is None:
                raise SystemExit(f"floating time in {ev.uid.value}")
        cats = [c for prop in ev.contents.get("categories", []) for c in prop.value]
        events.append({
            "uid": ev.uid.value,
            "start": start.isoformat() if all_day else start.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "end": end.isoformat() if all_day else end.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "summary": ev.summary.value,
            "description": text(ev, "DESCRIPTION") or "",
            "location": text(ev, "LOCATION"),
            "categories": cats,
        })
    names = {k: cal.contents[k.lower()][0].value for k in ("NAME", "X-WR-CALNAME")}
    json.dump({"names": names, "events": events}, sys.stdout, ensure_ascii=False)


if __name__ == "__main__":
    main(sys.argv[1])
