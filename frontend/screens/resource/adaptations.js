// A practice record's "adapted from" (editable by its author and moderators) and "adapted by".
import { api } from "../../api.js";
import { t } from "../../i18n.js";
import { cityName } from "../../store.js";
import { announce, clear, describeError, h, toast, uid } from "../../ui.js";

const refItem = (ref, remove) => h("li", {}, h("a", { href: `/resources/${ref.id}` }, ref.title),
  ref.city_id ? ` (${cityName(ref.city_id)})` : "",
  remove ? [" ", h("button", { type: "button", class: "ghost small", "aria-label": t("practice.unlink_label", { title: ref.title }),
    onclick: () => remove(ref) }, t("practice.unlink"))] : null);

/** This space's practice records matching `q` by title, then the network's, through search. */
async function findSources(page, q) {
  const found = new Map();
  try {
    const own = await api.get(`/api/spaces/${page.space.id}/resources`, { kind: "practice", limit: 50 });
    own.items.filter((r) => !q || r.title.toLowerCase().includes(q)).forEach((r) => found.set(r.id, r));
  } catch { /* search may still find some */ }
  if (q) {
    try {
      const answer = await api.get("/api/search", { q, kind: "practice", limit: 20 });
      for (const hit of answer.hits || []) if (!found.has(hit.id)) found.set(hit.id, { id: hit.id, title: hit.title, city_id: null, space_id: hit.space_id });
    } catch { /* this space's records are enough */ }
  }
  const linked = new Set((page.resource.adapted_from || []).map((ref) => ref.id));
  return [...found.values()].filter((r) => r.id !== page.resource.id && !linked.has(r.id)).slice(0, 12);
}

function picker(page, link) {
  const input = h("input", { type: "search", autocomplete: "off" });
  const inputId = uid("adapt");
  input.id = inputId;
  const results = h("ul", { class: "refs picker-results", "aria-live": "polite" });
  const form = h("form", { class: "row wrap adapt-form", role: "search", "aria-label": t("practice.link_title") },
    h("label", { for: inputId, class: "grow" }, t("practice.find_source"), input),
    h("button", { type: "submit" }, t("search.submit")), results);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const choices = await findSources(page, input.value.trim().toLowerCase());
    clear(results, choices.length ? choices.map((ref) => h("li", {}, ref.title,
      ref.city_id ? ` (${cityName(ref.city_id)})` : "", " ",
      h("button", { type: "button", class: "small", "aria-label": t("practice.link_label", { title: ref.title }),
        onclick: () => link(ref.id) }, t("practice.link"))))
      : h("li", { class: "muted small" }, t("practice.no_sources")));
  });
  return form;
}

/** `page` is {resource, space, canEdit}; page.resource is replaced when the server answers. */
export function adaptations(page) {
  const box = h("div", { class: "adaptations" });
  async function set(sourceId, add) {
    try {
      const id = page.resource.id;
      page.resource = await api[add ? "put" : "del"](`/api/resources/${id}/adapted-from/${sourceId}`) || await api.get(`/api/resources/${id}`);
      render();
      announce(add ? t("practice.linked") : t("practice.unlinked"));
      box.querySelector("h2").focus();
    } catch (error) { toast(describeError(error), "error"); }
  }
  function render() {
    if (page.resource.kind !== "practice") return;
    const from = page.resource.adapted_from || [];
    const by = page.resource.adapted_by || [];
    clear(box,
      h("h2", { tabindex: "-1" }, t("practice.adapted_from")),
      from.length ? h("ul", { class: "refs" }, from.map((ref) => refItem(ref, page.canEdit ? (r) => set(r.id, false) : null)))
        : h("p", { class: "muted small" }, t("practice.adapted_from_none")),
      page.canEdit ? picker(page, (id) => set(id, true)) : null,
      by.length ? [h("h2", {}, t("practice.adapted_by")), h("ul", { class: "refs" }, by.map((ref) => refItem(ref)))] : null);
  }
  render();
  return { element: box, render };
}
