// A thread's header: title, pinned/locked badges, themes, "turn into a practice record", the
// moderators' pin and lock buttons, and editing the title and themes (its author or a moderator).
import { api } from "../../api.js";
import { t } from "../../i18n.js";
import { publishControl } from "../../parts/publish.js";
import { themeChips } from "../../parts/space.js";
import { themeBoxes } from "../../parts/themes.js";
import { busy, clear, describeError, field, formError, h, showFormError, toast } from "../../ui.js";

/** The title and themes as a small form in place of the title; `onSaved(thread)` after the PATCH. */
function editForm(ctx, { onSaved, onCancel }) {
  const title = h("input", { type: "text", name: "title", required: true, maxlength: "200", value: ctx.thread.title });
  const themes = themeBoxes("themes", t("common.themes"));
  for (const box of themes.querySelectorAll("input")) box.checked = (ctx.thread.themes || []).includes(box.value);
  const form = h("form", { class: "card stack thread-edit", novalidate: true, "aria-label": t("thread.edit_title") },
    formError(), field(t("thread.title_label"), title), themes,
    h("div", { class: "row end" },
      h("button", { type: "button", class: "ghost", onclick: onCancel }, t("common.cancel")),
      h("button", { type: "submit", class: "primary" }, t("common.save"))));
  form.addEventListener("keydown", (event) => { if (event.key === "Escape") onCancel(); });
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    await busy(form, async () => {
      try {
        const chosen = [...themes.querySelectorAll("input:checked")].map((box) => box.value);
        onSaved(await api.patch(`/api/threads/${ctx.threadId}`, { title: title.value.trim(), themes: chosen }));
      } catch (error) {
        showFormError(form, error);
      }
    });
  });
  setTimeout(() => title.focus());
  return form;
}

/** `onChange()` runs after ctx.thread changed (here, or live), to re-render what depends on it. */
export function threadHeader(ctx, onChange) {
  const badges = h("span", { class: "badges" });
  const actions = h("div", { class: "row gap" });
  const titleText = h("span", {});
  const chips = h("div", {});
  const editSlot = h("div", {});
  const { space, threadId } = ctx;
  const mayEdit = () => ctx.isModerator || (ctx.canPost && ctx.thread.author && ctx.thread.author.id === ctx.me.id);

  async function change(patch) {
    try {
      ctx.thread = await api.patch(`/api/threads/${threadId}`, patch);
      onChange();
    } catch (error) {
      toast(describeError(error), "error");
    }
  }

  function openEdit(button) {
    if (editSlot.firstChild) return;
    const close = () => { clear(editSlot); button.focus(); };
    editSlot.append(editForm(ctx, {
      onCancel: close,
      onSaved: (thread) => { ctx.thread = thread; clear(editSlot); toast(t("thread.edited")); onChange(); },
    }));
  }

  function render() {
    const thread = ctx.thread;
    titleText.textContent = thread.title;
    clear(chips, themeChips(thread.themes));
    clear(badges,
      thread.pinned ? h("span", { class: "badge pin" }, t("thread.pinned")) : null,
      thread.locked ? h("span", { class: "badge lock" }, t("thread.locked")) : null);
    clear(actions);
    if (mayEdit()) {
      const edit = h("button", { type: "button", class: "ghost small", onclick: () => openEdit(edit) }, t("thread.edit"));
      actions.append(edit);
    }
    if (ctx.canPost) {
      actions.append(h("a", { class: "button small", href: `/spaces/${space.id}/library?new=practice&thread=${threadId}` },
        t("practice.from_thread_action")));
    }
    if (ctx.isModerator) {
      actions.append(
        h("button", { type: "button", class: "ghost small", "aria-pressed": String(thread.pinned), onclick: () => change({ pinned: !thread.pinned }) },
          thread.pinned ? t("thread.unpin") : t("thread.pin")),
        h("button", { type: "button", class: "ghost small", "aria-pressed": String(thread.locked), onclick: () => change({ locked: !thread.locked }) },
          thread.locked ? t("thread.unlock") : t("thread.lock")));
    }
  }

  // Folded: the thread's messages keep the room; moderators open it to publish (docs/public.md).
  const publishing = ctx.isModerator
    ? h("details", { class: "publish-thread" }, h("summary", {}, t("publish.thread_title")),
      publishControl("thread", ctx.threadId, { hintKey: "publish.thread_hint" }).element)
    : null;
  const element = h("header", { class: "thread-header" },
    h("p", { class: "crumbs" }, h("a", { href: `/spaces/${space.id}` }, space.name)),
    h("div", { class: "row between wrap" },
      h("h1", {}, titleText, badges),
      actions),
    chips, editSlot, publishing);
  return { element, render };
}
