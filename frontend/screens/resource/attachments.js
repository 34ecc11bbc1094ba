// A practice record's attached documents (files of its space): its author and moderators attach
// and detach them; those published with the practice are marked (docs/public.md).
import { api } from "../../api.js";
import { formatBytes, t } from "../../i18n.js";
import { announce, clear, describeError, field, h, toast } from "../../ui.js";

const documentItem = (doc, remove) => h("li", {},
  h("a", { href: `/resources/${doc.id}` }, doc.title),
  h("span", { class: "muted small" }, ` (${[doc.name, doc.size != null ? formatBytes(doc.size) : null].filter(Boolean).join(", ")})`),
  doc.published ? [" ", h("span", { class: "badge" }, t("attachments.published"))] : null,
  remove ? [" ", h("button", { type: "button", class: "ghost small", "aria-label": t("attachments.detach_label", { title: doc.title }),
    onclick: () => remove(doc) }, t("attachments.detach"))] : null);

/** The space's files not yet attached, to choose from. */
async function picker(page, attach) {
  const attached = new Set((page.resource.attachments || []).map((doc) => doc.id));
  let files = [];
  try { files = (await api.get(`/api/spaces/${page.space.id}/resources`, { kind: "file", limit: 200, sort: "title" })).items; } catch { /* none to offer */ }
  const choices = files.filter((file) => !attached.has(file.id) && !file.hidden);
  if (!choices.length) return h("p", { class: "muted small" }, t("attachments.none_to_add"));
  const select = h("select", {}, choices.map((file) => h("option", { value: String(file.id) }, file.title)));
  const form = h("form", { class: "row wrap attach-form", "aria-label": t("attachments.add") },
    field(t("attachments.choose"), select), h("button", { type: "submit", class: "small" }, t("attachments.attach")));
  form.addEventListener("submit", (event) => { event.preventDefault(); attach(Number(select.value)); });
  return form;
}

/** `page` is {resource, space, canEdit}; page.resource is replaced when the server answers. */
export function attachments(page) {
  const box = h("section", { class: "attachments" });
  async function set(documentId, add) {
    try {
      const path = `/api/resources/${page.resource.id}/attachments/${documentId}`;
      page.resource = await api[add ? "put" : "del"](path);
      await render();
      announce(add ? t("attachments.attached") : t("attachments.detached"));
      box.querySelector("h2").focus();
    } catch (error) { toast(describeError(error), "error"); }
  }
  async function render() {
    if (page.resource.kind !== "practice") { box.removeAttribute("aria-labelledby"); clear(box); return; }
    const docs = page.resource.attachments || [];
    box.setAttribute("aria-labelledby", "attachments-title");
    clear(box,
      h("h2", { id: "attachments-title", tabindex: "-1" }, t("attachments.title")),
      docs.length ? h("ul", { class: "refs" }, docs.map((doc) => documentItem(doc, page.canEdit ? (d) => set(d.id, false) : null)))
        : h("p", { class: "muted small" }, t("attachments.none")),
      page.canEdit ? [h("p", { class: "hint" }, t("attachments.hint")), await picker(page, (id) => set(id, true))] : null);
  }
  render();
  return { element: box, render };
}
