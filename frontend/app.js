// The app shell: who is signed in, the frame around every screen, and the router.
import { api, onUnauthorized } from "./api.js";
import { LOCALE_NAMES, pickLocale, setLocale, t, currentLocale } from "./i18n.js";
import { live } from "./live.js";
import { loadMe, loadSpaces, signedOut, store } from "./store.js";
import { announce, avatar, clear, h, toast } from "./ui.js";
import { addNotification, loadUnread, markNotificationsSeen, onUnread, refreshUnread, resetUnread, spaceUnread, totalMentions,
  unread, unseenNotifications } from "./unread.js";

const routes = [
  { path: /^\/signin$/, screen: () => import("./screens/signin.js"), public: true },
  { path: /^\/invitations\/([^/]+)$/, screen: () => import("./screens/invitation.js"), public: true },
  { path: /^\/$/, screen: () => import("./screens/home.js") },
  { path: /^\/spaces\/(\d+)$/, screen: () => import("./screens/space.js") },
  { path: /^\/spaces\/(\d+)\/members$/, screen: () => import("./screens/members.js") },
  { path: /^\/spaces\/(\d+)\/library$/, screen: () => import("./screens/library.js") },
  { path: /^\/spaces\/(\d+)\/moderation$/, screen: () => import("./screens/moderation.js") },
  { path: /^\/threads\/(\d+)$/, screen: () => import("./screens/thread.js") },
  { path: /^\/resources\/(\d+)$/, screen: () => import("./screens/resource.js") },
  { path: /^\/search$/, screen: () => import("./screens/search.js") },
  { path: /^\/admin$/, screen: () => import("./screens/admin.js") },
  { path: /^\/settings$/, screen: () => import("./screens/settings.js") },
];

let cleanup = null;
let renderToken = 0;

export function navigate(path, { replace = false } = {}) {
  if (replace) history.replaceState({}, "", path);
  else history.pushState({}, "", path);
  render();
}

export function setTitle(...parts) {
  document.title = [...parts.filter(Boolean), "Citybridge"].join(" · ");
}

async function render() {
  const token = ++renderToken;
  const path = location.pathname.replace(/\/+$/, "") || "/";
  const route = routes.find((candidate) => candidate.path.test(path));
  if (cleanup) { try { cleanup(); } catch { /* a screen that failed to clean up must not block the next */ } }
  cleanup = null;
  if (!route) return showFrame(notFound());
  if (!route.public && !store.me) {
    const next = encodeURIComponent(location.pathname + location.search);
    history.replaceState({}, "", `/signin?next=${next}`);
    return render();
  }
  const module = await route.screen();
  if (token !== renderToken) return;
  const main = route.public ? showBare() : showFrame();
  const params = path.match(route.path).slice(1);
  try {
    cleanup = (await module.show(main, params, new URLSearchParams(location.search))) || null;
  } catch (error) {
    if (token !== renderToken) return;
    clear(main, errorPanel(error));
  }
  if (token !== renderToken) return;
  highlightNav();
  if (!location.hash && !main.contains(document.activeElement)) main.focus({ preventScroll: true });
}

function errorPanel(error) {
  const message = error.status === 404 ? t("error.not_found") : (error.message || t("error.generic"));
  return h("section", { class: "panel narrow" }, h("h1", {}, t("error.title")), h("p", {}, message),
    h("p", {}, h("a", { href: "/" }, t("nav.home"))));
}

function notFound() {
  return h("section", { class: "panel narrow" }, h("h1", {}, t("error.not_found")), h("p", {}, h("a", { href: "/" }, t("nav.home"))));
}

function showBare() {
  const app = document.getElementById("app");
  app.className = "app bare";
  const main = h("main", { id: "main", tabindex: "-1", class: "bare-main" });
  clear(app, main);
  return main;
}

function showFrame(content) {
  const app = document.getElementById("app");
  let main = document.getElementById("main");
  if (!app.classList.contains("framed") || !main) {
    app.className = "app framed";
    main = h("main", { id: "main", tabindex: "-1" });
    clear(app, topbar(), h("div", { class: "layout" }, sidebar(), main));
  } else {
    clear(main);
    document.body.classList.remove("nav-open");
  }
  if (content) main.append(content);
  return main;
}

function topbar() {
  const search = h("input", { type: "search", name: "q", placeholder: t("search.placeholder"), "aria-label": t("search.label"),
    autocomplete: "off", value: new URLSearchParams(location.search).get("q") || "" });
  const menu = h("button", { class: "icon-button menu-button", type: "button", "aria-label": t("nav.menu"),
    "aria-expanded": "false", "aria-controls": "sidebar", onclick: () => {
      const open = document.body.classList.toggle("nav-open");
      menu.setAttribute("aria-expanded", String(open));
    } }, h("span", { class: "burger", "aria-hidden": "true" }));
  return h("header", { class: "topbar" },
    menu,
    h("a", { class: "brand", href: "/" }, h("img", { src: "/icon.svg", alt: "", width: "28", height: "28" }), h("span", {}, "Citybridge")),
    h("form", { class: "topsearch", role: "search", onsubmit: (event) => {
      event.preventDefault();
      navigate(`/search?q=${encodeURIComponent(search.value.trim())}`);
    } }, search),
    notificationsMenu(),
    userMenu());
}

function userMenu() {
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

/** The bell: mentions of me, counted by the server and announced live on my own stream. */
function notificationsMenu() {
  const count = h("span", { class: "bell-count", "aria-hidden": "true", hidden: true });
  const button = h("button", { type: "button", class: "icon-button bell", "aria-haspopup": "true", "aria-expanded": "false",
    "aria-controls": "notifications", "aria-label": t("notify.button") },
  h("span", { class: "bell-icon", "aria-hidden": "true" }, "@"), count);
  const panel = h("div", { class: "menu-panel notify-panel", id: "notifications", hidden: true, role: "region", "aria-label": t("notify.title") });
  function render() {
    const mentions = totalMentions();
    const fresh = unseenNotifications();
    const shown = Math.max(mentions, fresh);
    count.hidden = !shown;
    count.textContent = shown > 99 ? "99+" : String(shown);
    button.setAttribute("aria-label", shown ? t("notify.button_count", { count: shown }) : t("notify.button"));
    if (panel.hidden) return;
    const spaces = store.spaces.filter((space) => spaceUnread(space.id).mentions);
    const links = () => [...panel.querySelectorAll("a")];
    const focused = links().indexOf(document.activeElement);
    clear(panel,
      h("h2", { class: "menu-title" }, t("notify.title")),
      unread.notifications.length ? h("ul", { class: "notify-list" }, unread.notifications.slice(0, 10).map((item) =>
        h("li", { class: item.seen ? "" : "fresh" }, h("a", { href: `/threads/${item.thread_id}#m${item.message_id}` },
          h("strong", {}, item.author ? item.author.name : t("common.someone")), " ",
          t("notify.mentioned_in", { title: item.thread_title || "" }))))) : null,
      spaces.length ? h("ul", { class: "notify-list" }, spaces.map((space) => h("li", {}, h("a", { href: `/spaces/${space.id}` },
        t("notify.space_mentions", { count: spaceUnread(space.id).mentions, space: space.name }))))) : null,
      !unread.notifications.length && !spaces.length ? h("p", { class: "muted small menu-empty" }, t("notify.none")) : null);
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

function sidebar() {
  const nav = h("nav", { id: "sidebar", class: "sidebar", "aria-label": t("nav.spaces") });
  fillSidebar(nav);
  return nav;
}

export function fillSidebar(nav = document.getElementById("sidebar")) {
  if (store.me && live.wanted) followMySpaces();
  if (!nav) return;
  const mine = store.spaces.filter((space) => space.my_role);
  const others = store.spaces.filter((space) => !space.my_role);
  const item = (space) => {
    const counts = space.my_role ? spaceUnread(space.id) : { unread: 0, mentions: 0 };
    return h("li", {}, h("a", { href: `/spaces/${space.id}`, class: counts.unread ? "has-unread" : null, dataset: { space: String(space.id) } },
      h("span", { class: "hash", "aria-hidden": "true" }, "#"), h("span", { class: "label" }, space.name),
      counts.unread ? h("span", { class: `count-badge${counts.mentions ? " has-mention" : ""}` },
        h("span", { "aria-hidden": "true" }, counts.mentions ? `@${counts.mentions}` : String(counts.unread)),
        h("span", { class: "visually-hidden" }, counts.mentions
          ? t("unread.with_mentions", { count: counts.unread, mentions: counts.mentions }) : t("unread.count", { count: counts.unread }))) : null));
  };
  clear(nav,
    h("a", { class: "nav-home", href: "/" }, t("nav.home")),
    h("a", { class: "nav-home", href: "/search" }, t("nav.search")),
    store.me && store.me.is_admin ? h("a", { class: "nav-home", href: "/admin" }, t("nav.admin")) : null,
    h("h2", {}, t("nav.my_spaces")),
    mine.length ? h("ul", {}, mine.map(item)) : h("p", { class: "muted small" }, t("home.no_spaces_short")),
    others.length ? [h("h2", {}, t("nav.network_spaces")), h("ul", {}, others.map(item))] : null);
  highlightNav();
}

function highlightNav() {
  const path = location.pathname;
  document.querySelectorAll(".sidebar a").forEach((anchor) => {
    const href = anchor.getAttribute("href");
    const current = href === path || (href !== "/" && href !== "/search" && path.startsWith(`${href}/`))
      || (anchor.dataset.space && document.body.dataset.space === anchor.dataset.space);
    if (current) anchor.setAttribute("aria-current", "page");
    else anchor.removeAttribute("aria-current");
  });
}

export function setCurrentSpace(spaceId) {
  if (spaceId) document.body.dataset.space = String(spaceId);
  else delete document.body.dataset.space;
  highlightNav();
}

async function signOut() {
  try { await api.del("/api/session"); } catch { /* signing out locally is what matters */ }
  stopFollowing();
  live.stop();
  resetUnread();
  signedOut();
  navigate("/signin");
}

export async function afterSignIn(next) {
  setLocale(pickLocale(store.me.locale));
  await loadSpaces();
  live.start();
  followMySpaces();
  loadUnread();
  document.getElementById("app").className = "app";
  navigate(next && next.startsWith("/") && !next.startsWith("//") ? next : "/", { replace: true });
}

export function changeLocale(code) {
  setLocale(code);
  document.getElementById("app").className = "app";
  render();
}

function connectionBanner() {
  const banner = document.getElementById("connection");
  let shownAt = 0;
  live.on("status", (state, previous) => {
    if (state === "offline" || (state === "connecting" && live.everConnected)) {
      banner.textContent = state === "offline" ? t("live.offline") : t("live.reconnecting");
      banner.dataset.state = state;
      banner.hidden = false;
      shownAt = Date.now();
    } else if (state === "online" && !banner.hidden) {
      banner.textContent = t("live.back");
      banner.dataset.state = "online";
      setTimeout(() => { if (live.state === "online") banner.hidden = true; }, Math.max(1500, 2500 - (Date.now() - shownAt)));
    }
    if (previous === "online" && state !== "online") document.body.classList.add("is-offline");
    if (state === "online") document.body.classList.remove("is-offline");
  });
  window.addEventListener("offline", () => {
    banner.textContent = t("live.offline");
    banner.dataset.state = "offline";
    banner.hidden = false;
  });
}

function interceptLinks() {
  document.addEventListener("click", (event) => {
    const anchor = event.target.closest("a[href]");
    if (!anchor || event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    if (anchor.target || anchor.hasAttribute("download")) return;
    const url = new URL(anchor.href, location.href);
    if (url.origin !== location.origin || url.pathname.startsWith("/api/")) return;
    if (url.pathname === location.pathname && url.search === location.search && url.hash) return;
    event.preventDefault();
    navigate(url.pathname + url.search);
  });
  window.addEventListener("popstate", render);
}

// Every space I belong to is followed for as long as I am signed in, so the sidebar's unread
// counts move live, whatever screen is open. (Screens add their own handlers to the same subscription.)
const followed = new Map(); // space_id -> stop
const COUNTED = new Set(["message.created", "message.deleted", "message.hidden", "message.unhidden", "reset"]);

function followMySpaces() {
  const mine = new Set(store.spaces.filter((space) => space.my_role).map((space) => space.id));
  for (const [spaceId, stop] of followed) if (!mine.has(spaceId)) { stop(); followed.delete(spaceId); }
  for (const spaceId of mine) {
    if (followed.has(spaceId)) continue;
    followed.set(spaceId, live.subscribe(spaceId, (event) => {
      if (!COUNTED.has(event.kind)) return;
      const author = event.data && event.data.author;
      if (event.kind === "message.created" && author && store.me && author.id === store.me.id) return;
      refreshUnread();
    }));
  }
}

function stopFollowing() {
  for (const stop of followed.values()) stop();
  followed.clear();
}

function wireLive() {
  onUnread(() => fillSidebar());
  live.on("status", (state, previous) => { if (state === "online" && previous !== "online") refreshUnread(0); });
  live.on("user", (frame) => {
    const data = frame.data || {};
    if (frame.kind === "notification.mention") {
      if (!addNotification(frame)) return;
      const text = t("notify.toast", { name: data.author ? data.author.name : t("common.someone"), title: data.thread_title || "" });
      const here = location.pathname === `/threads/${data.thread_id}` && document.visibilityState === "visible";
      if (here) markNotificationsSeen(data.thread_id);
      else toast(text);
      announce(text);
    } else if (frame.kind === "read.updated") {
      refreshUnread(0);
    } else if (frame.kind === "space.joined" && data.id) {
      const known = store.spaces.findIndex((space) => space.id === data.id);
      if (known >= 0) store.spaces[known] = data; else store.spaces.push(data);
      for (const city of data.cities || []) store.cities.set(city.id, city);
      followMySpaces();
      fillSidebar();
      refreshUnread(0);
      const text = t("notify.joined", { space: data.name });
      toast(text);
      announce(text);
    }
  });
  live.on("unauthorized", () => {
    // The socket says the session is gone (4401) or foreign (4403): sign in again.
    if (!store.me) return;
    stopFollowing();
    live.stop();
    resetUnread();
    signedOut();
    toast(t("error.session_expired"), "error");
    navigate(`/signin?next=${encodeURIComponent(location.pathname)}`);
  });
}

async function boot() {
  setLocale(pickLocale());
  document.querySelector(".skip-link").textContent = t("nav.skip");
  interceptLinks();
  connectionBanner();
  wireLive();
  onUnauthorized(() => {
    if (!store.me) return;
    stopFollowing();
    resetUnread();
    signedOut();
    live.stop();
    toast(t("error.session_expired"), "error");
    navigate(`/signin?next=${encodeURIComponent(location.pathname)}`);
  });
  try {
    await loadMe();
  } catch {
    toast(t("error.network"), "error");
  }
  if (store.me) {
    setLocale(pickLocale(store.me.locale));
    document.querySelector(".skip-link").textContent = t("nav.skip");
    try { await loadSpaces(); } catch { /* the screen will show the error */ }
    live.start();
    followMySpaces();
    loadUnread();
  }
  render();
}

export { LOCALE_NAMES, currentLocale, followMySpaces };

boot();
