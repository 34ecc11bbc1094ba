// Admin › reports: direct messages that participants reported. Admins cannot read conversations; a
// report shows the one message (its author and its text when reported), the reason and who
// reported it, and the admin resolves or dismisses it (docs/people.md).
import { api } from "../api.js";
import { formatTime, t } from "../i18n.js";
import { clear, describeError, emptyState, h, spinner, toast } from "../ui.js";

export function reportsTab() {
  const box = h("div", { class: "stack", id: "direct-reports" }, spinner());
  fill(box).catch(() => clear(box, h("p", { class: "notice" }, t("error.generic"))));
  return box;
}

function card(report, refill) {
  const message = report.message;
  const close = (action) => async () => {
    try {
      await api.post(`/api/conversation-reports/${report.id}/resolve`, { action });
      toast(t(action === "resolve" ? "reports.resolved" : "reports.dismissed"));
      await refill();
    } catch (error) {
      toast(describeError(error), "error");
    }
  };
  const author = message.author ? message.author.name : t("common.someone");
  return h("li", { class: "card stack tight report-card" },
    h("p", {}, h("strong", {}, author), " ", h("span", { class: "muted small" }, formatTime(message.created_at))),
    h("blockquote", { class: "reported-text" }, message.body),
    message.id === null ? h("p", { class: "muted small" }, t("reports.deleted_since")) : null,
    h("p", {}, t("reports.reason", { reason: report.reason })),
    h("p", { class: "muted small" }, t("reports.by", { name: report.reporter ? report.reporter.name : t("common.someone"), when: formatTime(report.created_at) })),
    h("div", { class: "row end wrap" },
      h("button", { type: "button", class: "ghost small", "aria-label": t("reports.dismiss_label", { name: author }), onclick: close("dismiss") }, t("reports.dismiss")),
      h("button", { type: "button", class: "primary small", "aria-label": t("reports.resolve_label", { name: author }), onclick: close("resolve") }, t("reports.resolve"))));
}

async function fill(box) {
  const { items } = await api.get("/api/conversation-reports", { state: "open" });
  const refill = () => fill(box);
  clear(box, h("p", { class: "muted" }, t("reports.lead")),
    items.length ? h("ul", { class: "stack report-list" }, items.map((report) => card(report, refill))) : emptyState(t("reports.none")));
}
