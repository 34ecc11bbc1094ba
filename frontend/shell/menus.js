// The top bar's drop-downs: my account, and the bell with the mentions of me.
import { api } from "../api.js";
import { formatDate, formatRelative, formatTime, t } from "../i18n.js";
import { signOut } from "../session.js";
import { store } from "../store.js";
import { avatar, clear, h } from "../ui.js";
import { markNotificationsSeen, onUnread, totalMentions, unseenNotifications } from "../unread.js";

export function userMenu() {
  const me = store.me;
  const panel = h("div", { class: "menu-panel", id: "user-menu", hidden: true },
    h("p", { class: "menu-who" }, h("strong", {}, me.name), h("span", {}, me.email)),
    h("a", { href: "/settings" }, t("nav.settings")),
    me.is_admin ? h("a", { href: "/admin" }, t("nav.admin")) : null,
    h("button", { type: "button", class: "menu-item", onclick: signOut }, t("nav.signout")));
  const button = h("button", { type: "button", class: "user-button", "aria-haspopup": "true", "aria-expanded": "false",
    "aria-controls": "user-menu", "aria-label": t("nav.account", { name: me.name }), onclick: () => toggle() }, avatar(me));
  function toggle(open = panel.hidden) {
    panel.hidden = !open;
    button.setAttribute("aria-expanded", String(open));
    if (open) panel.querySelector("a, button").focus();
  }
  menuKeys(panel, button, toggle);
  panel.addEventListener("click", (event) => { if (event.target.closest("a")) toggle(false); });
  document.addEventListener("click", (event) => { if (!event.target.closest(".user")) toggle(false); });
  return h("div", { class: "user" }, button, panel);
}

/** Keyboard in a drop-down panel: arrows and Home/End move, Escape closes and gives focus back, Tab leaves. */
function menuKeys(panel, button, toggle) {
  panel.addEventListener("keydown", (event) => {
    const items = [...panel.querySelectorAll("a, button")];
    const index = items.indexOf(document.activeElement);
    const moves = { ArrowDown: index + 1, ArrowUp: index - 1, Home: 0, End: items.length - 1 };
    if (event.key === "Escape") { event.preventDefault(); toggle(false); button.focus(); }
    else if (event.key in moves && items.length) {
      event.preventDefault();
      items[(moves[event.key] + items.length) % items.length].focus();
    }
  });
  panel.addEventListener("focusout", (event) => {
    if (!panel.hidden && event.relatedTarget && !panel.contains(event.relatedTarget) && event.relatedTarget !== button) toggle(false);
  });
  button.addEventListener("keydown", (event) => {
    if (event.key === "ArrowDown" && panel.hidden) { event.preventDefault(); toggle(true); }
  });
}

/** One mention: who, in which thread, what they wrote (plain text), where and when. */
function mentionItem(item) {
  return h("li", { class: item.unread ? "fresh" : "" }, h("a", { href: `/threads/${item.thread_id}#m${item.message_id}` },
    h("strong", {}, item.author ? item.author.name : t("common.someone")), " ",
    t("notify.mentioned_in", { title: item.thread_title }),
    h("span", { class: "notify-excerpt" }, item.excerpt),
    h("span", { class: "notify-where muted small" }, item.space_name, " · ",
      h("time", { datetime: item.created_at || "", title: item.created_at ? `${formatDate(item.created_at, "full")} ${formatTime(item.created_at)}` : "" },
        formatRelative(item.created_at)))));
}

/** `mentions` is the newest page of GET /api/mentions, or null before it came. */
function mentionItems(mentions) {
  const items = mentions || [];
  return [
    h("h2", { class: "menu-title" }, t("notify.title")),
    items.length ? h("ul", { class: "notify-list" }, items.map(mentionItem)) : null,
    mentions && !items.length ? h("p", { class: "muted small menu-empty" }, t("notify.none")) : null,
  ];
}

/** The bell: mentions of me, counted by the server and announced live on my own stream. */
export function notificationsMenu() {
  const count = h("span", { class: "bell-count", "aria-hidden": "true", hidden: true });
  const button = h("button", { type: "button", class: "icon-button bell", "aria-haspopup": "true", "aria-expanded": "false",
    "aria-controls": "notifications", "aria-label": t("notify.button") },
  h("span", { class: "bell-icon", "aria-hidden": "true" }, "@"), count);
  const panel = h("div", { class: "menu-panel notify-panel", id: "notifications", hidden: true, role: "region", "aria-label": t("notify.title") });
  let mentions = null;
  // The list comes from the server (only spaces I may still read, no hidden text), fetched when
  // the panel opens and again on every change of the counts while it is open.
  async function load() {
    try {
      mentions = (await api.get("/api/mentions", { limit: 15 })).items;
    } catch {
      mentions = mentions || [];
    }
  }
  function render() {
    const shown = Math.max(totalMentions(), unseenNotifications());
    count.hidden = !shown;
    count.textContent = shown > 99 ? "99+" : String(shown);
    button.setAttribute("aria-label", shown ? t("notify.button_count", { count: shown }) : t("notify.button"));
    if (panel.hidden) return;
    const links = () => [...panel.querySelectorAll("a")];
    const focused = links().indexOf(document.activeElement);
    clear(panel, mentionItems(mentions));
    if (focused >= 0) (links()[Math.min(focused, links().length - 1)] || panel).focus(); // a live update keeps the reader's place
  }
  async function toggle(open = panel.hidden) {
    const wasOpen = !panel.hidden;
    if (open && !wasOpen) await load();
    panel.hidden = !open;
    button.setAttribute("aria-expanded", String(open));
    if (open) {
      render();
      const first = panel.querySelector("a");
      if (!first) panel.setAttribute("tabindex", "-1");
      (first || panel).focus();
    } else if (wasOpen) markNotificationsSeen(); // seen once the list was open; the server's counts stay until read
  }
  button.addEventListener("click", () => toggle());
  menuKeys(panel, button, toggle);
  panel.addEventListener("click", (event) => { if (event.target.closest("a")) toggle(false); });
  document.addEventListener("click", (event) => { if (!event.target.closest(".notify")) toggle(false); });
  onUnread(() => { if (panel.hidden) render(); else load().then(render); });
  render();
  return h("div", { class: "user notify" }, button, panel);
}
