// Read an iCalendar feed with Mozilla's ical.js (Thunderbird's parser) and
// print what it sees as JSON, in the same shape as the Python reader.
//
// Each VTIMEZONE in the feed is registered first, so times resolve through
// the feed's own definitions, not a built-in zone database.
//
// Usage: ICALJS_DIR=<node_modules folder> node read_with_icaljs.mjs FEED
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { resolve } from "node:path";

// ICALJS_DIR: the node_modules folder that holds ical.js.
const require = createRequire(resolve(process.env.ICALJS_DIR ?? "node_modules") + "/");
const ICAL = require("ical.js");

const text = readFileSync(process.argv[2], "utf8");
const cal = new ICAL.Component(ICAL.parse(text));
for (const vtz of cal.getAllSubcomponents("vtimezone")) {
  ICAL.TimezoneService.register(new ICAL.Timezone(vtz));
}
const utc = (t) => {
  // An all-day DATE value: its day.
  if (t.isDate) {
    return t.toString();
  }
  if (t.zone === ICAL.Timezone.localTimezone) {
    throw new Error("floating time: " + t.toString());
  }
  return t.toJSDate().toISOString().replace(".000Z", "Z");
};
const events = cal.getAllSubcomponents("vevent").map((c) => {
  const e = new ICAL.Event(c);
  const tzid = c.getFirstProperty("dtstart").getParameter("tzid");
  if (tzid && !cal.getAllSubcomponents("vtimezone").some((z) => z.getFirstPropertyValue("tzid") === tzid)) {
    throw new Error("no VTIMEZONE for " + tzid);
  }
  return {
    uid: e.uid,
    start: utc(e.startDate),
    end: utc(e.endDate),
    summary: e.summary,
    description: e.description ?? "",
    location: e.location ?? null,
    categories: c.getAllProperties("categories").flatMap((p) => p.getValues()),
  };
});
process.stdout.write(JSON.stringify({
  names: { NAME: cal.getFirstPropertyValue("name"), "X-WR-CALNAME": cal.getFirstPropertyValue("x-wr-calname") },
  events,
}));
