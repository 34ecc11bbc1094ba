// The moderators' screen: the queue of flags and the audit log of a space, both kept live.
// (The flag and hide buttons of a thread's messages are in parts/moderation.js.)
import { api } from "../api.js";
import { watch } from "../dispatch.js";
import { formatTime, t } from "../i18n.js";
import { plainText } from "../markdown.js";
import { setCurrentSpace, setTitle } from "../nav.js";
import { auditEntry } from "../parts/audit.js";
import { ROUTES } from "../parts/moderation.js";
import { loadSpace, spaceHeader } from "../parts/space.js";
import { busy, clear, describeError, emptyState, field, formError, h, showFormError, spinner, toast } from "../ui.js";

function flagRow(flag, reload) {
  const target = flag.target || {};
  const href = target.kind === "message" && target.thread_id ? `/threads/${target.thread_id}#m${target.id}` : target.kind === "resource" ? `/resources/${target.id}` : null;
  const note = h("input", { type: "text", name: "note", required: true, maxlength: "1000" });
  const form = h("form", { class: "row wrap flag-actions", novalidate: true }, formError(), field(t("moderation.note"), note),
    ...["dismiss", "hide", "delete"].map((action) => h("button", { type: "submit", value: action, class: action === "dismiss" ? "ghost small" : action === "delete" ? "danger small" : "primary small" }, t(`moderation.action_${action}`))));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (!note.value.trim()) { note.focus(); return; }
    const action = event.submitter ? event.submitter.value : "dismiss";
    await busy(form, async () => {
      try {
        await api.post(ROUTES.resolveFlag(flag.id), { action, note: note.value.trim() });
        toast(t("moderation.resolved"));
        reload();
      } catch (error) {
        showFormError(form, error);
      }
    });
  });
  return h("li", { class: "card flag", dataset: { flag: String(flag.id), state: flag.state } },
    h("p", { class: "meta" }, h("strong", {}, flag.reporter ? flag.reporter.name : t("common.someone")), " · ",
      h("time", { datetime: flag.created_at || "" }, formatTime(flag.created_at)), " · ", t(`moderation.kind_${target.kind || "message"}`)),
    // A message's excerpt is its markdown source: shown as the text people read.
    h("blockquote", { class: "excerpt" }, target.excerpt ? (target.kind === "message" ? plainText(target.excerpt) : target.excerpt) : t("moderation.no_excerpt")),
    h("p", {}, h("strong", {}, t("moderation.reason")), " ", flag.reason),
    href ? h("p", {}, h("a", { href }, t("moderation.open_target"))) : null,
    flag.state === "open" ? form : h("p", { class: "muted small" }, t(`moderation.state_${flag.state}`), flag.resolution_note ? ` — ${flag.resolution_note}` : ""));
}

export async function show(main, [id]) {
  const space = await loadSpace(Number(id));
  setTitle(t("space.tab_moderation"), space.name);
  setCurrentSpace(space.id);
  const queue = h("ul", { class: "stack flags" }, spinner("li"));
  const audit = h("ol", { class: "audit" }, spinner("li"));
  const stateSelect = h("select", { name: "state" },
    ["open", "resolved", "all"].map((state) => h("option", { value: state }, t(`moderation.filter_${state}`))));
  main.append(h("section", { class: "page" },
    spaceHeader(space, "moderation"),
    // The space's own settings are the moderators' too: reached from here, not from a fifth tab.
    h("p", { class: "row end" }, h("a", { class: "button small", href: `/spaces/${space.id}/settings` }, t("space.tab_settings"))),
    h("div", { class: "row between wrap" }, h("h2", { class: "section-title" }, t("moderation.queue")), field(t("moderation.show"), stateSelect)),
    queue,
    h("h2", { class: "section-title" }, t("moderation.audit")),
    audit));
  async function loadQueue() {
    try {
      const page = await api.get(ROUTES.flags(space.id), { state: stateSelect.value });
      // A row someone is writing a note in stays as it is while the queue moves around it.
      const shown = new Map([...queue.querySelectorAll("[data-flag]")].map((row) => [`${row.dataset.flag}:${row.dataset.state}`, row]));
      clear(queue, page.items.length ? page.items.map((flag) => shown.get(`${flag.id}:${flag.state}`) || flagRow(flag, () => { loadQueue(); loadAudit(); }))
        : h("li", {}, emptyState(t("moderation.queue_empty"))));
    } catch (error) {
      clear(queue, h("p", { class: "notice" }, describeError(error)));
    }
  }
  async function loadAudit() {
    try {
      const [page, flags] = await Promise.all([api.get(ROUTES.audit(space.id), { limit: 50 }),
        api.get(ROUTES.flags(space.id), { state: "all" }).catch(() => ({ items: [] }))]);
      // A resolved flag's entry names the message only: its thread comes from the flag.
      const threads = new Map(flags.items.filter((f) => f.target.kind === "message").map((f) => [f.target.id, f.target.thread_id]));
      clear(audit, page.items.length ? page.items.map((entry) => auditEntry(entry, (messageId) => threads.get(messageId)))
        : h("li", {}, emptyState(t("moderation.audit_empty"))));
    } catch (error) {
      clear(audit, h("p", { class: "notice" }, describeError(error)));
    }
  }
  stateSelect.addEventListener("change", loadQueue);
  const stopLive = watch(space.id, "moderation", (event) => {
    if (event.kind.startsWith("flag.") || event.kind === "reset") loadQueue();
    loadAudit();
  });
  await Promise.all([loadQueue(), loadAudit()]);
  return stopLive;
}
