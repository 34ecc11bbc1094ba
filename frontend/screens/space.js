import { api } from "../api.js";
import { navigate, setCurrentSpace, setTitle } from "../app.js";
import { formatRelative, t } from "../i18n.js";
import { live } from "../live.js";
import { loadSpaces, spaceById, store } from "../store.js";
import { onUnread } from "../unread.js";
import { avatar, busy, clear, emptyState, field, formError, h, showFormError, spinner, themeLabel, uid } from "../ui.js";
import { spaceHeader, themeChips } from "./parts.js";
import { THEMES } from "./themes.js";

export async function loadSpace(id) {
  let space = spaceById(id);
  if (!space) {
    space = await api.get(`/api/spaces/${id}`);
    await loadSpaces().catch(() => {});
  }
  return space;
}

function unreadBadge(counts) {
  if (!counts || !counts.unread) return null;
  return h("span", { class: `count-badge${counts.mentions ? " has-mention" : ""}` },
    h("span", { "aria-hidden": "true" }, counts.mentions ? `@${counts.mentions}` : String(counts.unread)),
    h("span", { class: "visually-hidden" }, counts.mentions
      ? t("unread.with_mentions", { count: counts.unread, mentions: counts.mentions }) : t("unread.count", { count: counts.unread })));
}

function threadRow(thread, counts) {
  const unread = Boolean(counts && counts.unread);
  return h("li", { class: `thread-row${unread ? " unread" : ""}`, dataset: { thread: String(thread.id) } },
    avatar(thread.author),
    h("div", { class: "thread-main" },
      h("a", { href: `/threads/${thread.id}`, class: "thread-title stretched" },
        thread.pinned ? h("span", { class: "badge pin" }, t("thread.pinned")) : null,
        thread.locked ? h("span", { class: "badge lock" }, t("thread.locked")) : null,
        thread.title,
        unreadBadge(counts)),
      h("p", { class: "muted small" },
        thread.author ? thread.author.name : t("common.someone"), " · ",
        h("time", { datetime: thread.last_activity_at || "" }, formatRelative(thread.last_activity_at))),
      themeChips(thread.themes)));
}

function themePicker(name) {
  const boxes = THEMES.map((slug) => h("label", { class: "check" },
    h("input", { type: "checkbox", name, value: slug }), themeLabel(slug)));
  return h("fieldset", { class: "field themes", dataset: { field: name } },
    h("legend", {}, t("common.themes")), h("div", { class: "check-grid" }, boxes),
    h("p", { class: "field-error", id: uid("err"), hidden: true }));
}

function newThreadForm(space, onDone) {
  const title = h("input", { type: "text", name: "title", required: true, maxlength: "200" });
  const body = h("textarea", { name: "body", rows: "5", required: true });
  const form = h("form", { class: "card stack new-thread", novalidate: true, "aria-labelledby": "new-thread-title" },
    h("h2", { id: "new-thread-title" }, t("thread.new")),
    formError(),
    field(t("thread.title_label"), title),
    field(t("thread.first_message"), body, { hint: t("composer.markdown_hint") }),
    themePicker("themes"),
    h("div", { class: "row end" },
      h("button", { type: "button", class: "ghost", onclick: () => onDone(null) }, t("common.cancel")),
      h("button", { type: "submit", class: "primary" }, t("thread.start"))));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    await busy(form, async () => {
      try {
        const themes = [...form.querySelectorAll('input[name="themes"]:checked')].map((box) => box.value);
        const thread = await api.post(`/api/spaces/${space.id}/threads`, {
          title: title.value.trim(), body: body.value, themes, client_id: crypto.randomUUID(),
        });
        onDone(thread);
      } catch (error) {
        showFormError(form, error);
      }
    });
  });
  setTimeout(() => title.focus());
  return form;
}

export function presenceList(spaceId) {
  const box = h("section", { class: "presence", "aria-labelledby": "presence-title" },
    h("h2", { id: "presence-title", class: "side-title" }, t("presence.title")),
    h("ul", { class: "people" }, h("li", { class: "muted small" }, t("presence.nobody"))));
  const online = new Map();
  const render = () => {
    const users = [...online.values()].filter((user) => user.id !== store.me.id).sort((a, b) => a.name.localeCompare(b.name));
    clear(box.querySelector("ul"), users.length
      ? users.map((user) => h("li", {}, h("span", { class: "online-dot", "aria-hidden": "true" }), avatar(user, "small"), user.name))
      : h("li", { class: "muted small" }, t("presence.nobody")));
  };
  const stop = live.on("presence", (frame) => {
    if (frame.space_id !== spaceId) return;
    online.clear();
    live.presence(spaceId).forEach((user) => online.set(user.id, user));
    render();
  });
  live.presence(spaceId).forEach((user) => online.set(user.id, user));
  render();
  return { element: box, stop };
}

export async function show(main, [id]) {
  const spaceId = Number(id);
  const space = await loadSpace(spaceId);
  setTitle(space.name);
  setCurrentSpace(spaceId);
  const list = h("ul", { class: "threads" });
  const more = h("button", { type: "button", class: "ghost", hidden: true }, t("common.load_more"));
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
  main.append(h("div", { class: "with-aside" },
    h("section", { class: "page" },
      spaceHeader(space, "threads"),
      space.description ? h("p", { class: "muted" }, space.description) : null,
      h("div", { class: "row between" }, h("h2", { class: "section-title" }, t("space.threads")), newButton),
      formSlot,
      list, more),
    h("aside", { class: "aside" }, presence.element, h("section", {},
      h("h2", { class: "side-title" }, t("common.themes")), themeChips(space.themes) || h("p", { class: "muted small" }, "—")))));
  list.append(spinner("li"));
  let cursor = null;
  const threads = new Map(); // id -> thread, in the order shown
  let counts = new Map(); // thread id -> {unread, mentions}
  async function loadCounts() {
    if (!space.my_role) return;
    try {
      const answer = await api.get(`/api/spaces/${spaceId}/unread`);
      counts = new Map(answer.threads.map((entry) => [entry.thread_id, entry]));
      for (const [threadId, thread] of threads) {
        const row = list.querySelector(`[data-thread="${threadId}"]`);
        if (row) row.replaceWith(threadRow(thread, counts.get(threadId)));
      }
    } catch { /* the list still works without counts */ }
  }
  async function loadPage() {
    const [page] = await Promise.all([api.get(`/api/spaces/${spaceId}/threads`, { limit: 30, cursor }), cursor ? null : loadCounts()]);
    if (!cursor) { clear(list); threads.clear(); }
    page.items.forEach((thread) => { threads.set(thread.id, thread); list.append(threadRow(thread, counts.get(thread.id))); });
    if (!list.childElementCount) list.append(h("li", {}, emptyState(t("space.no_threads"), canPost ? t("space.no_threads_hint") : null)));
    cursor = page.next_cursor;
    more.hidden = !cursor;
  }
  more.addEventListener("click", loadPage);
  const stopLive = live.subscribe(spaceId, (event) => {
    if (["thread.created", "thread.updated", "message.created", "reset"].includes(event.kind)) {
      cursor = null;
      loadPage().catch(() => {});
    }
  });
  // My read position moved (here, or on another device): the per-thread counts follow.
  const stopCounts = onUnread(() => loadCounts());
  await loadPage();
  return () => { stopLive(); presence.stop(); stopCounts(); };
}
