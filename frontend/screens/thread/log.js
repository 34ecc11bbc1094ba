// A thread's message log: messages merged by id (so a replay or refetch never doubles one),
// the "load older" page, scrolling, announcing new messages, and moving my read position.
import { api } from "../../api.js";
import { formatDate, t } from "../../i18n.js";
import { announce, h } from "../../ui.js";
import { markRead } from "../../unread.js";

function plain(html) {
  const box = document.createElement("div");
  box.innerHTML = html;
  return (box.textContent || "").trim();
}

/** A line with the date before the first message of each day (redrawn after every change). */
function dayDividers(list, messages) {
  for (const old of list.querySelectorAll(".day-divider")) old.remove();
  let previous = "";
  for (const item of list.querySelectorAll(".message[data-id]")) {
    const message = messages.get(Number(item.dataset.id));
    if (!message || !message.created_at) continue;
    const day = new Date(message.created_at).toDateString();
    if (day !== previous) {
      const anchor = item.previousElementSibling && item.previousElementSibling.classList.contains("divider") ? item.previousElementSibling : item;
      anchor.before(h("li", { class: "day-divider" }, h("span", {}, formatDate(message.created_at, "full"))));
    }
    previous = day;
  }
}

/** The newest page (first load, reconnects, polling: merged by id) and older pages on demand. */
function paging(ctx, log, older) {
  let olderCursor = null;
  async function loadNewest() {
    const page = await api.get(`/api/threads/${ctx.threadId}/messages`, { direction: "backward", limit: 50 });
    const firstLoad = log.messages.size === 0 && olderCursor === null;
    if (firstLoad) olderCursor = page.next_cursor;
    const seen = new Set(page.items.map((m) => m.id));
    // Messages deleted while we were away are gone from the newest page.
    if (page.items.length) {
      const oldest = page.items[0].id;
      for (const messageId of [...log.messages.keys()]) if (messageId >= oldest && !seen.has(messageId)) log.remove(messageId);
    }
    for (const message of page.items) {
      const known = log.messages.get(message.id);
      if (!known || JSON.stringify(known) !== JSON.stringify(message)) log.add(message, { announceIt: !firstLoad && !known });
    }
    older.hidden = !olderCursor;
    return page.items;
  }

  older.addEventListener("click", async () => {
    const page = await api.get(`/api/threads/${ctx.threadId}/messages`, { direction: "backward", limit: 50, cursor: olderCursor });
    const anchor = log.list.firstElementChild;
    for (const message of page.items) if (!log.messages.has(message.id)) { log.messages.set(message.id, message); log.place(message); }
    olderCursor = page.next_cursor;
    older.hidden = !olderCursor;
    dayDividers(log.list, log.messages);
    if (anchor) anchor.scrollIntoView({ block: "start" });
  });
  return loadNewest;
}

/** The log scrolls inside its own box, between the header and the composer: the end of the list
 * is the bottom of that box, never under the composer. Scrolled up, news shows a button. */
function scrolling(scroller) {
  const jump = h("button", { type: "button", class: "jump-new primary small", hidden: true, onclick: () => scrollToEnd() },
    t("thread.jump_new"), h("span", { "aria-hidden": "true" }, " ↓"));
  const element = h("div", { class: "log-area" }, scroller, jump);
  const nearBottom = () => scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < 160;
  function scrollToEnd() {
    scroller.scrollTop = scroller.scrollHeight;
    jump.hidden = true;
  }
  scroller.addEventListener("scroll", () => { if (!jump.hidden && nearBottom()) jump.hidden = true; });
  return { element, nearBottom, scrollToEnd, showJump: () => { jump.hidden = false; } };
}

/** `render(message)` makes a message's element (message.js); ctx is the thread screen's state. */
export function messageLog(ctx, render) {
  const messages = new Map(); // id -> message
  const elements = new Map(); // id -> li
  const pending = new Map(); // client_id -> {body, element}
  const list = h("ol", { class: "messages", "aria-label": t("thread.messages") });
  const older = h("button", { type: "button", class: "ghost small", hidden: true }, t("thread.load_older"));
  const scroller = h("div", { class: "message-scroller" }, older, list);
  const { element, nearBottom, scrollToEnd, showJump } = scrolling(scroller);
  const fromMe = (message) => Boolean(message.author && message.author.id === ctx.me.id);

  function place(message) {
    const fresh = render(message);
    const existing = elements.get(message.id);
    if (existing) {
      existing.replaceWith(fresh);
    } else {
      let before = null;
      for (const [otherId, element] of elements) {
        if (otherId > message.id && (!before || otherId < Number(before.dataset.id))) before = element;
      }
      if (before) {
        // Keep the "New messages" line right before the first unread message.
        const divider = before.previousElementSibling;
        const keepLine = divider && divider.classList.contains("divider") && Number(before.dataset.id) > ctx.readAtOpen;
        list.insertBefore(fresh, keepLine ? divider : before);
      } else list.insertBefore(fresh, list.querySelector(".message.pending"));
    }
    elements.set(message.id, fresh);
  }

  function add(message, { announceIt = false } = {}) {
    if (message.client_id && pending.has(message.client_id) && fromMe(message)) {
      pending.get(message.client_id).element.remove();
      pending.delete(message.client_id);
    }
    const isNew = !messages.has(message.id);
    messages.set(message.id, message);
    const stick = nearBottom();
    place(message);
    if (isNew && announceIt && !fromMe(message)) {
      announce(t("message.announce", { name: message.author ? message.author.name : t("common.someone"), text: plain(message.html).slice(0, 200) }));
    }
    if (isNew && (stick || fromMe(message))) scrollToEnd();
    else if (isNew && announceIt) showJump();
    dayDividers(list, messages);
    if (document.visibilityState === "visible") markRead(ctx.threadId, message.id);
  }

  function remove(messageId) {
    const element = elements.get(messageId);
    if (element) element.remove();
    elements.delete(messageId);
    messages.delete(messageId);
    dayDividers(list, messages);
  }

  /** Merge a changed message (an edit, a reaction, hidden or shown) into what is shown. */
  function update(message) {
    messages.set(message.id, message);
    place(message);
  }

  /** A quoted message changed (edited, hidden, deleted): the replies quoting it follow. `html` is
   * its new text, or null when it is no longer shown. */
  function requote(quotedId, html) {
    for (const message of messages.values()) {
      if (!message.reply_to || message.reply_to.id !== quotedId) continue;
      const text = html === null ? "" : plain(html);
      message.reply_to = html === null ? { id: quotedId, available: false, author: null, excerpt: "" }
        : { ...message.reply_to, excerpt: text.length > 160 ? `${text.slice(0, 159)}…` : text };
      place(message);
    }
  }

  const newest = () => Math.max(0, ...messages.keys());
  const log = { element, scroller, list, messages, elements, pending, place, add, remove, update, requote, scrollToEnd, newest, fromMe };
  log.loadNewest = paging(ctx, log, older);
  return log;
}
