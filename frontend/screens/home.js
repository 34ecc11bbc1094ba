import { setTitle, setCurrentSpace } from "../app.js";
import { t } from "../i18n.js";
import { loadSpaces, store } from "../store.js";
import { emptyState, h } from "../ui.js";
import { cityPair, themeChips } from "./parts.js";

function spaceCard(space) {
  return h("li", { class: "card space-card" },
    h("h3", {}, h("a", { href: `/spaces/${space.id}`, class: "stretched" }, space.name)),
    cityPair(space.cities),
    space.description ? h("p", { class: "muted clamp" }, space.description) : null,
    h("div", { class: "card-foot" },
      themeChips(space.themes),
      h("span", { class: "muted small" }, [t(`visibility.${space.visibility}`), space.my_role ? t(`role.${space.my_role}`) : null].filter(Boolean).join(" · "))));
}

export async function show(main) {
  setTitle(t("home.title"));
  setCurrentSpace(null);
  const spaces = await loadSpaces();
  const mine = spaces.filter((space) => space.my_role);
  const others = spaces.filter((space) => !space.my_role);
  const me = store.me;
  main.append(
    h("section", { class: "page" },
      h("header", { class: "page-header" },
        h("h1", {}, t("home.greeting", { name: me.name.split(" ")[0] })),
        h("p", { class: "muted" }, mine.length ? t("home.lead", { count: mine.length }) : t("home.lead_none"))),
      h("h2", { class: "section-title" }, t("home.my_spaces")),
      mine.length
        ? h("ul", { class: "grid cards" }, mine.map(spaceCard))
        : emptyState(t("home.no_spaces"), me.is_admin ? t("home.no_spaces_admin") : t("home.no_spaces_hint"),
          me.is_admin ? h("a", { class: "button primary", href: "/admin" }, t("nav.admin")) : null),
      others.length ? [
        h("h2", { class: "section-title" }, t("home.network_spaces")),
        h("p", { class: "muted" }, t("home.network_lead")),
        h("ul", { class: "grid cards" }, others.map(spaceCard)),
      ] : null));
}
