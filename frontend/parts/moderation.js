// Flagging and hiding messages: the buttons a thread's messages carry, and the API paths of moderation.
import { api } from "../api.js";
import { t } from "../i18n.js";
import { announce, busy, describeError, field, formError, h, showFormError, toast } from "../ui.js";

export const ROUTES = {
  flagMessage: (id) => `/api/messages/${id}/flags`,
  hideMessage: (id) => `/api/messages/${id}/hide`,
  unhideMessage: (id) => `/api/messages/${id}/unhide`,
  flags: (spaceId) => `/api/spaces/${spaceId}/flags`,
  resolveFlag: (id) => `/api/flags/${id}/resolve`,
  audit: (spaceId) => `/api/spaces/${spaceId}/audit`,
};

/** A small inline form asking for a reason, placed after `anchor`. */
function reasonForm(anchor, { label, submit, onSubmit }) {
  const host = anchor.closest(".message, .resource");
  const existing = host.querySelector(".reason-form");
  if (existing) { existing.remove(); return; }
  const input = h("input", { type: "text", name: "reason", required: true, maxlength: "1000" });
  const form = h("form", { class: "reason-form row wrap", novalidate: true },
    formError(), field(label, input),
    h("div", { class: "row" },
      h("button", { type: "button", class: "ghost small", onclick: () => { form.remove(); anchor.focus(); } }, t("common.cancel")),
      h("button", { type: "submit", class: "primary small" }, submit)));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (!input.value.trim()) { input.focus(); return; }
    await busy(form, async () => {
      try {
        await onSubmit(input.value.trim());
        form.remove();
      } catch (error) {
        showFormError(form, error);
      }
    });
  });
  form.addEventListener("keydown", (event) => { if (event.key === "Escape") { form.remove(); anchor.focus(); } });
  host.querySelector(".message-main, .resource-main").append(form);
  input.focus();
}

/** Flag a thread's message to its space's moderators; a direct message's `report` to the platform
 * admins passes its own route and words (the same reason form). */
export function flagButton(message, words = {}) {
  const { route = ROUTES.flagMessage(message.id), button: name = t("moderation.flag"), label = t("moderation.flag_reason"),
    submit = t("moderation.flag_send"), done = t("moderation.flagged") } = words;
  const button = h("button", { type: "button", class: "icon-button text" }, name);
  button.addEventListener("click", () => reasonForm(button, {
    label, submit,
    onSubmit: async (reason) => {
      await api.post(route, { reason });
      toast(done);
    },
  }));
  return button;
}

export function moderationActions(message, onChange) {
  if (message.hidden) {
    return h("button", { type: "button", class: "icon-button text", onclick: async () => {
      try {
        const updated = await api.post(ROUTES.unhideMessage(message.id), {});
        onChange(updated && updated.id ? updated : { ...message, hidden: false, hidden_reason: null });
        announce(t("moderation.unhidden"));
      } catch (error) {
        toast(describeError(error), "error");
      }
    } }, t("moderation.unhide"));
  }
  const button = h("button", { type: "button", class: "icon-button text" }, t("moderation.hide"));
  button.addEventListener("click", () => reasonForm(button, {
    label: t("moderation.hide_reason"), submit: t("moderation.hide"),
    onSubmit: async (reason) => {
      const updated = await api.post(ROUTES.hideMessage(message.id), { reason });
      onChange(updated && updated.id ? updated : { ...message, hidden: true, hidden_reason: reason });
      announce(t("moderation.hidden"));
    },
  }));
  return button;
}
