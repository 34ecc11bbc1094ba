// A space's thread list: one row per thread, with its unread count.
import { formatDate, formatRelative, formatTime, t } from "../../i18n.js";
import { countBadge, themeChips } from "../../parts/space.js";
import { avatar, h } from "../../ui.js";

export function threadRow(thread, counts) {
  const unread = Boolean(counts && counts.unread);
  return h("li", { class: `thread-row${unread ? " unread" : ""}`, dataset: { thread: String(thread.id) } },
    avatar(thread.author),
    h("div", { class: "thread-main" },
      h("a", { href: `/threads/${thread.id}`, class: "thread-title stretched" },
        thread.pinned ? h("span", { class: "badge pin" }, t("thread.pinned")) : null,
        thread.locked ? h("span", { class: "badge lock" }, t("thread.locked")) : null,
        thread.title,
        countBadge(counts)),
      h("p", { class: "muted small thread-meta" },
        h("span", {}, t("thread.started_by", { name: thread.author ? thread.author.name : t("common.someone") })), " · ",
        // Who spoke last, and when: what tells an official whether a thread moved since they looked.
        thread.last_replier ? h("span", { class: "last-replier" }, t("thread.last_reply_by", { name: thread.last_replier.name }), " ") : null,
        h("time", { datetime: thread.last_activity_at || "", title: thread.last_activity_at ? `${formatDate(thread.last_activity_at, "full")} ${formatTime(thread.last_activity_at)}` : "" },
          thread.last_replier ? formatRelative(thread.last_activity_at) : t("thread.last_activity", { when: formatRelative(thread.last_activity_at) }))),
      themeChips(thread.themes)));
}
