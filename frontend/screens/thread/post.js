// Sending a message: shown at once as pending, then replaced by the server's; a failure that may
// be temporary keeps it in the log with "Retry" (the same client_id makes the retry create it once).
import { api } from "../../api.js";
import { renderMarkdown } from "../../markdown.js";
import { t } from "../../i18n.js";
import { avatar, describeError, h } from "../../ui.js";

/** `onLocked()` is called when the server says the thread was locked meanwhile. */
export function poster(ctx, log, { onLocked }) {
  const waiting = new Set(); // client ids to retry once the network is back

  function pendingEntry(body, clientId) {
    let entry = log.pending.get(clientId);
    if (entry) return entry;
    const element = h("li", { class: "message mine pending", dataset: { client: clientId } },
      avatar(ctx.me), h("div", { class: "message-main" },
        h("div", { class: "meta" }, h("span", { class: "author" }, ctx.me.name), h("span", { class: "muted small status" }, t("message.sending"))),
        h("div", { class: "body" }, renderMarkdown(body))));
    entry = { body, element };
    log.pending.set(clientId, entry);
    log.list.append(element);
    log.scrollToEnd();
    return entry;
  }

  async function post(body, clientId, error, area, replyTo = null) {
    const entry = pendingEntry(body, clientId);
    if (replyTo) entry.replyTo = replyTo;
    const status = entry.element.querySelector(".status");
    status.textContent = t("message.sending");
    entry.element.classList.remove("failed");
    entry.element.querySelector(".retry")?.remove();
    try {
      const sent = { body, client_id: clientId };
      if (entry.replyTo) sent.reply_to = entry.replyTo;
      log.add(await api.post(`/api/threads/${ctx.threadId}/messages`, sent));
    } catch (failure) {
      if (failure.status === 0 || failure.status >= 500 || failure.status === 429) {
        entry.element.classList.add("failed");
        status.textContent = t("message.not_sent");
        const retry = h("button", { type: "button", class: "ghost small retry", onclick: () => post(body, clientId, error, area, entry.replyTo) }, t("message.retry"));
        entry.element.querySelector(".meta").append(retry);
        if (failure.status === 0) waiting.add(clientId);
      } else {
        entry.element.remove();
        log.pending.delete(clientId);
        if (area && !area.value) area.value = body;
        error.textContent = describeError(failure);
        error.hidden = false;
        if (failure.code === "thread_locked") onLocked();
      }
    }
  }

  /** Back online: send again what failed for want of a network. */
  function retryWaiting(slot) {
    for (const clientId of [...waiting]) {
      waiting.delete(clientId);
      const entry = log.pending.get(clientId);
      if (entry) post(entry.body, clientId, slot.querySelector(".form-error") || h("p"), document.getElementById("composer"), entry.replyTo);
    }
  }
  return { post, retryWaiting };
}
