// A thread: its header, the message log (live), who is typing, and the composer. The parts share
// `ctx`, the screen's state: the thread as last known, the space, my rights, the members.
import { api } from "../../api.js";
import { t } from "../../i18n.js";
import { setCurrentSpace, setTitle } from "../../nav.js";
import { loadSpace } from "../../parts/space.js";
import { loadCities, store } from "../../store.js";
import { h } from "../../ui.js";
import { markNotificationsSeen, markRead, rememberPosition } from "../../unread.js";
import { messageView } from "../../parts/message_actions.js";
import { composer } from "./composer.js";
import { threadHeader } from "./header.js";
import { messageLog } from "./log.js";
import { messageElement } from "../../parts/message_element.js";
import { poster } from "./post.js";
import { followThread } from "./updates.js";

async function context(threadId) {
  const [thread, readState] = await Promise.all([api.get(`/api/threads/${threadId}`),
    api.get(`/api/threads/${threadId}/read`).catch(() => null)]);
  const space = await loadSpace(thread.space_id);
  await loadCities().catch(() => {});
  const me = store.me;
  const ctx = { threadId, thread, space, me, members: [],
    isModerator: space.my_role === "moderator" || me.is_admin,
    canPost: Boolean(space.my_role) || me.is_admin,
    // Where I stopped reading, on any device: the "New messages" line goes after it.
    readAtOpen: (readState && readState.last_read_message_id) || 0 };
  api.get(`/api/spaces/${space.id}/members`).then((page) => { ctx.members = page.items.filter((m) => m.state === "active"); }).catch(() => {});
  return ctx;
}

/** The first screenful: at the "New messages" line, at the linked message, or at the end. */
function openAt(ctx, log, items) {
  const firstUnread = items.find((m) => m.id > ctx.readAtOpen && !log.fromMe(m));
  if (ctx.readAtOpen && firstUnread) {
    log.elements.get(firstUnread.id).before(h("li", { class: "divider" }, h("span", { role: "separator" }, t("thread.new_messages"))));
    log.elements.get(firstUnread.id).scrollIntoView({ block: "center" });
  } else if (location.hash && document.querySelector(location.hash)) {
    document.querySelector(location.hash).scrollIntoView({ block: "center" });
    document.querySelector(location.hash).classList.add("highlight");
  } else log.scrollToEnd();
  if (!items.length) log.list.append(h("li", { class: "muted empty-log" }, t("thread.empty")));
}

export async function show(main, [id]) {
  const ctx = await context(Number(id));
  const { threadId, space } = ctx;
  setTitle(ctx.thread.title, space.name);
  setCurrentSpace(space.id);
  rememberPosition(threadId, ctx.readAtOpen);

  const log = messageLog(ctx, (message) => messageElement(message, view));
  const view = messageView(ctx, log);
  const changed = () => { header.render(); composerPart.render(); setTitle(ctx.thread.title, space.name); };
  const header = threadHeader(ctx, changed);
  const sender = poster(ctx, log, { onLocked: () => { ctx.thread = { ...ctx.thread, locked: true }; header.render(); } });
  const composerPart = composer(ctx, { log, view, sender });
  const typingLine = h("p", { class: "typing", "aria-live": "off" });
  main.append(h("section", { class: "thread-page" }, header.element, log.element, typingLine, composerPart.element));

  const stopFollowing = followThread(ctx, { log, typingLine, changed, retryWaiting: () => sender.retryWaiting(composerPart.element) });
  changed();
  const items = await log.loadNewest();
  openAt(ctx, log, items);
  if (document.visibilityState === "visible" && items.length) markRead(threadId, log.newest());
  markNotificationsSeen(threadId);
  const onVisible = () => {
    if (document.visibilityState !== "visible") return;
    if (log.newest()) markRead(threadId, log.newest());
    markNotificationsSeen(threadId);
  };
  document.addEventListener("visibilitychange", onVisible);
  return () => {
    stopFollowing();
    document.removeEventListener("visibilitychange", onVisible);
  };
}
