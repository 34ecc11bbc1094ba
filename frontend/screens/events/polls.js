// Date polls in a space's Events tab: moderators propose dates, members mark every date that
// suits them, and the organiser picks one, which creates the event. Counts follow live (poll.*).
import { api } from "../../api.js";
import { currentLocale, t } from "../../i18n.js";
import { navigate } from "../../nav.js";
import { announce, busy, clear, describeError, field, formError, h, showFormError, toast } from "../../ui.js";
import { KINDS } from "./form.js";
import { viewerZone, zones } from "./when.js";

function when(iso, zone) {
  return new Intl.DateTimeFormat(currentLocale(), { weekday: "short", day: "numeric", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit", timeZone: zone }).format(new Date(iso));
}

function optionRow(poll, option, zone, boxes) {
  const box = h("input", { type: "checkbox", value: String(option.id), checked: option.mine, disabled: !!poll.closed_at });
  boxes.push(box);
  const decide = poll.can_decide ? h("button", { type: "button", class: "small", onclick: async () => {
    if (!window.confirm(t("polls.decide_confirm", { date: when(option.starts_at, zone) }))) return;
    try { navigate(`/events/${(await api.post(`/api/polls/${poll.id}/decision`, { option_id: option.id })).id}`); } catch (error) { toast(describeError(error), "error"); }
  } }, t("polls.decide")) : null;
  return h("li", { class: "poll-option", dataset: { option: String(option.id) } },
    h("label", { class: "poll-choice" }, box, h("span", {}, when(option.starts_at, zone))),
    h("span", { class: "badge", title: option.voters.map((voter) => voter.name).join(", ") || null }, t("polls.votes", { count: option.votes })),
    option.voters.length ? h("span", { class: "muted small poll-voters" }, option.voters.map((voter) => voter.name).join(", ")) : null, decide);
}

function pollCard(poll, zone, reload) {
  const boxes = [];
  const titleId = `poll-${poll.id}-title`;
  const card = h("form", { class: "card stack poll", "aria-labelledby": titleId, dataset: { poll: String(poll.id) } },
    h("h3", { id: titleId }, poll.title, " ", h("span", { class: "badge subtle" }, t(`events.kind.${poll.kind}`))),
    poll.closed_at
      ? h("p", {}, t("polls.decided"), " ", poll.event_id ? h("a", { href: `/events/${poll.event_id}` }, t("polls.see_event")) : null)
      : h("p", { class: "muted small" }, t("polls.hint", { hours: Math.round(poll.duration_minutes / 6) / 10 })),
    formError(),
    h("fieldset", { class: "poll-options" }, h("legend", { class: "visually-hidden" }, t("polls.suits_me")),
      h("ul", { class: "stack" }, poll.options.map((option) => optionRow(poll, option, zone, boxes)))),
    poll.closed_at ? null : h("div", { class: "row" }, h("button", { type: "submit", class: "primary" }, t("polls.save_votes"))));
  card.addEventListener("submit", (submit) => {
    submit.preventDefault();
    busy(card, async () => {
      try {
        await api.put(`/api/polls/${poll.id}/votes`, { option_ids: boxes.filter((box) => box.checked).map((box) => Number(box.value)) });
        announce(t("polls.saved"));
        await reload();
      } catch (error) { showFormError(card, error); }
    });
  });
  return card;
}

function pollForm(space, onDone) {
  const dates = h("ol", { class: "stack poll-dates" });
  const addDate = () => dates.append(h("li", {}, field(t("polls.date_label", { number: dates.children.length + 1 }),
    h("input", { type: "datetime-local", name: "option", required: true }))));
  addDate(); addDate();
  const c = {
    title: h("input", { name: "title", required: true, maxlength: "200" }),
    kind: h("select", { name: "kind" }, KINDS.map((kind) => h("option", { value: kind }, t(`events.kind.${kind}`)))),
    duration: h("input", { type: "number", name: "duration_minutes", min: "15", step: "15", value: "120" }),
    timezone: h("select", { name: "timezone" }, zones().map((zone) => h("option", { value: zone, selected: zone === viewerZone() }, zone))),
  };
  const form = h("form", { class: "card stack poll-form", novalidate: true, "aria-labelledby": "poll-form-title" },
    h("h3", { id: "poll-form-title" }, t("polls.new_title")), formError(),
    h("div", { class: "grid fields" }, field(t("events.title_label"), c.title), field(t("events.kind_label"), c.kind)),
    h("div", { class: "grid fields" }, field(t("polls.duration_label"), c.duration), field(t("events.zone_label"), c.timezone)),
    dates, h("div", {}, h("button", { type: "button", class: "ghost small", onclick: addDate }, t("polls.add_date"))),
    h("div", { class: "row end" }, h("button", { type: "button", class: "ghost", onclick: () => onDone(false) }, t("common.cancel")),
      h("button", { type: "submit", class: "primary" }, t("polls.create"))));
  form.addEventListener("submit", (submit) => {
    submit.preventDefault();
    busy(form, async () => {
      const options = [...dates.querySelectorAll("input")].map((input) => input.value).filter(Boolean);
      try {
        await api.post(`/api/spaces/${space.id}/polls`, { title: c.title.value.trim(), kind: c.kind.value,
          duration_minutes: Number(c.duration.value) || 0, timezone: c.timezone.value, options });
        onDone(true);
      } catch (error) { showFormError(form, error); }
    });
  });
  return form;
}

/** The space's date polls; load() again on every poll.* change. */
export function pollSection(space, canPlan) {
  const zone = viewerZone();
  const list = h("div", { class: "stack polls" });
  const slot = h("div");
  const start = canPlan ? h("button", { type: "button", onclick: () => {
    start.hidden = true;
    clear(slot, pollForm(space, async (created) => {
      clear(slot);
      start.hidden = false;
      start.focus();
      if (created) { toast(t("polls.created")); await load(); }
    }));
    slot.querySelector("input").focus();
  } }, t("polls.new")) : null;
  async function load() {
    const { items } = await api.get(`/api/spaces/${space.id}/polls`);
    clear(list, items.map((poll) => pollCard(poll, zone, load)));
    element.hidden = !items.length && !canPlan;
  }
  const element = h("section", { class: "stack poll-section", "aria-labelledby": "polls-title" },
    h("div", { class: "row between wrap" }, h("h2", { id: "polls-title", class: "section-title" }, t("polls.title")), start),
    slot, list);
  return { element, load };
}
