// The state of outgoing mail for admins: shown only when something needs them (no relay configured
// while mails wait, a backlog, failures, the relay's last error), with the waiting mails' links.
import { api } from "../api.js";
import { t } from "../i18n.js";
import { clear, h, uid } from "../ui.js";

const BACKLOG_SECONDS = 120;

function mailList(mails) {
  if (!mails.length) return null;
  return h("details", {},
    h("summary", {}, t("mailstatus.waiting")),
    h("ul", { class: "stack" }, mails.map((mail) => h("li", {},
      h("span", {}, mail.subject), " ", h("span", { class: "muted small" }, `→ ${mail.to}`),
      mail.links.length ? h("ul", {}, mail.links.map((href) =>
        h("li", {}, h("a", { href, "aria-label": `${t("mailstatus.link")}: ${mail.subject}` }, href)))) : null))));
}

/** The notice, or null when mail is flowing. */
export async function mailNotice() {
  let state;
  try {
    state = await api.get("/api/admin/mail");
  } catch {
    return null; // the rest of the admin screen works without it
  }
  const lines = [];
  if (!state.configured && state.queued) lines.push(t("mailstatus.not_configured", { count: state.queued }));
  else if (state.queued && state.oldest_queued_seconds >= BACKLOG_SECONDS) {
    lines.push(t("mailstatus.backlog", { count: state.queued, minutes: Math.round(state.oldest_queued_seconds / 60) }));
  }
  if (state.failed) lines.push(t("mailstatus.failed", { count: state.failed }));
  if (state.configured && state.last_error && (state.queued || state.failed)) lines.push(t("mailstatus.last_error", { error: state.last_error }));
  if (!lines.length) return null;
  const titleId = uid("mail");
  return h("section", { class: "notice stack", id: "mail-status", role: "status", "aria-labelledby": titleId },
    h("h2", { id: titleId }, t("mailstatus.title")),
    lines.map((line) => h("p", {}, line)),
    mailList(state.mails));
}

/** A place for the notice, filled once the state has arrived (the screen does not wait for it). */
export function mailStatusSlot() {
  const slot = h("div");
  mailNotice().then((notice) => clear(slot, notice));
  return slot;
}
