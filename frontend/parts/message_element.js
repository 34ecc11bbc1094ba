// One message of a thread (or of a direct conversation) as an element: meta, sanitised body,
// reactions, and its actions.
import { formatNumber, t } from "../i18n.js";
import { avatar, h } from "../ui.js";
import { messageBody, messageMeta } from "./message.js";
import { flagButton, moderationActions } from "./moderation.js";

const QUICK_REACTIONS = ["👍", "❤️", "🎉", "👏", "🙏", "💡"];

/** Apply someone's reaction (added or taken back) to a message's `reactions` (thread and conversation
 * screens alike). */
export function reactionChange(message, added, data) {
  let reaction = message.reactions.find((r) => r.emoji === data.emoji);
  if (added) {
    if (!reaction) { reaction = { emoji: data.emoji, count: 0, user_ids: [] }; message.reactions.push(reaction); }
    if (!reaction.user_ids.includes(data.user_id)) { reaction.user_ids.push(data.user_id); reaction.count += 1; }
  } else if (reaction && reaction.user_ids.includes(data.user_id)) {
    reaction.user_ids = reaction.user_ids.filter((userId) => userId !== data.user_id);
    reaction.count -= 1;
    if (!reaction.count) message.reactions = message.reactions.filter((r) => r !== reaction);
  }
}

function reactionBar(message, view) {
  const bar = h("div", { class: "reactions" });
  for (const reaction of message.reactions) {
    const mine = reaction.user_ids.includes(view.me.id);
    bar.append(h("button", { type: "button", class: `reaction${mine ? " mine" : ""}`, "aria-pressed": String(mine),
      "aria-label": t("reaction.label", { emoji: reaction.emoji, count: reaction.count }),
      onclick: () => view.react(message, reaction.emoji, !mine) },
    h("span", { "aria-hidden": "true" }, reaction.emoji), h("span", { class: "count", "aria-hidden": "true" }, formatNumber(reaction.count))));
  }
  return bar;
}

function reactionPicker(message, toggle, view) {
  const picker = h("div", { class: "picker", role: "group", "aria-label": t("reaction.pick") },
    QUICK_REACTIONS.map((emoji) => h("button", { type: "button", "aria-label": t("reaction.add", { emoji }), onclick: () => {
      picker.remove();
      toggle.setAttribute("aria-expanded", "false");
      toggle.focus();
      view.react(message, emoji, true);
    } }, emoji)));
  picker.addEventListener("keydown", (event) => {
    if (event.key === "Escape") { picker.remove(); toggle.setAttribute("aria-expanded", "false"); toggle.focus(); }
  });
  return picker;
}

function pickerToggle(message, li, actions, view) {
  const toggle = h("button", { type: "button", class: "icon-button", "aria-label": t("reaction.pick"), "aria-expanded": "false", title: t("reaction.pick") }, "☺");
  toggle.addEventListener("click", () => {
    const open = li.querySelector(".picker");
    if (open) { open.remove(); toggle.setAttribute("aria-expanded", "false"); return; }
    const picker = reactionPicker(message, toggle, view);
    actions.after(picker);
    toggle.setAttribute("aria-expanded", "true");
    picker.querySelector("button").focus();
  });
  return toggle;
}

/** The message this one answers: who and the start of what they wrote, linked to it in the log;
 * the server sends no author nor text once that message is hidden or deleted. */
function quote(reply, view) {
  if (!reply) return null;
  if (!reply.available) return h("p", { class: "quote unavailable muted small" }, t("message.quote_unavailable"));
  const name = reply.author ? reply.author.name : t("common.someone");
  return h("a", { class: "quote", href: `#m${reply.id}`, "aria-label": t("message.quote_label", { name, text: reply.excerpt }),
    onclick: (event) => { if (view.showMessage(reply.id)) event.preventDefault(); } },
  h("span", { class: "quote-author" }, name), h("span", { class: "quote-text" }, reply.excerpt));
}

/** `view` is {me, canPost, isModerator, react, startEdit, confirmDelete, updated, reply, showMessage} (actions.js);
 * a direct conversation's has no `reply` and its own `report` button instead of the moderators' flag. */
export function messageElement(message, view) {
  const mine = message.author && message.author.id === view.me.id;
  const li = h("li", { class: `message${mine ? " mine" : ""}${message.hidden ? " is-hidden" : ""}`, id: `m${message.id}`,
    dataset: { id: String(message.id) }, tabindex: "-1" });
  const actions = h("div", { class: "actions", role: "group", "aria-label": t("message.actions") });
  if (view.canPost && !message.hidden) {
    if (view.reply) actions.append(h("button", { type: "button", class: "icon-button text reply-button", onclick: () => view.reply(message) }, t("message.reply")));
    actions.append(pickerToggle(message, li, actions, view));
  }
  if (mine && !message.hidden) {
    actions.append(h("button", { type: "button", class: "icon-button text", onclick: () => view.startEdit(message, li) }, t("message.edit")));
  }
  if (mine || view.isModerator) {
    actions.append(h("button", { type: "button", class: "icon-button text", onclick: () => view.confirmDelete(message, li) }, t("message.delete")));
  }
  const flag = mine ? null : (view.report || flagButton)(message);
  if (flag) actions.append(flag);
  if (view.isModerator) actions.append(moderationActions(message, view.updated));
  li.append(
    avatar(message.author),
    h("div", { class: "message-main" }, messageMeta(message), quote(message.reply_to, view), messageBody(message, view.me),
      message.file && view.fileLink ? view.fileLink(message) : null, message.reactions.length ? reactionBar(message, view) : null),
    actions);
  return li;
}
