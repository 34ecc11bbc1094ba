// The app's entry point: wires the shell (frame, sidebar, notices, router) and the live dispatcher,
// then shows the first screen. Screens never import this file (tests/test_frontend_structure.py).
import { onUnauthorized } from "./api.js";
import { installDispatcher } from "./dispatch.js";
import { pickLocale, setLocale, t } from "./i18n.js";
import { navigate } from "./nav.js";
import { sessionExpired, startSession } from "./session.js";
import { showNotices } from "./shell/notices.js";
import { render } from "./shell/router.js";
import { followSidebar } from "./shell/sidebar.js";
import { loadMe, store } from "./store.js";
import { toast } from "./ui.js";

function interceptLinks() {
  document.addEventListener("click", (event) => {
    const anchor = event.target.closest("a[href]");
    if (!anchor || event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    if (anchor.target || anchor.hasAttribute("download")) return;
    const url = new URL(anchor.href, location.href);
    // /auth/ is the server's single sign-on round trip, not a screen of the app.
    if (url.origin !== location.origin || url.pathname.startsWith("/api/") || url.pathname.startsWith("/auth/")) return;
    if (url.pathname === location.pathname && url.search === location.search && url.hash) return;
    event.preventDefault();
    navigate(url.pathname + url.search);
  });
  window.addEventListener("popstate", render);
}

function localiseSkipLink() {
  document.querySelector(".skip-link").textContent = t("nav.skip");
}

async function boot() {
  await setLocale(pickLocale());
  localiseSkipLink();
  interceptLinks();
  installDispatcher();
  followSidebar();
  showNotices();
  onUnauthorized(sessionExpired);
  try {
    await loadMe();
  } catch {
    toast(t("error.network"), "error");
  }
  if (store.me) {
    await setLocale(pickLocale(store.me.locale));
    localiseSkipLink();
    await startSession();
  }
  render();
}

boot();
