// The directory of people: who handles what, where, in which languages (GET /api/people).
import { api } from "../../api.js";
import { languageName, t } from "../../i18n.js";
import { setTitle } from "../../nav.js";
import { THEMES } from "../../parts/themes.js";
import { cityName, loadCities } from "../../store.js";
import { avatar, clear, describeError, emptyState, h, spinner, themeLabel } from "../../ui.js";

const FILTERS = ["q", "city", "profile", "theme", "language"];

function select(name, label, options) {
  return h("label", { class: "field" }, h("span", { class: "label" }, label),
    h("select", { name }, h("option", { value: "" }, t("people.any")),
      options.map(([value, text]) => h("option", { value: String(value) }, text))));
}

function filterForm(cities) {
  return h("form", { class: "card filters", role: "search", id: "people-filters" },
    h("label", { class: "field grow" }, h("span", { class: "label" }, t("people.search")),
      h("input", { type: "search", name: "q", maxlength: "120", placeholder: t("people.search_placeholder") })),
    select("theme", t("people.theme"), THEMES.map((slug) => [slug, themeLabel(slug)])),
    select("city", t("people.city"), cities.map((city) => [city.id, city.name])),
    select("profile", t("people.profile"), [["traditional", t("profile.traditional")], ["newer", t("profile.newer")]]),
    h("label", { class: "field" }, h("span", { class: "label" }, t("people.language")),
      h("input", { type: "text", name: "language", maxlength: "12", placeholder: "en", autocomplete: "off", size: "6" })),
    h("div", { class: "row end" }, h("button", { type: "submit", class: "primary" }, t("people.find"))));
}

/** One person in a list: name, office and city, expertise. */
function card(person) {
  const where = [person.position, person.office, cityName(person.city_id)].filter(Boolean).join(" · ");
  return h("li", { class: "card person-card" },
    h("a", { href: `/people/${person.id}`, class: "row" }, avatar(person),
      h("div", { class: "stack tight" }, h("strong", {}, person.name), where ? h("span", { class: "muted small" }, where) : null)),
    (person.expertise_themes || []).length
      ? h("p", { class: "chips" }, person.expertise_themes.map((slug) => h("span", { class: "chip" }, themeLabel(slug)))) : null,
    (person.languages || []).length
      ? h("p", { class: "muted small" }, person.languages.map((code) => languageName(code)).join(", ")) : null);
}

async function search(form, results) {
  const params = {};
  for (const name of FILTERS) {
    const value = form.elements[name].value.trim();
    if (value) params[name] = name === "language" ? value.toLowerCase() : value;
  }
  clear(results, spinner());
  try {
    const page = await api.get("/api/people", params);
    clear(results,
      h("p", { class: "muted", role: "status" }, t("people.count", { count: page.total })),
      page.items.length ? h("ul", { class: "people-list" }, page.items.map(card))
        : emptyState(t("people.none"), t("people.none_hint")));
  } catch (error) {
    clear(results, h("p", { class: "form-error", role: "alert" }, describeError(error)));
  }
}

export async function show(main) {
  setTitle(t("people.title"));
  const cities = await loadCities();
  const form = filterForm(cities);
  const results = h("div", { class: "stack", id: "people-results", "aria-live": "polite" });
  form.addEventListener("submit", (event) => { event.preventDefault(); search(form, results); });
  main.append(h("section", { class: "page stack" },
    h("header", { class: "page-header" }, h("h1", {}, t("people.title")), h("p", { class: "muted" }, t("people.intro"))),
    form, results));
  await search(form, results);
}
