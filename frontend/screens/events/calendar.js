// My calendar: the events of every space I can read, as a month grid and an agenda list, in my
// time zone. The grid follows the ARIA grid pattern: one day takes the focus at a time and the
// arrow keys, Home/End and Page Up/Down move it; Enter on a day goes to its events in the list.
import { api } from "../../api.js";
import { currentLocale, t } from "../../i18n.js";
import { setTitle } from "../../nav.js";
import { eventReminders } from "../../parts/reminders.js";
import { clear, emptyState, h } from "../../ui.js";
import { agenda } from "./index.js";
import { viewerZone, wallClock } from "./when.js";

const DAY = 86_400_000;
const keyOf = (ms) => new Date(ms).toISOString().slice(0, 10);
const msOf = (key) => Date.parse(`${key}T00:00:00Z`);
const utcFormat = (ms, options) => new Intl.DateTimeFormat(currentLocale(), { ...options, timeZone: "UTC" }).format(new Date(ms));

/** The weeks (Monday first) that show the month of `first` (a UTC midnight, day 1). */
function weeksOf(first) {
  const start = first - ((new Date(first).getUTCDay() + 6) % 7) * DAY;
  const month = new Date(first).getUTCMonth();
  const weeks = [];
  for (let day = start; weeks.length < 6; day += 7 * DAY) {
    if (weeks.length >= 4 && new Date(day).getUTCMonth() !== month) break;
    weeks.push(Array.from({ length: 7 }, (_, index) => day + index * DAY));
  }
  return weeks;
}

/** The events by the local days (in `zone`) they cover. */
function byDay(items, zone) {
  const days = new Map();
  for (const event of items) {
    const last = wallClock(new Date(Date.parse(event.ends_at) - 1).toISOString(), zone).slice(0, 10);
    for (let day = msOf(wallClock(event.starts_at, zone).slice(0, 10)), count = 0; count < 42 && keyOf(day) <= last; day += DAY, count++) {
      if (!days.has(keyOf(day))) days.set(keyOf(day), []);
      days.get(keyOf(day)).push(event);
    }
  }
  return days;
}

function dayCell(ms, state, days) {
  const key = keyOf(ms);
  const events = days.get(key) || [];
  const outside = new Date(ms).getUTCMonth() !== new Date(state.month).getUTCMonth();
  return h("td", {
    role: "gridcell", tabindex: key === state.focus ? "0" : "-1",
    class: ["cal-cell", outside ? "cal-outside" : null, events.length ? "cal-busy" : null].filter(Boolean).join(" "),
    "aria-current": key === state.today ? "date" : null, dataset: { day: key },
  },
  h("span", { class: "cal-number", "aria-hidden": "true" }, utcFormat(ms, { day: "numeric" })),
  h("span", { class: "visually-hidden" }, utcFormat(ms, { weekday: "long", day: "numeric", month: "long" }),
    events.length ? ` — ${t("calendar.day_events", { count: events.length })}` : ""),
  events.length ? h("ul", { class: "cal-events" }, events.slice(0, 3).map((event) => h("li", {}, event.title)),
    events.length > 3 ? h("li", { class: "muted" }, t("calendar.more", { count: events.length - 3 })) : null) : null);
}

function grid(state, days) {
  const weeks = weeksOf(state.month);
  return h("table", { role: "grid", class: "cal-grid", "aria-labelledby": "cal-month", "aria-describedby": "cal-keys" },
    h("thead", {}, h("tr", {}, weeks[0].map((ms) => h("th", { scope: "col", abbr: utcFormat(ms, { weekday: "long" }) },
      utcFormat(ms, { weekday: "short" }))))),
    h("tbody", {}, weeks.map((week) => h("tr", {}, week.map((ms) => dayCell(ms, state, days))))));
}

const MOVES = { ArrowLeft: -1, ArrowRight: 1, ArrowUp: -7, ArrowDown: 7 };

function target(key, focus) {
  const ms = msOf(focus);
  if (key in MOVES) return ms + MOVES[key] * DAY;
  const weekday = (new Date(ms).getUTCDay() + 6) % 7;
  if (key === "Home") return ms - weekday * DAY;
  if (key === "End") return ms + (6 - weekday) * DAY;
  if (key === "PageUp" || key === "PageDown") {
    const date = new Date(ms);
    const month = date.getUTCMonth() + (key === "PageUp" ? -1 : 1);
    const last = new Date(Date.UTC(date.getUTCFullYear(), month + 1, 0)).getUTCDate();
    return Date.UTC(date.getUTCFullYear(), month, Math.min(date.getUTCDate(), last));
  }
  return null;
}

export async function show(main) {
  const zone = viewerZone();
  setTitle(t("calendar.title"));
  const today = wallClock(new Date().toISOString(), zone).slice(0, 10);
  const state = { today, focus: today, month: msOf(`${today.slice(0, 7)}-01`) };
  const title = h("h2", { id: "cal-month", class: "section-title", "aria-live": "polite" });
  const gridSlot = h("div", { class: "cal-wrap" });
  const list = h("div", { class: "event-list cal-agenda" });
  let currentDays = new Map();
  async function load(focusAfter) {
    const weeks = weeksOf(state.month);
    // A day of margin each side: a local day starts up to 14 hours away from UTC midnight.
    const from = new Date(weeks[0][0] - DAY).toISOString();
    const to = new Date(weeks.at(-1)[6] + 2 * DAY).toISOString();
    const { items } = await api.get("/api/events", { from, to, tz: zone });
    const days = byDay(items, zone);
    currentDays = days;
    const monthKey = keyOf(state.month).slice(0, 7);
    const inMonth = items.filter((event) => [...days].some(([day, events]) => day.startsWith(monthKey) && events.includes(event)));
    title.textContent = utcFormat(state.month, { month: "long", year: "numeric" });
    clear(gridSlot, grid(state, days));
    clear(list, inMonth.length ? agenda(inMonth, zone) : emptyState(t("calendar.none")));
    if (focusAfter) gridSlot.querySelector(`[data-day="${state.focus}"]`).focus();
  }
  async function moveTo(ms, focusAfter = true) {
    state.focus = keyOf(ms);
    const month = msOf(`${state.focus.slice(0, 7)}-01`);
    if (month !== state.month) { state.month = month; await load(focusAfter); return; }
    for (const cell of gridSlot.querySelectorAll("[data-day]")) cell.tabIndex = cell.dataset.day === state.focus ? 0 : -1;
    if (focusAfter) gridSlot.querySelector(`[data-day="${state.focus}"]`).focus();
  }
  function openDay(key) {
    const [first] = currentDays.get(key) || [];
    const row = first && list.querySelector(`.event-row[data-event="${first.id}"] a`);
    if (row) row.focus();
  }
  gridSlot.addEventListener("keydown", (key) => {
    if (key.key === "Enter" || key.key === " ") { key.preventDefault(); openDay(state.focus); return; }
    const next = target(key.key, state.focus);
    if (next == null) return;
    key.preventDefault();
    moveTo(next).catch(() => {});
  });
  gridSlot.addEventListener("click", (click) => {
    const cell = click.target.closest("[data-day]");
    if (cell) moveTo(msOf(cell.dataset.day)).catch(() => {});
  });
  const step = (months) => () => {
    const date = new Date(state.month);
    moveTo(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + months, 1), false).catch(() => {});
  };
  main.append(h("section", { class: "page calendar-page" },
    h("h1", {}, t("calendar.title")),
    h("p", { class: "muted small" }, t("events.shown_in", { zone })),
    eventReminders(),
    h("div", { class: "row between wrap cal-bar" }, title,
      h("div", { class: "row wrap cal-steps" },
        h("button", { type: "button", class: "ghost", onclick: step(-1) }, h("span", { "aria-hidden": "true" }, "‹ "), t("calendar.previous")),
        h("button", { type: "button", class: "ghost", onclick: () => moveTo(msOf(today), false).catch(() => {}) }, t("calendar.today")),
        h("button", { type: "button", class: "ghost", onclick: step(1) }, t("calendar.next"), h("span", { "aria-hidden": "true" }, " ›")))),
    h("p", { class: "muted small", id: "cal-keys" }, t("calendar.keys")),
    gridSlot, h("h2", { class: "section-title" }, t("calendar.agenda")), list));
  await load(false);
}
