// One event: when (in my zone and in the event's), where, its agenda, my registration, the .ics
// file and, for its organisers, editing, cancelling and the attendee list. Kept live.
import { api } from "../../api.js";
import { watch } from "../../dispatch.js";
import { formatList, languageName, t } from "../../i18n.js";
import { navigate, setCurrentSpace, setTitle } from "../../nav.js";
import { eventReminder } from "../../parts/reminders.js";
import { loadSpace } from "../../parts/space.js";
import { cityName, loadCities } from "../../store.js";
import { clear, describeError, h, link, toast } from "../../ui.js";
import { attendeeList } from "./attendees.js";
import { delegationList } from "./delegations.js";
import { feedBox } from "./feed.js";
import { eventForm } from "./form.js";
import { places, statusBadge } from "./badges.js";
import { registrationBox } from "./registration.js";
import { begun, reportBox } from "./report.js";
import { span, viewerZone } from "./when.js";

function times(event, zone) {
  const rows = [[t("events.your_time", { zone }), span(event, zone)]];
  if (event.timezone !== zone) rows.push([t("events.event_time", { zone: event.timezone }), span(event, event.timezone)]);
  return h("dl", { class: "event-times" }, rows.map(([label, value]) => [h("dt", {}, label), h("dd", {}, value)]));
}

function facts(event) {
  const place = [event.location, event.host_city_id ? cityName(event.host_city_id) : null].filter(Boolean).join(", ");
  const items = [
    place ? [t("events.where"), place] : null,
    event.online_url ? [t("events.online"), h("a", { href: event.online_url, rel: "noopener" }, event.online_url)] : null,
    event.languages.length ? [t("events.languages"), formatList(event.languages.map(languageName))] : null,
    event.interpretation.length ? [t("events.interpretation"), formatList(event.interpretation.map(languageName))] : null,
    [t("events.places_label"), places(event)],
  ].filter(Boolean);
  return h("dl", { class: "event-facts" }, items.map(([label, value]) => [h("dt", {}, label), h("dd", {}, value)]));
}

function agenda(event) {
  if (!event.agenda.length) return null;
  return h("section", {}, h("h2", { class: "section-title" }, t("events.agenda")),
    h("ol", { class: "event-agenda" }, event.agenda.map((item) => h("li", {},
      item.time ? h("strong", {}, `${item.time} `) : null, item.title,
      item.speakers && item.speakers.length ? h("span", { class: "muted small" }, ` — ${formatList(item.speakers)}`) : null))));
}

function organiserTools(event, space, slot, reload) {
  if (!event.can_edit || event.status === "cancelled") return null;
  return h("div", { class: "row wrap event-tools" },
    h("button", { type: "button", onclick: () => clear(slot, eventForm(space, event, async (saved) => {
      clear(slot);
      if (saved) { toast(t("events.saved")); await reload(); }
    })) }, t("common.edit")),
    h("button", { type: "button", class: "ghost danger-text", onclick: async () => {
      if (!window.confirm(t("events.cancel_confirm"))) return;
      try { await api.del(`/api/events/${event.id}`); toast(t("events.cancelled_done")); await reload(); } catch (error) { toast(describeError(error), "error"); }
    } }, t("events.cancel_event")));
}

export async function show(main, [id]) {
  const zone = viewerZone();
  let event = await api.get(`/api/events/${Number(id)}`, { tz: zone });
  const space = await loadSpace(event.space_id);
  await loadCities().catch(() => {});
  setCurrentSpace(space.id);
  const page = h("section", { class: "page event-page" });
  const formSlot = h("div");
  const attendees = attendeeList(event);
  const delegations = delegationList(event);
  const visit = () => event.kind === "study_visit";
  const report = reportBox(event);
  async function render() {
    setTitle(event.title, space.name);
    clear(page,
      h("p", { class: "muted small" }, link(`/spaces/${space.id}/events`, `← ${t("events.back", { space: space.name })}`)),
      h("header", { class: "stack" },
        h("div", { class: "row wrap" }, h("span", { class: "badge subtle" }, t(`events.kind.${event.kind}`)), statusBadge(event)),
        h("h1", {}, event.title), times(event, zone)), eventReminder(event),
      organiserTools(event, space, formSlot, reload), formSlot,
      h("div", { class: "event-body" },
        h("div", { class: "stack" },
          event.description_html ? h("div", { class: "prose" }) : null,
          facts(event), agenda(event), visit() ? delegations.element : null, begun(event) ? report.element : null,
          event.can_edit ? attendees.element : null),
        h("aside", { class: "stack event-side" }, registrationBox(event, reload),
          h("p", {}, h("a", { href: `/api/events/${event.id}/ics`, download: `event-${event.id}.ics` }, t("events.add_to_calendar"))),
          feedBox())));
    const prose = page.querySelector(".prose");
    if (prose) prose.innerHTML = event.description_html; // rendered and sanitised by the server's markdown
    if (visit()) await delegations.load();
    if (event.can_edit) await attendees.load();
    if (begun(event)) await report.load();
  }
  async function reload() {
    try { event = await api.get(`/api/events/${event.id}`, { tz: zone }); } catch (error) {
      if (error.status === 404) { navigate(`/spaces/${space.id}/events`); return; }
      throw error;
    }
    await render();
  }
  main.append(page);
  const stop = watch(space.id, "events", (change) => {
    const data = (change && change.data) || {};
    if (change.kind === "reset" || data.id === event.id || data.event_id === event.id) reload().catch(() => {});
  });
  await render();
  return stop;
}
