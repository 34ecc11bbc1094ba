// A space's settings: name, description and themes (its moderators), cities and visibility
// (platform admins, as the API allows). A saved change reaches everyone live (space.updated).
import { api } from "../api.js";
import { t } from "../i18n.js";
import { setCurrentSpace, setTitle } from "../nav.js";
import { loadSpace, profileBadge, spaceHeader } from "../parts/space.js";
import { themeBoxes } from "../parts/themes.js";
import { loadCities, putSpace, spaceById, store, subscribe } from "../store.js";
import { busy, clear, field, formError, h, showFormError, toast, uid } from "../ui.js";

function cityChoices(cities, chosen) {
  return h("fieldset", { class: "field", dataset: { field: "city_ids" } },
    h("legend", {}, t("admin.pair_cities")),
    h("div", { class: "check-grid" }, cities.map((city) => h("label", { class: "check" },
      h("input", { type: "checkbox", name: "city_ids", value: String(city.id), checked: chosen.includes(city.id) }),
      h("span", { class: "check-text" }, city.name, " ", h("span", { class: "muted" }, `(${city.country})`)), profileBadge(city.profile)))),
    h("p", { class: "field-error", id: uid("err"), hidden: true }));
}

function settingsForm(space, cities, isAdmin) {
  const name = h("input", { type: "text", name: "name", required: true, maxlength: "160", value: space.name });
  const description = h("textarea", { name: "description", rows: "3" });
  description.value = space.description || "";
  const themes = themeBoxes("themes", t("common.themes"));
  for (const box of themes.querySelectorAll("input")) box.checked = space.themes.includes(box.value);
  const visibility = h("select", { name: "visibility" },
    ["members", "network"].map((value) => h("option", { value, selected: value === space.visibility }, t(`visibility.${value}`))));
  const cityBoxes = isAdmin ? cityChoices(cities, space.city_ids || space.cities.map((c) => c.id)) : null;
  const form = h("form", { class: "card stack", novalidate: true, "aria-labelledby": "space-settings-title" },
    h("h2", { id: "space-settings-title" }, t("space_settings.title")),
    formError(),
    field(t("admin.space_name"), name),
    field(t("admin.space_description"), description),
    themes,
    isAdmin ? [field(t("admin.visibility"), visibility), cityBoxes] : h("p", { class: "muted small" }, t("space_settings.admin_only")),
    h("div", { class: "row end" }, h("button", { type: "submit", class: "primary" }, t("common.save"))));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const body = { name: name.value.trim(), description: description.value,
      themes: [...themes.querySelectorAll("input:checked")].map((box) => box.value) };
    if (isAdmin) {
      body.visibility = visibility.value;
      body.city_ids = [...cityBoxes.querySelectorAll("input:checked")].map((box) => Number(box.value));
    }
    await busy(form, async () => {
      try {
        const saved = await api.patch(`/api/spaces/${space.id}`, body);
        putSpace({ ...space, ...saved, my_role: space.my_role, my_state: space.my_state });
        toast(t("space_settings.saved"));
      } catch (error) {
        showFormError(form, error);
      }
    });
  });
  return form;
}

export async function show(main, [id]) {
  const space = await loadSpace(Number(id));
  setTitle(t("space.tab_settings"), space.name);
  setCurrentSpace(space.id);
  const isAdmin = Boolean(store.me.is_admin);
  if (space.my_role !== "moderator" && !isAdmin) {
    main.append(h("section", { class: "page" }, spaceHeader(space, "moderation"), h("p", { class: "notice" }, t("error.forbidden"))));
    return;
  }
  const cities = isAdmin ? await loadCities() : [];
  const header = h("div", {}, spaceHeader(space, "moderation"));
  main.append(h("section", { class: "page" }, header, settingsForm(space, cities, isAdmin)));
  // Saved here or elsewhere: the header shows the space as it now is.
  return subscribe("spaces", () => {
    const now = spaceById(space.id);
    if (now) clear(header, spaceHeader(now, "moderation"));
  });
}
