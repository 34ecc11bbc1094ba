// A plan's adaptation log: what changed from the source record, field by field, and why (the
// implementing side), and comments (the mentor city's officials too).
import { api } from "../../api.js";
import { formatDate, t } from "../../i18n.js";
import { busy, field, formError, h, showFormError } from "../../ui.js";
import { disclosure } from "./common.js";

const FIELDS = ["title", "summary", "purpose", "context", "process", "partners", "responsible_office", "budget", "results",
  "evidence", "transfer_conditions", "lessons_learned", "contact", "other"];

function fieldName(key) {
  if (["other", "title", "responsible_office", "budget"].includes(key)) return t(`log.field_${key}`);
  const label = t(`practice.${key}`);
  return label === `practice.${key}` ? key : label;
}

function entryItem(entry) {
  const adaptation = entry.kind === "adaptation";
  return h("li", { class: `log-entry log-${entry.kind}` },
    h("p", { class: "row gap wrap" },
      h("span", { class: `badge ${adaptation ? "log-adaptation-badge" : "subtle"}` }, adaptation ? t("log.about", { field: fieldName(entry.field) }) : t("log.comment")),
      h("span", { class: "muted small" }, [entry.author ? entry.author.name : null, entry.created_at ? formatDate(entry.created_at) : null].filter(Boolean).join(" · "))),
    entry.change ? h("p", { class: "prewrap" }, entry.change) : null,
    entry.reason ? h("p", { class: "prewrap" }, h("strong", {}, t("log.reason")), " ", entry.reason) : null,
    entry.notes ? h("p", { class: "prewrap muted" }, entry.notes) : null);
}

function logForm(plan, base, ctx) {
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
      try { await api.post(`${base}/log`, body); ctx.done(); } catch (error) { showFormError(form, error); }
    });
  });
  return disclosure(plan.can_edit ? t("log.new") : t("log.new_comment"), form, { className: "add-form" });
}

export function adaptationLog(plan, entries, base, ctx) {
  return [
    h("h3", {}, t("log.title")),
    entries.length ? h("ol", { class: "adaptation-log" }, entries.map(entryItem)) : h("p", { class: "muted" }, t("log.none")),
    plan.can_edit || plan.can_comment ? logForm(plan, base, ctx) : null,
  ];
}
