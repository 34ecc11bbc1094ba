// One audit log entry as a sentence: who did what, on what (linked), why, and when, in the
// reader's language. The server records an action code and a target; the words are ours.
import { formatDate, formatTime, t } from "../i18n.js";
import { h } from "../ui.js";

// Where a target can be seen. A deleted message's thread is still there; a deleted entry is not.
// `threadOf(messageId)` finds a message's thread when the entry does not say (a resolved flag).
function targetLink(entry, threadOf) {
  const details = entry.details || {};
  const id = entry.target_id;
  const threadId = details.thread_id || (entry.target_kind === "message" && threadOf ? threadOf(id) : null);
  if (entry.target_kind === "message" && threadId) {
    return entry.action === "message.deleted" ? `/threads/${threadId}` : `/threads/${threadId}#m${id}`;
  }
  if (entry.target_kind === "thread") return `/threads/${id}`;
  if (entry.target_kind === "resource" && entry.action !== "resource.deleted") return `/resources/${id}`;
  if (entry.target_kind === "user" && entry.space_id) return `/spaces/${entry.space_id}/members`;
  return null;
}

const OUTCOMES = { dismiss: "dismissed", hide: "hidden", delete: "deleted" };

function verb(entry) {
  const key = `audit.verb.${entry.action}`;
  const said = t(key);
  return said === key ? t("audit.verb.other", { action: entry.action }) : said;
}

function target(entry, threadOf) {
  // A deleted message is gone: the sentence names (and links) its thread.
  const kind = entry.action === "message.deleted" ? "thread" : entry.target_kind;
  const key = `audit.target.${kind}`;
  const said = t(key);
  const label = said === key ? `${entry.target_kind} ${entry.target_id}` : said;
  const href = targetLink(entry, threadOf);
  return href ? h("a", { href }, label) : h("span", {}, label);
}

export function auditEntry(entry, threadOf = null) {
  const outcome = entry.action === "flag.resolved" && entry.details && entry.details.action
    ? h("span", { class: "badge subtle" }, t(`moderation.state_${OUTCOMES[entry.details.action] || "open"}`)) : null;
  return h("li", { class: "audit-entry", dataset: { id: String(entry.id) } },
    h("p", { class: "audit-what" },
      h("strong", {}, entry.actor ? entry.actor.name : t("common.someone")), " ", verb(entry), " ", target(entry, threadOf), " ", outcome),
    entry.reason ? h("p", { class: "audit-why" }, h("span", { class: "muted" }, t("audit.reason")), " ", entry.reason) : null,
    h("time", { class: "muted small", datetime: entry.created_at || "",
      title: entry.created_at ? `${formatDate(entry.created_at, "full")} ${formatTime(entry.created_at)}` : "" }, formatTime(entry.created_at)));
}
