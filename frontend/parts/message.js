// The parts of a message shown the same way in a thread and in a direct conversation.
import { currentLocale, formatDate, formatTime, t } from "../i18n.js";
import { cityName } from "../store.js";
import { h } from "../ui.js";

/** The sanitised body of a message (a thread's or a conversation's), my mentions marked. */
export function messageBody(message, me) {
  const box = h("div", { class: "body" });
  if (message.hidden && !message.html) {
    box.append(h("p", { class: "muted" }, t("message.hidden")));
  } else {
    box.innerHTML = message.html; // sanitised by the server (nh3 allow-list)
  }
  for (const mention of box.querySelectorAll(".mention")) {
    if (Number(mention.dataset.userId) === me.id) mention.classList.add("me");
  }
  return box;
}

/** "Tuesday 1 December 2026 at 14:05", shown on hover: the log itself says only the time. */
function fullTime(iso) {
  if (!iso) return "";
  return t("message.full_time", { date: formatDate(iso, "full"), time: new Intl.DateTimeFormat(currentLocale(), { timeStyle: "short" }).format(new Date(iso)) });
}

/** Author, city, time, edited and hidden marks of a message. */
export function messageMeta(message) {
  const city = message.author && message.author.city_id ? cityName(message.author.city_id) : "";
  return h("div", { class: "meta" },
    h("span", { class: "author" }, message.author ? message.author.name : t("common.someone")),
    city ? h("span", { class: "muted small" }, city) : null,
    h("a", { class: "time muted small", href: `#m${message.id}` }, h("time", { datetime: message.created_at || "", title: fullTime(message.created_at) }, formatTime(message.created_at))),
    message.edited_at ? h("span", { class: "muted small", title: fullTime(message.edited_at) }, t("message.edited")) : null,
    message.hidden ? h("span", { class: "badge lock" }, message.hidden_reason ? t("message.hidden_because", { reason: message.hidden_reason }) : t("message.hidden_badge")) : null);
}
