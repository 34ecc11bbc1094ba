// A space: its threads (kept live, with unread counts), who is online, its themes.
import { api } from "../../api.js";
import { watch } from "../../dispatch.js";
import { t } from "../../i18n.js";
import { navigate, setCurrentSpace, setTitle } from "../../nav.js";
import { presenceList } from "../../parts/presence.js";
import { loadSpace, spaceHeader, themeChips } from "../../parts/space.js";
import { store } from "../../store.js";
import { clear, emptyState, h, spinner } from "../../ui.js";
import { onUnread } from "../../unread.js";
import { newThreadForm } from "./new-thread.js";
import { threadRow } from "./threads.js";

/** The thread list, a page at a time, with per-thread unread counts from the server. */
function threadList(space, canPost) {
  const list = h("ul", { class: "threads" }, spinner("li"));
  const more = h("button", { type: "button", class: "ghost", hidden: true }, t("common.load_more"));
  let cursor = null;
  const threads = new Map(); // id -> thread, in the order shown
  let counts = new Map(); // thread id -> {unread, mentions}
  async function loadCounts() {
    if (!space.my_role) return;
    try {
      const answer = await api.get(`/api/spaces/${space.id}/unread`);
      counts = new Map(answer.threads.map((entry) => [entry.thread_id, entry]));
      for (const [threadId, thread] of threads) {
        const row = list.querySelector(`[data-thread="${threadId}"]`);
        if (row) row.replaceWith(threadRow(thread, counts.get(threadId)));
      }
    } catch { /* the list still works without counts */ }
  }
  async function loadPage() {
    const [page] = await Promise.all([api.get(`/api/spaces/${space.id}/threads`, { limit: 30, cursor }), cursor ? null : loadCounts()]);
    if (!cursor) { clear(list); threads.clear(); }
    page.items.forEach((thread) => { threads.set(thread.id, thread); list.append(threadRow(thread, counts.get(thread.id))); });
    if (!list.childElementCount) list.append(h("li", {}, emptyState(t("space.no_threads"), canPost ? t("space.no_threads_hint") : null)));
    cursor = page.next_cursor;
    more.hidden = !cursor;
  }
  more.addEventListener("click", loadPage);
  const reload = () => { cursor = null; return loadPage(); };
  return { list, more, reload, loadCounts };
}

/** Search within this space: the search screen with the space's filter chosen. */
function spaceSearch(space) {
  const input = h("input", { type: "search", name: "q", id: "space-search", "aria-label": t("space.search") });
  return h("section", {},
    h("h2", { class: "side-title" }, h("label", { for: "space-search" }, t("space.search"))),
    h("form", { role: "search", "aria-label": t("space.search"), class: "space-search row", onsubmit: (event) => {
      event.preventDefault();
      if (input.value.trim()) navigate(`/search?${new URLSearchParams({ q: input.value.trim(), space: space.id })}`);
    } }, input, h("button", { type: "submit", class: "small" }, t("search.submit"))));
}

export async function show(main, [id]) {
  const spaceId = Number(id);
  const space = await loadSpace(spaceId);
  setTitle(space.name);
  setCurrentSpace(spaceId);
  const formSlot = h("div");
  const canPost = space.my_role || (store.me && store.me.is_admin);
  const newButton = canPost ? h("button", { type: "button", class: "primary", onclick: () => {
    newButton.hidden = true;
    clear(formSlot, newThreadForm(space, (thread) => {
      clear(formSlot);
      newButton.hidden = false;
      if (thread) navigate(`/threads/${thread.id}`);
      else newButton.focus();
    }));
  } }, t("thread.new")) : null;
  const presence = presenceList(spaceId);
  const threads = threadList(space, canPost);
  main.append(h("div", { class: "with-aside" },
    h("section", { class: "page" },
      spaceHeader(space, "threads"),
      space.description ? h("p", { class: "muted" }, space.description) : null,
      h("div", { class: "row between" }, h("h2", { class: "section-title" }, t("space.threads")), newButton),
      formSlot,
      threads.list, threads.more),
    h("aside", { class: "aside" }, spaceSearch(space), presence.element, h("section", {},
      h("h2", { class: "side-title" }, t("common.themes")), themeChips(space.themes) || h("p", { class: "muted small" }, "—")))));
  // thread.created, thread.updated, message.created and reset (dispatch.js, "threads").
  const stopLive = watch(spaceId, "threads", () => threads.reload().catch(() => {}));
  // My read position moved (here, or on another device): the per-thread counts follow.
  const stopCounts = onUnread(() => threads.loadCounts());
  await threads.reload();
  return () => { stopLive(); presence.stop(); stopCounts(); };
}
