// What an event row and an event page both say: my answer, the places taken.
import { t } from "../../i18n.js";
import { h } from "../../ui.js";

export function statusBadge(event) {
  if (event.status === "cancelled") return h("span", { class: "badge event-cancelled" }, t("events.cancelled"));
  const mine = event.my_registration;
  if (!mine || mine.status === "not_going") return null;
  if (mine.status === "waiting") return h("span", { class: "badge" }, t("events.waiting_position", { position: mine.position }));
  return h("span", { class: "badge event-going" }, t(`events.status.${mine.status}`));
}

export function places(event) {
  if (event.capacity == null) return t("events.going_count", { count: event.counts.going });
  return t("events.places", { going: event.counts.going, capacity: event.capacity, waiting: event.counts.waiting });
}
