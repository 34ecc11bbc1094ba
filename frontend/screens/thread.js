import { api } from "../api.js";
import { setCurrentSpace, setTitle } from "../app.js";
import { formatList, formatNumber, formatTime, t } from "../i18n.js";
import { live } from "../live.js";
import { renderMarkdown } from "../markdown.js";
import { cityName, loadCities, store } from "../store.js";
import { markNotificationsSeen, markRead, rememberPosition } from "../unread.js";
import { announce, avatar, clear, describeError, h, toast } from "../ui.js";
import { loadSpace } from "./space.js";
import { themeChips } from "./parts.js";
import { flagButton, moderationActions } from "./moderation.js";

const QUICK_REACTIONS = ["👍", "❤️", "🎉", "👏", "🙏", "💡"];
const TYPING_SEND_EVERY = 3000;
const TYPING_SHOWN_FOR = 6000;

function plain(html) {
  const box = document.createElement("div");
  box.innerHTML = html;
  return (box.textContent || "").trim();
}

export async function show(main, [id]) {
  const threadId = Number(id);
  const [thread, readState] = await Promise.all([api.get(`/api/threads/${threadId}`),
    api.get(`/api/threads/${threadId}/read`).catch(() => null)]);
  const space = await loadSpace(thread.space_id);
  await loadCities().catch(() => {});
  setTitle(thread.title, space.name);
  setCurrentSpace(space.id);
  const me = store.me;
  const isModerator = space.my_role === "moderator" || me.is_admin;
  const canPost = Boolean(space.my_role) || me.is_admin;
  let members = [];
  api.get(`/api/spaces/${space.id}/members`).then((page) => { members = page.items.filter((m) => m.state === "active"); }).catch(() => {});

  const messages = new Map(); // id -> message
  const elements = new Map(); // id -> li
  const pending = new Map(); // client_id -> {body, element}
  // Where I stopped reading, on any device: the "New messages" line goes after it.
  const readAtOpen = (readState && readState.last_read_message_id) || 0;
  rememberPosition(threadId, readAtOpen);
  let olderCursor = null;
  let stateThread = thread;

  // --- layout -------------------------------------------------------------
  const log = h("ol", { class: "messages", "aria-label": t("thread.messages") });
  const older = h("button", { type: "button", class: "ghost small", hidden: true }, t("thread.load_older"));
  const typingLine = h("p", { class: "typing", "aria-live": "off" });
  const headerBadges = h("span", { class: "badges" });
  const headerActions = h("div", { class: "row gap" });
  const composerSlot = h("div", { class: "composer-slot" });
  const scroller = h("div", { class: "message-scroller" }, older, log);
  main.append(h("section", { class: "thread-page" },
    h("header", { class: "thread-header" },
      h("p", { class: "crumbs" }, h("a", { href: `/spaces/${space.id}` }, space.name)),
      h("div", { class: "row between wrap" },
        h("h1", {}, thread.title, headerBadges),
        headerActions),
      themeChips(thread.themes)),
    scroller,
    typingLine,
    composerSlot));

  function renderHeader() {
    clear(headerBadges,
      stateThread.pinned ? h("span", { class: "badge pin" }, t("thread.pinned")) : null,
      stateThread.locked ? h("span", { class: "badge lock" }, t("thread.locked")) : null);
    clear(headerActions);
    if (canPost) {
      headerActions.append(h("a", { class: "button small", href: `/spaces/${space.id}/library?new=practice&thread=${threadId}` },
        t("practice.from_thread_action")));
    }
    if (isModerator) {
      headerActions.append(
        h("button", { type: "button", class: "ghost small", "aria-pressed": String(stateThread.pinned), onclick: () => changeThread({ pinned: !stateThread.pinned }) },
          stateThread.pinned ? t("thread.unpin") : t("thread.pin")),
        h("button", { type: "button", class: "ghost small", "aria-pressed": String(stateThread.locked), onclick: () => changeThread({ locked: !stateThread.locked }) },
          stateThread.locked ? t("thread.unlock") : t("thread.lock")));
    }
  }

  async function changeThread(change) {
    try {
      stateThread = await api.patch(`/api/threads/${threadId}`, change);
      renderHeader();
      renderComposer();
    } catch (error) {
      toast(describeError(error), "error");
    }
  }

  // --- messages -----------------------------------------------------------
  function nearBottom() {
    const root = document.scrollingElement;
    const box = scroller.scrollHeight > scroller.clientHeight + 4 ? scroller : root;
    return box.scrollHeight - box.scrollTop - box.clientHeight < 160;
  }

  function scrollToEnd() {
    scroller.scrollTop = scroller.scrollHeight;
    const last = log.lastElementChild;
    if (last) last.scrollIntoView({ block: "end" });
  }

  function reactionBar(message) {
    const bar = h("div", { class: "reactions" });
    for (const reaction of message.reactions) {
      const mine = reaction.user_ids.includes(me.id);
      bar.append(h("button", { type: "button", class: `reaction${mine ? " mine" : ""}`, "aria-pressed": String(mine),
        "aria-label": t("reaction.label", { emoji: reaction.emoji, count: reaction.count }),
        onclick: () => react(message, reaction.emoji, !mine) },
      h("span", { "aria-hidden": "true" }, reaction.emoji), h("span", { class: "count", "aria-hidden": "true" }, formatNumber(reaction.count))));
    }
    return bar;
  }

  function reactionPicker(message, toggle) {
    const picker = h("div", { class: "picker", role: "group", "aria-label": t("reaction.pick") },
      QUICK_REACTIONS.map((emoji) => h("button", { type: "button", "aria-label": t("reaction.add", { emoji }), onclick: () => {
        picker.remove();
        toggle.setAttribute("aria-expanded", "false");
        toggle.focus();
        react(message, emoji, true);
      } }, emoji)));
    picker.addEventListener("keydown", (event) => {
      if (event.key === "Escape") { picker.remove(); toggle.setAttribute("aria-expanded", "false"); toggle.focus(); }
    });
    return picker;
  }

  async function react(message, emoji, add) {
    try {
      const path = `/api/messages/${message.id}/reactions/${encodeURIComponent(emoji)}`;
      const answer = add ? await api.put(path) : await api.del(path);
      const current = messages.get(message.id);
      if (current) { current.reactions = answer.reactions; place(current); }
    } catch (error) {
      toast(describeError(error), "error");
    }
  }

  function messageElement(message) {
    const mine = message.author && message.author.id === me.id;
    const city = message.author && message.author.city_id ? cityName(message.author.city_id) : "";
    const li = h("li", { class: `message${mine ? " mine" : ""}${message.hidden ? " is-hidden" : ""}`, id: `m${message.id}`,
      dataset: { id: String(message.id) }, tabindex: "-1" });
    const body = h("div", { class: "body" });
    if (message.hidden && !message.html) {
      body.append(h("p", { class: "muted" }, t("message.hidden")));
    } else {
      body.innerHTML = message.html; // sanitised by the server (nh3 allow-list)
    }
    for (const mention of body.querySelectorAll(".mention")) {
      if (Number(mention.dataset.userId) === me.id) mention.classList.add("me");
    }
    const actions = h("div", { class: "actions", role: "group", "aria-label": t("message.actions") });
    if (canPost && !message.hidden) {
      const toggle = h("button", { type: "button", class: "icon-button", "aria-label": t("reaction.pick"), "aria-expanded": "false", title: t("reaction.pick") }, "☺");
      toggle.addEventListener("click", () => {
        const open = li.querySelector(".picker");
        if (open) { open.remove(); toggle.setAttribute("aria-expanded", "false"); return; }
        const picker = reactionPicker(message, toggle);
        actions.after(picker);
        toggle.setAttribute("aria-expanded", "true");
        picker.querySelector("button").focus();
      });
      actions.append(toggle);
    }
    if (mine && !message.hidden) {
      actions.append(h("button", { type: "button", class: "icon-button text", onclick: () => startEdit(message, li) }, t("message.edit")));
    }
    if (mine || isModerator) {
      actions.append(h("button", { type: "button", class: "icon-button text", onclick: () => confirmDelete(message, li) }, t("message.delete")));
    }
    if (!mine) actions.append(flagButton(message));
    if (isModerator) actions.append(moderationActions(message, (updated) => { messages.set(updated.id, { ...messages.get(updated.id), ...updated }); place(messages.get(updated.id)); }));
    li.append(
      avatar(message.author),
      h("div", { class: "message-main" },
        h("div", { class: "meta" },
          h("span", { class: "author" }, message.author ? message.author.name : t("common.someone")),
          city ? h("span", { class: "muted small" }, city) : null,
          h("a", { class: "time muted small", href: `#m${message.id}` }, h("time", { datetime: message.created_at || "" }, formatTime(message.created_at))),
          message.edited_at ? h("span", { class: "muted small", title: formatTime(message.edited_at) }, t("message.edited")) : null,
          message.hidden ? h("span", { class: "badge lock" }, message.hidden_reason ? t("message.hidden_because", { reason: message.hidden_reason }) : t("message.hidden_badge")) : null),
        body,
        message.reactions.length ? reactionBar(message) : null),
      actions);
    return li;
  }

  function place(message) {
    const fresh = messageElement(message);
    const existing = elements.get(message.id);
    if (existing) {
      existing.replaceWith(fresh);
    } else {
      let before = null;
      for (const [otherId, element] of elements) {
        if (otherId > message.id && (!before || otherId < Number(before.dataset.id))) before = element;
      }
      if (before) log.insertBefore(fresh, before.previousElementSibling && before.previousElementSibling.classList.contains("divider") && Number(before.dataset.id) > readAtOpen ? before.previousElementSibling : before);
      else {
        const firstPending = log.querySelector(".message.pending");
        log.insertBefore(fresh, firstPending);
      }
    }
    elements.set(message.id, fresh);
  }

  function addMessage(message, { announceIt = false } = {}) {
    if (message.client_id && pending.has(message.client_id) && message.author && message.author.id === me.id) {
      pending.get(message.client_id).element.remove();
      pending.delete(message.client_id);
    }
    const isNew = !messages.has(message.id);
    messages.set(message.id, message);
    const stick = nearBottom();
    place(message);
    if (isNew && announceIt && (!message.author || message.author.id !== me.id)) {
      announce(t("message.announce", { name: message.author ? message.author.name : t("common.someone"), text: plain(message.html).slice(0, 200) }));
    }
    if (isNew && (stick || (message.author && message.author.id === me.id))) scrollToEnd();
    if (document.visibilityState === "visible") markRead(threadId, message.id);
  }

  function removeMessage(messageId) {
    const element = elements.get(messageId);
    if (element) element.remove();
    elements.delete(messageId);
    messages.delete(messageId);
  }

  function startEdit(message, li) {
    const area = h("textarea", { rows: "3", "aria-label": t("message.edit_label") });
    area.value = message.body;
    const error = h("p", { class: "form-error", role: "alert", hidden: true });
    const save = async () => {
      try {
        const updated = await api.patch(`/api/messages/${message.id}`, { body: area.value });
        messages.set(updated.id, updated);
        place(updated);
        elements.get(updated.id).focus();
      } catch (failure) {
        error.textContent = describeError(failure);
        error.hidden = false;
      }
    };
    const cancel = () => { place(messages.get(message.id)); elements.get(message.id).focus(); };
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
          await api.del(`/api/messages/${message.id}`);
          removeMessage(message.id);
          announce(t("message.deleted"));
          composer && composer.focus();
        } catch (error) {
          toast(describeError(error), "error");
        }
      } }, t("message.delete")),
      h("button", { type: "button", class: "ghost small", onclick: () => { box.remove(); li.focus(); } }, t("common.cancel")));
    li.querySelector(".message-main").append(box);
    box.querySelector("button").focus();
  }

  // --- loading ------------------------------------------------------------
  async function loadNewest() {
    const page = await api.get(`/api/threads/${threadId}/messages`, { direction: "backward", limit: 50 });
    const firstLoad = messages.size === 0 && olderCursor === null;
    if (firstLoad) olderCursor = page.next_cursor;
    const seen = new Set(page.items.map((m) => m.id));
    // Messages deleted while we were away are gone from the newest page.
    if (page.items.length) {
      const oldest = page.items[0].id;
      for (const messageId of [...messages.keys()]) if (messageId >= oldest && !seen.has(messageId)) removeMessage(messageId);
    }
    for (const message of page.items) {
      const known = messages.get(message.id);
      if (!known || JSON.stringify(known) !== JSON.stringify(message)) addMessage(message, { announceIt: !firstLoad && !known });
    }
    older.hidden = !olderCursor;
    return page.items;
  }

  older.addEventListener("click", async () => {
    const page = await api.get(`/api/threads/${threadId}/messages`, { direction: "backward", limit: 50, cursor: olderCursor });
    const anchor = log.firstElementChild;
    for (const message of page.items) if (!messages.has(message.id)) { messages.set(message.id, message); place(message); }
    olderCursor = page.next_cursor;
    older.hidden = !olderCursor;
    if (anchor) anchor.scrollIntoView({ block: "start" });
  });

  // --- typing -------------------------------------------------------------
  const typists = new Map(); // user id -> {name, until}
  let typingTimer = null;
  function renderTyping() {
    const now = Date.now();
    for (const [userId, entry] of typists) if (entry.until < now) typists.delete(userId);
    const names = [...typists.values()].map((entry) => entry.name);
    typingLine.textContent = names.length ? t("typing.one_or_more", { names: formatList(names), count: names.length }) : "";
    clearTimeout(typingTimer);
    if (names.length) typingTimer = setTimeout(renderTyping, 1000);
  }
  const stopTyping = live.on("typing", (frame) => {
    if (Number(frame.thread_id) !== threadId) return;
    const user = frame.user || { id: frame.user_id, name: frame.name };
    if (!user || user.id === me.id) return;
    typists.set(user.id, { name: user.name || t("common.someone"), until: Date.now() + TYPING_SHOWN_FOR });
    renderTyping();
  });

  // --- composer -----------------------------------------------------------
  let composer = null;
  let draft = sessionStorage.getItem(`citybridge.draft.${threadId}`) || "";
  function renderComposer() {
    clear(composerSlot);
    composer = null;
    if (!canPost) {
      composerSlot.append(h("p", { class: "notice" }, t("composer.read_only")));
      return;
    }
    if (stateThread.locked && !isModerator) {
      composerSlot.append(h("p", { class: "notice" }, t("composer.locked")));
      return;
    }
    composerSlot.append(composerForm());
  }

  function composerForm() {
    const area = h("textarea", { id: "composer", name: "body", rows: "3", placeholder: t("composer.placeholder", { title: stateThread.title }),
      "aria-label": t("composer.label"), "aria-describedby": "composer-hint", "aria-autocomplete": "list", "aria-controls": "mention-list" });
    area.value = draft;
    composer = area;
    const preview = h("div", { class: "preview body", id: "composer-preview", hidden: true, tabindex: "0", "aria-label": t("composer.preview") });
    const error = h("p", { class: "form-error", role: "alert", hidden: true });
    const mentionList = h("ul", { class: "mention-list", id: "mention-list", role: "listbox", hidden: true, "aria-label": t("composer.mentions") });
    const writeTab = h("button", { type: "button", role: "tab", "aria-selected": "true", "aria-controls": "composer", id: "tab-write" }, t("composer.write"));
    const previewTab = h("button", { type: "button", role: "tab", "aria-selected": "false", "aria-controls": "composer-preview", id: "tab-preview" }, t("composer.preview"));
    const send = h("button", { type: "submit", class: "primary" }, t("composer.send"));
    const form = h("form", { class: "composer", novalidate: true },
      error,
      h("div", { class: "composer-tabs", role: "tablist", "aria-label": t("composer.mode") }, writeTab, previewTab),
      h("div", { class: "composer-box" }, area, preview, mentionList),
      h("div", { class: "row between" },
        h("p", { class: "hint small", id: "composer-hint" }, t("composer.hint")),
        send));
    previewTab.tabIndex = -1;
    function mode(previewing) {
      writeTab.setAttribute("aria-selected", String(!previewing));
      previewTab.setAttribute("aria-selected", String(previewing));
      writeTab.tabIndex = previewing ? -1 : 0;
      previewTab.tabIndex = previewing ? 0 : -1;
      area.hidden = previewing;
      preview.hidden = !previewing;
      if (previewing) {
        clear(preview);
        preview.append(area.value.trim() ? renderMarkdown(area.value) : h("p", { class: "muted" }, t("composer.nothing")));
      } else area.focus();
    }
    writeTab.addEventListener("click", () => mode(false));
    previewTab.addEventListener("click", () => mode(true));
    [writeTab, previewTab].forEach((tab) => tab.addEventListener("keydown", (event) => {
      if (event.key === "ArrowRight" || event.key === "ArrowLeft") {
        const other = tab === writeTab ? previewTab : writeTab;
        other.focus();
        other.click();
      }
    }));

    // Mentions: "@na" offers members whose handle or name starts with it.
    let choices = [];
    let active = 0;
    function mentionQuery() {
      const before = area.value.slice(0, area.selectionStart);
      const match = before.match(/(^|[\s(])@([\p{L}0-9._-]*)$/u);
      return match ? match[2].toLowerCase() : null;
    }
    function closeMentions() {
      mentionList.hidden = true;
      area.removeAttribute("aria-activedescendant");
      choices = [];
    }
    function showMentions() {
      const query = mentionQuery();
      if (query === null) return closeMentions();
      choices = members.map((m) => m.user).filter((user) => user.id !== me.id &&
        (user.handle.startsWith(query) || user.name.toLowerCase().split(/\s+/).some((part) => part.startsWith(query)))).slice(0, 6);
      if (!choices.length) return closeMentions();
      active = Math.min(active, choices.length - 1);
      clear(mentionList, choices.map((user, index) => h("li", { role: "option", id: `mention-${user.id}`, "aria-selected": String(index === active),
        onmousedown: (event) => { event.preventDefault(); pick(user); } },
      avatar(user, "small"), h("span", {}, user.name), h("span", { class: "muted small" }, `@${user.handle}`))));
      mentionList.hidden = false;
      area.setAttribute("aria-activedescendant", `mention-${choices[active].id}`);
    }
    function pick(user) {
      const caret = area.selectionStart;
      const before = area.value.slice(0, caret).replace(/@([\p{L}0-9._-]*)$/u, `@${user.handle} `);
      area.value = before + area.value.slice(caret);
      area.selectionStart = area.selectionEnd = before.length;
      closeMentions();
      area.focus();
    }

    let lastTypingSent = 0;
    area.addEventListener("input", () => {
      draft = area.value;
      sessionStorage.setItem(`citybridge.draft.${threadId}`, draft);
      active = 0;
      showMentions();
      if (area.value.trim() && Date.now() - lastTypingSent > TYPING_SEND_EVERY) {
        lastTypingSent = Date.now();
        live.typing(threadId);
      }
    });
    area.addEventListener("blur", () => setTimeout(closeMentions, 150));
    area.addEventListener("keydown", (event) => {
      if (!mentionList.hidden && choices.length) {
        if (event.key === "ArrowDown" || event.key === "ArrowUp") {
          event.preventDefault();
          active = (active + (event.key === "ArrowDown" ? 1 : -1) + choices.length) % choices.length;
          showMentions();
          return;
        }
        if (event.key === "Enter" || event.key === "Tab") { event.preventDefault(); pick(choices[active]); return; }
        if (event.key === "Escape") { event.preventDefault(); closeMentions(); return; }
      }
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        form.requestSubmit();
      }
      if (event.key === "ArrowUp" && !area.value) {
        const lastMine = [...messages.values()].filter((m) => m.author && m.author.id === me.id && !m.hidden).pop();
        if (lastMine) { event.preventDefault(); startEdit(lastMine, elements.get(lastMine.id)); }
      }
    });
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const body = area.value;
      if (!body.trim()) { area.focus(); return; }
      error.hidden = true;
      area.value = "";
      draft = "";
      sessionStorage.removeItem(`citybridge.draft.${threadId}`);
      if (area.hidden) mode(false);
      post(body, crypto.randomUUID(), error, area);
    });
    return form;
  }

  async function post(body, clientId, error, area) {
    let entry = pending.get(clientId);
    if (!entry) {
      const element = h("li", { class: "message mine pending", dataset: { client: clientId } },
        avatar(me), h("div", { class: "message-main" },
          h("div", { class: "meta" }, h("span", { class: "author" }, me.name), h("span", { class: "muted small status" }, t("message.sending"))),
          h("div", { class: "body" }, renderMarkdown(body))));
      entry = { body, element };
      pending.set(clientId, entry);
      log.append(element);
      scrollToEnd();
    }
    const status = entry.element.querySelector(".status");
    status.textContent = t("message.sending");
    entry.element.classList.remove("failed");
    entry.element.querySelector(".retry")?.remove();
    try {
      const message = await api.post(`/api/threads/${threadId}/messages`, { body, client_id: clientId });
      addMessage(message);
    } catch (failure) {
      if (failure.status === 0 || failure.status >= 500 || failure.status === 429) {
        // Nothing was lost: the same client_id makes the retry create the message once.
        entry.element.classList.add("failed");
        status.textContent = t("message.not_sent");
        const retry = h("button", { type: "button", class: "ghost small retry", onclick: () => post(body, clientId, error, area) }, t("message.retry"));
        entry.element.querySelector(".meta").append(retry);
        if (failure.status === 0) waitingRetries.add(clientId);
      } else {
        entry.element.remove();
        pending.delete(clientId);
        if (area && !area.value) area.value = body;
        error.textContent = describeError(failure);
        error.hidden = false;
        if (failure.code === "thread_locked") { stateThread = { ...stateThread, locked: true }; renderHeader(); }
      }
    }
  }
  const waitingRetries = new Set();
  function retryWaiting() {
    for (const clientId of [...waitingRetries]) {
      waitingRetries.delete(clientId);
      const entry = pending.get(clientId);
      if (entry) post(entry.body, clientId, composerSlot.querySelector(".form-error") || h("p"), composer);
    }
  }

  // --- live ---------------------------------------------------------------
  const stopEvents = live.subscribe(space.id, (event) => {
    const data = event.data || {};
    const belongs = Number(data.thread_id ?? data.id) === threadId || Number(data.thread_id) === threadId;
    switch (event.kind) {
      case "message.created":
        if (data.thread_id === threadId) {
          if (typists.has(data.author && data.author.id)) { typists.delete(data.author.id); renderTyping(); }
          addMessage(data, { announceIt: true });
        }
        break;
      case "message.edited":
        if (data.thread_id === threadId && messages.has(data.id)) {
          const hiddenFromMe = data.hidden && !isModerator && !(data.author && data.author.id === me.id);
          if (hiddenFromMe) removeMessage(data.id); else addMessage(data);
        }
        break;
      case "message.deleted":
        if (data.thread_id === threadId) removeMessage(data.id);
        break;
      case "message.hidden":
      case "message.unhidden": {
        const messageId = data.id ?? data.message_id;
        if (!messages.has(messageId)) break;
        const author = messages.get(messageId).author;
        if (event.kind === "message.hidden" && !isModerator && !(author && author.id === me.id)) {
          removeMessage(messageId);
        } else {
          loadNewest().catch(() => {});
        }
        break;
      }
      case "reaction.added":
      case "reaction.removed": {
        const message = messages.get(data.message_id);
        if (!message || data.user_id === me.id) break; // our own answer already updated it
        let reaction = message.reactions.find((r) => r.emoji === data.emoji);
        if (event.kind === "reaction.added") {
          if (!reaction) { reaction = { emoji: data.emoji, count: 0, user_ids: [] }; message.reactions.push(reaction); }
          if (!reaction.user_ids.includes(data.user_id)) { reaction.user_ids.push(data.user_id); reaction.count += 1; }
        } else if (reaction && reaction.user_ids.includes(data.user_id)) {
          reaction.user_ids = reaction.user_ids.filter((userId) => userId !== data.user_id);
          reaction.count -= 1;
          if (!reaction.count) message.reactions = message.reactions.filter((r) => r !== reaction);
        }
        place(message);
        break;
      }
      case "reset":
        loadNewest().catch(() => {});
        break;
      case "thread.updated":
        if (belongs && data.id === threadId) {
          stateThread = { ...stateThread, ...data };
          renderHeader();
          renderComposer();
        }
        break;
      default:
    }
  });

  const stopStatus = live.on("status", (state, previous) => {
    if (state === "online" && previous !== "online") {
      // Resume: the socket replays events after the last id it saw; this also covers
      // anything that happened before the first event of the visit. Merged by id, so nothing doubles.
      loadNewest().catch(() => {});
      retryWaiting();
    }
  });
  const onOnline = () => retryWaiting();
  window.addEventListener("online", onOnline);
  // Without a realtime connection (or while it reconnects) poll, so no message is missed.
  const poller = setInterval(() => {
    if (live.state !== "online" && navigator.onLine && document.visibilityState === "visible") loadNewest().catch(() => {});
  }, 4000);

  renderHeader();
  renderComposer();
  const items = await loadNewest();
  const firstUnread = items.find((m) => m.id > readAtOpen && !(m.author && m.author.id === me.id));
  if (readAtOpen && firstUnread) {
    elements.get(firstUnread.id).before(h("li", { class: "divider", role: "separator" }, h("span", {}, t("thread.new_messages"))));
    elements.get(firstUnread.id).scrollIntoView({ block: "center" });
  } else if (location.hash && document.querySelector(location.hash)) {
    document.querySelector(location.hash).scrollIntoView({ block: "center" });
    document.querySelector(location.hash).classList.add("highlight");
  } else scrollToEnd();
  if (!items.length) log.append(h("li", { class: "muted empty-log" }, t("thread.empty")));
  if (document.visibilityState === "visible" && items.length) markRead(threadId, Math.max(...messages.keys()));
  markNotificationsSeen(threadId);
  const onVisible = () => {
    if (document.visibilityState === "visible") {
      const newest = Math.max(0, ...messages.keys());
      if (newest) markRead(threadId, newest);
      markNotificationsSeen(threadId);
    }
  };
  document.addEventListener("visibilitychange", onVisible);

  return () => {
    stopEvents();
    stopTyping();
    stopStatus();
    clearInterval(poller);
    clearTimeout(typingTimer);
    window.removeEventListener("online", onOnline);
    document.removeEventListener("visibilitychange", onVisible);
  };
}
