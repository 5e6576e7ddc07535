"""Convert a coursefeed schedule into yaml2ics's own YAML format (untimed setup).

Usage: python to_yaml2ics.py SCHEDULE.yaml OUT.yaml
"""
import sys
from datetime import datetime
from urllib.parse import quote, urljoin

import yaml

s = yaml.safe_load(open(sys.argv[1], encoding="utf-8"))
d = s.get("defaults") or {}
events = []
for x in s["sessions"]:
    start, end = x.get("start", d.get("start")), x.get("end", d.get("end"))
    readings = "\n".join(
        f"- {r['title']}\n  {quote(urljoin(s['course'].get('url', ''), r.get('url', '')), safe=':/')}"
        for r in x.get("readings") or []
    )
    events.append({
        "summary": f"{x['kind']} {x['number']}: {x.get('topic', '')}",
        # Timestamps, not strings: yaml2ics hands them to ics.Event as datetimes.
        "begin": datetime.fromisoformat(f"{x['date']}T{start}"),
        "end": datetime.fromisoformat(f"{x['date']}T{end}"),
        "uid": f"{s['course'].get('id', 'c')}-{x['kind'].lower()}-{x['number']}@coursefeed",
        "description": f"Topic: {x.get('topic', '')}\n\nReading material:\n{readings or 'TBA'}",
        "location": x.get("zoom", d.get("zoom")),
    })
out = {"name": s["course"]["name"], "timezone": s["course"]["timezone"], "events": events}
yaml.safe_dump(out, open(sys.argv[2], "w", encoding="utf-8"), allow_unicode=True, sort_keys=False)
