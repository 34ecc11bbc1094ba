// One implementing city's plan inside a transfer: its document (context, what is adapted and why,
// stakeholders, resources, risks), milestones, indicators and adaptation log, and its completion
// into the city's own practice record. Editable by those the server says may (`can_edit`).
import { api } from "../../api.js";
import { formatDate, formatNumber, t } from "../../i18n.js";
import { busy, describeError, field, formError, h, showFormError, toast } from "../../ui.js";

const TEXTS = ["local_context", "adaptations", "stakeholders", "resources", "risks"];
const FIELDS = ["title", "summary", "purpose", "context", "process", "partners", "responsible_office", "budget", "results",
  "evidence", "transfer_conditions", "lessons_learned", "contact", "other"];

function planText(plan, base, done) {
  if (!plan.can_edit) {
    return h("dl", { class: "plan-text" }, TEXTS.flatMap((key) => plan[key]
      ? [h("dt", {}, t(`plan.${key}`)), h("dd", { class: "prewrap" }, plan[key])] : []));
  }
  const areas = Object.fromEntries(TEXTS.map((key) => [key, h("textarea", { name: key, rows: 3, maxlength: "20000" }, plan[key])]));
  const form = h("form", { class: "stack plan-form", novalidate: true }, formError(),
    TEXTS.map((key) => field(t(`plan.${key}`), areas[key])),
    h("div", {}, h("button", { type: "submit" }, t("plan.save"))));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const body = { ...Object.fromEntries(TEXTS.map((key) => [key, areas[key].value])), indicators: plan.indicators };
    await busy(form, async () => {
      try { await api.put(base, body); toast(t("plan.saved")); done(); } catch (error) { showFormError(form, error); }
    });
  });
  return form;
}

function milestoneRow(milestone, plan, done) {
  const late = milestone.overdue ? h("span", { class: "badge warning" }, t("milestone.overdue")) : null;
  const state = h("span", { class: `badge milestone-${milestone.state}` }, t(`milestone.state_${milestone.state}`));
  const title = milestone.key ? t(`milestone.${milestone.key}`) : milestone.title;
  const actions = plan.can_edit && milestone.state === "open" ? h("span", { class: "row gap" },
    ["done", "dropped"].map((next) => h("button", { type: "button", class: "small ghost",
      "aria-label": t(`milestone.mark_${next}_label`, { title }),
      onclick: async () => {
        try { await api.patch(`/api/milestones/${milestone.id}`, { state: next }); done(); } catch (error) { toast(describeError(error), "error"); }
      } }, t(`milestone.mark_${next}`)))) : null;
  return h("li", { class: `milestone${milestone.overdue ? " overdue" : ""}`, dataset: { milestone: String(milestone.id) } },
    h("p", { class: "row gap wrap" }, h("strong", {}, title), state, late),
    h("p", { class: "muted small" }, [t("milestone.due", { date: formatDate(milestone.due_on) }),
      milestone.owner ? milestone.owner.name : null].filter(Boolean).join(" · ")),
    milestone.evidence.length ? h("ul", { class: "small" }, milestone.evidence.map((item) => h("li", {},
      h("a", { href: item.url || (item.resource_id ? `/resources/${item.resource_id}` : `/threads/${item.thread_id}`) }, item.title)))) : null,
    actions);
}

function milestoneForm(base, done) {
  const title = h("input", { type: "text", name: "title", required: true, maxlength: "200" });
  const due = h("input", { type: "date", name: "due_on", required: true });
  const form = h("form", { class: "row gap wrap milestone-form", novalidate: true }, formError(),
    field(t("milestone.title"), title), field(t("milestone.due_on"), due),
    h("button", { type: "submit" }, t("milestone.add")));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    await busy(form, async () => {
      try { await api.post(`${base}/milestones`, { title: title.value, due_on: due.value || null }); done(); } catch (error) { showFormError(form, error); }
    });
  });
  return form;
}

function indicatorTable(plan, base, done) {
  const save = (indicators) => api.put(base, { ...Object.fromEntries(TEXTS.map((key) => [key, plan[key]])), indicators });
  const rows = plan.indicators.map((indicator, index) => {
    const last = indicator.measurements[indicator.measurements.length - 1];
    const value = h("input", { type: "number", step: "any", name: "value", "aria-label": t("indicator.value_for", { name: indicator.name }) });
    const measure = plan.can_edit ? h("form", { class: "row gap", novalidate: true }, value,
      h("button", { type: "submit", class: "small" }, t("indicator.measure"))) : null;
    if (measure) measure.addEventListener("submit", async (event) => {
      event.preventDefault();
      const copy = plan.indicators.map((item) => ({ ...item, measurements: [...item.measurements] }));
      copy[index].measurements.push({ on: new Date().toISOString().slice(0, 10), value: Number(value.value), note: "" });
      try { await save(copy); done(); } catch (error) { toast(describeError(error), "error"); }
    });
    return h("tr", {}, h("th", { scope: "row" }, indicator.name), h("td", {}, indicator.unit),
      h("td", {}, indicator.baseline ?? "–"), h("td", {}, indicator.target ?? "–"),
      h("td", {}, last ? `${formatNumber(last.value)} (${formatDate(last.on)})` : "–"), measure ? h("td", {}, measure) : null);
  });
  const table = plan.indicators.length ? h("table", { class: "indicators" },
    h("thead", {}, h("tr", {}, ["name", "unit", "baseline", "target", "latest"].map((key) => h("th", { scope: "col" }, t(`indicator.${key}`))),
      plan.can_edit ? h("th", { scope: "col" }, t("indicator.new_value")) : null)), h("tbody", {}, rows))
    : h("p", { class: "muted" }, t("indicator.none"));
  if (!plan.can_edit) return table;
  const name = h("input", { type: "text", name: "name", maxlength: "120" });
  const unit = h("input", { type: "text", name: "unit", maxlength: "40" });
  const baseline = h("input", { type: "number", step: "any", name: "baseline" });
  const target = h("input", { type: "number", step: "any", name: "target" });
  const form = h("form", { class: "row gap wrap indicator-form", novalidate: true }, formError(),
    field(t("indicator.name"), name), field(t("indicator.unit"), unit), field(t("indicator.baseline"), baseline),
    field(t("indicator.target"), target), h("button", { type: "submit" }, t("indicator.add")));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const number = (input) => (input.value === "" ? null : Number(input.value));
    const added = { name: name.value, unit: unit.value, baseline: number(baseline), target: number(target), measurements: [] };
    await busy(form, async () => {
      try { await save([...plan.indicators, added]); done(); } catch (error) { showFormError(form, fieldsOfIndicator(error)); }
    });
  });
  return h("div", { class: "stack" }, table, form);
}

/** `indicators.3.unit` → `unit`, so the error shows beside the new indicator's own field. */
function fieldsOfIndicator(error) {
  const fields = {};
  for (const [key, problem] of Object.entries(error.fields || {})) fields[key.replace(/^indicators\.\d+\./, "")] = problem;
  return { status: error.status, code: error.code, fields };
}

function logList(entries) {
  if (!entries.length) return h("p", { class: "muted" }, t("log.none"));
  return h("ol", { class: "adaptation-log" }, entries.map((entry) => h("li", { class: `log-${entry.kind}` },
    h("p", { class: "muted small" }, [entry.author ? entry.author.name : null, entry.created_at ? formatDate(entry.created_at) : null,
      entry.kind === "adaptation" ? t("log.about", { field: fieldName(entry.field) }) : t("log.comment")].filter(Boolean).join(" · ")),
    entry.change ? h("p", { class: "prewrap" }, entry.change) : null,
    entry.reason ? h("p", { class: "prewrap" }, h("strong", {}, t("log.reason")), " ", entry.reason) : null,
    entry.notes ? h("p", { class: "prewrap muted" }, entry.notes) : null)));
}

function fieldName(key) {
  if (["other", "title", "responsible_office", "budget"].includes(key)) return t(`log.field_${key}`);
  const label = t(`practice.${key}`);
  return label === `practice.${key}` ? key : label;
}

function logForm(plan, base, done) {
  const kind = h("select", { name: "kind" },
    plan.can_edit ? h("option", { value: "adaptation" }, t("log.kind_adaptation")) : null,
    h("option", { value: "comment" }, t("log.kind_comment")));
  const which = h("select", { name: "field" }, FIELDS.map((key) => h("option", { value: key }, fieldName(key))));
  const change = h("textarea", { name: "change", rows: 2, maxlength: "5000" });
  const reason = h("textarea", { name: "reason", rows: 2, maxlength: "5000" });
  const notes = h("textarea", { name: "notes", rows: 2, maxlength: "5000" });
  const adaptationOnly = [field(t("log.field"), which), field(t("log.change"), change), field(t("log.reason"), reason)];
  const form = h("form", { class: "stack log-form", novalidate: true }, formError(), field(t("log.kind"), kind),
    adaptationOnly, field(t("log.notes"), notes), h("div", {}, h("button", { type: "submit" }, t("log.add"))));
  const sync = () => adaptationOnly.forEach((part) => { part.hidden = kind.value !== "adaptation"; });
  kind.addEventListener("change", sync);
  sync();
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const body = kind.value === "adaptation"
      ? { kind: "adaptation", field: which.value, change: change.value, reason: reason.value, notes: notes.value }
      : { kind: "comment", notes: notes.value };
    await busy(form, async () => {
      try { await api.post(`${base}/log`, body); done(); } catch (error) { showFormError(form, error); }
    });
  });
  return form;
}

function completion(plan, base, transfer, done) {
  if (plan.practice_id) {
    return h("p", { class: "notice" }, t("plan.completed_into"), " ", h("a", { href: `/resources/${plan.practice_id}` }, t("plan.open_record")));
  }
  if (!plan.can_edit || !["reviewing", "completed"].includes(transfer.state)) return null;
  const button = h("button", { type: "button", class: "primary", onclick: async () => {
    button.disabled = true;
    try { const record = await api.post(`${base}/complete`); toast(t("plan.completed")); done(record); } catch (error) {
      button.disabled = false;
      toast(describeError(error), "error");
    }
  } }, t("plan.complete"));
  return h("div", { class: "stack tight" }, h("p", { class: "muted small" }, t("plan.complete_hint")), button);
}

/** The plan's section; `done(record?)` redraws the screen after a change. */
export async function planSection(transfer, brief, done) {
  const base = `/api/transfers/${transfer.id}/plans/${brief.city_id}`;
  const [plan, log] = await Promise.all([api.get(base), api.get(`${base}/log`)]);
  const city = plan.city ? plan.city.name : String(plan.city_id);
  return h("section", { class: "card stack plan", id: `plan-${plan.city_id}`, "aria-labelledby": `plan-title-${plan.city_id}` },
    h("h2", { id: `plan-title-${plan.city_id}` }, t("plan.title", { city })),
    completion(plan, base, transfer, done),
    planText(plan, base, done),
    h("h3", {}, t("milestone.title_list")),
    h("ul", { class: "milestones" }, plan.milestones.map((milestone) => milestoneRow(milestone, plan, done))),
    plan.can_edit ? milestoneForm(base, done) : null,
    h("h3", {}, t("indicator.title_list")), indicatorTable(plan, base, done),
    h("h3", {}, t("log.title")), logList(log.items),
    plan.can_edit || plan.can_comment ? logForm(plan, base, done) : null);
}
