// Pieces several screens show: a space (looked up once), a city with its profile, a pair of cities,
// a space's tabs, theme chips, an unread count.
import { api } from "../api.js";
import { t } from "../i18n.js";
import { loadSpaces, spaceById } from "../store.js";
import { describeError, h, themeLabel } from "../ui.js";

/** The space from the store, or from the server (then the store's list is refreshed too). */
export async function loadSpace(id) {
  let space = spaceById(id);
  if (!space) {
    space = await api.get(`/api/spaces/${id}`);
    await loadSpaces().catch(() => {});
  }
  return space;
}

/** "3" or "@1" beside a space or a thread, with the full sentence for screen readers. */
export function countBadge(counts) {
  if (!counts || !counts.unread) return null;
  return h("span", { class: `count-badge${counts.mentions ? " has-mention" : ""}` },
    h("span", { "aria-hidden": "true" }, counts.mentions ? `@${counts.mentions}` : String(counts.unread)),
    h("span", { class: "visually-hidden" }, counts.mentions
      ? t("unread.with_mentions", { count: counts.unread, mentions: counts.mentions }) : t("unread.count", { count: counts.unread })));
}

export function profileBadge(profile) {
  return h("span", { class: `badge profile-${profile}` }, t(`profile.${profile}`));
}

export function cityCard(city) {
  return h("div", { class: "city" },
    h("span", { class: "city-name" }, city.name),
    h("span", { class: "city-place muted" }, [city.region, city.country].filter(Boolean).join(", ")),
    profileBadge(city.profile));
}

/** Three or more cities: a wrapping list of chips (a grid of pairs would stagger and squeeze). */
function cityChips(cities) {
  return h("ul", { class: "city-chips", "aria-label": t("space.cities_list", { count: cities.length }) },
    cities.map((city) => h("li", { class: `city-chip profile-${city.profile}`, title: [city.region, city.country].filter(Boolean).join(", ") },
      h("span", { class: "city-name" }, city.name),
      h("span", { class: "city-place" }, city.country),
      h("span", { class: "visually-hidden" }, t(`profile.${city.profile}`)))));
}

/** Two cities face each other; more are listed as chips. */
export function cityPair(cities) {
  if (cities.length > 2) return cityChips(cities);
  const parts = [];
  cities.forEach((city, index) => {
    if (index) parts.push(h("span", { class: "pair-link", "aria-hidden": "true" }, "⇄"));
    parts.push(cityCard(city));
  });
  return h("div", { class: "pair", "aria-label": t("space.pairs", { cities: cities.map((c) => c.name).join(" – ") }), role: "group" }, parts);
}

export function themeChips(themes) {
  if (!themes || !themes.length) return null;
  return h("ul", { class: "chips", "aria-label": t("common.themes") }, themes.map((slug) => h("li", { class: "chip" }, themeLabel(slug))));
}

export function spaceHeader(space, active) {
  const tabs = [
    ["threads", `/spaces/${space.id}`, t("space.tab_threads")],
    ["library", `/spaces/${space.id}/library`, t("space.tab_library")],
    ["members", `/spaces/${space.id}/members`, t("space.tab_members")],
    ["events", `/spaces/${space.id}/events`, t("events.tab")],
    ["transfers", `/spaces/${space.id}/transfers`, t("transfer.tab")],
  ];
  if (space.my_role === "moderator") tabs.push(["moderation", `/spaces/${space.id}/moderation`, t("space.tab_moderation")]);
  return h("header", { class: "space-header" },
    h("div", { class: "space-title-row" },
      h("h1", {}, space.name),
      h("span", { class: "badge subtle" }, t(`visibility.${space.visibility}`)),
      space.my_role === "moderator" ? h("span", { class: "badge subtle" }, t("role.moderator")) : null,
      !space.my_role && space.visibility === "network" ? joinButton(space) : null),
    cityPair(space.cities),
    h("nav", { class: "tabs", "aria-label": t("space.sections") },
      tabs.map(([key, href, label]) => h("a", { href, "aria-current": key === active ? "page" : null }, label))));
}

/** A network space can be read by all; taking part needs a moderator's approval. */
function joinButton(space) {
  const status = h("span", { class: "muted small", role: "status" });
  const button = h("button", { type: "button", class: "primary small", onclick: async () => {
    button.disabled = true;
    try {
      await api.post(`/api/spaces/${space.id}/join`);
      button.hidden = true;
      status.textContent = t("join.requested");
    } catch (error) {
      button.disabled = false;
      status.textContent = error.code === "already_member" ? t("join.already") : describeError(error);
    }
  } }, t("join.button"));
  return h("span", { class: "row gap join" }, button, status);
}
