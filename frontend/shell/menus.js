// The top bar's drop-downs: my account, and the bell with the mentions of me.
import { t } from "../i18n.js";
import { signOut } from "../session.js";
import { store } from "../store.js";
import { avatar, clear, h } from "../ui.js";
import { markNotificationsSeen, onUnread, spaceUnread, totalMentions, unread, unseenNotifications } from "../unread.js";

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

function mentionItems() {
  const spaces = store.spaces.filter((space) => spaceUnread(space.id).mentions);
  return [
    h("h2", { class: "menu-title" }, t("notify.title")),
    unread.notifications.length ? h("ul", { class: "notify-list" }, unread.notifications.slice(0, 10).map((item) =>
      h("li", { class: item.seen ? "" : "fresh" }, h("a", { href: `/threads/${item.thread_id}#m${item.message_id}` },
        h("strong", {}, item.author ? item.author.name : t("common.someone")), " ",
        t("notify.mentioned_in", { title: item.thread_title || "" }))))) : null,
    spaces.length ? h("ul", { class: "notify-list" }, spaces.map((space) => h("li", {}, h("a", { href: `/spaces/${space.id}` },
      t("notify.space_mentions", { count: spaceUnread(space.id).mentions, space: space.name }))))) : null,
    !unread.notifications.length && !spaces.length ? h("p", { class: "muted small menu-empty" }, t("notify.none")) : null,
  ];
}

/** The bell: mentions of me, counted by the server and announced live on my own stream. */
export function notificationsMenu() {
  const count = h("span", { class: "bell-count", "aria-hidden": "true", hidden: true });
  const button = h("button", { type: "button", class: "icon-button bell", "aria-haspopup": "true", "aria-expanded": "false",
    "aria-controls": "notifications", "aria-label": t("notify.button") },
  h("span", { class: "bell-icon", "aria-hidden": "true" }, "@"), count);
  const panel = h("div", { class: "menu-panel notify-panel", id: "notifications", hidden: true, role: "region", "aria-label": t("notify.title") });
  function render() {
    const shown = Math.max(totalMentions(), unseenNotifications());
    count.hidden = !shown;
    count.textContent = shown > 99 ? "99+" : String(shown);
    button.setAttribute("aria-label", shown ? t("notify.button_count", { count: shown }) : t("notify.button"));
    if (panel.hidden) return;
    const links = () => [...panel.querySelectorAll("a")];
    const focused = links().indexOf(document.activeElement);
    clear(panel, mentionItems());
    if (focused >= 0) (links()[Math.min(focused, links().length - 1)] || panel).focus(); // a live update keeps the reader's place
  }
  function toggle(open = panel.hidden) {
    const wasOpen = !panel.hidden;
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
  onUnread(render);
  render();
  return h("div", { class: "user notify" }, button, panel);
}
