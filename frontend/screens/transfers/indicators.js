// A plan's result indicators: name, unit, baseline and target, and every measure over time; its
// editors add indicators and record measures (both are part of the plan document: PUT).
import { api } from "../../api.js";
import { formatDate, formatNumber, t } from "../../i18n.js";
import { busy, field, formError, h, showFormError } from "../../ui.js";
import { disclosure, prefilled, today } from "./common.js";

export const TEXTS = ["local_context", "adaptations", "stakeholders", "resources", "risks"];

const number = (input) => (input.value === "" ? null : Number(input.value));
const shown = (value, unit) => (value === null || value === undefined ? "–" : `${formatNumber(value)} ${unit}`.trim());

/** The whole plan back to the server, with these indicators. */
function save(plan, base, indicators) {
  return api.put(base, { ...Object.fromEntries(TEXTS.map((key) => [key, plan[key]])), indicators });
}

function copyOf(plan) {
  return plan.indicators.map((item) => ({ ...item, measurements: item.measurements.map((m) => ({ on: m.on, value: m.value, note: m.note })) }));
}

/** `indicators.3.measurements.0.value` → `value`, so an error shows beside the form's own field. */
function local(error) {
  const fields = {};
  for (const [key, problem] of Object.entries(error.fields || {})) fields[key.replace(/^indicators\.\d+\.(measurements\.\d+\.)?/, "")] = problem;
  return { status: error.status, code: error.code, fields };
}

function measureForm(plan, base, index, ctx) {
  const indicator = plan.indicators[index];
  const on = prefilled(h("input", { type: "date", name: "on", value: today() }));
  const value = h("input", { type: "number", step: "any", name: "value", required: true });
  const note = h("input", { type: "text", name: "note", maxlength: "500" });
  const form = h("form", { class: "stack", novalidate: true }, formError(),
    h("div", { class: "row gap wrap" }, field(t("indicator.on"), on), field(t("indicator.value", { unit: indicator.unit }), value)),
    field(t("indicator.note"), note),
    h("div", {}, h("button", { type: "submit" }, t("indicator.measure"))));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const indicators = copyOf(plan);
    indicators[index].measurements.push({ on: on.value || null, value: value.value === "" ? null : Number(value.value), note: note.value });
    await busy(form, async () => {
      try { await save(plan, base, indicators); ctx.done(); } catch (error) { showFormError(form, local(error)); }
    });
  });
  return disclosure([t("indicator.new_value"), h("span", { class: "visually-hidden" }, ` – ${indicator.name}`)], form, { className: "small" });
}

function history(indicator) {
  if (!indicator.measurements.length) return h("p", { class: "muted small" }, t("indicator.no_measure"));
  return h("table", { class: "measures" },
    h("caption", { class: "visually-hidden" }, t("indicator.history", { name: indicator.name })),
    h("thead", {}, h("tr", {}, h("th", { scope: "col" }, t("indicator.on")), h("th", { scope: "col" }, t("indicator.value", { unit: indicator.unit })),
      h("th", { scope: "col" }, t("indicator.note")))),
    h("tbody", {}, indicator.measurements.map((m) => h("tr", {}, h("td", {}, formatDate(m.on)), h("td", {}, formatNumber(m.value)), h("td", {}, m.note || "")))));
}

function indicatorItem(plan, base, index, ctx) {
  const indicator = plan.indicators[index];
  return h("li", { class: "indicator" },
    h("p", {}, h("strong", {}, indicator.name), " ", h("span", { class: "muted" }, `(${indicator.unit})`)),
    h("p", { class: "small" }, t("indicator.from_to", { baseline: shown(indicator.baseline, indicator.unit), target: shown(indicator.target, indicator.unit) })),
    history(indicator),
    plan.can_edit ? measureForm(plan, base, index, ctx) : null);
}

function addForm(plan, base, ctx) {
  const name = h("input", { type: "text", name: "name", maxlength: "120" });
  const unit = h("input", { type: "text", name: "unit", maxlength: "40" });
  const baseline = h("input", { type: "number", step: "any", name: "baseline" });
  const target = h("input", { type: "number", step: "any", name: "target" });
  const form = h("form", { class: "stack indicator-form", novalidate: true }, formError(),
    h("div", { class: "row gap wrap" }, field(t("indicator.name"), name), field(t("indicator.unit"), unit)),
    h("div", { class: "row gap wrap" }, field(t("indicator.baseline"), baseline), field(t("indicator.target"), target)),
    h("div", {}, h("button", { type: "submit" }, t("indicator.add"))));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const added = { name: name.value, unit: unit.value, baseline: number(baseline), target: number(target), measurements: [] };
    await busy(form, async () => {
      try { await save(plan, base, [...copyOf(plan), added]); ctx.done(); } catch (error) { showFormError(form, local(error)); }
    });
  });
  return disclosure(t("indicator.new"), form, { className: "add-form" });
}

export function indicators(plan, base, ctx) {
  return [
    h("h3", {}, t("indicator.title_list")),
    plan.indicators.length ? h("ul", { class: "indicators" }, plan.indicators.map((_, index) => indicatorItem(plan, base, index, ctx)))
      : h("p", { class: "muted" }, t("indicator.none")),
    plan.can_edit ? addForm(plan, base, ctx) : null,
  ];
}
