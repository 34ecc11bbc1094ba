// A space's library: browse and filter, upload a file with progress, add a link, write a practice record.
import { api, upload } from "../api.js";
import { navigate, setCurrentSpace, setTitle } from "../app.js";
import { formatBytes, formatDate, languageName, t, currentLocale } from "../i18n.js";
import { live } from "../live.js";
import { cityName, loadCities, store } from "../store.js";
import { announce, busy, clear, describeError, emptyState, field, formError, h, showFormError, spinner, themeLabel, toast, uid } from "../ui.js";
import { spaceHeader, themeChips } from "./parts.js";
import { loadSpace } from "./space.js";
import { THEMES } from "./themes.js";

export function kindIcon(kind) {
  return h("span", { class: `kind-icon kind-${kind}`, "aria-hidden": "true" }, { file: "DOC", link: "URL", practice: "PRX" }[kind] || "•");
}

export function resourceCard(resource) {
  return h("li", { class: "card resource" },
    kindIcon(resource.kind),
    h("div", { class: "resource-main" },
      h("h3", {}, h("a", { href: `/resources/${resource.id}`, class: "stretched" }, resource.title),
        resource.featured ? h("span", { class: "badge pin" }, t("library.featured")) : null),
      h("p", { class: "muted small" }, [t(`library.kind_${resource.kind}`), resource.city_id ? cityName(resource.city_id) : null,
        resource.language ? languageName(resource.language) : null,
        resource.file ? formatBytes(resource.file.size) : null,
        resource.author ? resource.author.name : null, formatDate(resource.created_at)].filter(Boolean).join(" · ")),
      resource.summary ? h("p", { class: "clamp" }, resource.summary) : null,
      themeChips(resource.themes)));
}

function select(name, options, empty) {
  return h("select", { name }, empty ? h("option", { value: "" }, empty) : null,
    options.map(([value, label]) => h("option", { value: String(value) }, label)));
}

function themeBoxes(name, legend) {
  return h("fieldset", { class: "field", dataset: { field: name } }, h("legend", {}, legend),
    h("div", { class: "check-grid" }, THEMES.map((slug) => h("label", { class: "check" }, h("input", { type: "checkbox", name, value: slug }), themeLabel(slug)))),
    h("p", { class: "field-error", id: uid("err"), hidden: true }));
}

const checked = (form, name) => [...form.querySelectorAll(`input[name="${name}"]:checked`)].map((box) => box.value);

function uploadForm(space, onDone) {
  const file = h("input", { type: "file", name: "file", required: true });
  const title = h("input", { type: "text", name: "title", maxlength: "200" });
  const summary = h("textarea", { name: "summary", rows: "2" });
  const city = select("city_id", space.cities.map((c) => [c.id, c.name]), t("library.any_city"));
  const language = h("input", { type: "text", name: "language", value: currentLocale(), maxlength: "12" });
  const progress = h("progress", { class: "progress", max: "100", value: "0", hidden: true, "aria-label": t("library.upload_progress") });
  const form = h("form", { class: "card stack", novalidate: true }, formError(),
    field(t("library.file"), file, { hint: t("library.file_hint") }),
    h("div", { class: "grid fields" }, field(t("library.title"), title), field(t("library.city"), city), field(t("library.language"), language)),
    field(t("library.summary"), summary), themeBoxes("themes", t("common.themes")), progress,
    h("div", { class: "row end" }, h("button", { type: "button", class: "ghost", onclick: () => onDone(null) }, t("common.cancel")),
      h("button", { type: "submit", class: "primary" }, t("library.upload"))));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (!file.files.length) { file.focus(); return; }
    const data = new FormData();
    data.append("file", file.files[0]);
    if (title.value.trim()) data.append("title", title.value.trim());
    if (summary.value.trim()) data.append("summary", summary.value);
    if (city.value) data.append("city_id", city.value);
    if (language.value.trim()) data.append("language", language.value.trim());
    checked(form, "themes").forEach((theme) => data.append("themes", theme));
    progress.hidden = false;
    await busy(form, async () => {
      try {
        const resource = await upload(`/api/spaces/${space.id}/resources`, data, (share) => { progress.value = Math.round(share * 100); });
        toast(t("library.uploaded", { title: resource.title }));
        if (resource.text_status === "over_budget") toast(t("library.text_over_budget"));
        onDone(resource);
      } catch (error) {
        progress.hidden = true;
        showFormError(form, error);
      }
    });
  });
  return form;
}

function linkForm(space, onDone) {
  const title = h("input", { type: "text", name: "title", required: true, maxlength: "200" });
  const url = h("input", { type: "url", name: "url", required: true, placeholder: "https://" });
  const summary = h("textarea", { name: "summary", rows: "2" });
  const form = h("form", { class: "card stack", novalidate: true }, formError(),
    h("div", { class: "grid fields" }, field(t("library.title"), title), field(t("library.url"), url)),
    field(t("library.summary"), summary), themeBoxes("themes", t("common.themes")),
    h("div", { class: "row end" }, h("button", { type: "button", class: "ghost", onclick: () => onDone(null) }, t("common.cancel")),
      h("button", { type: "submit", class: "primary" }, t("library.add_link"))));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    await busy(form, async () => {
      try {
        const resource = await api.post(`/api/spaces/${space.id}/resources`, { kind: "link", title: title.value.trim(), url: url.value.trim(),
          summary: summary.value, themes: checked(form, "themes") });
        onDone(resource);
      } catch (error) { showFormError(form, error); }
    });
  });
  return form;
}

const PRACTICE_TEXTS = ["purpose", "context", "process", "partners", "results", "evidence", "transfer_conditions", "lessons_learned"];

export function practiceForm(space, onDone, { draft = null, fromThread = null } = {}) {
  const title = h("input", { type: "text", name: "title", required: true, maxlength: "200", value: draft ? draft.title : "" });
  const summary = h("textarea", { name: "summary", rows: "3", required: true });
  summary.value = draft ? draft.summary : "";
  const me = store.me;
  const city = select("city_id", space.cities.map((c) => [c.id, c.name]));
  city.value = String((draft && draft.city_id) || me.city_id || space.cities[0].id);
  const language = h("input", { type: "text", name: "language", value: (draft && draft.language) || currentLocale(), maxlength: "12", required: true });
  const texts = PRACTICE_TEXTS.map((name) => {
    const area = h("textarea", { name, rows: "3" });
    return field(t(`practice.${name}`), area);
  });
  const contact = h("input", { type: "text", name: "contact", maxlength: "500" });
  const themes = themeBoxes("themes", t("practice.themes"));
  if (draft) for (const slug of draft.themes || []) { const box = themes.querySelector(`input[value="${slug}"]`); if (box) box.checked = true; }
  const headingId = uid("practice");
  const missing = draft && draft.missing && draft.missing.length
    ? h("p", { class: "notice" }, t("practice.draft_missing", { fields: draft.missing.map((name) => t(`practice.field_${name}`)).join(", ") })) : null;
  const form = h("form", { class: "card stack", novalidate: true, "aria-labelledby": headingId },
    h("h2", { id: headingId }, fromThread ? t("practice.from_thread_title", { title: draft ? draft.title : "" }) : t("library.write_practice")),
    fromThread ? h("p", { class: "muted" }, t("practice.from_thread_lead")) : null,
    missing, formError(),
    h("div", { class: "grid fields" }, field(t("library.title"), title), field(t("library.city"), city), field(t("library.language"), language)),
    field(t("practice.summary"), summary), themes, texts, field(t("practice.contact"), contact),
    h("div", { class: "row end" }, h("button", { type: "button", class: "ghost", onclick: () => onDone(null) }, t("common.cancel")),
      h("button", { type: "submit", class: "primary" }, t("library.save_practice"))));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const body = { title: title.value.trim(), summary: summary.value.trim(), city_id: Number(city.value), language: language.value.trim(),
      themes: checked(form, "themes"), contact: contact.value.trim() };
    for (const name of PRACTICE_TEXTS) body[name] = form.querySelector(`[name="${name}"]`).value;
    await busy(form, async () => {
      try {
        const resource = fromThread
          ? await api.post(`/api/threads/${fromThread}/practice`, body)
          : await api.post(`/api/spaces/${space.id}/resources`, { kind: "practice", ...body });
        onDone(resource);
      } catch (error) { showFormError(form, error); }
    });
  });
  return form;
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
  const kind = select("kind", ["file", "link", "practice"].map((k) => [k, t(`library.kind_${k}`)]), t("library.all_kinds"));
  const theme = select("theme", THEMES.map((slug) => [slug, themeLabel(slug)]), t("library.all_themes"));
  const city = select("city", space.cities.map((c) => [c.id, c.name]), t("library.any_city"));
  const sort = select("sort", ["recent", "updated", "title"].map((s) => [s, t(`library.sort_${s}`)]));
  const featured = h("input", { type: "checkbox", name: "featured" });
  const isModerator = space.my_role === "moderator" || store.me.is_admin;
  const collection = select("collection", [], t("collections.all"));
  const filters = h("form", { class: "filters", role: "search", "aria-label": t("library.filters") },
    field(t("library.kind"), kind), field(t("common.themes"), theme), field(t("library.city"), city),
    field(t("collections.label"), collection), field(t("library.sort"), sort),
    h("label", { class: "check" }, featured, t("library.featured_only")));
  const collectionsBox = h("section", { class: "collections" });
  let collections = [];
  async function loadCollections() {
    try { ({ items: collections } = await api.get(`/api/spaces/${space.id}/collections`)); } catch { collections = []; }
    const chosen = collection.value || query.get("collection") || "";
    clear(collection, h("option", { value: "" }, t("collections.all")),
      collections.map((c) => h("option", { value: String(c.id) }, t("collections.option", { name: c.name, count: c.resource_ids.length }))));
    collection.value = collections.some((c) => String(c.id) === chosen) ? chosen : "";
    renderCollections();
  }
  function renderCollections() {
    if (!isModerator && !collections.length) { clear(collectionsBox); collectionsBox.removeAttribute("aria-labelledby"); return; }
    collectionsBox.setAttribute("aria-labelledby", "collections-title");
    const name = h("input", { type: "text", name: "name", required: true, maxlength: "160" });
    const description = h("input", { type: "text", name: "description", maxlength: "2000" });
    const create = h("form", { class: "stack collection-form", novalidate: true, hidden: true, "aria-label": t("collections.new") }, formError(),
      h("div", { class: "grid fields" }, field(t("collections.name"), name), field(t("collections.description"), description)),
      h("div", { class: "row end" },
        h("button", { type: "button", class: "ghost", onclick: () => { create.hidden = true; newButton.focus(); } }, t("common.cancel")),
        h("button", { type: "submit", class: "primary" }, t("collections.create"))));
    create.addEventListener("submit", async (event) => {
      event.preventDefault();
      await busy(create, async () => {
        try {
          const made = await api.post(`/api/spaces/${space.id}/collections`, { name: name.value.trim(), description: description.value.trim() });
          announce(t("collections.created", { name: made.name }));
          await loadCollections();
          collectionsBox.querySelector("h2").focus();
        } catch (error) { showFormError(create, error); }
      });
    });
    const newButton = isModerator ? h("button", { type: "button", class: "small", "aria-expanded": "false", onclick: () => {
      create.hidden = false; newButton.setAttribute("aria-expanded", "true"); name.focus();
    } }, t("collections.new")) : null;
    clear(collectionsBox,
      h("div", { class: "row between wrap" }, h("h2", { id: "collections-title", class: "section-title", tabindex: "-1" }, t("collections.title")), newButton),
      create,
      collections.length ? h("ul", { class: "collection-list" }, collections.map((c) => h("li", {},
        h("button", { type: "button", class: "ghost small", "aria-pressed": String(collection.value === String(c.id)), onclick: () => {
          collection.value = collection.value === String(c.id) ? "" : String(c.id);
          cursor = null; load(); renderCollections();
        } }, t("collections.option", { name: c.name, count: c.resource_ids.length })),
        c.description ? h("span", { class: "muted small" }, c.description) : null,
        isModerator ? h("button", { type: "button", class: "ghost small danger-text", "aria-label": t("collections.delete_label", { name: c.name }),
          onclick: async () => {
            try { await api.del(`/api/collections/${c.id}`); announce(t("collections.deleted", { name: c.name })); await loadCollections(); cursor = null; load(); }
            catch (error) { toast(describeError(error), "error"); }
          } }, t("collections.delete")) : null)))
        : h("p", { class: "muted small" }, t("collections.empty")));
  }
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
    formSlot, collectionsBox, filters, list, more));
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
      clear(list, h("p", { class: "notice" }, error.status === 404 ? t("library.unavailable") : error.message));
    }
  }
  filters.addEventListener("change", (event) => { cursor = null; load(); if (event.target === collection) renderCollections(); });
  more.addEventListener("click", load);
  const stop = live.subscribe(space.id, (event) => {
    if (event.kind.startsWith("collection.") || event.kind === "reset") loadCollections();
    if (event.kind.startsWith("resource.") || event.kind === "reset") { cursor = null; load(); }
  });
  await loadCollections();
  await load();
  return stop;
}
