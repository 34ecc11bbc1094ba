// A practice record's translations: its original, or the translations of it, each in its own
// language; editors say which record of the space this one translates (docs/public.md).
import { api } from "../../api.js";
import { languageName, t } from "../../i18n.js";
import { announce, clear, describeError, field, h, toast } from "../../ui.js";

const refItem = (ref) => h("li", {}, h("a", { href: `/resources/${ref.id}` }, ref.title),
  ref.language ? ` (${languageName(ref.language)})` : "");

/** The space's other practice records that may be this one's original. */
async function picker(page, choose) {
  let records = [];
  try { records = (await api.get(`/api/spaces/${page.space.id}/resources`, { kind: "practice", limit: 200, sort: "title" })).items; } catch { /* none to offer */ }
  const choices = records.filter((r) => r.id !== page.resource.id && !r.hidden && r.language !== page.resource.language);
  if (!choices.length) return null;
  const select = h("select", {}, choices.map((r) => h("option", { value: String(r.id) },
    r.language ? `${r.title} (${languageName(r.language)})` : r.title)));
  const form = h("form", { class: "row wrap translation-form", "aria-label": t("translations.set") },
    field(t("translations.choose"), select), h("button", { type: "submit", class: "small" }, t("translations.set")));
  form.addEventListener("submit", (event) => { event.preventDefault(); choose(Number(select.value)); });
  return form;
}

/** `page` is {resource, space, canEdit}; page.resource is replaced when the server answers. */
export function translations(page) {
  const box = h("section", { class: "translations" });
  async function set(originalId) {
    try {
      const base = `/api/resources/${page.resource.id}/translation-of`;
      page.resource = originalId ? await api.put(`${base}/${originalId}`) : await api.del(base);
      await render();
      announce(originalId ? t("translations.linked") : t("translations.unlinked"));
      box.querySelector("h2").focus();
    } catch (error) { toast(describeError(error), "error"); }
  }
  async function render() {
    if (page.resource.kind !== "practice") { box.removeAttribute("aria-labelledby"); clear(box); return; }
    const original = page.resource.translation_of;
    const versions = page.resource.translations || [];
    box.setAttribute("aria-labelledby", "translations-title");
    const editing = page.canEdit && !versions.length;
    clear(box,
      h("h2", { id: "translations-title", tabindex: "-1" }, t("translations.title")),
      original ? h("p", {}, t("translations.of"), " ", h("a", { href: `/resources/${original.id}` }, original.title),
        original.language ? ` (${languageName(original.language)})` : "",
        page.canEdit ? [" ", h("button", { type: "button", class: "ghost small", onclick: () => set(null) }, t("translations.unlink"))] : null) : null,
      versions.length ? [h("p", {}, t("translations.has")), h("ul", { class: "refs" }, versions.map(refItem))] : null,
      !original && !versions.length ? h("p", { class: "muted small" }, t("translations.none")) : null,
      editing && !original ? await picker(page, set) : null);
  }
  render();
  return { element: box, render };
}
