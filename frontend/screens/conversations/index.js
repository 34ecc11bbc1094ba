// My direct conversations, most recently active first, with their unread counts.
import { api } from "../../api.js";
import { formatDate, t } from "../../i18n.js";
import { setTitle } from "../../nav.js";
import { store, subscribe } from "../../store.js";
import { clear, emptyState, h } from "../../ui.js";

/** "Olivia Other, Mieke Moderator": the others in the conversation. */
export function othersOf(conversation) {
  const others = conversation.participants.filter((person) => person.id !== store.me.id);
  return others.map((person) => person.name).join(", ") || store.me.name;
}

function item(conversation) {
  const name = conversation.title || othersOf(conversation);
  return h("li", { class: "card row between" },
    h("a", { href: `/conversations/${conversation.id}`, class: conversation.unread ? "has-unread" : null },
      h("strong", {}, name),
      conversation.title ? h("span", { class: "muted small" }, ` · ${othersOf(conversation)}`) : null),
    h("span", { class: "row" },
      conversation.unread ? h("span", { class: "badge" }, t("conv.unread", { count: conversation.unread })) : null,
      h("time", { class: "muted small", datetime: conversation.last_activity_at }, formatDate(conversation.last_activity_at))));
}

async function fill(list) {
  const { items } = await api.get("/api/conversations");
  clear(list, items.length ? h("ul", { class: "stack conversation-list" }, items.map(item))
    : emptyState(t("conv.none"), t("conv.none_hint")));
}

export async function show(main) {
  setTitle(t("conv.title"));
  const list = h("div", { id: "conversations" });
  main.append(h("section", { class: "page narrow stack" },
    h("header", { class: "page-header" }, h("h1", {}, t("conv.title")), h("p", { class: "muted" }, t("conv.private_note"))),
    list));
  await fill(list);
  return subscribe("conversations", () => fill(list));
}
