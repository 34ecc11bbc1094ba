// One practice transfer: its state and the moves allowed from it, dates and coordinator, the source
// record, and a plan per implementing city. Live: what the other city does shows without a reload,
// but never under someone's typing: while a form here is open or filled in, a line offers the update
// (and it is drawn by itself once the form is closed).
import { api } from "../../api.js";
import { watch } from "../../dispatch.js";
import { formatDate, t } from "../../i18n.js";
import { navigate, setCurrentSpace, setTitle } from "../../nav.js";
import { loadSpace } from "../../parts/space.js";
import { loadCities } from "../../store.js";
import { announce, busy, clear, describeError, field, formError, h, showFormError, spinner, toast } from "../../ui.js";
import { disclosure, prefilled } from "./common.js";
import { route, stateBadge } from "./index.js";
import { planSection } from "./plan.js";

function moves(transfer, ctx) {
  if (!transfer.can_change_state || !transfer.next_states.length) return null;
  return h("div", { class: "row gap wrap transfer-moves", role: "group", "aria-label": t("transfer.moves") },
    transfer.next_states.map((next) => h("button", { type: "button", class: next === "stopped" ? "ghost danger-text" : "primary",
      onclick: async (event) => {
        event.target.disabled = true;
        ctx.moveError("");
        try {
          await api.patch(`/api/transfers/${transfer.id}`, { state: next });
          announce(t("transfer.moved", { state: t(`transfer.state_${next}`) }));
          ctx.done();
        } catch (error) {
          event.target.disabled = false;
          ctx.moveError(t("transfer.move_failed", { state: t(`transfer.state_${next}`), reason: describeError(error) }));
          ctx.refresh();
        }
      } }, t(`transfer.move_${next}`))));
}

function datesForm(transfer, ctx) {
  const starts = prefilled(h("input", { type: "date", name: "starts_on", value: transfer.starts_on }));
  const ends = prefilled(h("input", { type: "date", name: "ends_on", value: transfer.ends_on || "" }));
  const form = h("form", { class: "stack dates-form", novalidate: true }, formError(),
    h("div", { class: "row gap wrap" }, field(t("transfer.starts_on"), starts), field(t("transfer.ends_on"), ends)),
    h("div", {}, h("button", { type: "submit" }, t("transfer.save_dates"))));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const body = { starts_on: starts.value || null };
    if (ends.value) body.ends_on = ends.value;
    await busy(form, async () => {
      try { await api.patch(`/api/transfers/${transfer.id}`, body); ctx.done(); } catch (error) { showFormError(form, error); }
    });
  });
  return disclosure(t("transfer.change_dates"), form, { className: "small" });
}

function header(transfer, space, ctx) {
  const source = transfer.source_practice
    ? h("a", { href: `/resources/${transfer.source_practice.id}` }, transfer.source_practice.title)
    : t("transfer.source_unreadable");
  const mentor = transfer.mentor_city ? transfer.mentor_city.name : "–";
  return h("header", { class: "stack tight" },
    h("p", {}, h("a", { href: `/spaces/${space.id}/transfers` }, t("transfer.back", { space: space.name }))),
    h("h1", {}, t("transfer.title")),
    h("p", { class: "row gap wrap transfer-summary" }, stateBadge(transfer.state), h("span", {}, route(transfer))),
    h("div", { class: "card stack transfer-card" },
      h("dl", { class: "details transfer-details" },
        h("dt", {}, t("transfer.source_practice")), h("dd", {}, source),
        h("dt", {}, t("transfer.mentor_city")), h("dd", {}, mentor),
        h("dt", {}, t("transfer.coordinator")), h("dd", {}, transfer.coordinator ? transfer.coordinator.name : "–"),
        h("dt", {}, t("transfer.dates")), h("dd", {}, transfer.ends_on
          ? t("transfer.from_to", { from: formatDate(transfer.starts_on), to: formatDate(transfer.ends_on) })
          : t("transfer.since", { date: formatDate(transfer.starts_on) }))),
      transfer.can_change_state && transfer.next_states.length ? datesForm(transfer, ctx) : null));
}

/** Whether someone is in the middle of writing in one of the screen's forms (or correcting one). */
function editing(page) {
  const active = document.activeElement;
  if (active && page.contains(active) && active.matches("input, textarea, select")) return true;
  if (page.querySelector("details[open] form, form.opened, form[aria-busy=true], .field-error:not([hidden]), .form-error:not([hidden])")) return true;
  return [...page.querySelectorAll("input:not([type=checkbox]), textarea")]
    .some((control) => control.value !== control.defaultValue && !control.closest("details:not([open])"));
}

export async function show(main, [id]) {
  await loadCities().catch(() => {});
  let transfer = await api.get(`/api/transfers/${id}`);
  const space = await loadSpace(transfer.space_id);
  setTitle(t("transfer.title"), space.name);
  setCurrentSpace(space.id);
  const body = h("div", { class: "stack" }, spinner());
  const notice = h("p", { class: "notice live-update", role: "status", hidden: true },
    t("transfer.updated_elsewhere"), " ", h("button", { type: "button", class: "small", onclick: () => draw(true) }, t("transfer.show_update")));
  const error = h("p", { class: "move-error", role: "alert", tabindex: "-1", hidden: true });
  const page = h("section", { class: "page stack transfer-page" }, notice, body);
  main.append(page);

  let members = null;
  const ctx = {
    done(record) {
      ctx.moveError("");
      if (record && record.id) navigate(`/resources/${record.id}`);
      else draw(true).catch((failure) => toast(describeError(failure), "error"));
    },
    refresh: () => draw().catch(() => {}),
    settle: () => setTimeout(() => { if (!notice.hidden && !editing(page)) ctx.refresh(); }),
    members: () => (members ||= api.get(`/api/spaces/${space.id}/members`).then(({ items }) => items.filter((m) => m.state === "active"))),
    moveError(text) {
      error.textContent = text;
      error.hidden = !text;
      if (text) error.focus();
    },
  };
  // After one's own change (`forced`) the screen is redrawn; after someone else's, only when nobody
  // is writing here, checked again once the new state has arrived.
  // Draws overlap (one's own change and its event); one that started before the last drawn is stale.
  let started = 0;
  let drawn = 0;
  const openForms = () => new Set(page.querySelectorAll("details[open] form, form.opened"));
  async function draw(forced = false) {
    const mine = ++started;
    const before = openForms();
    const fresh = await api.get(`/api/transfers/${id}`);
    const plans = await Promise.all(fresh.plans.map((brief) => planSection(fresh, brief, ctx)));
    if (mine < drawn) return;
    // A form opened while one's own change was being fetched is not that change's: it waits too.
    const openedSince = [...openForms()].some((form) => !before.has(form));
    if ((!forced || openedSince) && editing(page)) { notice.hidden = false; return; }
    drawn = mine;
    transfer = fresh;
    notice.hidden = true;
    clear(body, header(transfer, space, ctx), moves(transfer, ctx), error, plans); // the same error line, kept across draws
  }
  // A form closed or left untouched: a change that waited for it is drawn now.
  page.addEventListener("focusout", ctx.settle);
  page.addEventListener("toggle", ctx.settle, true);
  const stop = watch(space.id, "transfers", (event) => {
    const data = event.data || {};
    if (event.kind !== "reset" && Number(data.transfer_id ?? data.id) !== Number(id)) return;
    if (editing(page)) { notice.hidden = false; return; }
    draw().catch((failure) => toast(describeError(failure), "error"));
  });
  await draw(true);
  return stop;
}
