// A plan's milestones: each with its due date, owner, state and evidence, overdue said in words;
// for those who may edit the plan: done, dropped or reopened, re-dated, given an owner and evidence
// links, and new milestones added.
import { api } from "../../api.js";
import { formatDate, t } from "../../i18n.js";
import { busy, describeError, field, formError, h, showFormError, toast } from "../../ui.js";
import { disclosure, prefilled } from "./common.js";

const titleOf = (milestone) => (milestone.key ? t(`milestone.${milestone.key}`) : milestone.title);

/** What PATCH and POST take back: one of resource_id, thread_id, url. */
function evidenceRef(item) {
  if (item.resource_id) return { resource_id: item.resource_id };
  if (item.thread_id) return { thread_id: item.thread_id };
  return { url: item.url };
}

function evidenceHref(item) {
  if (item.resource_id) return `/resources/${item.resource_id}`;
  if (item.thread_id) return `/threads/${item.thread_id}`;
  return item.url;
}

/** A select of the space's active members (filled when their list arrives), "nobody" first. */
function ownerSelect(members, current) {
  const select = h("select", { name: "owner_id" }, h("option", { value: "" }, t("milestone.no_owner")));
  members().then((items) => {
    for (const { user } of items) select.append(h("option", { value: String(user.id), selected: current === user.id }, user.name));
  }).catch(() => {});
  return select;
}

async function patch(milestone, body, done, onError = (error) => toast(describeError(error), "error")) {
  try {
    await api.patch(`/api/milestones/${milestone.id}`, body);
    done();
  } catch (error) {
    onError(error);
  }
}

function editForm(milestone, ctx) {
  const title = milestone.key ? null : prefilled(h("input", { type: "text", name: "title", value: milestone.title, maxlength: "200" }));
  const due = prefilled(h("input", { type: "date", name: "due_on", value: milestone.due_on }));
  const owner = ownerSelect(ctx.members, milestone.owner ? milestone.owner.id : null);
  const kept = milestone.evidence.map((item) => ({ item, box: h("input", { type: "checkbox", checked: true }) }));
  const link = h("input", { type: "url", name: "evidence", placeholder: "https://", maxlength: "2000" });
  const form = h("form", { class: "stack milestone-edit", novalidate: true }, formError(),
    title ? field(t("milestone.title_field"), title) : null,
    h("div", { class: "row gap wrap" }, field(t("milestone.due_on"), due), field(t("milestone.owner"), owner)),
    kept.length ? h("fieldset", { class: "checks" }, h("legend", {}, t("milestone.evidence_keep")),
      kept.map(({ item, box }) => h("label", { class: "check" }, box, item.title))) : null,
    field(t("milestone.evidence_add"), link, { hint: t("milestone.evidence_hint") }),
    h("div", {}, h("button", { type: "submit" }, t("milestone.save"))));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const evidence = kept.filter(({ box }) => box.checked).map(({ item }) => evidenceRef(item));
    if (link.value.trim()) evidence.push({ url: link.value.trim() });
    const body = { due_on: due.value || null, owner_id: owner.value ? Number(owner.value) : null, evidence };
    if (title) body.title = title.value;
    await busy(form, () => patch(milestone, body, ctx.done, (error) => showFormError(form, error)));
  });
  return form;
}

function actions(milestone, ctx) {
  const title = titleOf(milestone);
  const moves = milestone.state === "open" ? ["done", "dropped"] : ["open"];
  return h("div", { class: "milestone-actions" },
    h("div", { class: "row gap wrap" }, moves.map((next) => h("button", { type: "button", class: "small ghost",
      "aria-label": t(`milestone.mark_${next}_label`, { title }),
      onclick: (event) => { event.target.disabled = true; patch(milestone, { state: next }, ctx.done, (error) => { event.target.disabled = false; toast(describeError(error), "error"); }); },
    }, t(`milestone.mark_${next}`)))),
    disclosure([t("milestone.edit"), h("span", { class: "visually-hidden" }, ` – ${title}`)], editForm(milestone, ctx), { className: "small" }));
}

function milestoneRow(milestone, plan, ctx) {
  const late = milestone.overdue ? h("span", { class: "badge warning" }, h("span", { "aria-hidden": "true" }, "⚠ "), t("milestone.overdue")) : null;
  const when = milestone.overdue ? t("milestone.due_overdue", { date: formatDate(milestone.due_on) }) : t("milestone.due", { date: formatDate(milestone.due_on) });
  return h("li", { class: `milestone state-${milestone.state}${milestone.overdue ? " overdue" : ""}`, dataset: { milestone: String(milestone.id) } },
    h("p", { class: "row gap wrap" }, h("strong", {}, titleOf(milestone)),
      h("span", { class: `badge milestone-${milestone.state}` }, t(`milestone.state_${milestone.state}`)), late),
    h("p", { class: "muted small" }, [when, milestone.owner ? t("milestone.owned_by", { name: milestone.owner.name }) : null].filter(Boolean).join(" · ")),
    milestone.evidence.length ? h("ul", { class: "small evidence", "aria-label": t("milestone.evidence") },
      milestone.evidence.map((item) => h("li", {}, h("a", { href: evidenceHref(item), rel: item.url ? "noopener noreferrer" : null,
        target: item.url ? "_blank" : null }, item.title)))) : null,
    plan.can_edit ? actions(milestone, ctx) : null);
}

function addForm(base, ctx) {
  const title = h("input", { type: "text", name: "title", required: true, maxlength: "200" });
  const due = h("input", { type: "date", name: "due_on", required: true });
  const owner = ownerSelect(ctx.members, null);
  const form = h("form", { class: "stack milestone-form", novalidate: true }, formError(),
    field(t("milestone.title_field"), title),
    h("div", { class: "row gap wrap" }, field(t("milestone.due_on"), due), field(t("milestone.owner"), owner)),
    h("div", {}, h("button", { type: "submit" }, t("milestone.add"))));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const body = { title: title.value, due_on: due.value || null };
    if (owner.value) body.owner_id = Number(owner.value);
    await busy(form, async () => {
      try { await api.post(`${base}/milestones`, body); ctx.done(); } catch (error) { showFormError(form, error); }
    });
  });
  return disclosure(t("milestone.new"), form, { className: "add-form" });
}

/** The milestones of a plan, and (for its editors) the form to add one. */
export function milestones(plan, base, ctx) {
  const late = plan.milestones.filter((milestone) => milestone.overdue).length;
  return [
    h("h3", {}, t("milestone.title_list")),
    late ? h("p", { class: "overdue-note small" }, t("milestone.overdue_count", { count: late })) : null,
    h("ul", { class: "milestones" }, plan.milestones.map((milestone) => milestoneRow(milestone, plan, ctx))),
    plan.can_edit ? addForm(base, ctx) : null,
  ];
}
