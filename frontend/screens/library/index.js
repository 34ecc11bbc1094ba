// A space's library: browse and filter, upload a file with progress, add a link, write a practice record.
// Kept live: resources and collections added, changed or removed by others show at once.
import { api } from "../../api.js";
import { watch } from "../../dispatch.js";
import { t } from "../../i18n.js";
import { navigate, setCurrentSpace, setTitle } from "../../nav.js";
import { resourceCard } from "../../parts/library.js";
import { loadSpace, spaceHeader } from "../../parts/space.js";
import { THEMES } from "../../parts/themes.js";
import { loadCities, store } from "../../store.js";
import { clear, describeError, emptyState, field, h, spinner, themeLabel, toast } from "../../ui.js";
import { collectionsPanel } from "./collections.js";
import { linkForm, select, uploadForm } from "./forms.js";
import { practiceForm } from "./practice-form.js";

function filterControls(space) {
  const controls = {
    kind: select("kind", ["file", "link", "practice"].map((k) => [k, t(`library.kind_${k}`)]), t("library.all_kinds")),
    theme: select("theme", THEMES.map((slug) => [slug, themeLabel(slug)]), t("library.all_themes")),
    city: select("city", space.cities.map((c) => [c.id, c.name]), t("library.any_city")),
    sort: select("sort", ["recent", "updated", "title"].map((s) => [s, t(`library.sort_${s}`)])),
    featured: h("input", { type: "checkbox", name: "featured" }),
    collection: select("collection", [], t("collections.all")),
  };
  const { kind, theme, city, sort, featured, collection } = controls;
  controls.form = h("form", { class: "filters", role: "search", "aria-label": t("library.filters") },
    field(t("library.kind"), kind), field(t("common.themes"), theme), field(t("library.city"), city),
    field(t("collections.label"), collection), field(t("library.sort"), sort),
    h("label", { class: "check" }, featured, t("library.featured_only")));
  return controls;
}

export async function show(main, [id], query) {
  const space = await loadSpace(Number(id));
  setTitle(t("space.tab_library"), space.name);
  setCurrentSpace(space.id);
  await loadCities().catch(() => {});
  const canPost = Boolean(space.my_role) || store.me.is_admin;
  const list = h("ul", { class: "resources" }, spinner("li"));
  const more = h("button", { type: "button", class: "ghost", hidden: true }, t("common.load_more"));
  const formSlot = h("div");
  const { kind, theme, city, sort, featured, collection, form: filters } = filterControls(space);
  const isModerator = space.my_role === "moderator" || store.me.is_admin;
  const collections = collectionsPanel(space, { isModerator, collection, query, reload: () => { cursor = null; load(); } });
  const open = (make) => () => {
    clear(formSlot, make(space, (resource) => {
      clear(formSlot);
      if (resource) { cursor = null; load(); }
    }));
    formSlot.querySelector("input, textarea").focus();
  };
  main.append(h("section", { class: "page" },
    spaceHeader(space, "library"),
    canPost ? h("div", { class: "row wrap gap" },
      h("button", { type: "button", class: "primary", onclick: open(uploadForm) }, t("library.upload")),
      h("button", { type: "button", onclick: open(linkForm) }, t("library.add_link")),
      h("button", { type: "button", onclick: open(practiceForm) }, t("library.write_practice"))) : null,
    formSlot, collections.element, filters, list, more));
  const fromThread = Number(query.get("thread")) || null;
  if (query.get("new") === "practice" && canPost && fromThread) {
    // "Turn into a practice record": the server drafts what the thread already says.
    const draft = await api.get(`/api/threads/${fromThread}/practice-draft`);
    clear(formSlot, practiceForm(space, (resource) => {
      if (resource) { toast(t("practice.created", { title: resource.title })); navigate(`/resources/${resource.id}`); }
      else navigate(`/threads/${fromThread}`);
    }, { draft, fromThread }));
    formSlot.querySelector("input, textarea").focus();
  } else if (query.get("new") === "practice" && canPost) open(practiceForm)();
  let cursor = null;
  async function load() {
    try {
      const page = await api.get(`/api/spaces/${space.id}/resources`, { kind: kind.value, theme: theme.value, city: city.value,
        collection: collection.value,
        sort: sort.value, featured: featured.checked ? "true" : undefined, cursor, limit: 30 });
      if (!cursor) clear(list);
      page.items.forEach((resource) => list.append(resourceCard(resource)));
      if (!list.childElementCount) list.append(h("li", {}, emptyState(t("library.empty"), canPost ? t("library.empty_hint") : null)));
      cursor = page.next_cursor;
      more.hidden = !cursor;
    } catch (error) {
      clear(list, h("p", { class: "notice" }, error.status === 404 ? t("library.unavailable") : describeError(error)));
    }
  }
  filters.addEventListener("change", (event) => { cursor = null; load(); if (event.target === collection) collections.render(); });
  more.addEventListener("click", load);
  // resource.*, collection.* and reset (dispatch.js, "library").
  const stop = watch(space.id, "library", (event) => {
    if (event.kind.startsWith("collection.") || event.kind === "reset") collections.load();
    if (event.kind.startsWith("resource.") || event.kind === "reset") { cursor = null; load(); }
  });
  await collections.load();
  await load();
  return stop;
}
