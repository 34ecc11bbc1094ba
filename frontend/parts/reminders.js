// Reminders in the browser: my events (going or maybe) that start within a day, said in my
// language and time zone. Computed here from my registrations, so it needs no server worker;
// the mails a day and an hour before come from the server.
import { api } from "../api.js";
import { currentLocale, t } from "../i18n.js";
import { clear, h, link } from "../ui.js";

const HOUR = 3_600_000;

function inWords(iso) {
  const minutes = Math.max(0, Math.round((Date.parse(iso) - Date.now()) / 60_000));
  const words = new Intl.RelativeTimeFormat(currentLocale(), { numeric: "auto" });
  return minutes < 60 ? words.format(minutes, "minute") : words.format(Math.round(minutes / 60), "hour");
}

function at(iso) {
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
  return new Intl.DateTimeFormat(currentLocale(), { weekday: "short", hour: "2-digit", minute: "2-digit", timeZone: zone }).format(new Date(iso));
}

const due = (event, now) => event.status !== "cancelled" && Date.parse(event.starts_at) > now
  && Date.parse(event.starts_at) <= now + 24 * HOUR
  && event.my_registration && ["going", "maybe"].includes(event.my_registration.status);

function fill(box, events, linked) {
  const now = Date.now();
  const soon = events.filter((event) => due(event, now)).sort((a, b) => Date.parse(a.starts_at) - Date.parse(b.starts_at));
  if (!soon.length) return box;
  clear(box, h("h2", { id: "reminders-title", class: "section-title" }, t("reminders.title")),
    h("ul", {}, soon.map((event) => h("li", { dataset: { event: String(event.id) } },
      t("reminders.starts", { when: inWords(event.starts_at), at: at(event.starts_at) }), " ",
      linked ? link(`/events/${event.id}`, event.title) : h("strong", {}, event.title)))));
  box.hidden = false;
  return box;
}

const emptyBox = () => h("section", { class: "event-reminders", "aria-labelledby": "reminders-title", hidden: true });

/** A notice of my events (going or maybe) starting within 24 hours; empty and hidden when none. */
export function eventReminders() {
  const box = emptyBox();
  const now = Date.now();
  api.get("/api/events", { from: new Date(now).toISOString(), to: new Date(now + 24 * HOUR).toISOString() })
    .then(({ items }) => fill(box, items, true))
    .catch(() => { /* a reminder is a courtesy: the page works without it */ });
  return box;
}

/** The same notice for one event, from what its page already holds (it follows my answer). */
export function eventReminder(event) {
  return fill(emptyBox(), [event], false);
}
