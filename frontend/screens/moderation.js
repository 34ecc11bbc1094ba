// Moderation: flagging and hiding messages (used by the thread view), and the moderators'
// screen: the queue of flags and the audit log of a space.
import { api } from "../api.js";
import { setCurrentSpace, setTitle } from "../app.js";
import { formatTime, t } from "../i18n.js";
import { announce, busy, clear, describeError, emptyState, field, formError, h, showFormError, spinner, toast } from "../ui.js";
import { spaceHeader } from "./parts.js";

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

export function flagButton(message) {
  const button = h("button", { type: "button", class: "icon-button text" }, t("moderation.flag"));
  button.addEventListener("click", () => reasonForm(button, {
    label: t("moderation.flag_reason"), submit: t("moderation.flag_send"),
    onSubmit: async (reason) => {
      await api.post(ROUTES.flagMessage(message.id), { reason });
      toast(t("moderation.flagged"));
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

function flagRow(flag, reload) {
  const target = flag.target || {};
  const href = target.kind === "message" && target.thread_id ? `/threads/${target.thread_id}#m${target.id}` : target.kind === "resource" ? `/resources/${target.id}` : null;
  const note = h("input", { type: "text", name: "note", required: true, maxlength: "1000" });
  const form = h("form", { class: "row wrap flag-actions", novalidate: true }, formError(), field(t("moderation.note"), note),
    ...["dismiss", "hide", "delete"].map((action) => h("button", { type: "submit", value: action, class: action === "dismiss" ? "ghost small" : action === "delete" ? "danger small" : "primary small" }, t(`moderation.action_${action}`))));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (!note.value.trim()) { note.focus(); return; }
    const action = event.submitter ? event.submitter.value : "dismiss";
    await busy(form, async () => {
      try {
        await api.post(ROUTES.resolveFlag(flag.id), { action, note: note.value.trim() });
        toast(t("moderation.resolved"));
        reload();
      } catch (error) {
        showFormError(form, error);
      }
    });
  });
  return h("li", { class: "card flag" },
    h("p", { class: "meta" }, h("strong", {}, flag.reporter ? flag.reporter.name : t("common.someone")), " · ",
      h("time", { datetime: flag.created_at || "" }, formatTime(flag.created_at)), " · ", t(`moderation.kind_${target.kind || "message"}`)),
    h("blockquote", {}, target.excerpt || t("moderation.no_excerpt")),
    h("p", {}, h("strong", {}, t("moderation.reason")), " ", flag.reason),
    href ? h("p", {}, h("a", { href }, t("moderation.open_target"))) : null,
    flag.state === "open" ? form : h("p", { class: "muted small" }, t(`moderation.state_${flag.state}`), flag.resolution_note ? ` — ${flag.resolution_note}` : ""));
}

export async function show(main, [id]) {
  const { loadSpace } = await import("./space.js");
  const space = await loadSpace(Number(id));
  setTitle(t("space.tab_moderation"), space.name);
  setCurrentSpace(space.id);
  const queue = h("ul", { class: "stack flags" }, spinner("li"));
  const audit = h("ol", { class: "audit" }, spinner("li"));
  const stateSelect = h("select", { name: "state" },
    ["open", "resolved", "all"].map((state) => h("option", { value: state }, t(`moderation.filter_${state}`))));
  main.append(h("section", { class: "page" },
    spaceHeader(space, "moderation"),
    h("div", { class: "row between wrap" }, h("h2", { class: "section-title" }, t("moderation.queue")), field(t("moderation.show"), stateSelect)),
    queue,
    h("h2", { class: "section-title" }, t("moderation.audit")),
    audit));
  async function loadQueue() {
    try {
      const page = await api.get(ROUTES.flags(space.id), { state: stateSelect.value });
      clear(queue, page.items.length ? page.items.map((flag) => flagRow(flag, loadQueue)) : h("li", {}, emptyState(t("moderation.queue_empty"))));
    } catch (error) {
      clear(queue, h("p", { class: "notice" }, describeError(error)));
    }
  }
  async function loadAudit() {
    try {
      const page = await api.get(ROUTES.audit(space.id), { limit: 50 });
      clear(audit, page.items.length ? page.items.map((entry) => h("li", {},
        h("time", { datetime: entry.created_at }, formatTime(entry.created_at)), " ",
        h("strong", {}, entry.actor.name), " ", h("code", {}, entry.action), " ",
        h("span", { class: "muted" }, `${entry.target_kind} #${entry.target_id}`),
        entry.reason ? h("span", {}, ` — ${entry.reason}`) : null)) : h("li", {}, emptyState(t("moderation.audit_empty"))));
    } catch (error) {
      clear(audit, h("p", { class: "notice" }, describeError(error)));
    }
  }
  stateSelect.addEventListener("change", loadQueue);
  await Promise.all([loadQueue(), loadAudit()]);
}
