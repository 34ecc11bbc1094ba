// Home: my spaces and the network's, following the store's spaces live (a rename, a space I join).
import { t } from "../i18n.js";
import { setCurrentSpace, setTitle } from "../nav.js";
import { cityPair, themeChips } from "../parts/space.js";
import { loadSpaces, store, subscribe } from "../store.js";
import { clear, emptyState, h } from "../ui.js";

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
  await loadSpaces();
  const page = render();
  main.append(page);
  return subscribe("spaces", () => clear(page, ...render().childNodes));
}

function render() {
  const spaces = store.spaces;
  const mine = spaces.filter((space) => space.my_role);
  const others = spaces.filter((space) => !space.my_role);
  const me = store.me;
  return h("section", { class: "page" },
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
    ] : null);
}
