// Home: my spaces and the network's, following the store's spaces live (a rename, a space I join).
import { t } from "../i18n.js";
import { setCurrentSpace, setTitle } from "../nav.js";
import { eventReminders } from "../parts/reminders.js";
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
  await loadSpaces(5000);
  const soon = eventReminders();
  const page = render(soon);
  main.append(page);
  return subscribe("spaces", () => clear(page, ...render(soon).childNodes));
}

/** A titled list of space cards; a region named by its heading (screen readers list them). */
function section(key, title, lead, spaces) {
  const id = `home-${key}`;
  return h("section", { "aria-labelledby": id },
    h("h2", { class: "section-title", id }, title),
    lead ? h("p", { class: "muted" }, lead) : null,
    h("ul", { class: "grid cards" }, spaces.map(spaceCard)));
}

function render(soon) {
  const spaces = store.spaces;
  const me = store.me;
  const mine = spaces.filter((space) => space.my_role);
  const network = spaces.filter((space) => !space.my_role && space.visibility === "network");
  // Only an administrator is shown members-only spaces they do not belong to: say what they are.
  const closed = spaces.filter((space) => !space.my_role && space.visibility !== "network");
  let myList;
  if (mine.length) myList = section("mine", t("home.my_spaces"), null, mine);
  else if (spaces.length) myList = h("p", { class: "notice" }, me.is_admin ? t("home.not_member_admin") : t("home.not_member"));
  else myList = emptyState(t("home.no_spaces"), me.is_admin ? t("home.no_spaces_admin") : t("home.no_spaces_hint"),
    me.is_admin ? h("a", { class: "button primary", href: "/admin" }, t("nav.admin")) : null);
  return h("section", { class: "page" },
    h("header", { class: "page-header" },
      h("h1", {}, t("home.greeting", { name: me.name.split(" ")[0] })),
      h("p", { class: "muted" }, mine.length ? t("home.lead", { count: mine.length }) : t("home.lead_none"))),
    soon, myList,
    network.length ? section("network", t("home.network_spaces"), t("home.network_lead"), network) : null,
    closed.length ? section("closed", t("home.closed_spaces"), t("home.closed_lead"), closed) : null);
}
