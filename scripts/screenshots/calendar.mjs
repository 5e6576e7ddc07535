// A month of a feed as a calendar app shows it: read with ical.js (the
// reader behind Thunderbird), times resolved through the feed's own
// VTIMEZONE, laid out in weeks from Monday. Writes HTML to stdout.
// Usage: ICALJS_DIR=.../node_modules node calendar.mjs FEED.ics 2020-10
import { readFileSync } from "node:fs";
import { join } from "node:path";

const ICAL = (await import(join(process.env.ICALJS_DIR, "ical.js", "dist", "ical.js"))).default;
const [file, month] = process.argv.slice(2);
const [year, mon] = month.split("-").map(Number);

const cal = new ICAL.Component(ICAL.parse(readFileSync(file, "utf8")));
for (const tz of cal.getAllSubcomponents("vtimezone")) {
  ICAL.TimezoneService.register(tz);
}
const name = cal.getFirstPropertyValue("x-wr-calname") ?? "";
const byDay = new Map();
for (const v of cal.getAllSubcomponents("vevent")) {
  const e = new ICAL.Event(v);
  const start = e.startDate;
  const key = `${start.year}-${start.month}-${start.day}`;
  const time = start.isDate
    ? ""
    : `${String(start.hour).padStart(2, "0")}:${String(start.minute).padStart(2, "0")}`;
  const cancelled = v.getFirstPropertyValue("status") === "CANCELLED";
  if (!byDay.has(key)) byDay.set(key, []);
  byDay.get(key).push({ time, summary: e.summary, allDay: start.isDate, cancelled });
}

const esc = (s) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
const first = new Date(Date.UTC(year, mon - 1, 1));
const offset = (first.getUTCDay() + 6) % 7; // Monday first
let cells = "";
const days = new Date(Date.UTC(year, mon, 0)).getUTCDate();
const total = Math.ceil((offset + days) / 7) * 7;
for (let i = 0; i < total; i++) {
  const d = new Date(Date.UTC(year, mon - 1, 1 - offset + i));
  const inMonth = d.getUTCMonth() === mon - 1;
  const key = `${d.getUTCFullYear()}-${d.getUTCMonth() + 1}-${d.getUTCDate()}`;
  const events = (byDay.get(key) ?? [])
    .map(
      (e) =>
        `<div class="ev${e.allDay ? " allday" : ""}${e.cancelled ? " cancelled" : ""}">` +
        (e.time ? `<b>${e.time}</b> ` : "") +
        `${esc(e.summary)}</div>`
    )
    .join("");
  cells += `<td class="${inMonth ? "" : "out"}"><div class="n">${d.getUTCDate()}</div>${events}</td>`;
  if (i % 7 === 6) cells += "</tr><tr>";
}
const title = first.toLocaleString("en-GB", { month: "long", year: "numeric", timeZone: "UTC" });
process.stdout.write(`<!doctype html><meta charset="utf-8"><style>
body{font-family:"DejaVu Sans",sans-serif;margin:16px;color:#222}
h1{font-size:20px;margin:0 0 4px} p{margin:0 0 10px;color:#666;font-size:13px}
table{border-collapse:collapse;table-layout:fixed;width:100%}
th{font-size:12px;color:#666;text-align:left;padding:4px}
td{border:1px solid #ddd;vertical-align:top;height:96px;padding:3px;font-size:11px}
td.out{background:#f6f6f6;color:#aaa}
.n{font-weight:bold;margin-bottom:2px}
.ev{background:#dbe9fb;border-left:3px solid #2f6fce;margin:2px 0;padding:2px 3px;line-height:1.3}
.ev.allday{background:#fde7c8;border-left-color:#d9822b}
.ev.cancelled{text-decoration:line-through;opacity:.6}
</style><h1>${esc(title)}</h1><p>${esc(name)}: subscribed feed, as read by ical.js</p>
<table><tr>${["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"].map((d) => `<th>${d}</th>`).join("")}</tr><tr>${cells}</tr></table>`);
