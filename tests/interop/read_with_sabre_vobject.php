<?php
// Read an iCalendar feed with sabre/vobject (Debian's php-sabre-vobject, as
// used by Nextcloud and Baikal) and print what it sees as JSON, in the same
// shape as the other readers.
//
// sabre/vobject does not evaluate VTIMEZONE rules: it maps a TZID (or the
// X-LIC-LOCATION we write) to PHP's own zone database. tests/common/readers.rs
// runs it with /usr/share/zoneinfo bound to the pinned fixture, so PHP's
// rules are the ones the feed was built with.
require_once 'Sabre/VObject/autoload.php';

use Sabre\VObject;

$cal = VObject\Reader::read(file_get_contents($argv[1]));
// sabre/vobject 2.1 turns `\n` into a line break but leaves `\,`, `\;` and
// `\\` of a TEXT value escaped (3.x and later unescape them): undo those.
$text = function ($prop) {
    return preg_replace('/\\\\([,;\\\\])/', '$1', (string)$prop);
};
$utc = new DateTimeZone('UTC');
$when = function ($prop) use ($utc) {
    $t = $prop->getDateTime();
    if ($prop->getDateType() === VObject\Property\DateTime::DATE) {
        return $t->format('Y-m-d');
    }
    if ($prop->getDateType() === VObject\Property\DateTime::LOCAL) {
        fwrite(STDERR, "floating time\n");
        exit(1);
    }
    $t->setTimezone($utc);
    return $t->format('Y-m-d\TH:i:s\Z');
};
$events = array();
foreach ($cal->select('VEVENT') as $ev) {
    $cats = array();
    foreach ($ev->select('CATEGORIES') as $c) {
        $cats[] = $text($c);
    }
    $events[] = array(
        'uid' => (string)$ev->UID,
        'start' => $when($ev->DTSTART),
        'end' => $when($ev->DTEND),
        'summary' => $text($ev->SUMMARY),
        'description' => isset($ev->DESCRIPTION) ? $text($ev->DESCRIPTION) : '',
        'location' => isset($ev->LOCATION) ? $text($ev->LOCATION) : null,
        'categories' => $cats,
    );
}
$names = array('NAME' => $text($cal->NAME), 'X-WR-CALNAME' => $text($cal->{'X-WR-CALNAME'}));
echo json_encode(array('names' => $names, 'events' => $events), JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES);
