// Build the same feed with ical-generator (Node.js), the tool many would
// pick instead: read our schedule YAML with js-yaml, make one event per
// session in its local zone with a VTIMEZONE, write the .ics.
// Usage: node icalgen.mjs SCHEDULE.yaml OUT.ics   (timed by compare.sh)
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { resolve } from "node:path";

const require = createRequire(resolve(process.env.BENCH_NODE_MODULES ?? "node_modules") + "/");
const yaml = require("js-yaml");
const ical = require("ical-generator").default;
const { DateTime } = require("luxon");
const { getVtimezoneComponent } = require("@touch4it/ical-timezones");

const s = yaml.load(readFileSync(process.argv[2], "utf8"));
const zone = s.course.timezone;
const base = s.course.url ?? "";
const cal = ical({ name: s.course.name, timezone: { name: zone, generator: getVtimezoneComponent } });
const d = s.defaults ?? {};
// js-yaml reads an unquoted 2020-09-28 as a Date at UTC midnight.
const day = (v) => (v instanceof Date ? v.toISOString().slice(0, 10) : String(v));
for (const x of s.sessions) {
  const date = day(x.date);
  const start = x.start ?? d.start;
  const end = x.end ?? d.end;
  const readings = (x.readings ?? [])
    .map((r) => `- ${r.title}\n  ${r.url ? encodeURI(new URL(r.url, base).href) : ""}`)
    .join("\n");
  cal.createEvent({
    id: `${s.course.id}-${x.kind.toLowerCase()}-${x.number}@coursefeed`,
    start: DateTime.fromISO(`${date}T${start}`, { zone }),
    end: DateTime.fromISO(`${date}T${end}`, { zone }),
    timezone: zone,
    summary: `${x.kind} ${x.number}: ${x.topic ?? ""}`,
    description: `Topic: ${x.topic ?? ""}\n\nReading material:\n${readings || "TBA"}`,
    location: x.zoom ?? d.zoom,
    categories: [{ name: x.kind }],
  });
}
writeFileSync(process.argv[3], cal.toString());
