// Administration: cities, pairing cities into spaces, invitations. The list of spaces follows the store.
import { api } from "../api.js";
import { languageName, t } from "../i18n.js";
import { setCurrentSpace, setTitle } from "../nav.js";
import { inviteForm } from "../parts/invite.js";
import { mailStatusSlot } from "../parts/mailstatus.js";
import { providersTab } from "../parts/providers.js";
import { cityPair, profileBadge } from "../parts/space.js";
import { themeBoxes } from "../parts/themes.js";
import { vocabularyTab } from "../parts/vocabulary.js";
import { reportsTab } from "../parts/direct_reports.js";
import { loadCities, loadSpaces, store, subscribe } from "../store.js";
import { busy, clear, emptyState, field, formError, h, showFormError, toast, uid } from "../ui.js";

function cityForm(onSaved) {
  let editing = null;
  const name = h("input", { type: "text", name: "name", required: true, maxlength: "120" });
  const country = h("input", { type: "text", name: "country", required: true, maxlength: "120" });
  const region = h("input", { type: "text", name: "region", maxlength: "120" });
  const languages = h("input", { type: "text", name: "languages", placeholder: "nl, fr" });
  const profile = h("select", { name: "profile" },
    h("option", { value: "traditional" }, t("profile.traditional")), h("option", { value: "newer" }, t("profile.newer")));
  const description = h("textarea", { name: "description", rows: "2", maxlength: "5000" });
  const requireTotp = h("input", { type: "checkbox", name: "require_totp" });
  const heading = h("h2", { id: "city-form-title" }, t("admin.city_new"));
  const submit = h("button", { type: "submit", class: "primary" }, t("admin.city_create"));
  const cancel = h("button", { type: "button", class: "ghost", hidden: true, onclick: () => reset() }, t("common.cancel"));
  const form = h("form", { class: "card stack", novalidate: true, "aria-labelledby": "city-form-title" },
    heading, formError(),
    h("div", { class: "grid fields" }, field(t("city.name"), name), field(t("city.country"), country), field(t("city.region"), region),
      field(t("city.languages"), languages, { hint: t("settings.languages_hint") }), field(t("city.profile"), profile)),
    field(t("city.description"), description),
    h("label", { class: "check" }, requireTotp, h("span", { class: "check-text" }, t("city.require_totp"),
      h("span", { class: "muted small block" }, t("city.require_totp_hint")))),
    h("div", { class: "row end" }, cancel, submit));
  function reset() {
    editing = null;
    form.reset();
    heading.textContent = t("admin.city_new");
    submit.textContent = t("admin.city_create");
    cancel.hidden = true;
  }
  form.edit = (city) => {
    editing = city;
    name.value = city.name; country.value = city.country; region.value = city.region;
    languages.value = city.languages.join(", "); profile.value = city.profile; description.value = city.description;
    requireTotp.checked = city.require_totp;
    heading.textContent = t("admin.city_edit", { name: city.name });
    submit.textContent = t("common.save");
    cancel.hidden = false;
    name.focus();
  };
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    await busy(form, async () => {
      try {
        const body = { name: name.value.trim(), country: country.value.trim(), region: region.value.trim(), profile: profile.value,
          description: description.value, require_totp: requireTotp.checked, languages: languages.value.split(/[,\s]+/).map((s) => s.trim().toLowerCase()).filter(Boolean) };
        const city = editing ? await api.patch(`/api/cities/${editing.id}`, body) : await api.post("/api/cities", body);
        toast(editing ? t("admin.city_saved", { name: city.name }) : t("admin.city_created", { name: city.name }));
        reset();
        onSaved(city);
      } catch (error) {
        showFormError(form, error);
      }
    });
  });
  return form;
}

function spaceForm(cities, onCreated) {
  const name = h("input", { type: "text", name: "name", required: true, maxlength: "160" });
  const description = h("textarea", { name: "description", rows: "2" });
  const visibility = h("select", { name: "visibility" },
    h("option", { value: "members" }, t("visibility.members")), h("option", { value: "network" }, t("visibility.network")));
  const cityBoxes = h("fieldset", { class: "field", dataset: { field: "city_ids" } },
    h("legend", {}, t("admin.pair_cities")),
    h("div", { class: "check-grid" }, cities.map((city) => h("label", { class: "check" },
      h("input", { type: "checkbox", name: "city_ids", value: String(city.id) }),
      h("span", { class: "check-text" }, city.name, " ", h("span", { class: "muted" }, `(${city.country})`)), profileBadge(city.profile)))),
    h("p", { class: "field-error", id: uid("err"), hidden: true }));
  const themes = themeBoxes("themes", t("common.themes"));
  const form = h("form", { class: "card stack", novalidate: true, "aria-labelledby": "space-form-title" },
    h("h2", { id: "space-form-title" }, t("admin.space_new")),
    h("p", { class: "muted" }, t("admin.space_lead")),
    formError(), cityBoxes,
    h("div", { class: "grid fields" }, field(t("admin.space_name"), name), field(t("admin.visibility"), visibility)),
    field(t("admin.space_description"), description), themes,
    h("div", { class: "row end" }, h("button", { type: "submit", class: "primary" }, t("admin.space_create"))));
  cityBoxes.addEventListener("change", () => {
    if (name.dataset.touched) return;
    const chosen = [...cityBoxes.querySelectorAll("input:checked")].map((box) => cities.find((c) => c.id === Number(box.value)).name);
    name.value = chosen.join(" – ");
  });
  name.addEventListener("input", () => { name.dataset.touched = "1"; });
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    await busy(form, async () => {
      try {
        const space = await api.post("/api/spaces", {
          name: name.value.trim(), description: description.value, visibility: visibility.value,
          city_ids: [...cityBoxes.querySelectorAll("input:checked")].map((box) => Number(box.value)),
          themes: [...themes.querySelectorAll("input:checked")].map((box) => box.value),
        });
        toast(t("admin.space_created", { name: space.name }));
        form.reset();
        delete name.dataset.touched;
        onCreated(space);
      } catch (error) {
        showFormError(form, error);
      }
    });
  });
  return form;
}

export async function show(main) {
  setTitle(t("admin.title"));
  setCurrentSpace(null);
  if (!store.me.is_admin) {
    main.append(h("section", { class: "page" }, h("h1", {}, t("admin.title")), h("p", { class: "notice" }, t("error.forbidden"))));
    return;
  }
  const citiesBox = h("div");
  const spacesBox = h("div");
  const inviteBox = h("div");
  const tabs = [["cities", t("admin.tab_cities"), citiesBox], ["spaces", t("admin.tab_spaces"), spacesBox], ["invitations", t("admin.tab_invitations"), inviteBox], ["sign-in", t("providers.title"), providersTab()], ["vocabulary", t("vocabulary.tab"), vocabularyTab()], ["reports", t("reports.tab"), reportsTab()]];
  const tabList = h("div", { class: "tabs", role: "tablist", "aria-label": t("admin.title") });
  const panels = [];
  tabs.forEach(([key, label, box], index) => {
    const tab = h("button", { type: "button", role: "tab", id: `tab-${key}`, "aria-controls": `panel-${key}`, "aria-selected": String(index === 0), tabindex: index === 0 ? "0" : "-1" }, label);
    const panel = h("div", { role: "tabpanel", id: `panel-${key}`, "aria-labelledby": `tab-${key}`, hidden: index !== 0 }, box);
    tab.addEventListener("click", () => select(index));
    tab.addEventListener("keydown", (event) => {
      if (event.key === "ArrowRight" || event.key === "ArrowLeft") {
        const next = (index + (event.key === "ArrowRight" ? 1 : tabs.length - 1)) % tabs.length;
        select(next);
        tabList.children[next].focus();
      }
    });
    tabList.append(tab);
    panels.push(panel);
  });
  function select(index) {
    [...tabList.children].forEach((tab, i) => { tab.setAttribute("aria-selected", String(i === index)); tab.tabIndex = i === index ? 0 : -1; });
    panels.forEach((panel, i) => { panel.hidden = i !== index; });
    history.replaceState({}, "", `/admin#${tabs[index][0]}`);
  }
  main.append(h("section", { class: "page" },
    h("header", { class: "page-header" }, h("h1", {}, t("admin.title")), h("p", { class: "muted" }, t("admin.lead"))),
    mailStatusSlot(), tabList, panels));
  const initial = tabs.findIndex(([key]) => `#${key}` === location.hash);
  if (initial > 0) select(initial);

  // The spaces as the store has them: a space renamed (live) or created here shows at once.
  const spaceList = h("div");
  const fillSpaceList = () => clear(spaceList, store.spaces.length ? h("ul", { class: "grid cards" }, store.spaces.map((space) =>
    h("li", { class: "card space-card" },
      h("h3", {}, h("a", { href: `/spaces/${space.id}` }, space.name)), cityPair(space.cities),
      h("p", { class: "row between wrap" }, h("span", { class: "muted small" }, t(`visibility.${space.visibility}`)),
        h("a", { class: "button small", href: `/spaces/${space.id}/settings`, "aria-label": t("admin.space_settings", { name: space.name }) },
          t("space.tab_settings")))))) : emptyState(t("admin.no_spaces")));
  const stopSpaces = subscribe("spaces", fillSpaceList);

  async function renderAll() {
    const cities = await loadCities(true);
    const spaces = await loadSpaces();
    const form = cityForm(() => renderAll());
    const table = cities.length ? h("div", { class: "table-wrap" }, h("table", { class: "stack-table" },
      h("caption", { class: "visually-hidden" }, t("admin.tab_cities")),
      h("thead", {}, h("tr", {}, [t("city.name"), t("city.country"), t("city.profile"), t("city.languages"), ""].map((label) => h("th", { scope: "col" }, label)))),
      h("tbody", {}, cities.map((city) => h("tr", {},
        h("th", { scope: "row" }, city.name, city.region ? h("span", { class: "muted small block" }, city.region) : null),
        h("td", { "data-label": t("city.country") }, city.country), h("td", { "data-label": t("city.profile") }, profileBadge(city.profile)),
        h("td", { "data-label": t("city.languages") }, city.languages.map(languageName).join(", ")),
        h("td", {}, h("button", { type: "button", class: "ghost small", "aria-label": t("admin.city_edit", { name: city.name }), onclick: () => form.edit(city) }, t("common.edit")))))))) :
      emptyState(t("admin.no_cities"));
    clear(citiesBox, table, form);
    clear(spacesBox,
      cities.length >= 2 ? spaceForm(cities, () => renderAll()) : h("p", { class: "notice" }, t("admin.need_two_cities")),
      h("h2", { class: "section-title" }, t("admin.spaces")),
      spaceList);
    fillSpaceList();
    const spaceSelect = h("select", { name: "space" }, spaces.map((space) => h("option", { value: String(space.id) }, space.name)));
    const slot = h("div");
    const renderInvite = () => {
      const space = spaces.find((s) => s.id === Number(spaceSelect.value));
      clear(slot, space ? inviteForm(space, { allowModerator: true, cities }) : null);
    };
    spaceSelect.addEventListener("change", renderInvite);
    clear(inviteBox, spaces.length ? [h("p", { class: "muted" }, t("admin.invite_lead")), field(t("admin.invite_space"), spaceSelect), slot] : emptyState(t("admin.no_spaces")));
    renderInvite();
  }
  await renderAll();
  return stopSpaces;
}
