// The needs and offers board: what cities look for and what they can pass on, and posting a need.
import { api } from "../../api.js";
import { formatList, languageName, t } from "../../i18n.js";
import { navigate, setTitle } from "../../nav.js";
import { loadCities, store } from "../../store.js";
import { busy, clearFormErrors, field, formError, h, link, showFormError, themeLabel } from "../../ui.js";

const THEMES = ["integration", "employment", "education", "health", "housing", "transport", "social-services",
  "human-security", "intercultural-dialogue", "public-perception", "labour-exploitation", "migrant-entrepreneurship"];
const HELP = ["exchange", "mentoring", "study-visit"];

function needCard(need) {
  return h("li", { class: "card stack" },
    h("p", { class: "row wrap" }, h("span", { class: "badge" }, t("matching.need")), h("span", { class: "chip" }, themeLabel(need.theme))),
    h("h3", {}, link(`/needs/${need.id}`, need.city ? need.city.name : "")),
    h("p", {}, need.challenge),
    h("p", { class: "muted small" }, formatList(need.help_kinds.map((k) => t(`matching.help_${k}`))),
      need.languages.length ? ` · ${formatList(need.languages.map(languageName))}` : null, need.timeframe ? ` · ${need.timeframe}` : null),
    h("p", {}, link(`/needs/${need.id}`, t("matching.see_matches"))));
}

function offerCard(offer) {
  return h("li", { class: "card stack" },
    h("p", { class: "row wrap" }, h("span", { class: "badge subtle" }, t("matching.offer")), offer.themes.map((th) => h("span", { class: "chip" }, themeLabel(th)))),
    h("h3", {}, link(`/offers/${offer.id}`, offer.city ? offer.city.name : "")),
    h("p", {}, link(`/resources/${offer.practice.id}`, offer.practice.title)),
    offer.transfer_conditions ? h("p", { class: "small" }, offer.transfer_conditions) : null,
    h("p", { class: "muted small" }, t("matching.capacity", { count: offer.mentoring_capacity })),
    h("p", {}, link(`/offers/${offer.id}`, t("matching.see_matches"))));
}

function needForm(cities) {
  const city = h("select", { name: "city_id" }, cities.map((c) => h("option", { value: String(c.id) }, c.name)));
  const theme = h("select", { name: "theme" }, THEMES.map((k) => h("option", { value: k }, themeLabel(k))));
  const challenge = h("textarea", { name: "challenge", rows: "3", maxlength: "2000", required: true });
  const languages = h("input", { type: "text", name: "languages", placeholder: "en, fr" });
  const timeframe = h("input", { type: "text", name: "timeframe", maxlength: "200" });
  const help = HELP.map((k) => h("input", { type: "checkbox", value: k, checked: k === "exchange" }));
  const form = h("form", { class: "card stack", novalidate: true, "aria-labelledby": "need-form-title" },
    h("h2", { id: "need-form-title" }, t("matching.post_need")), formError(),
    h("div", { class: "grid fields" }, field(t("matching.city"), city), field(t("matching.theme"), theme),
      field(t("cities.languages"), languages, { hint: t("settings.languages_hint") }), field(t("matching.timeframe"), timeframe)),
    field(t("matching.challenge"), challenge),
    h("fieldset", { class: "check-grid", dataset: { field: "help_kinds" } }, h("legend", {}, t("matching.help_kinds")),
      help.map((box) => h("label", { class: "check" }, box, t(`matching.help_${box.value}`))), h("p", { class: "field-error", hidden: true })),
    h("div", { class: "row end" }, h("button", { type: "submit", class: "primary" }, t("matching.post"))));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearFormErrors(form);
    await busy(form, async () => {
      try {
        const need = await api.post("/api/needs", {
          city_id: Number(city.value), theme: theme.value, challenge: challenge.value.trim(), timeframe: timeframe.value.trim(),
          languages: languages.value.split(/[,\s]+/).map((s) => s.trim().toLowerCase()).filter(Boolean),
          help_kinds: help.filter((box) => box.checked).map((box) => box.value) });
        navigate(`/needs/${need.id}`);
      } catch (error) { showFormError(form, error); }
    });
  });
  return form;
}

export async function show(main) {
  setTitle(t("matching.title"));
  const [needs, offers, cities] = await Promise.all([api.get("/api/needs"), api.get("/api/offers"), loadCities()]);
  const me = store.me;
  const postable = me.is_admin ? cities : cities.filter((c) => c.id === me.city_id);
  main.append(h("section", { class: "page" },
    h("header", { class: "page-header" }, h("h1", {}, t("matching.title")), h("p", { class: "muted" }, t("matching.intro")),
      h("p", {}, link("/cities", t("cities.all")))),
    postable.length ? h("details", { class: "post-need" }, h("summary", {}, t("matching.post_need")), needForm(postable)) : null,
    h("h2", { class: "section-title" }, t("matching.needs")),
    needs.items.length ? h("ul", { class: "grid cards" }, needs.items.map(needCard)) : h("p", { class: "muted" }, t("matching.no_needs")),
    h("h2", { class: "section-title" }, t("matching.offers")),
    offers.items.length ? h("ul", { class: "grid cards" }, offers.items.map(offerCard)) : h("p", { class: "muted" }, t("matching.no_offers"))));
}
