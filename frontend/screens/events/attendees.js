// Who registered, for the event's organisers: places, the waiting list in order, their answers,
// and the same as a spreadsheet.
import { api } from "../../api.js";
import { t } from "../../i18n.js";
import { avatar, clear, describeError, h } from "../../ui.js";

export function attendeeList(event) {
  // The heading that names the section is there from the start, as in report.js: the section may be
  // read before its list has arrived.
  const heading = () => h("h2", { id: "attendees-title", class: "section-title" }, t("events.attendees"));
  const box = h("section", { class: "attendees", "aria-labelledby": "attendees-title" }, heading());
  async function load() {
    let listing;
    try { listing = await api.get(`/api/events/${event.id}/registrations`); } catch (error) {
      clear(box, heading(), h("p", { class: "notice" }, describeError(error)));
      return;
    }
    const row = (item) => h("li", { class: "member", dataset: { status: item.status } }, avatar(item.user),
      h("div", { class: "grow" }, h("p", {}, h("strong", {}, item.user.name)),
        h("p", { class: "muted small" }, Object.entries(item.answers).map(([key, text]) => `${t(`events.answer.${key}`)}: ${text}`).join(" · "))),
      h("span", { class: "badge" }, item.status === "waiting"
        ? t("events.waiting_position", { position: item.position }) : t(`events.status.${item.status}`)));
    clear(box,
      h("div", { class: "row between wrap" },
        heading(),
        h("a", { href: `/api/events/${event.id}/registrations?format=csv`, download: `event-${event.id}-registrations.csv` }, t("events.csv"))),
      listing.items.length ? h("ul", { class: "members" }, listing.items.map(row)) : h("p", { class: "muted small" }, t("events.no_attendees")));
  }
  return { element: box, load };
}
