// Which screen a path shows, and showing it inside the frame (or bare, for the public screens).
import { highlightNav, setRenderer } from "../nav.js";
import { store } from "../store.js";
import { clear } from "../ui.js";
import { errorPanel, notFound, showBare, showFrame } from "./frame.js";

const routes = [
  { path: /^\/signin$/, screen: () => import("../screens/signin.js"), public: true },
  { path: /^\/reset(?:\/([^/]+))?$/, screen: () => import("../screens/reset.js"), public: true },
  { path: /^\/email-change\/([^/]+)$/, screen: () => import("../screens/email-confirm.js"), public: true },
  { path: /^\/invitations\/([^/]+)$/, screen: () => import("../screens/invitation.js"), public: true },
  { path: /^\/$/, screen: () => import("../screens/home.js") },
  { path: /^\/spaces\/(\d+)$/, screen: () => import("../screens/space/index.js") },
  { path: /^\/spaces\/(\d+)\/members$/, screen: () => import("../screens/members/index.js") },
  { path: /^\/spaces\/(\d+)\/library$/, screen: () => import("../screens/library/index.js") },
  { path: /^\/spaces\/(\d+)\/events$/, screen: () => import("../screens/events/index.js") },
  { path: /^\/spaces\/(\d+)\/transfers$/, screen: () => import("../screens/transfers/index.js") },
  { path: /^\/transfers\/(\d+)$/, screen: () => import("../screens/transfers/transfer.js") },
  { path: /^\/lineage$/, screen: () => import("../screens/transfers/lineage.js") },
  { path: /^\/events$/, screen: () => import("../screens/events/calendar.js") },
  { path: /^\/events\/(\d+)$/, screen: () => import("../screens/events/event.js") },
  { path: /^\/spaces\/(\d+)\/moderation$/, screen: () => import("../screens/moderation.js") },
  { path: /^\/spaces\/(\d+)\/settings$/, screen: () => import("../screens/space-settings.js") },
  { path: /^\/threads\/(\d+)$/, screen: () => import("../screens/thread/index.js") },
  { path: /^\/resources\/(\d+)$/, screen: () => import("../screens/resource/index.js") },
  { path: /^\/search$/, screen: () => import("../screens/search.js") },
  { path: /^\/admin$/, screen: () => import("../screens/admin.js") },
  { path: /^\/settings$/, screen: () => import("../screens/settings/index.js") },
  { path: /^\/cities$/, screen: () => import("../screens/city/list.js") },
  { path: /^\/cities\/(\d+)$/, screen: () => import("../screens/city/index.js") },
  { path: /^\/matching$/, screen: () => import("../screens/matching/index.js") },
  { path: /^\/needs\/(\d+)$/, screen: () => import("../screens/matching/matches.js") },
  { path: /^\/offers\/(\d+)$/, screen: () => import("../screens/matching/offer.js") },
  { path: /^\/people$/, screen: () => import("../screens/people/index.js") },
  { path: /^\/people\/(\d+)$/, screen: () => import("../screens/people/profile.js") },
  { path: /^\/conversations$/, screen: () => import("../screens/conversations/index.js") },
  { path: /^\/conversations\/(\d+)$/, screen: () => import("../screens/conversations/conversation.js") },
];

let cleanup = null;
let renderToken = 0;

export async function render() {
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
  // The search screen has its own box (with facets): one search box on a screen, not two.
  document.body.classList.toggle("on-search", path === "/search");
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

setRenderer(render);
