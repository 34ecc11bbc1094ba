// The after-event report on an event page, once the event has begun: what we saw, what we will
// adapt, documents from the space's library and who took part. Organisers write it and turn it
// into a practice record draft in one click; members read it.
import { api } from "../../api.js";
import { t } from "../../i18n.js";
import { announce, avatar, busy, clear, describeError, field, formError, h, link, showFormError, toast } from "../../ui.js";

export const begun = (event) => event.status !== "cancelled" && Date.parse(event.starts_at) <= Date.now();

function participants(report) {
  return h("div", { class: "stack" }, h("h3", {}, t("report.participants", { count: report.participants.length })),
    report.participants.length
      ? h("ul", { class: "members report-participants" }, report.participants.map((user) => h("li", { class: "member" }, avatar(user), h("span", {}, user.name))))
      : h("p", { class: "muted small" }, t("report.no_participants")));
}

function attachments(report) {
  if (!report.attachments.length) return null;
  return h("div", {}, h("h3", {}, t("report.attachments")),
    h("ul", { class: "report-attachments" }, report.attachments.map((item) => h("li", {}, link(`/resources/${item.id}`, item.title)))));
}

function practiceAction(event, report, reload, onMade) {
  if (report.practice_id) return h("p", {}, link(`/resources/${report.practice_id}`, t("report.see_practice")));
  if (!report.can_edit || !report.exists) return null;
  const errors = h("div", { class: "stack" }, formError());
  return h("div", { class: "stack" }, errors, h("div", {}, h("button", { type: "button", onclick: () => busy(errors, async () => {
    try {
      const practice = await api.post(`/api/events/${event.id}/report/practice`, {});
      toast(t("report.practice_made"));
      onMade(practice.id);
      await reload();
    } catch (error) { showFormError(errors, error); }
  }) }, t("report.make_practice"))));
}

async function reportForm(event, report, onSaved) {
  let library = [];
  try { library = (await api.get(`/api/spaces/${event.space_id}/resources`, { limit: 50 })).items; } catch { /* the texts can still be saved */ }
  const chosen = new Set(report.attachments.map((item) => item.id));
  const seen = h("textarea", { name: "seen", rows: "4", maxlength: "20000" }, report.seen);
  const adapt = h("textarea", { name: "adapt", rows: "4", maxlength: "20000" }, report.adapt);
  const boxes = library.map((item) => h("input", { type: "checkbox", value: String(item.id), checked: chosen.has(item.id) }));
  const form = h("form", { class: "stack report-form", novalidate: true }, formError(),
    field(t("report.seen"), seen), field(t("report.adapt"), adapt),
    library.length ? h("fieldset", { class: "report-library" }, h("legend", {}, t("report.attach")),
      h("ul", {}, library.map((item, index) => h("li", {}, h("label", { class: "poll-choice" }, boxes[index], h("span", {}, item.title))))))
      : h("p", { class: "muted small" }, t("report.library_empty")),
    h("div", { class: "row" }, h("button", { type: "submit", class: "primary" }, t("report.save"))));
  form.addEventListener("submit", (submit) => {
    submit.preventDefault();
    busy(form, async () => {
      try {
        await api.put(`/api/events/${event.id}/report`, { seen: seen.value, adapt: adapt.value,
          attachment_ids: boxes.filter((box) => box.checked).map((box) => Number(box.value)) });
        announce(t("report.saved"));
        await onSaved();
      } catch (error) { showFormError(form, error); }
    });
  });
  return form;
}

/** The report section; load() again when the event or its report changes. */
export function reportBox(event) {
  // The heading that names the section is there from the start (and when loading fails): axe and
  // screen readers may read the section before its report has arrived.
  const heading = () => h("h2", { id: "report-title" }, t("report.title"));
  const element = h("section", { class: "card stack event-report", "aria-labelledby": "report-title" }, heading());
  let editing = false;
  // The drafted record's link takes the focus, again after the live re-render of the page
  // (which detaches the section and leaves the focus on the body).
  let focusPractice = null;
  async function load() {
    if (editing && element.querySelector("form")) return; // a live change must not wipe what is being typed
    let report;
    try { report = await api.get(`/api/events/${event.id}/report`); } catch (error) {
      clear(element, heading(), h("p", { class: "notice" }, describeError(error)));
      return;
    }
    const text = (label, value) => (value ? h("div", {}, h("h3", {}, label), h("p", { class: "report-text" }, value)) : null);
    const edit = report.can_edit && !editing ? h("button", { type: "button", class: "ghost", onclick: async () => {
      editing = true;
      await load();
      element.querySelector("textarea").focus();
    } }, report.exists ? t("report.edit") : t("report.write")) : null;
    clear(element, h("div", { class: "row between wrap" }, heading(), edit),
      editing ? await reportForm(event, report, async () => { editing = false; await load(); })
        : report.exists ? [text(t("report.seen"), report.seen), text(t("report.adapt"), report.adapt), attachments(report)]
          : h("p", { class: "muted small" }, t("report.none")),
      participants(report), practiceAction(event, report, load, (id) => { focusPractice = id; }));
    const made = focusPractice && element.querySelector(`a[href="/resources/${focusPractice}"]`);
    if (made && (!document.activeElement || document.activeElement === document.body || element.contains(document.activeElement))) made.focus();
  }
  return { element, load };
}
