// Writing a practice record, from scratch or from a thread's draft (the server drafts it).
import { api } from "../../api.js";
import { currentLocale, t } from "../../i18n.js";
import { plainText } from "../../markdown.js";
import { themeBoxes } from "../../parts/themes.js";
import { store } from "../../store.js";
import { busy, field, formError, h, showFormError, uid } from "../../ui.js";
import { checked, select } from "./forms.js";

const PRACTICE_TEXTS = ["purpose", "context", "process", "partners", "results", "evidence", "transfer_conditions", "lessons_learned"];

export function practiceForm(space, onDone, { draft = null, fromThread = null } = {}) {
  const title = h("input", { type: "text", name: "title", required: true, maxlength: "200", value: draft ? draft.title : "" });
  const summary = h("textarea", { name: "summary", rows: "3", required: true });
  // The draft's summary is the thread's first message in markdown; the record's fields are plain text.
  summary.value = draft ? plainText(draft.summary) : "";
  const me = store.me;
  const city = select("city_id", space.cities.map((c) => [c.id, c.name]));
  city.value = String((draft && draft.city_id) || me.city_id || space.cities[0].id);
  const language = h("input", { type: "text", name: "language", value: (draft && draft.language) || currentLocale(), maxlength: "12", required: true });
  const texts = PRACTICE_TEXTS.map((name) => {
    const area = h("textarea", { name, rows: "3" });
    return field(t(`practice.${name}`), area);
  });
  const contact = h("input", { type: "text", name: "contact", maxlength: "500" });
  const themes = themeBoxes("themes", t("practice.themes"));
  if (draft) for (const slug of draft.themes || []) { const box = themes.querySelector(`input[value="${slug}"]`); if (box) box.checked = true; }
  const headingId = uid("practice");
  const missing = draft && draft.missing && draft.missing.length
    ? h("p", { class: "notice" }, t("practice.draft_missing", { fields: draft.missing.map((name) => t(`practice.field_${name}`)).join(", ") })) : null;
  const form = h("form", { class: "card stack", novalidate: true, "aria-labelledby": headingId },
    h("h2", { id: headingId }, fromThread ? t("practice.from_thread_title", { title: draft ? draft.title : "" }) : t("library.write_practice")),
    fromThread ? h("p", { class: "muted" }, t("practice.from_thread_lead")) : null,
    missing, formError(),
    h("div", { class: "grid fields" }, field(t("library.title"), title), field(t("library.city"), city), field(t("library.language"), language)),
    field(t("practice.summary"), summary), themes, texts, field(t("practice.contact"), contact),
    h("div", { class: "row end" }, h("button", { type: "button", class: "ghost", onclick: () => onDone(null) }, t("common.cancel")),
      h("button", { type: "submit", class: "primary" }, t("library.save_practice"))));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const body = { title: title.value.trim(), summary: summary.value.trim(), city_id: Number(city.value), language: language.value.trim(),
      themes: checked(form, "themes"), contact: contact.value.trim() };
    for (const name of PRACTICE_TEXTS) body[name] = form.querySelector(`[name="${name}"]`).value;
    await busy(form, async () => {
      try {
        const resource = fromThread
          ? await api.post(`/api/threads/${fromThread}/practice`, body)
          : await api.post(`/api/spaces/${space.id}/resources`, { kind: "practice", ...body });
        onDone(resource);
      } catch (error) { showFormError(form, error); }
    });
  });
  return form;
}
