// Moving between screens, for screens and the shell alike. The router (shell/router.js) registers
// how to render; screens only ask to go somewhere, so no screen needs the router or the shell.
import { pickLocale, setLocale } from "./i18n.js";

let renderer = () => {};

export function setRenderer(render) {
  renderer = render;
}

export function rerender() {
  return renderer();
}

export function navigate(path, { replace = false } = {}) {
  if (replace) history.replaceState({}, "", path);
  else history.pushState({}, "", path);
  rerender();
}

export function setTitle(...parts) {
  document.title = [...parts.filter(Boolean), "Citybridge"].join(" · ");
}

/** Mark the sidebar's link to the page (or to the space the page belongs to) as current. */
// Links whose paths' sub-pages belong elsewhere: /events/{id} is the event's space, not my calendar.
const EXACT_ONLY = new Set(["/", "/search", "/events"]);

export function highlightNav() {
  const path = location.pathname;
  document.querySelectorAll(".sidebar a").forEach((anchor) => {
    const href = anchor.getAttribute("href");
    const current = href === path || (!EXACT_ONLY.has(href) && path.startsWith(`${href}/`))
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

/** A new interface language: the frame is rebuilt around the current screen. */
export async function changeLocale(code) {
  await setLocale(pickLocale(code));
  document.getElementById("app").className = "app";
  rerender();
}
