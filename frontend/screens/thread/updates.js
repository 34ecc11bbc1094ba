// A thread kept live: its space's message events through the store (dispatch.js, "messages"),
// who is typing, a refetch on every reconnect, and polling while the socket is down.
import { connectionState, watch } from "../../dispatch.js";
import { formatList, t } from "../../i18n.js";
import { reactionChange } from "../../parts/message_element.js";
import { subscribe } from "../../store.js";

const TYPING_SHOWN_FOR = 6000;

function typingIndicator(ctx, line) {
  const typists = new Map(); // user id -> {name, until}
  let timer = null;
  function render() {
    const now = Date.now();
    for (const [userId, entry] of typists) if (entry.until < now) typists.delete(userId);
    const names = [...typists.values()].map((entry) => entry.name);
    line.textContent = names.length ? t("typing.one_or_more", { names: formatList(names), count: names.length }) : "";
    clearTimeout(timer);
    if (names.length) timer = setTimeout(render, 1000);
  }
  const stop = subscribe(`typing:${ctx.threadId}`, (frame) => {
    const user = frame.user || { id: frame.user_id, name: frame.name };
    if (!user || user.id === ctx.me.id) return;
    typists.set(user.id, { name: user.name || t("common.someone"), until: Date.now() + TYPING_SHOWN_FOR });
    render();
  });
  /** A message from someone ends their typing. */
  const posted = (userId) => { if (typists.delete(userId)) render(); };
  return { posted, stop: () => { stop(); clearTimeout(timer); } };
}

function hiddenFromMe(ctx, message) {
  return !ctx.isModerator && !(message.author && message.author.id === ctx.me.id);
}

/** Apply one event of the thread's space to the log; `changed()` re-renders header and composer. */
function apply(ctx, { log, typing, changed, refetch }, event) {
  const data = event.data || {};
  const here = Number(data.thread_id) === ctx.threadId;
  if (event.kind === "message.created" && here) {
    typing.posted(data.author && data.author.id);
    log.add(data, { announceIt: true });
  } else if (event.kind === "message.edited" && here) {
    log.requote(data.id, data.hidden ? null : data.html);
    if (!log.messages.has(data.id)) return;
    if (data.hidden && hiddenFromMe(ctx, data)) log.remove(data.id); else log.add(data);
  } else if (event.kind === "message.deleted" && here) {
    log.requote(data.id, null);
    log.remove(data.id);
  } else if (event.kind === "message.hidden" || event.kind === "message.unhidden") {
    const messageId = data.id ?? data.message_id;
    if (event.kind === "message.hidden") log.requote(messageId, null);
    if (!log.messages.has(messageId)) return;
    if (event.kind === "message.hidden" && hiddenFromMe(ctx, log.messages.get(messageId))) log.remove(messageId);
    else refetch();
  } else if (event.kind === "reaction.added" || event.kind === "reaction.removed") {
    const message = log.messages.get(data.message_id);
    if (!message || data.user_id === ctx.me.id) return; // our own answer already updated it
    reactionChange(message, event.kind === "reaction.added", data);
    log.place(message);
  } else if (event.kind === "reset") {
    refetch();
  } else if (event.kind === "thread.updated" && data.id === ctx.threadId) {
    ctx.thread = { ...ctx.thread, ...data };
    changed();
  }
}

/** Start following; returns a function that stops everything it started. */
export function followThread(ctx, { log, typingLine, changed, retryWaiting }) {
  const typing = typingIndicator(ctx, typingLine);
  const refetch = () => log.loadNewest().catch(() => {});
  const stopEvents = watch(ctx.space.id, "messages", (event) => apply(ctx, { log, typing, changed, refetch }, event));
  const stopConnection = subscribe("connection", ({ state, previous }) => {
    if (state === "online" && previous !== "online") {
      // Resume: the socket replays events after the last id it saw; this also covers
      // anything that happened before the first event of the visit. Merged by id, so nothing doubles.
      refetch();
      retryWaiting();
    }
  });
  window.addEventListener("online", retryWaiting);
  // Without a realtime connection (or while it reconnects) poll, so no message is missed.
  const poller = setInterval(() => {
    if (connectionState() !== "online" && navigator.onLine && document.visibilityState === "visible") refetch();
  }, 4000);
  return () => {
    stopEvents();
    typing.stop();
    stopConnection();
    clearInterval(poller);
    window.removeEventListener("online", retryWaiting);
  };
}
