// My answer to an event: going, maybe or not going, with what organisers need to know; going on
// a full event puts me on the waiting list, whose position is shown and moves live.
import { api } from "../../api.js";
import { t } from "../../i18n.js";
import { announce, busy, field, formError, h, showFormError } from "../../ui.js";
import { viewerZone } from "./when.js";

const ANSWERS = ["dietary", "interpretation", "accessibility"];

function statusText(mine) {
  if (!mine) return t("events.not_answered");
  if (mine.status === "waiting") return t("events.you_waiting", { position: mine.position });
  return t(`events.you_${mine.status}`);
}

// The server refuses going/maybe once the event has started or its deadline passed: the box says
// so instead of offering buttons that can only earn a refusal (cancelling stays possible before the start).
function phase(event) {
  const now = Date.now();
  if (event.status === "cancelled") return "cancelled";
  if (now >= Date.parse(event.ends_at)) return "past";
  if (now >= Date.parse(event.starts_at)) return "started";
  if (event.registration_deadline && now > Date.parse(event.registration_deadline)) return "closed";
  return "open";
}

/** onChanged() after every answer the server accepted. */
export function registrationBox(event, onChanged) {
  const mine = event.my_registration;
  const answers = Object.fromEntries(ANSWERS.map((key) => [key,
    h("input", { name: key, maxlength: "500", value: (mine && mine.answers[key]) || "" })]));
  const when = phase(event);
  const open = when === "open";
  const canCancel = (open || when === "closed") && mine && mine.status !== "not_going";
  const send = (status) => busy(form, async () => {
    const body = { status, answers: {}, timezone: viewerZone() };
    for (const key of ANSWERS) if (answers[key].value.trim()) body.answers[key] = answers[key].value.trim();
    try {
      const answer = await api.put(`/api/events/${event.id}/registration`, body);
      announce(statusText(answer));
      await onChanged();
    } catch (error) {
      showFormError(form, error);
      // The event began under an open page: redraw the box from the server's truth (it says why).
      if (error.code === "registration_closed") { announce(t("api.code.registration_closed")); await onChanged(); }
    }
  });
  const form = h("form", { class: "card stack registration", novalidate: true, "aria-labelledby": "registration-title" },
    h("h2", { id: "registration-title" }, t("events.registration")),
    h("p", { class: `my-status status-${mine ? mine.status : "none"}`, role: "status" }, statusText(mine)),
    ["past", "started", "closed"].includes(when)
      ? h("p", { class: `registration-phase phase-${when}` }, t(`events.phase_${when}`)) : null,
    formError(),
    open ? h("details", {}, h("summary", {}, t("events.answers_title")),
      h("div", { class: "stack" }, ANSWERS.map((key) => field(t(`events.answer.${key}`), answers[key])))) : null,
    open ? h("div", { class: "row wrap" },
      h("button", { type: "button", class: "primary", onclick: () => send("going") }, t("events.going")),
      h("button", { type: "button", onclick: () => send("maybe") }, t("events.maybe")),
      mine && mine.status !== "not_going"
        ? h("button", { type: "button", class: "ghost danger-text", onclick: () => send("not_going") }, t("events.cancel_mine"))
        : h("button", { type: "button", class: "ghost", onclick: () => send("not_going") }, t("events.not_going")))
      : canCancel ? h("div", { class: "row wrap" },
        h("button", { type: "button", class: "ghost danger-text", onclick: () => send("not_going") }, t("events.cancel_mine")))
        : null);
  form.addEventListener("submit", (submit) => submit.preventDefault());
  return form;
}
