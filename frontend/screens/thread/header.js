// A thread's header: title, pinned/locked badges, "turn into a practice record", and the
// moderators' pin and lock buttons.
import { api } from "../../api.js";
import { t } from "../../i18n.js";
import { themeChips } from "../../parts/space.js";
import { clear, describeError, h, toast } from "../../ui.js";

/** `onChange()` runs after ctx.thread changed (here, or live), to re-render what depends on it. */
export function threadHeader(ctx, onChange) {
  const badges = h("span", { class: "badges" });
  const actions = h("div", { class: "row gap" });
  const { space, threadId } = ctx;

  async function change(patch) {
    try {
      ctx.thread = await api.patch(`/api/threads/${threadId}`, patch);
      onChange();
    } catch (error) {
      toast(describeError(error), "error");
    }
  }

  function render() {
    const thread = ctx.thread;
    clear(badges,
      thread.pinned ? h("span", { class: "badge pin" }, t("thread.pinned")) : null,
      thread.locked ? h("span", { class: "badge lock" }, t("thread.locked")) : null);
    clear(actions);
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

  const element = h("header", { class: "thread-header" },
    h("p", { class: "crumbs" }, h("a", { href: `/spaces/${space.id}` }, space.name)),
    h("div", { class: "row between wrap" },
      h("h1", {}, ctx.thread.title, badges),
      actions),
    themeChips(ctx.thread.themes));
  return { element, render };
}
