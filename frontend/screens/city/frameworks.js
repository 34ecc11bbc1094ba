// Admins load another self-assessment framework from a file (or pasted text). A refused file names
// its line and the reason; the server sends the reason as a code, said here in the reader's language.
import { api } from "../../api.js";
import { currentLocale, t } from "../../i18n.js";
import { busy, clearFormErrors, field, formError, h, showFormError, toast } from "../../ui.js";

function label(framework) {
  return (framework.label && (framework.label[currentLocale()] || framework.label.en)) || framework.id;
}

function refusal(problem) {
  const params = { ...problem, kind: problem.kind ? t(`frameworks.kind_${problem.kind}`) : "" };
  const reason = t(`frameworks.why_${problem.why}`, params);
  return t("api.field.framework_line", { line: problem.line, reason: reason.startsWith("frameworks.") ? problem.reason : reason });
}

function loadedList(frameworks) {
  return h("ul", { class: "plain-list small frameworks-loaded" }, frameworks.map((f) =>
    h("li", {}, t("frameworks.loaded_item", { label: label(f), id: f.id, version: String(f.version) }))));
}

export async function frameworksSection() {
  const list = h("div", {}, loadedList((await api.get("/api/frameworks")).items));
  const text = h("textarea", { rows: "8", spellcheck: "false" });
  const file = h("input", { type: "file", accept: ".json,application/json,text/plain" });
  file.addEventListener("change", async () => {
    if (file.files[0]) text.value = await file.files[0].text();
  });
  const form = h("form", { class: "card stack", novalidate: true }, formError(),
    field(t("frameworks.file"), file),
    field(t("frameworks.text"), text, { name: "text", hint: t("frameworks.text_hint") }),
    h("div", { class: "row end" }, h("button", { type: "submit", class: "primary" }, t("frameworks.load"))));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearFormErrors(form);
    await busy(form, async () => {
      try {
        const loaded = (await api.post("/api/frameworks", { text: text.value })).items[0];
        toast(t("frameworks.loaded", { label: label(loaded) }));
        text.value = "";
        file.value = "";
        list.replaceChildren(loadedList((await api.get("/api/frameworks")).items));
      } catch (error) {
        showFormError(form, error);
        const problem = error.fields && error.fields.text;
        const slot = form.querySelector('[data-field="text"] .field-error');
        if (problem && problem.why && slot) slot.textContent = refusal(problem);
      }
    });
  });
  return h("section", { class: "frameworks", "aria-labelledby": "frameworks-title" },
    h("h2", { class: "section-title", id: "frameworks-title" }, t("frameworks.title")),
    h("p", { class: "muted" }, t("frameworks.intro")), list, form);
}
