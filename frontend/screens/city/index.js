// A city's page: its profile (figures with their years, migration context, offices, history),
// its spaces, partners and practice records, its needs and offers, and its self-assessment.
import { api } from "../../api.js";
import { formatDate, formatList, formatNumber, languageName, t } from "../../i18n.js";
import { setTitle } from "../../nav.js";
import { clear, h, link, themeLabel } from "../../ui.js";
import { assessmentSection } from "./assessment.js";
import { profileForm } from "./profile-form.js";

function figure(value) {
  if (!value || value.value === undefined || value.value === null) return t("cities.unknown");
  return t("cities.figure", { value: formatNumber(value.value), year: String(value.year) });
}

function facts(profile) {
  const m = profile.migration || {};
  const rows = [
    [t("cities.population"), figure(profile.population)],
    [t("cities.trend"), profile.population_trend ? t(`cities.trend_${profile.population_trend}`) : t("cities.unknown")],
    [t("cities.arrivals"), figure(m.arrivals_per_year)],
    [t("cities.foreign_born"), m.foreign_born_share ? t("cities.share", { value: m.foreign_born_share.value, year: String(m.foreign_born_share.year) }) : t("cities.unknown")],
    [t("cities.origins"), m.main_origins && m.main_origins.length ? formatList(m.main_origins) : t("cities.unknown")],
    [t("cities.arrival_types"), m.arrival_types && m.arrival_types.length ? formatList(m.arrival_types.map((k) => t(`cities.arrival_${k}`))) : t("cities.unknown")],
    [t("cities.languages"), profile.languages.length ? formatList(profile.languages.map(languageName)) : t("cities.unknown")],
  ];
  return h("dl", { class: "facts" }, rows.map(([term, value]) => [h("dt", {}, term), h("dd", {}, value)]));
}

function offices(profile) {
  if (!profile.offices.length) return null;
  return [h("h2", { class: "section-title" }, t("cities.offices")),
    h("ul", { class: "plain-list" }, profile.offices.map((o) =>
      h("li", {}, h("strong", {}, o.name), o.contact ? ` · ${o.contact}` : null,
        o.email ? [" · ", h("a", { href: `mailto:${o.email}` }, o.email)] : null, o.phone ? ` · ${o.phone}` : null)))];
}

function history(profile) {
  const section = h("details", { class: "card history" }, h("summary", {}, t("cities.history", { count: profile.history.length })));
  if (!profile.history.length) section.append(h("p", { class: "muted" }, t("cities.no_history")));
  for (const version of profile.history) {
    section.append(h("div", { class: "history-entry" },
      h("h3", {}, t("cities.history_year", { year: String(version.year) })),
      h("p", { class: "muted small" }, t("cities.replaced_at", { date: formatDate(version.replaced_at) })),
      facts({ languages: [], offices: [], migration: {}, ...version.data })));
  }
  return section;
}

function links(title, items, render) {
  return [h("h2", { class: "section-title" }, title),
    items.length ? h("ul", { class: "plain-list" }, items.map((item) => h("li", {}, render(item)))) : h("p", { class: "muted" }, t("cities.none"))];
}

function connections(profile) {
  return h("div", { class: "grid fields" },
    h("section", {}, links(t("cities.spaces"), profile.spaces, (s) => link(`/spaces/${s.id}`, s.name))),
    h("section", {}, links(t("cities.partners"), profile.partners, (c) => link(`/cities/${c.id}`, c.name))),
    h("section", {}, links(t("cities.practices"), profile.practices, (p) =>
      [link(`/resources/${p.id}`, p.title), " ", h("span", { class: "badge subtle" }, t(`cities.review_${p.review_status}`))])),
    h("section", {}, links(t("cities.adopted"), profile.adopted_practices, (p) => link(`/resources/${p.id}`, p.title))));
}

async function needsAndOffers(cityId) {
  const [needs, offers] = await Promise.all([
    api.get("/api/needs", { city_id: cityId }), api.get("/api/offers", { city_id: cityId })]);
  return h("section", { "aria-labelledby": "city-board" },
    h("h2", { class: "section-title", id: "city-board" }, t("cities.board")),
    h("ul", { class: "plain-list" },
      needs.items.map((n) => h("li", {}, h("span", { class: "badge" }, t("matching.need")), " ",
        link(`/needs/${n.id}`, `${themeLabel(n.theme)}: ${n.challenge.slice(0, 90)}`))),
      offers.items.map((o) => h("li", {}, h("span", { class: "badge subtle" }, t("matching.offer")), " ",
        link(`/offers/${o.id}`, o.practice.title)))),
    !needs.items.length && !offers.items.length ? h("p", { class: "muted" }, t("cities.none")) : null,
    h("p", {}, link("/matching", t("cities.to_board"))));
}

export async function show(main, [id]) {
  const profile = await api.get(`/api/cities/${id}/profile`);
  const city = profile.city;
  setTitle(city.name);
  const body = h("div", { class: "stack" });
  const render = async (current) => {
    // replaceChildren, unlike h(), would write a null child as the text "null".
    clear(body, [
      h("section", { class: "card", "aria-labelledby": "city-facts" },
        h("h2", { id: "city-facts" }, current.year ? t("cities.profile_year", { year: String(current.year) }) : t("cities.profile")),
        facts(current), offices(current)),
      current.can_edit ? profileForm(current, (saved) => render(saved)) : null,
      history(current), connections(current), await needsAndOffers(city.id),
      await assessmentSection(city, current.can_edit)]);
  };
  main.append(h("section", { class: "page" },
    h("header", { class: "page-header" },
      h("p", { class: "muted" }, link("/cities", t("cities.all"))),
      h("h1", {}, city.name),
      h("p", { class: "row wrap" }, h("span", {}, [city.region, city.country].filter(Boolean).join(", ")),
        h("span", { class: "badge" }, t(`profile.${city.profile}`))),
      city.description ? h("p", {}, city.description) : null),
    body));
  await render(profile);
}
