// Publishing a reviewed practice record to the public knowledge base (moderators): docs/public.md.
// The record's attached documents are offered as checkboxes: those ticked are published with it.
import { api } from "../../api.js";
import { t } from "../../i18n.js";
import { announce, clear, describeError, h, toast } from "../../ui.js";

/** Ticked: the published ones while published, else every attachment (the server's default). */
function documentChoice(page, published) {
  const docs = page.resource.attachments || [];
  if (!docs.length) return null;
  return h("fieldset", { class: "publish-documents" }, h("legend", {}, t("publish.documents")),
    docs.map((doc) => h("label", { class: "check" },
      h("input", { type: "checkbox", value: String(doc.id), checked: published ? doc.published : true }), " ", doc.title)));
}

/** `page` is {resource, isModerator}; nothing for others or for what is not a practice record. */
export function publishing(page) {
  // Named by its heading only once drawn: an empty section may not point at a missing title (axe).
  const box = h("section", { class: "publish" });
  let state = null;
  // A live event redraws the box from a fresh GET; an answer to a GET sent before a publish or
  // unpublish of this page must not overwrite what that action answered (the button would flip
  // back). Each action and each render takes a number; only the newest one draws.
  let turn = 0;
  async function act(action) {
    turn += 1;
    try {
      const choice = box.querySelector(".publish-documents");
      const body = action === "publish" && choice
        ? { attachment_ids: [...choice.querySelectorAll("input:checked")].map((input) => Number(input.value)) } : undefined;
      state = await api.post(`/api/resources/${page.resource.id}/${action}`, body);
      page.resource = await api.get(`/api/resources/${page.resource.id}`);
      if (page.onPublished) page.onPublished();  // the documents part marks what is now public
      turn += 1;  // renders begun meanwhile may have read the state from before this action
      announce(t(state.published ? "publish.done" : "publish.undone"));
      draw();
    } catch (error) { toast(describeError(error), "error"); }
  }
  function draw() {
    const reviewed = page.resource.practice && page.resource.practice.review_status === "reviewed";
    const published = Boolean(state && state.published);
    const choice = reviewed ? documentChoice(page, published) : null;
    box.setAttribute("aria-labelledby", "publish-title");
    clear(box,
      h("h2", { id: "publish-title" }, t("publish.title")),
      published ? h("p", {}, t("publish.is_public"), " ", h("a", { href: state.url }, state.url)) : h("p", { class: "muted small" }, t(reviewed ? "publish.hint" : "publish.needs_review")),
      choice,
      h("p", { class: "row wrap" }, published
        ? [choice ? h("button", { type: "button", onclick: () => act("publish") }, t("publish.update_documents")) : null,
          h("button", { type: "button", onclick: () => act("unpublish") }, t("publish.unpublish"))]
        : h("button", { type: "button", class: "primary", disabled: !reviewed, onclick: () => act("publish") }, t("publish.publish"))));
  }
  async function render() {
    if (!page.isModerator || page.resource.kind !== "practice") { box.removeAttribute("aria-labelledby"); clear(box); return; }
    const mine = ++turn;
    let fresh = null;
    try { fresh = await api.get(`/api/resources/${page.resource.id}/publication`); } catch { fresh = null; }
    if (mine !== turn) return;  // an action (or a newer render) answered since
    state = fresh;
    draw();
  }
  render();
  return { element: box, render };
}
