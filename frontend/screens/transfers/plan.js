// One implementing city's plan inside a transfer: its document (context, what is adapted and why,
// stakeholders, resources, risks), milestones, indicators and adaptation log, and its completion
// into the city's own practice record. Editable by those the server says may (`can_edit`).
import { api } from "../../api.js";
import { t } from "../../i18n.js";
import { busy, clear, describeError, field, formError, h, showFormError, toast } from "../../ui.js";
import { TEXTS, indicators } from "./indicators.js";
import { adaptationLog } from "./log.js";
import { milestones } from "./milestones.js";

function readText(plan) {
  const parts = TEXTS.filter((key) => plan[key]);
  if (!parts.length) return h("p", { class: "muted" }, t("plan.empty"));
  return h("dl", { class: "plan-text" }, parts.flatMap((key) => [h("dt", {}, t(`plan.${key}`)), h("dd", { class: "prewrap" }, plan[key])]));
}

/** The plan's text: read, with an "Edit" button for its editors (a form straight away while empty). */
function planText(plan, base, ctx) {
  if (!plan.can_edit) return readText(plan);
  const slot = h("div", { class: "plan-text-slot" });
  const empty = !TEXTS.some((key) => plan[key]);
  const reading = () => {
    const edit = h("button", { type: "button", class: "small", onclick: () => { clear(slot, editing(true)); slot.querySelector("textarea").focus(); } }, t("plan.edit"));
    return [readText(plan), h("div", {}, edit)];
  };
  const editing = (opened) => {
    const areas = Object.fromEntries(TEXTS.map((key) => [key, h("textarea", { name: key, rows: 3, maxlength: "20000" }, plan[key])]));
    const form = h("form", { class: `plan-form${opened ? " opened" : ""}`, novalidate: true }, formError(),
      h("div", { class: "plan-grid" }, TEXTS.map((key) => field(t(`plan.${key}`), areas[key]))),
      h("div", { class: "row gap" }, h("button", { type: "submit", class: "primary" }, t("plan.save")),
        opened ? h("button", { type: "button", class: "ghost", onclick: () => { clear(slot, reading()); ctx.settle(); } }, t("common.cancel")) : null));
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const body = { ...Object.fromEntries(TEXTS.map((key) => [key, areas[key].value])), indicators: plan.indicators };
      await busy(form, async () => {
        try { await api.put(base, body); toast(t("plan.saved")); ctx.done(); } catch (error) { showFormError(form, error); }
      });
    });
    return form;
  };
  return clear(slot, empty ? editing(false) : reading());
}

function completion(plan, base, transfer, ctx) {
  if (plan.practice_id) {
    return h("p", { class: "notice success" }, t("plan.completed_into"), " ", h("a", { href: `/resources/${plan.practice_id}` }, t("plan.open_record")));
  }
  if (!plan.can_edit || !["reviewing", "completed"].includes(transfer.state)) return null;
  const button = h("button", { type: "button", class: "primary", onclick: async () => {
    button.disabled = true;
    try { const record = await api.post(`${base}/complete`); toast(t("plan.completed")); ctx.done(record); } catch (error) {
      button.disabled = false;
      toast(describeError(error), "error");
    }
  } }, t("plan.complete"));
  return h("div", { class: "stack tight complete-box" }, h("p", { class: "small" }, t("plan.complete_hint")), h("div", {}, button));
}

/** The plan's section. ctx: done(record?) redraws after one's own change, settle() after a form
 * closes, members() the space's active members (for owners). */
export async function planSection(transfer, brief, ctx) {
  const base = `/api/transfers/${transfer.id}/plans/${brief.city_id}`;
  const [plan, log] = await Promise.all([api.get(base), api.get(`${base}/log`)]);
  const city = plan.city ? plan.city.name : String(plan.city_id);
  return h("section", { class: "card stack plan", id: `plan-${plan.city_id}`, "aria-labelledby": `plan-title-${plan.city_id}` },
    h("h2", { id: `plan-title-${plan.city_id}` }, t("plan.title", { city })),
    completion(plan, base, transfer, ctx),
    planText(plan, base, ctx),
    milestones(plan, base, ctx),
    indicators(plan, base, ctx),
    adaptationLog(plan, log.items, base, ctx));
}
