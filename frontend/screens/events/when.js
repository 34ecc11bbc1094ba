// An event's times: in the reader's zone (the browser's) and in the event's own zone, from the
// UTC instants the server sends, so a daylight-saving change on either side is read right.
import { currentLocale } from "../../i18n.js";

export const viewerZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";

function format(iso, zone, options) {
  return new Intl.DateTimeFormat(currentLocale(), { ...options, timeZone: zone }).format(new Date(iso));
}

/** "Thu 10 Dec 2026, 09:30 – 12:00" in one zone (the end shows its date only when it differs). */
export function span(event, zone) {
  const day = (iso) => format(iso, zone, { year: "numeric", month: "2-digit", day: "2-digit" });
  const start = format(event.starts_at, zone, { weekday: "short", day: "numeric", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit" });
  const sameDay = day(event.starts_at) === day(event.ends_at);
  const end = format(event.ends_at, zone, sameDay ? { hour: "2-digit", minute: "2-digit" }
    : { weekday: "short", day: "numeric", month: "short", hour: "2-digit", minute: "2-digit" });
  return `${start} – ${end}`;
}

export function monthOf(iso, zone) {
  return format(iso, zone, { month: "long", year: "numeric" });
}

export function dayParts(iso, zone) {
  return { day: format(iso, zone, { day: "numeric" }), month: format(iso, zone, { month: "short" }) };
}

/** An instant as the value of a datetime-local control, read in `zone`. */
export function wallClock(iso, zone) {
  if (!iso) return "";
  const parts = Object.fromEntries(new Intl.DateTimeFormat("en-CA", {
    timeZone: zone, year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hourCycle: "h23",
  }).formatToParts(new Date(iso)).map((part) => [part.type, part.value]));
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}`;
}

export function zones() {
  try { return Intl.supportedValuesOf("timeZone"); } catch { return [viewerZone()]; }
}
