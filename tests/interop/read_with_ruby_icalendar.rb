# Read an iCalendar feed with Ruby's icalendar gem (Debian's ruby-icalendar)
# and print what it sees as JSON, in the same shape as the other readers.
#
# Without ActiveSupport loaded, the gem gives a time with a TZID the offset
# its parsed VTIMEZONE has at that local time (x-tz-info), so times resolve
# through our definitions; an event whose zone the feed lacks is refused.
require "stringio" # ruby-icalendar 2.8 uses StringIO without requiring it
require "icalendar"
require "json"

def utc(event, value)
  return value.strftime("%Y-%m-%d") if value.is_a?(Icalendar::Values::Date)
  tzid = value.ical_params["tzid"]
  tzid = tzid.first if tzid.is_a?(Array)
  unless value.tz_utc || tzid.nil? || value.to_time.utc_offset != nil
    raise "floating time in #{event.uid}"
  end
  value.to_time.utc.strftime("%Y-%m-%dT%H:%M:%SZ")
end

cal = Icalendar::Calendar.parse(File.read(ARGV[0], encoding: "UTF-8")).first
zones = cal.timezones.map { |z| z.tzid.to_s }
events = cal.events.map do |e|
  tzid = e.dtstart.ical_params["tzid"]
  tzid = tzid.first if tzid.is_a?(Array)
  raise "no VTIMEZONE for #{tzid}" if tzid && !zones.include?(tzid.to_s)
  {
    uid: e.uid.to_s,
    start: utc(e, e.dtstart),
    end: utc(e, e.dtend),
    summary: e.summary.to_s,
    description: e.description.to_s,
    location: e.location&.to_s,
    categories: e.categories.flat_map { |c| c.value.is_a?(Array) ? c.value.map(&:to_s) : [c.to_s] },
  }
end
names = {
  # The gem drops RFC 7986 NAME; X- properties are kept under snake_case keys.
  "NAME" => nil,
  "X-WR-CALNAME" => cal.custom_property("x_wr_calname").first.to_s,
}
print JSON.generate({ names: names, events: events })
