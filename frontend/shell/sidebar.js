// The sidebar: my spaces and the network's, with unread counts that follow the store live.
import { t } from "../i18n.js";
import { highlightNav } from "../nav.js";
import { countBadge } from "../parts/space.js";
import { store, subscribe } from "../store.js";
import { clear, h } from "../ui.js";
import { onUnread, spaceUnread } from "../unread.js";

export function sidebar() {
  // The inner box stays in view while the nav's own box (its background) runs the page's height.
  const nav = h("nav", { id: "sidebar", class: "sidebar", "aria-label": t("nav.spaces") }, h("div", { class: "sidebar-inner" }));
  fillSidebar(nav);
  return nav;
}

function spaceItem(space) {
  const counts = space.my_role ? spaceUnread(space.id) : { unread: 0, mentions: 0 };
  return h("li", {}, h("a", { href: `/spaces/${space.id}`, class: counts.unread ? "has-unread" : null, dataset: { space: String(space.id) } },
    h("span", { class: "hash", "aria-hidden": "true" }, "#"), h("span", { class: "label" }, space.name),
    countBadge(counts)));
}

function fillSidebar(nav = document.getElementById("sidebar")) {
  const inner = nav && nav.querySelector(".sidebar-inner");
  if (!inner) return;
  const mine = store.spaces.filter((space) => space.my_role);
  const others = store.spaces.filter((space) => !space.my_role && space.visibility === "network");
  // Members-only spaces I do not belong to: only an administrator is shown them.
  const closed = store.spaces.filter((space) => !space.my_role && space.visibility !== "network");
  clear(inner,
    h("a", { class: "nav-home", href: "/" }, t("nav.home")),
    h("a", { class: "nav-home", href: "/search" }, t("nav.search")),
    h("a", { class: "nav-home", href: "/events" }, t("nav.calendar")),
    h("a", { class: "nav-home", href: "/cities" }, t("nav.cities")),
    h("a", { class: "nav-home", href: "/matching" }, t("nav.matching")),
    h("a", { class: "nav-home", href: "/lineage" }, t("nav.lineage")),
    h("a", { class: "nav-home", href: "/people" }, t("nav.people")),
    h("a", { class: "nav-home", href: "/conversations" }, t("nav.conversations")),
    store.me && store.me.is_admin ? h("a", { class: "nav-home", href: "/admin" }, t("nav.admin")) : null,
    h("h2", {}, t("nav.my_spaces")),
    mine.length ? h("ul", {}, mine.map(spaceItem)) : h("p", { class: "muted small" }, t("home.no_spaces_short")),
    others.length ? [h("h2", {}, t("nav.network_spaces")), h("ul", {}, others.map(spaceItem))] : null,
    closed.length ? [h("h2", {}, t("nav.closed_spaces")), h("ul", {}, closed.map(spaceItem))] : null);
  highlightNav();
}

/** Once, at boot: the sidebar follows the spaces in the store and the unread counts. */
export function followSidebar() {
  subscribe("spaces", () => fillSidebar());
  onUnread(() => fillSidebar());
}
