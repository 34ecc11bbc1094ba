// A space's events: what is coming, month by month, in the reader's time zone; moderators plan
// new ones here. Kept live (event.* and registration.changed).
import { api } from "../../api.js";
import { watch } from "../../dispatch.js";
import { t } from "../../i18n.js";
import { navigate, setCurrentSpace, setTitle } from "../../nav.js";
import { loadSpace, spaceHeader } from "../../parts/space.js";
import { loadCities, store } from "../../store.js";
import { clear, emptyState, h, link, spinner } from "../../ui.js";
import { eventForm } from "./form.js";
import { feedBox } from "./feed.js";
import { places, statusBadge } from "./badges.js";
import { pollSection } from "./polls.js";
import { dayParts, monthOf, span, viewerZone } from "./when.js";

function eventRow(event, zone) {
  const { day, month } = dayParts(event.starts_at, zone);
  return h("li", { class: "event-row", dataset: { event: String(event.id) } },
    h("div", { class: "event-date", "aria-hidden": "true" }, h("span", { class: "event-day" }, day), h("span", {}, month)),
    h("div", { class: "grow" },
      h("p", { class: "event-title" }, link(`/events/${event.id}`, event.title), " ", statusBadge(event)),
      h("p", { class: "muted small" }, [t(`events.kind.${event.kind}`), span(event, zone), event.location || null].filter(Boolean).join(" · ")),
      h("p", { class: "muted small" }, places(event))));
}

/** Events grouped by month, in the reader's zone. */
export function agenda(items, zone) {
  const months = new Map();
  for (const event of items) {
    const key = monthOf(event.starts_at, zone);
    if (!months.has(key)) months.set(key, []);
    months.get(key).push(event);
  }
  return [...months].map(([month, events]) => h("section", { class: "event-month", "aria-label": month },
    h("h3", { class: "month-title" }, month), h("ul", { class: "events" }, events.map((event) => eventRow(event, zone)))));
}

export async function show(main, [id]) {
  const space = await loadSpace(Number(id));
  setTitle(t("events.tab"), space.name);
  setCurrentSpace(space.id);
  await loadCities().catch(() => {});
  const zone = viewerZone();
  const canPlan = space.my_role === "moderator" || (store.me && store.me.is_admin);
  const list = h("div", { class: "event-list" }, spinner());
  const formSlot = h("div");
  const newButton = canPlan ? h("button", { type: "button", class: "primary", onclick: () => {
    newButton.hidden = true;
    clear(formSlot, eventForm(space, null, (saved) => {
      clear(formSlot);
      newButton.hidden = false;
      if (saved) navigate(`/events/${saved.id}`);
      else newButton.focus();
    }));
    formSlot.querySelector("select, input").focus();
  } }, t("events.new")) : null;
  const polls = pollSection(space, canPlan);
  async function load() {
    await polls.load();
    const { items } = await api.get(`/api/spaces/${space.id}/events`, { tz: zone });
    clear(list, items.length ? agenda(items, zone) : emptyState(t("events.none"), canPlan ? t("events.none_hint") : null));
  }
  main.append(h("section", { class: "page" },
    spaceHeader(space, "events"),
    h("div", { class: "row between wrap" }, h("h2", { class: "section-title" }, t("events.upcoming")), newButton),
    h("p", { class: "muted small" }, t("events.shown_in", { zone })),
    formSlot, list, polls.element, feedBox()));
  const stop = watch(space.id, "events", () => load().catch(() => {}));
  await load();
  return stop;
}
