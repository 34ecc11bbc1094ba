// One direct conversation: its messages, live (a stream like a space), and a box to write. A
// message is drawn, edited, deleted and reacted to as a thread's is (parts/message_*.js), through
// its own routes under the conversation.
import { api, upload } from "../../api.js";
import { watchConversation } from "../../dispatch.js";
import { formatBytes, t } from "../../i18n.js";
import { navigate, setTitle } from "../../nav.js";
import { messageView } from "../../parts/message_actions.js";
import { messageElement, reactionChange } from "../../parts/message_element.js";
import { flagButton } from "../../parts/moderation.js";
import { store } from "../../store.js";
import { busy, formError, h, showFormError } from "../../ui.js";
import { othersOf } from "./index.js";

/** The log: messages merged by id, with the place/update/remove that the thread's actions call. */
function makeLog(conversationId) {
  const list = h("ol", { class: "messages", id: "conversation-log", "aria-live": "polite" });
  const messages = new Map();
  const elements = new Map();
  let newest = 0;
  let reading = Promise.resolve();
  const markRead = () => {
    reading = reading.then(() => api.put(`/api/conversations/${conversationId}/read`, { last_read_message_id: newest })).catch(() => {});
  };
  const log = {
    list, messages, elements, view: null,
    place(message) {
      const fresh = messageElement(message, log.view);
      const existing = elements.get(message.id);
      if (existing) existing.replaceWith(fresh);
      else {
        const later = [...elements].find(([id]) => id > message.id);
        if (later) later[1].before(fresh); else list.append(fresh);
      }
      elements.set(message.id, fresh);
    },
    add(message) {
      if (messages.has(message.id)) return;
      messages.set(message.id, message);
      log.place(message);
      if (message.id > newest) { newest = message.id; if (document.visibilityState === "visible") markRead(); }
    },
    update(message) { messages.set(message.id, message); log.place(message); },
    remove(messageId) {
      elements.get(messageId)?.remove();
      elements.delete(messageId);
      messages.delete(messageId);
    },
    react(data, added) {
      const message = messages.get(data.message_id);
      if (!message || data.user_id === store.me.id) return; // our own answer already drew it
      reactionChange(message, added, data);
      log.place(message);
    },
    note(text) { list.append(h("li", { class: "muted small system" }, text)); },
  };
  return log;
}

/** A file posted with a message: a download link only the participants can follow. */
function fileLink(conversationId) {
  return (message) => h("p", { class: "attachment" },
    h("a", { href: `/api/conversations/${conversationId}/files/${message.file.id}`, download: message.file.name },
      t("conv.download", { name: message.file.name, size: formatBytes(message.file.size) })));
}

function composer(conversationId, log) {
  const box = h("textarea", { name: "body", rows: "3", required: true, "aria-label": t("conv.write"), placeholder: t("conv.write") });
  const file = h("input", { type: "file", name: "file", id: "conversation-file", class: "visually-hidden" });
  const chosen = h("span", { class: "muted small", "aria-live": "polite" });
  file.addEventListener("change", () => { chosen.textContent = file.files.length ? file.files[0].name : ""; });
  const form = h("form", { class: "composer stack", novalidate: true, id: "conversation-composer" }, formError(), box,
    h("div", { class: "row between wrap" },
      h("div", { class: "row wrap" }, file, h("label", { for: "conversation-file", class: "button ghost" }, t("conv.attach")), chosen),
      h("button", { type: "submit", class: "primary" }, t("conv.send"))));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const body = box.value;
    const attached = file.files.length ? file.files[0] : null;
    if (!body.trim() && !attached) return;
    await busy(form, async () => {
      try {
        if (attached) {
          const data = new FormData();
          data.append("file", attached);
          if (body.trim()) data.append("body", body);
          log.add(await upload(`/api/conversations/${conversationId}/files`, data));
          file.value = "";
          chosen.textContent = "";
        } else {
          const clientId = `c${Date.now().toString(36)}${Math.random().toString(36).slice(2, 10)}`;
          log.add(await api.post(`/api/conversations/${conversationId}/messages`, { body, client_id: clientId }));
        }
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
  const path = (message) => `/api/conversations/${id}/messages/${message.id}`;
  log.view = { ...messageView({ me: store.me, canPost: true, isModerator: false }, log, path), reply: null, fileLink: fileLink(id),
    report: (message) => flagButton(message, { route: `${path(message)}/report`, button: t("conv.report"), label: t("conv.report_reason"),
      submit: t("conv.report_send"), done: t("conv.reported") }) };
  const load = async () => (await api.get(`/api/conversations/${id}/messages`, { direction: "backward", limit: 100 })).items.forEach(log.add);
  // Watch before loading: an event that arrives meanwhile is added once (messages are keyed by id).
  const stop = watchConversation(id, {
    message: log.add,
    edited: (message) => { if (log.messages.has(message.id)) log.update(message); },
    deleted: (data) => log.remove(data.id),
    reacted: log.react,
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
