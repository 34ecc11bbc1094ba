// A library's collections: a filter chip each, and for moderators a form to make one and delete buttons.
import { api } from "../../api.js";
import { t } from "../../i18n.js";
import { publishControl } from "../../parts/publish.js";
import { announce, busy, clear, describeError, field, formError, h, showFormError, toast } from "../../ui.js";

/** `collection` is the filter's select; `reload()` reloads the resources shown. */
export function collectionsPanel(space, { isModerator, collection, query, reload }) {
  const collectionsBox = h("section", { class: "collections" });
  let collections = [];
  async function loadCollections() {
    try { ({ items: collections } = await api.get(`/api/spaces/${space.id}/collections`)); } catch { collections = []; }
    const chosen = collection.value || query.get("collection") || "";
    clear(collection, h("option", { value: "" }, t("collections.all")),
      collections.map((c) => h("option", { value: String(c.id) }, t("collections.option", { name: c.name, count: c.resource_ids.length }))));
    collection.value = collections.some((c) => String(c.id) === chosen) ? chosen : "";
    renderCollections();
  }
  function renderCollections() {
    if (!isModerator && !collections.length) { clear(collectionsBox); collectionsBox.removeAttribute("aria-labelledby"); return; }
    collectionsBox.setAttribute("aria-labelledby", "collections-title");
    const name = h("input", { type: "text", name: "name", required: true, maxlength: "160" });
    const description = h("input", { type: "text", name: "description", maxlength: "2000" });
    const create = h("form", { class: "stack collection-form", novalidate: true, hidden: true, "aria-label": t("collections.new") }, formError(),
      h("div", { class: "grid fields" }, field(t("collections.name"), name), field(t("collections.description"), description)),
      h("div", { class: "row end" },
        h("button", { type: "button", class: "ghost", onclick: () => { create.hidden = true; newButton.focus(); } }, t("common.cancel")),
        h("button", { type: "submit", class: "primary" }, t("collections.create"))));
    create.addEventListener("submit", async (event) => {
      event.preventDefault();
      await busy(create, async () => {
        try {
          const made = await api.post(`/api/spaces/${space.id}/collections`, { name: name.value.trim(), description: description.value.trim() });
          announce(t("collections.created", { name: made.name }));
          await loadCollections();
          collectionsBox.querySelector("h2").focus();
        } catch (error) { showFormError(create, error); }
      });
    });
    const newButton = isModerator ? h("button", { type: "button", class: "small", "aria-expanded": "false", onclick: () => {
      create.hidden = false; newButton.setAttribute("aria-expanded", "true"); name.focus();
    } }, t("collections.new")) : null;
    clear(collectionsBox,
      h("div", { class: "row between wrap" }, h("h2", { id: "collections-title", class: "section-title", tabindex: "-1" }, t("collections.title")), newButton),
      create,
      collections.length ? h("ul", { class: "collection-list" }, collections.map((c) => h("li", {},
        h("button", { type: "button", class: "ghost small", "aria-pressed": String(collection.value === String(c.id)), onclick: () => {
          collection.value = collection.value === String(c.id) ? "" : String(c.id);
          reload(); renderCollections();
        } }, t("collections.option", { name: c.name, count: c.resource_ids.length })),
        c.description ? h("span", { class: "muted small" }, c.description) : null,
        isModerator ? h("button", { type: "button", class: "ghost small danger-text", "aria-label": t("collections.delete_label", { name: c.name }),
          onclick: async () => {
            try { await api.del(`/api/collections/${c.id}`); announce(t("collections.deleted", { name: c.name })); await loadCollections(); reload(); }
            catch (error) { toast(describeError(error), "error"); }
          } }, t("collections.delete")) : null,
        isModerator ? h("details", { class: "publish-collection" }, h("summary", {}, t("publish.collection_title")),
          publishControl("collection", c.id, { hintKey: "publish.collection_hint", label: c.name }).element) : null)))
        : h("p", { class: "muted small" }, t("collections.empty")));
  }
  return { element: collectionsBox, load: loadCollections, render: renderCollections };
}
