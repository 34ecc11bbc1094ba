// One practice transfer: its state and the moves allowed from it, dates and coordinator, the source
// record, and a plan per implementing city. Live: what the other city does shows without a reload,
// but never under someone's typing: while a form here is being filled in, a line offers the update.
import { api } from "../../api.js";
import { watch } from "../../dispatch.js";
import { formatDate, t } from "../../i18n.js";
import { navigate, setCurrentSpace, setTitle } from "../../nav.js";
import { loadSpace } from "../../parts/space.js";
import { loadCities } from "../../store.js";
import { announce, clear, describeError, h, spinner, toast } from "../../ui.js";
import { route, stateBadge } from "./index.js";
import { planSection } from "./plan.js";

function moves(transfer, done) {
  if (!transfer.can_change_state || !transfer.next_states.length) return null;
  return h("div", { class: "row gap wrap transfer-moves", role: "group", "aria-label": t("transfer.moves") },
    transfer.next_states.map((next) => h("button", { type: "button", class: next === "stopped" ? "ghost danger-text" : "primary",
      onclick: async (event) => {
        event.target.disabled = true;
        try {
          await api.patch(`/api/transfers/${transfer.id}`, { state: next });
          announce(t("transfer.moved", { state: t(`transfer.state_${next}`) }));
          done();
        } catch (error) {
          event.target.disabled = false;
          toast(describeError(error), "error");
        }
      } }, t(`transfer.move_${next}`))));
}

function header(transfer, space) {
  const source = transfer.source_practice
    ? h("a", { href: `/resources/${transfer.source_practice.id}` }, transfer.source_practice.title)
    : t("transfer.source_unreadable");
  return h("header", { class: "stack tight" },
    h("p", {}, h("a", { href: `/spaces/${space.id}/transfers` }, t("transfer.back", { space: space.name }))),
    h("h1", {}, t("transfer.title")),
    h("p", { class: "row gap wrap transfer-summary" }, stateBadge(transfer.state), h("span", {}, route(transfer))),
    h("dl", { class: "details card" },
      h("dt", {}, t("transfer.source_practice")), h("dd", {}, source),
      h("dt", {}, t("transfer.coordinator")), h("dd", {}, transfer.coordinator ? transfer.coordinator.name : "–"),
      h("dt", {}, t("transfer.dates")), h("dd", {}, transfer.ends_on
        ? t("transfer.from_to", { from: formatDate(transfer.starts_on), to: formatDate(transfer.ends_on) })
        : t("transfer.since", { date: formatDate(transfer.starts_on) }))));
}

/** Whether someone is in the middle of writing in one of the screen's forms (or correcting one). */
function editing(main) {
  const active = document.activeElement;
  if (active && main.contains(active) && active.matches("input, textarea, select")) return true;
  if (main.querySelector("form[aria-busy=true], .field-error:not([hidden]), .form-error:not([hidden])")) return true;
  return [...main.querySelectorAll("input:not([type=checkbox]), textarea")].some((control) => control.value !== control.defaultValue);
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
  main.append(h("section", { class: "page narrow stack transfer-page" }, notice, body));

  // After one's own change (`forced`) the screen is redrawn; after someone else's, only when nobody
  // is writing here, checked again once the new state has arrived.
  // Draws overlap (one's own change and its event); one that started before the last drawn is stale.
  let started = 0;
  let drawn = 0;
  async function draw(forced = false) {
    const mine = ++started;
    const fresh = await api.get(`/api/transfers/${id}`);
    const plans = await Promise.all(fresh.plans.map((brief) => planSection(fresh, brief, done)));
    if (mine < drawn) return;
    if (!forced && editing(main)) { notice.hidden = false; return; }
    drawn = mine;
    transfer = fresh;
    notice.hidden = true;
    clear(body, header(transfer, space), moves(transfer, done), plans);
  }
  function done(record) {
    if (record && record.id) navigate(`/resources/${record.id}`);
    else draw(true).catch((error) => toast(describeError(error), "error"));
  }
  const stop = watch(space.id, "transfers", (event) => {
    const data = event.data || {};
    if (event.kind !== "reset" && Number(data.transfer_id ?? data.id) !== Number(id)) return;
    if (editing(main)) { notice.hidden = false; return; }
    draw().catch((error) => toast(describeError(error), "error"));
  });
  await draw(true);
  return stop;
}
