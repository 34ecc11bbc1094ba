// What one can do to a message of a log (a thread's or a direct conversation's): react, edit in place, delete after a confirmation,
// and take a moderator's change (hidden, shown) into the log.
import { api } from "../api.js";
import { t } from "../i18n.js";
import { announce, describeError, h, toast } from "../ui.js";

const THREAD_MESSAGE = (message) => `/api/messages/${message.id}`;

/** The `view` message.js renders with; `log` is the thread's message log (log.js), or one with the
 * same messages, elements, place, update and remove; `path(message)` is where a message's own routes
 * are (a direct message's are under its conversation). */
export function messageView(ctx, log, path = THREAD_MESSAGE) {
  async function react(message, emoji, add) {
    try {
      const route = `${path(message)}/reactions/${encodeURIComponent(emoji)}`;
      const answer = add ? await api.put(route) : await api.del(route);
      const current = log.messages.get(message.id);
      if (current) { current.reactions = answer.reactions; log.place(current); }
    } catch (error) {
      toast(describeError(error), "error");
    }
  }

  function startEdit(message, li) {
    const area = h("textarea", { rows: "3", "aria-label": t("message.edit_label") });
    area.value = message.body;
    const error = h("p", { class: "form-error", role: "alert", hidden: true });
    const save = async () => {
      try {
        const updated = await api.patch(path(message), { body: area.value });
        log.update(updated);
        log.elements.get(updated.id).focus();
      } catch (failure) {
        error.textContent = describeError(failure);
        error.hidden = false;
      }
    };
    const cancel = () => { log.place(log.messages.get(message.id)); log.elements.get(message.id).focus(); };
    area.addEventListener("keydown", (event) => {
      if (event.key === "Escape") cancel();
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) save();
    });
    const form = h("form", { class: "edit stack", onsubmit: (event) => { event.preventDefault(); save(); } },
      error, area,
      h("div", { class: "row end" },
        h("button", { type: "button", class: "ghost small", onclick: cancel }, t("common.cancel")),
        h("button", { type: "submit", class: "primary small" }, t("common.save"))));
    li.querySelector(".body").replaceWith(form);
    area.focus();
  }

  function confirmDelete(message, li) {
    if (li.querySelector(".confirm")) return;
    const box = h("div", { class: "confirm", role: "group", "aria-label": t("message.delete_confirm") },
      h("span", {}, t("message.delete_confirm")),
      h("button", { type: "button", class: "danger small", onclick: async () => {
        try {
          await api.del(path(message));
          log.remove(message.id);
          announce(t("message.deleted"));
          (document.getElementById("composer") || document.querySelector(".composer textarea"))?.focus();
        } catch (error) {
          toast(describeError(error), "error");
        }
      } }, t("message.delete")),
      h("button", { type: "button", class: "ghost small", onclick: () => { box.remove(); li.focus(); } }, t("common.cancel")));
    li.querySelector(".message-main").append(box);
    box.querySelector("button").focus();
  }

  const updated = (change) => log.update({ ...log.messages.get(change.id), ...change });
  // The composer (composer.js) sets ctx.startReply once it is drawn.
  const reply = (message) => { if (ctx.startReply) ctx.startReply(message); };
  /** Scroll to a message of the log and mark it; false when it is not loaded. */
  function showMessage(messageId) {
    const element = log.elements.get(messageId);
    if (!element) return false;
    for (const old of log.list.querySelectorAll(".highlight")) old.classList.remove("highlight");
    element.classList.add("highlight");
    element.scrollIntoView({ block: "center" });
    element.focus({ preventScroll: true });
    return true;
  }
  return { me: ctx.me, canPost: ctx.canPost, isModerator: ctx.isModerator, react, startEdit, confirmDelete, updated, reply, showMessage };
}
