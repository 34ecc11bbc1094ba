// A space's practice transfers: who takes up which city's practice, how far each has come, and a
// form to propose one (any member; they coordinate it). Kept live (transfer.* events).
import { api } from "../../api.js";
import { watch } from "../../dispatch.js";
import { formatDate, t } from "../../i18n.js";
import { navigate, setCurrentSpace, setTitle } from "../../nav.js";
import { loadSpace, spaceHeader } from "../../parts/space.js";
import { cityName, loadCities } from "../../store.js";
import { busy, clear, emptyState, field, formError, h, link, showFormError, spinner } from "../../ui.js";

export function stateBadge(state) {
  return h("span", { class: `badge transfer-state state-${state}` }, t(`transfer.state_${state}`));
}

/** Mentor city → implementing cities, in words. */
export function route(transfer) {
  const to = transfer.plans.map((plan) => (plan.city ? plan.city.name : cityName(plan.city_id))).join(", ");
  const from = transfer.mentor_city ? transfer.mentor_city.name : cityName(transfer.mentor_city_id);
  return t("transfer.route", { from: from || "?", to });
}

function progress(transfer) {
  const total = transfer.plans.reduce((sum, plan) => sum + plan.milestones, 0);
  const done = transfer.plans.reduce((sum, plan) => sum + plan.milestones_done, 0);
  const overdue = transfer.plans.reduce((sum, plan) => sum + plan.milestones_overdue, 0);
  return [t("transfer.milestones_done", { done, total }), overdue ? t("transfer.milestones_overdue", { count: overdue }) : null]
    .filter(Boolean).join(" · ");
}

function row(transfer) {
  const title = transfer.source_practice ? transfer.source_practice.title : t("transfer.source_unreadable");
  return h("li", { class: "transfer-row", dataset: { transfer: String(transfer.id) } },
    h("p", { class: "row gap wrap" }, link(`/transfers/${transfer.id}`, title), stateBadge(transfer.state)),
    h("p", { class: "muted small" }, [route(transfer), t("transfer.since", { date: formatDate(transfer.starts_on) }), progress(transfer)].join(" · ")));
}

function proposeForm(space, onDone) {
  const source = h("select", { name: "source_practice_id", required: true }, h("option", { value: "" }, t("transfer.pick_practice")));
  const cities = h("fieldset", { class: "checks", dataset: { field: "implementing_city_ids" } },
    h("legend", {}, t("transfer.implementing_cities")),
    space.cities.map((city) => h("label", { class: "check" },
      h("input", { type: "checkbox", name: "implementing_city_ids", value: String(city.id) }), city.name,
      h("span", { class: "muted small mentor-note", hidden: true }, ` (${t("transfer.is_mentor")})`))),
    h("p", { class: "field-error", hidden: true }));
  const starts = h("input", { type: "date", name: "starts_on" });
  const ends = h("input", { type: "date", name: "ends_on" });
  const form = h("form", { class: "card stack", id: "transfer-form", novalidate: true },
    h("h2", {}, t("transfer.propose")), formError(),
    field(t("transfer.source_practice"), source), cities,
    h("div", { class: "row gap wrap" }, field(t("transfer.starts_on"), starts), field(t("transfer.ends_on"), ends)),
    h("div", { class: "row gap" }, h("button", { type: "submit", class: "primary" }, t("transfer.propose_submit")),
      h("button", { type: "button", class: "ghost", onclick: () => onDone(null) }, t("common.cancel"))));
  // The source record's city is the mentor: it is not offered as an implementing city.
  const cityOf = new Map();
  api.get(`/api/spaces/${space.id}/resources`, { kind: "practice", limit: 100 }).then(({ items }) => {
    for (const record of items) {
      cityOf.set(String(record.id), record.city_id);
      source.append(h("option", { value: String(record.id) }, record.city_id ? `${record.title} (${cityName(record.city_id)})` : record.title));
    }
  }).catch(() => {});
  source.addEventListener("change", () => {
    const mentor = cityOf.get(source.value);
    for (const box of cities.querySelectorAll("input[type=checkbox]")) {
      const isMentor = Number(box.value) === mentor;
      box.disabled = isMentor;
      if (isMentor) box.checked = false;
      box.parentElement.querySelector(".mentor-note").hidden = !isMentor;
    }
  });
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const body = {
      source_practice_id: Number(source.value) || null,
      implementing_city_ids: [...form.querySelectorAll("input[name=implementing_city_ids]:checked")].map((box) => Number(box.value)),
      space_id: space.id,
    };
    if (starts.value) body.starts_on = starts.value;
    if (ends.value) body.ends_on = ends.value;
    await busy(form, async () => {
      try { onDone(await api.post("/api/transfers", body)); } catch (error) { showFormError(form, error); }
    });
  });
  return form;
}

export async function show(main, [id]) {
  const space = await loadSpace(Number(id));
  setTitle(t("transfer.tab"), space.name);
  setCurrentSpace(space.id);
  await loadCities().catch(() => {});
  const list = h("div", { class: "transfer-list" }, spinner());
  const formSlot = h("div");
  const canPropose = Boolean(space.my_role);
  const propose = canPropose ? h("button", { type: "button", class: "primary", onclick: () => {
    propose.hidden = true;
    clear(formSlot, proposeForm(space, (made) => {
      clear(formSlot);
      propose.hidden = false;
      if (made) navigate(`/transfers/${made.id}`);
      else propose.focus();
    }));
    formSlot.querySelector("select").focus();
  } }, t("transfer.propose")) : null;
  async function load() {
    const { items } = await api.get("/api/transfers", { space: space.id });
    clear(list, items.length ? h("ul", { class: "transfers" }, items.map(row))
      : emptyState(t("transfer.none"), t("transfer.none_hint")));
  }
  main.append(h("section", { class: "page" }, spaceHeader(space, "transfers"),
    h("div", { class: "row gap wrap section-actions" }, propose, link("/lineage", t("lineage.network_link"))),
    formSlot, list));
  const stop = watch(space.id, "transfers", () => load().catch(() => {}));
  await load();
  return stop;
}
