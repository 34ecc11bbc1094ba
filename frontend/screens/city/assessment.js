// A city's self-assessment: items of the framework by domain, each rated with a note and evidence;
// the city's editors fill it and share it, officials of partner cities comment item by item.
import { api } from "../../api.js";
import { currentLocale, formatDate, t } from "../../i18n.js";
import { busy, clear, clearFormErrors, formError, h, showFormError, toast, uid } from "../../ui.js";

const RATINGS = ["met", "partly", "not_yet", "not_applicable"];

function text(labels) {
  return (labels && (labels[currentLocale()] || labels.en)) || "";
}

async function load(cityId, canEdit) {
  const years = (await api.get(`/api/cities/${cityId}/assessments`)).items;
  if (years.length) return api.get(`/api/cities/${cityId}/assessments/${years[0].year}`);
  if (!canEdit) return null;
  const framework = (await api.get("/api/frameworks")).items[0];
  return { year: new Date().getFullYear(), framework, ratings: {}, reviews: [], shared: false, can_edit: true, can_review: false, blank: true };
}

function evidenceHref(e) {
  return e.url || (e.resource_id ? `/resources/${e.resource_id}` : `/threads/${e.thread_id}`);
}

function evidence(rating) {
  if (!rating || !rating.evidence.length) return null;
  return h("ul", { class: "chips" }, rating.evidence.map((e) => h("li", { class: "chip" },
    h("a", { href: evidenceHref(e) }, e.title))));
}

// A link pasted from this site names a record or a thread by id (the server then checks the editor
// may read it and shows its title); any other http(s) address is kept as a link.
function parseEvidence(raw) {
  const value = raw.trim();
  let url;
  try { url = value.startsWith("/") ? new URL(value, location.origin) : new URL(value); } catch { return null; }
  if (!/^https?:$/.test(url.protocol)) return null;
  const own = url.origin === location.origin && url.pathname.match(/^\/(resources|threads)\/(\d+)$/);
  if (own) return own[1] === "resources" ? { resource_id: Number(own[2]), title: value } : { thread_id: Number(own[2]), title: value };
  return { url: url.href, title: url.href };
}

function evidenceEditor(item, list) {
  const chips = h("ul", { class: "chips evidence" });
  const show = () => chips.replaceChildren(...list.map((e, index) => h("li", { class: "chip" },
    h("a", { href: evidenceHref(e) }, e.title), " ",
    h("button", { type: "button", class: "ghost small", "aria-label": t("cities.evidence_remove", { title: e.title }),
      onclick: () => { list.splice(index, 1); show(); } }, "×"))));
  show();
  const id = uid("evidence");
  const input = h("input", { id, type: "text", inputmode: "url", maxlength: "2000", placeholder: t("cities.evidence_placeholder") });
  const problem = h("p", { class: "field-error", id: `${id}-error`, hidden: true });
  const add = () => {
    const found = parseEvidence(input.value);
    problem.hidden = Boolean(found);
    problem.textContent = found ? "" : t("cities.evidence_invalid");
    if (found) input.removeAttribute("aria-invalid"); else input.setAttribute("aria-invalid", "true");
    if (!found) return;
    list.push(found);
    input.value = "";
    show();
  };
  input.setAttribute("aria-describedby", problem.id);
  input.addEventListener("keydown", (event) => { if (event.key === "Enter") { event.preventDefault(); add(); } });
  return h("div", { class: "stack evidence-editor" }, chips,
    h("label", { for: id, class: "small" }, t("cities.evidence_label"),
      h("span", { class: "visually-hidden" }, ` ${t("cities.evidence_for", { item: text(item.label) })}`),
      h("span", { class: "muted" }, ` – ${t("cities.evidence_hint")}`)),
    h("div", { class: "row wrap" }, input, h("button", { type: "button", class: "small", onclick: add }, t("cities.evidence_add"))), problem);
}

function comments(assessment, itemId) {
  const said = assessment.reviews.filter((r) => r.comments[itemId]);
  if (!said.length) return null;
  return h("ul", { class: "plain-list small" }, said.map((r) => h("li", { class: "review" },
    h("strong", {}, t("cities.reviewed_by", { name: r.reviewer ? r.reviewer.name : t("common.someone"), city: r.reviewer_city ? r.reviewer_city.name : "" })),
    " ", r.comments[itemId])));
}

function itemRow(assessment, item, inputs) {
  const rating = assessment.ratings[item.id];
  const id = uid("item");
  let control = h("span", { class: `badge rating-${rating ? rating.rating : "none"}` }, rating ? t(`cities.rating_${rating.rating}`) : t("cities.rating_none"));
  if (assessment.can_edit) {
    const select = h("select", { id, dataset: { item: item.id } }, h("option", { value: "" }, t("cities.rating_none")),
      RATINGS.map((r) => h("option", { value: r, selected: rating && rating.rating === r }, t(`cities.rating_${r}`))));
    const note = h("input", { type: "text", maxlength: "2000", value: rating ? rating.note : "", "aria-label": t("cities.note_for", { item: text(item.label) }) });
    const cited = rating ? [...rating.evidence] : [];
    inputs.set(item.id, { select, note, evidence: cited });
    control = h("div", { class: "stack" }, h("div", { class: "row wrap" }, select, note), evidenceEditor(item, cited));
  }
  let comment = null;
  if (assessment.can_review) {
    comment = h("textarea", { rows: "2", maxlength: "2000", "aria-label": t("cities.comment_on", { item: text(item.label) }) });
    inputs.set(`review:${item.id}`, comment);
  }
  return h("li", { class: "assessment-item" },
    h("label", { for: assessment.can_edit ? id : null, class: "block" }, h("strong", {}, text(item.label))),
    item.guidance ? h("p", { class: "muted small" }, text(item.guidance)) : null,
    control, !assessment.can_edit && rating && rating.note ? h("p", { class: "small" }, rating.note) : null,
    assessment.can_edit ? null : evidence(rating), comments(assessment, item.id), comment);
}

function ratingsBody(assessment, inputs, shared) {
  const ratings = {};
  for (const [itemId, input] of inputs) {
    if (itemId.startsWith("review:") || !input.select.value) continue;
    const evidence = input.evidence.map((e) => (e.url ? { url: e.url } : e.resource_id ? { resource_id: e.resource_id } : { thread_id: e.thread_id }));
    ratings[itemId] = { rating: input.select.value, note: input.note.value, evidence };
  }
  return { framework_id: assessment.framework.id, framework_version: assessment.framework.version, ratings, shared };
}

function reviewBody(inputs) {
  const said = {};
  for (const [key, input] of inputs) if (key.startsWith("review:") && input.value.trim()) said[key.slice(7)] = input.value.trim();
  return { comments: said };
}

function actions(cityId, assessment, inputs, form, rerender) {
  const run = (work, message) => async () => {
    clearFormErrors(form);
    await busy(form, async () => {
      try { rerender(await work()); toast(message); } catch (error) { showFormError(form, error); }
    });
  };
  const url = `/api/cities/${cityId}/assessments/${assessment.year}`;
  const save = (shared) => () => api.put(url, ratingsBody(assessment, inputs, shared));
  return h("div", { class: "row end wrap" },
    assessment.can_edit ? h("button", { type: "button", onclick: run(save(false), t("cities.assessment_saved")) }, t("cities.save_draft")) : null,
    assessment.can_edit ? h("button", { type: "button", class: "primary", onclick: run(save(true), t("cities.assessment_shared")) }, t("cities.share_assessment")) : null,
    assessment.can_review ? h("button", { type: "button", class: "primary", onclick: run(() => api.post(`${url}/reviews`, reviewBody(inputs)), t("cities.review_sent")) }, t("cities.send_review")) : null);
}

function render(section, city, assessment) {
  const inputs = new Map();
  const form = h("form", { class: "stack", novalidate: true, onsubmit: (event) => event.preventDefault() }, formError());
  form.append(...assessment.framework.domains.map((domain) => h("fieldset", { class: "card" },
    h("legend", {}, h("h3", {}, text(domain.label))),
    h("ul", { class: "plain-list stack" }, domain.items.map((item) => itemRow(assessment, item, inputs))))));
  form.append(actions(city.id, assessment, inputs, form, (next) => render(section, city, next)));
  const status = assessment.shared ? t("cities.shared_on", { date: formatDate(assessment.shared_at) }) : t("cities.draft");
  clear(section,
    h("h2", { class: "section-title", id: "assessment-title" }, t("cities.assessment", { year: String(assessment.year) })),
    h("p", { class: "muted" }, text(assessment.framework.label)),
    h("p", {}, h("span", { class: assessment.shared ? "badge" : "badge subtle" }, status),
      assessment.summary ? ` ${RATINGS.map((r) => `${t(`cities.rating_${r}`)}: ${assessment.summary[r]}`).join(" · ")}` : null),
    assessment.can_edit ? h("p", { class: "muted small" }, t("cities.assessment_hint")) : null,
    form);
}

export async function assessmentSection(city, canEdit) {
  const section = h("section", { class: "assessment", "aria-labelledby": "assessment-title" });
  const assessment = await load(city.id, canEdit);
  if (!assessment) {
    section.append(h("h2", { class: "section-title", id: "assessment-title" }, t("cities.assessment_none_title")),
      h("p", { class: "muted" }, t("cities.assessment_none")));
    return section;
  }
  render(section, city, assessment);
  return section;
}
