// Create or change an event (moderators of its space). Times are typed as the organiser's wall
// clock in the chosen zone; the server turns them into instants and refuses a skipped hour.
import { api } from "../../api.js";
import { t } from "../../i18n.js";
import { store } from "../../store.js";
import { busy, field, formError, h, showFormError } from "../../ui.js";
import { viewerZone, wallClock, zones } from "./when.js";

export const KINDS = ["workshop", "study_visit", "webinar", "training", "meeting"];

function select(name, options, value) {
  return h("select", { name }, options.map(([key, label]) => h("option", { value: key, selected: key === value }, label)));
}

function controls(event) {
  const zone = event ? event.timezone : viewerZone();
  const local = (key) => (event ? wallClock(event[key], zone) : "");
  const cities = [["", t("events.no_city")], ...[...store.cities.values()].map((city) => [String(city.id), city.name])];
  return {
    kind: select("kind", KINDS.map((kind) => [kind, t(`events.kind.${kind}`)]), event ? event.kind : "workshop"),
    title: h("input", { name: "title", required: true, maxlength: "200", value: event ? event.title : "" }),
    description: h("textarea", { name: "description", rows: "4", maxlength: "20000" }, event ? event.description : ""),
    starts_at: h("input", { type: "datetime-local", name: "starts_at", required: true, value: local("starts_at") }),
    ends_at: h("input", { type: "datetime-local", name: "ends_at", required: true, value: local("ends_at") }),
    timezone: select("timezone", zones().map((name) => [name, name]), zone),
    location: h("input", { name: "location", maxlength: "300", value: event ? event.location : "" }),
    host_city_id: select("host_city_id", cities, event && event.host_city_id ? String(event.host_city_id) : ""),
    online_url: h("input", { type: "url", name: "online_url", maxlength: "500", value: event ? event.online_url : "" }),
    languages: h("input", { name: "languages", value: event ? event.languages.join(", ") : "" }),
    capacity: h("input", { type: "number", name: "capacity", min: "1", value: event && event.capacity != null ? String(event.capacity) : "" }),
    registration_deadline: h("input", { type: "datetime-local", name: "registration_deadline", value: local("registration_deadline") }),
  };
}

function body(c, event) {
  const text = (control) => control.value.trim();
  const value = {
    kind: c.kind.value, title: text(c.title), description: c.description.value, starts_at: c.starts_at.value || null,
    ends_at: c.ends_at.value || null, timezone: c.timezone.value, location: text(c.location),
    host_city_id: c.host_city_id.value ? Number(c.host_city_id.value) : null, online_url: text(c.online_url) || null,
    languages: text(c.languages) ? text(c.languages).split(/[,\s]+/).filter(Boolean).map((code) => code.toLowerCase()) : [],
    capacity: c.capacity.value ? Number(c.capacity.value) : null, registration_deadline: c.registration_deadline.value || null,
  };
  // A change sends only what differs, so an unchanged capacity is not checked again.
  if (event && value.capacity === event.capacity) delete value.capacity;
  return value;
}

/** onDone(event) after saving, onDone(null) when the organiser gives up. */
export function eventForm(space, event, onDone) {
  const c = controls(event);
  const form = h("form", { class: "card stack event-form", novalidate: true, "aria-labelledby": "event-form-title" },
    h("h2", { id: "event-form-title" }, event ? t("events.edit_title") : t("events.new_title")),
    formError(),
    h("div", { class: "grid fields" }, field(t("events.kind_label"), c.kind), field(t("events.title_label"), c.title)),
    field(t("events.description_label"), c.description, { hint: t("events.description_hint") }),
    h("div", { class: "grid fields" }, field(t("events.starts_label"), c.starts_at), field(t("events.ends_label"), c.ends_at),
      field(t("events.zone_label"), c.timezone, { hint: t("events.zone_hint") })),
    h("div", { class: "grid fields" }, field(t("events.location_label"), c.location), field(t("events.city_label"), c.host_city_id),
      field(t("events.online_label"), c.online_url)),
    h("div", { class: "grid fields" }, field(t("events.languages_label"), c.languages, { hint: t("events.languages_hint") }),
      field(t("events.capacity_label"), c.capacity, { hint: t("events.capacity_hint") }),
      field(t("events.deadline_label"), c.registration_deadline)),
    h("div", { class: "row end" },
      h("button", { type: "button", class: "ghost", onclick: () => onDone(null) }, t("common.cancel")),
      h("button", { type: "submit", class: "primary" }, event ? t("common.save") : t("events.create"))));
  form.addEventListener("submit", (submit) => {
    submit.preventDefault();
    busy(form, async () => {
      try {
        const saved = event ? await api.patch(`/api/events/${event.id}`, body(c, event))
          : await api.post(`/api/spaces/${space.id}/events`, body(c, null));
        onDone(saved);
      } catch (error) { showFormError(form, error); }
    });
  });
  return form;
}
