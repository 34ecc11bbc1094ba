// Admin › search vocabulary: the concepts admins add to the vocabulary shipped with Citybridge, edited as
// text in the vocabulary file's format (docs/search.md, "Admins extend it"). A bad line is named by the
// server; a save made from an older version than the saved one is refused rather than lost.
import { api } from "../api.js";
import { formatTime, t } from "../i18n.js";
import { busy, clear, clearFormErrors, field, formError, h, showFormError, spinner, toast } from "../ui.js";

const EXAMPLE = `[night-shelter]
en: night shelter | emergency night shelter
fr: accueil de nuit | asile de nuit
es: albergue nocturno
nl: nachtopvang`;

export function vocabularyTab() {
  const box = h("div", { class: "stack" }, spinner());
  fill(box).catch(() => clear(box, h("p", { class: "notice" }, t("error.generic"))));
  return box;
}

function summary(saved) {
  const counts = t("vocabulary.counts", {
    concepts: t("vocabulary.concepts", { count: saved.concepts }), labels: t("vocabulary.labels", { count: saved.labels }) });
  if (!saved.version) return t("vocabulary.never_saved");
  const when = formatTime(saved.updated_at);
  return saved.updated_by
    ? t("vocabulary.saved_by", { version: saved.version, name: saved.updated_by.name, when, counts })
    : t("vocabulary.saved", { version: saved.version, when, counts });
}

async function fill(box) {
  let saved = await api.get("/api/search/vocabulary");
  const source = h("textarea", { name: "source", rows: "16", spellcheck: "false", class: "code", autocomplete: "off" });
  const status = h("p", { class: "muted small", role: "status" });
  const submit = h("button", { type: "submit", class: "primary" }, t("vocabulary.save"));
  const discard = h("button", { type: "button", class: "ghost" }, t("vocabulary.discard"));
  const form = h("form", { class: "card stack", novalidate: true, "aria-labelledby": "vocabulary-title" },
    h("h2", { id: "vocabulary-title" }, t("vocabulary.title")), formError(),
    field(t("vocabulary.source"), source, { hint: t("vocabulary.source_hint") }),
    status,
    h("div", { class: "row end" }, discard, submit));
  const show = (answer) => {
    saved = answer;
    source.value = answer.source;
    status.textContent = summary(answer);
  };
  show(saved);
  discard.addEventListener("click", async () => {
    await busy(form, async () => {
      show(await api.get("/api/search/vocabulary"));
      clearFormErrors(form);
    });
  });
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    await busy(form, async () => {
      try {
        show(await api.put("/api/search/vocabulary", { source: source.value, version: saved.version }));
        clearFormErrors(form);
        toast(t("vocabulary.saved_toast"));
      } catch (error) {
        showFormError(form, error);
      }
    });
  });
  clear(box,
    h("p", { class: "muted" }, t("vocabulary.lead", { shipped: saved.shipped_concepts })),
    h("details", { class: "card" },
      h("summary", {}, t("vocabulary.format_title")),
      h("p", {}, t("vocabulary.format")),
      h("pre", { class: "code" }, EXAMPLE)),
    form);
}
