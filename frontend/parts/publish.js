// Publishing a thread or a collection to the public knowledge base (moderators): docs/public.md.
// The practice record's own box (screens/resource/publish.js) adds its review rule; this part is
// the shared button, the public address once published, the licence and the audit notice.
import { api } from "../api.js";
import { t } from "../i18n.js";
import { announce, clear, describeError, h, toast } from "../ui.js";

/** `kind` is "thread" or "collection"; `label` names the item for screen readers. */
export function publishControl(kind, id, { hintKey, label } = {}) {
  const box = h("div", { class: "publish-control stack" });
  const plural = kind === "thread" ? "threads" : "collections";
  let state = null;
  let turn = 0;  // only the newest action or render draws (screens/resource/publish.js says why)
  async function act(action) {
    turn += 1;
    try {
      state = await api.post(`/api/${plural}/${id}/${action}`);
      turn += 1;
      announce(t(state.published ? "publish.done" : "publish.undone"));
      draw();
    } catch (error) { toast(describeError(error), "error"); }
  }
  function draw() {
    const published = Boolean(state && state.published);
    const button = published
      ? h("button", { type: "button", class: "ghost small", "aria-label": label ? `${t("publish.unpublish_short")}: ${label}` : null, onclick: () => act("unpublish") }, t("publish.unpublish_short"))
      : h("button", { type: "button", class: "small", "aria-label": label ? `${t("publish.publish_short")}: ${label}` : null, onclick: () => act("publish") }, t("publish.publish_short"));
    clear(box,
      h("div", { class: "row wrap" }, button,
        published ? h("span", { class: "small" }, t("publish.is_public_short"), " ", h("a", { href: state.url, class: "public-url" }, state.url)) : null),
      h("p", { class: "muted small" }, hintKey ? t(hintKey) : "", " ", t("publish.licence_note"), " ", t("publish.audited")));
  }
  async function render() {
    const mine = ++turn;
    let fresh = null;
    try { fresh = await api.get(`/api/${plural}/${id}/publication`); } catch { fresh = null; }
    if (mine !== turn) return;
    state = fresh;
    draw();
  }
  render();
  return { element: box, render };
}
