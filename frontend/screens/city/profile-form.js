// Editing a city's profile (admins and the city's editors); the values replaced go to the history.
import { api } from "../../api.js";
import { t } from "../../i18n.js";
import { busy, clearFormErrors, field, formError, h, showFormError, toast } from "../../ui.js";

const TRENDS = ["growing", "stable", "shrinking"];
const ARRIVALS = ["labour", "family", "study", "asylum", "internal"];

function number(name, value, attrs = {}) {
  return h("input", { type: "number", name, value: value ?? "", inputmode: "decimal", ...attrs });
}

function figureBody(value, year) {
  return value.value === "" ? null : { value: Number(value.value), year: Number(year.value) };
}

function controls(profile) {
  const m = profile.migration || {};
  const thisYear = profile.year || new Date().getFullYear();
  return {
    year: number("year", thisYear, { min: "1800", max: "2200", required: true }),
    population: number("population.value", profile.population?.value, { min: "0" }),
    trend: h("select", { name: "population_trend" }, h("option", { value: "" }, t("cities.unknown")),
      TRENDS.map((k) => h("option", { value: k, selected: profile.population_trend === k }, t(`cities.trend_${k}`)))),
    arrivals: number("migration.arrivals_per_year.value", m.arrivals_per_year?.value, { min: "0" }),
    share: number("migration.foreign_born_share.value", m.foreign_born_share?.value, { min: "0", max: "100", step: "0.1" }),
    origins: h("input", { type: "text", name: "migration.main_origins", value: (m.main_origins || []).join(", ") }),
    languages: h("input", { type: "text", name: "languages", value: profile.languages.join(", "), placeholder: "nl, fr" }),
    types: ARRIVALS.map((k) => h("input", { type: "checkbox", value: k, checked: (m.arrival_types || []).includes(k) })),
  };
}

function body(c, profile) {
  const year = c.year;
  const list = (input) => input.value.split(",").map((s) => s.trim()).filter(Boolean);
  const result = {
    year: Number(year.value),
    population: figureBody(c.population, year),
    migration: {
      ...profile.migration,
      main_origins: list(c.origins),
      arrivals_per_year: figureBody(c.arrivals, year),
      foreign_born_share: figureBody(c.share, year),
      arrival_types: c.types.filter((box) => box.checked).map((box) => box.value),
    },
    languages: list(c.languages).map((s) => s.toLowerCase()),
  };
  if (c.trend.value) result.population_trend = c.trend.value;
  if (result.population === null) delete result.population;
  for (const key of ["arrivals_per_year", "foreign_born_share"]) if (result.migration[key] === null) delete result.migration[key];
  return result;
}

export function profileForm(profile, onSaved) {
  const c = controls(profile);
  const form = h("form", { class: "card stack", novalidate: true, "aria-labelledby": "profile-form-title" },
    h("h2", { id: "profile-form-title" }, t("cities.edit")),
    h("p", { class: "muted small" }, t("cities.edit_hint")),
    formError(),
    h("div", { class: "grid fields" },
      field(t("cities.year"), c.year), field(t("cities.population"), c.population), field(t("cities.trend"), c.trend),
      field(t("cities.arrivals"), c.arrivals), field(t("cities.foreign_born_percent"), c.share),
      field(t("cities.origins"), c.origins, { hint: t("cities.comma_hint") }),
      field(t("cities.languages"), c.languages, { hint: t("settings.languages_hint") })),
    h("fieldset", { class: "check-grid" }, h("legend", {}, t("cities.arrival_types")),
      c.types.map((box) => h("label", { class: "check" }, box, t(`cities.arrival_${box.value}`)))),
    h("div", { class: "row end" }, h("button", { type: "submit", class: "primary" }, t("common.save"))));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearFormErrors(form);
    await busy(form, async () => {
      try {
        const saved = await api.patch(`/api/cities/${profile.city.id}/profile`, body(c, profile));
        toast(t("cities.saved"));
        await onSaved(saved);
      } catch (error) {
        showFormError(form, error);
      }
    });
  });
  return form;
}
