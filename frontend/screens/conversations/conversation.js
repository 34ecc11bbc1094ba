// One direct conversation: its messages, live (a stream like a space), and a box to write.
import { api } from "../../api.js";
import { watchConversation } from "../../dispatch.js";
import { t } from "../../i18n.js";
import { navigate, setTitle } from "../../nav.js";
import { messageBody, messageMeta } from "../../parts/message.js";
import { store } from "../../store.js";
import { avatar, busy, formError, h, showFormError } from "../../ui.js";
import { othersOf } from "./index.js";

function messageItem(message) {
  const mine = message.author && message.author.id === store.me.id;
  return h("li", { class: `message${mine ? " mine" : ""}`, id: `m${message.id}`, dataset: { id: String(message.id) } },
    avatar(message.author),
    h("div", { class: "message-main" }, messageMeta(message), messageBody(message, store.me)));
}

function makeLog(conversationId) {
  const list = h("ol", { class: "messages", id: "conversation-log", "aria-live": "polite" });
  let newest = 0;
  let reading = Promise.resolve();
  const markRead = () => {
    reading = reading.then(() => api.put(`/api/conversations/${conversationId}/read`, { last_read_message_id: newest })).catch(() => {});
  };
  return {
    list,
    add(message) {
      if (list.querySelector(`[data-id="${message.id}"]`)) return;
      list.append(messageItem(message));
      if (message.id > newest) { newest = message.id; if (document.visibilityState === "visible") markRead(); }
    },
    note(text) { list.append(h("li", { class: "muted small system" }, text)); },
  };
}

function composer(conversationId, log) {
  const box = h("textarea", { name: "body", rows: "3", required: true, "aria-label": t("conv.write"), placeholder: t("conv.write") });
  const form = h("form", { class: "composer stack", novalidate: true, id: "conversation-composer" }, formError(), box,
    h("div", { class: "row end" }, h("button", { type: "submit", class: "primary" }, t("conv.send"))));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const body = box.value;
    if (!body.trim()) return;
    await busy(form, async () => {
      try {
        const clientId = `c${Date.now().toString(36)}${Math.random().toString(36).slice(2, 10)}`;
        log.add(await api.post(`/api/conversations/${conversationId}/messages`, { body, client_id: clientId }));
        box.value = "";
      } catch (error) {
        showFormError(form, error);
      }
    });
  });
  box.addEventListener("keydown", (event) => { if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) form.requestSubmit(); });
  return form;
}

function leaveButton(conversationId) {
  const button = h("button", { type: "button", class: "danger", id: "leave-conversation" }, t("conv.leave"));
  button.addEventListener("click", async () => {
    if (!window.confirm(t("conv.leave_confirm"))) return;
    await api.del(`/api/conversations/${conversationId}/participants/me`);
    navigate("/conversations");
  });
  return button;
}

export async function show(main, [id]) {
  const log = makeLog(id);
  const load = async () => (await api.get(`/api/conversations/${id}/messages`, { direction: "backward", limit: 100 })).items.forEach(log.add);
  // Watch before loading: an event that arrives meanwhile is added once (messages are keyed by id).
  const stop = watchConversation(id, {
    message: log.add,
    left: (user) => log.note(t("conv.left", { name: user.name })),
    reset: load,
    revoked: () => navigate("/conversations"),
  });
  try {
    const conversation = await api.get(`/api/conversations/${id}`);
    const name = conversation.title || othersOf(conversation);
    setTitle(name, t("conv.title"));
    await load();
    main.append(h("section", { class: "page narrow stack conversation" },
      h("p", {}, h("a", { href: "/conversations" }, t("conv.back"))),
      h("header", { class: "page-header row between" },
        h("div", { class: "stack tight" }, h("h1", {}, name),
          conversation.title ? h("p", { class: "muted" }, t("conv.with", { names: othersOf(conversation) })) : null,
          h("p", { class: "muted small" }, t("conv.private_note"))),
        leaveButton(id)),
      log.list, composer(id, log)));
  } catch (error) {
    stop();
    throw error;
  }
  return stop;
}
