// The composer: write or preview (tabs), mentions, typing signals, Enter to send, ↑ to edit my
// last message; a notice instead when I may not post or the thread is locked.
import { sendTyping } from "../../dispatch.js";
import { t } from "../../i18n.js";
import { renderMarkdown } from "../../markdown.js";
import { clear, h } from "../../ui.js";
import { mentionSuggestions } from "./mentions.js";

const TYPING_SEND_EVERY = 3000;
const narrow = () => window.matchMedia("(max-width: 800px), (pointer: coarse)").matches;

/** Write and Preview tabs over the textarea; returns mode(previewing). */
function writePreviewTabs(area, preview, writeTab, previewTab) {
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
  return mode;
}

/** "Replying to …" above the text box, with a button to drop it; `set(message)` or `set(null)`. */
function replyBar(area) {
  let replyTo = null;
  const bar = h("div", { class: "replying", hidden: true });
  function set(message) {
    replyTo = message;
    clear(bar);
    bar.hidden = !message;
    if (!message) return;
    const name = message.author ? message.author.name : t("common.someone");
    const text = new DOMParser().parseFromString(message.html || "", "text/html").body.textContent.trim();
    bar.append(h("div", { class: "quote" }, h("span", { class: "quote-author" }, t("message.replying_to", { name })),
      h("span", { class: "quote-text" }, text.length > 160 ? `${text.slice(0, 159)}…` : text)),
    h("button", { type: "button", class: "icon-button", "aria-label": t("message.cancel_reply"), title: t("message.cancel_reply"),
      onclick: () => { set(null); area.focus(); } }, "×"));
    area.focus();
  }
  return { element: bar, set, get: () => replyTo };
}

function composerForm(ctx, { log, view, sender, draft }) {
  const area = h("textarea", { id: "composer", name: "body", rows: "3", placeholder: t("composer.placeholder", { title: ctx.thread.title }),
    "aria-label": t("composer.label"), "aria-describedby": "composer-hint", "aria-autocomplete": "list", "aria-controls": "mention-list" });
  area.value = draft.value;
  const preview = h("div", { class: "preview body", id: "composer-preview", hidden: true, tabindex: "0", "aria-label": t("composer.preview") });
  const error = h("p", { class: "form-error", role: "alert", hidden: true });
  const mentions = mentionSuggestions(area, ctx);
  const replying = replyBar(area);
  ctx.startReply = replying.set;
  const writeTab = h("button", { type: "button", role: "tab", "aria-selected": "true", "aria-controls": "composer", id: "tab-write" }, t("composer.write"));
  const previewTab = h("button", { type: "button", role: "tab", "aria-selected": "false", "aria-controls": "composer-preview", id: "tab-preview" }, t("composer.preview"));
  const form = h("form", { class: "composer", novalidate: true },
    error,
    replying.element,
    h("div", { class: "composer-tabs", role: "tablist", "aria-label": t("composer.mode") }, writeTab, previewTab),
    h("div", { class: "composer-box" }, area, preview, mentions.element),
    h("div", { class: "row between" },
      // On a phone the keyboard's own key says what Enter does; the hint would only take room.
      narrow() ? h("span", { id: "composer-hint", hidden: true }) : h("p", { class: "hint small", id: "composer-hint" }, t("composer.hint")),
      h("button", { type: "submit", class: "primary" }, t("composer.send"))));
  const mode = writePreviewTabs(area, preview, writeTab, previewTab);
  let lastTypingSent = 0;
  area.addEventListener("input", () => {
    draft.set(area.value);
    mentions.input();
    if (area.value.trim() && Date.now() - lastTypingSent > TYPING_SEND_EVERY) {
      lastTypingSent = Date.now();
      sendTyping(ctx.threadId);
    }
  });
  area.addEventListener("keydown", (event) => {
    if (mentions.keydown(event)) return;
    if (event.key === "Escape" && replying.get()) { event.preventDefault(); replying.set(null); return; }
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      form.requestSubmit();
    }
    if (event.key === "ArrowUp" && !area.value) {
      const lastMine = [...log.messages.values()].filter((m) => log.fromMe(m) && !m.hidden).pop();
      if (lastMine) { event.preventDefault(); view.startEdit(lastMine, log.elements.get(lastMine.id)); }
    }
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const body = area.value;
    if (!body.trim()) { area.focus(); return; }
    error.hidden = true;
    area.value = "";
    draft.set("");
    if (area.hidden) mode(false);
    const replyTo = replying.get();
    replying.set(null);
    sender.post(body, crypto.randomUUID(), error, area, replyTo ? replyTo.id : null);
  });
  return form;
}

/** The composer's slot; render() again when the thread is locked or unlocked. */
export function composer(ctx, parts) {
  const slot = h("div", { class: "composer-slot" });
  const key = `citybridge.draft.${ctx.threadId}`;
  // The draft survives a re-render and a reload of the page (this tab only).
  const draft = {
    value: sessionStorage.getItem(key) || "",
    set(text) {
      this.value = text;
      if (text) sessionStorage.setItem(key, text);
      else sessionStorage.removeItem(key);
    },
  };
  function render() {
    clear(slot);
    if (!ctx.canPost) {
      slot.append(h("p", { class: "notice" }, t("composer.read_only")));
      return;
    }
    if (ctx.thread.locked && !ctx.isModerator) {
      slot.append(h("p", { class: "notice" }, t("composer.locked")));
      return;
    }
    slot.append(composerForm(ctx, { ...parts, draft }));
  }
  return { element: slot, render };
}
