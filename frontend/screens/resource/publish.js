// Publishing a reviewed practice record to the public knowledge base (moderators): docs/public.md.
import { api } from "../../api.js";
import { t } from "../../i18n.js";
import { announce, clear, describeError, h, toast } from "../../ui.js";

/** `page` is {resource, isModerator}; nothing for others or for what is not a practice record. */
export function publishing(page) {
  // Named by its heading only once drawn: an empty section may not point at a missing title (axe).
  const box = h("section", { class: "publish" });
  let state = null;
  async function act(action) {
    try {
      state = await api.post(`/api/resources/${page.resource.id}/${action}`);
      announce(t(state.published ? "publish.done" : "publish.undone"));
      draw();
    } catch (error) { toast(describeError(error), "error"); }
  }
  function draw() {
    const reviewed = page.resource.practice && page.resource.practice.review_status === "reviewed";
    const published = Boolean(state && state.published);
    box.setAttribute("aria-labelledby", "publish-title");
    clear(box,
      h("h2", { id: "publish-title" }, t("publish.title")),
      published ? h("p", {}, t("publish.is_public"), " ", h("a", { href: state.url }, state.url)) : h("p", { class: "muted small" }, t(reviewed ? "publish.hint" : "publish.needs_review")),
      h("p", {}, published
        ? h("button", { type: "button", onclick: () => act("unpublish") }, t("publish.unpublish"))
        : h("button", { type: "button", class: "primary", disabled: !reviewed, onclick: () => act("publish") }, t("publish.publish"))));
  }
  async function render() {
    if (!page.isModerator || page.resource.kind !== "practice") { box.removeAttribute("aria-labelledby"); clear(box); return; }
    try { state = await api.get(`/api/resources/${page.resource.id}/publication`); } catch { state = null; }
    draw();
  }
  render();
  return { element: box, render };
}
