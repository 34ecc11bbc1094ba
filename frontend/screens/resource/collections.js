// The collections a library entry is in: chips for readers, checkboxes for moderators.
import { api } from "../../api.js";
import { t } from "../../i18n.js";
import { announce, clear, describeError, h, toast } from "../../ui.js";

function checkbox(page, collection, mine) {
  return h("label", { class: "check" },
    h("input", { type: "checkbox", checked: mine.has(collection.id), onchange: async (event) => {
      const box = event.target;
      const resource = page.resource;
      try {
        await api[box.checked ? "put" : "del"](`/api/collections/${collection.id}/resources/${resource.id}`);
        resource.collection_ids = box.checked ? [...mine, collection.id] : [...mine].filter((cid) => cid !== collection.id);
        mine.clear(); resource.collection_ids.forEach((cid) => mine.add(cid));
        announce(box.checked ? t("collections.added", { name: collection.name }) : t("collections.removed", { name: collection.name }));
      } catch (error) { box.checked = !box.checked; toast(describeError(error), "error"); }
    } }), collection.name);
}

/** `page` is {resource, space, isModerator}. */
export function collections(page) {
  const box = h("div");
  const space = page.space;
  async function render() {
    let items = [];
    try { ({ items } = await api.get(`/api/spaces/${space.id}/collections`)); } catch { return; }
    const mine = new Set(page.resource.collection_ids || []);
    if (!page.isModerator) {
      const inside = items.filter((c) => mine.has(c.id));
      clear(box, inside.length ? [h("h2", {}, t("collections.title")),
        h("ul", { class: "chips" }, inside.map((c) => h("li", { class: "chip" }, h("a", { href: `/spaces/${space.id}/library?collection=${c.id}` }, c.name))))] : null);
      return;
    }
    clear(box, h("fieldset", { class: "collections-pick" }, h("legend", {}, t("collections.in")),
      items.length ? items.map((collection) => checkbox(page, collection, mine))
        : h("p", { class: "muted small" }, t("collections.none_here"), " ", h("a", { href: `/spaces/${space.id}/library` }, t("collections.create_in_library")))));
  }
  render();
  return { element: box, render };
}
