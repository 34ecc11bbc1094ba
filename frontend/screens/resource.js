// One library entry: its content, practice fields, adaptations, collections, feature, versions.
import { api } from "../api.js";
import { setCurrentSpace, setTitle } from "../app.js";
import { formatBytes, formatDate, formatTime, languageName, t } from "../i18n.js";
import { cityName, loadCities, store } from "../store.js";
import { announce, clear, describeError, h, toast, uid } from "../ui.js";
import { themeChips } from "./parts.js";
import { kindIcon } from "./library.js";
import { loadSpace } from "./space.js";

const PRACTICE_FIELDS = ["purpose", "context", "process", "partners", "results", "evidence", "transfer_conditions", "lessons_learned", "contact"];

export async function show(main, [id]) {
  let resource = await api.get(`/api/resources/${id}`);
  const space = await loadSpace(resource.space_id);
  await loadCities().catch(() => {});
  setTitle(resource.title, space.name);
  setCurrentSpace(space.id);
  const me = store.me;
  const isModerator = space.my_role === "moderator" || me.is_admin;
  const canEdit = isModerator || (resource.author && resource.author.id === me.id);
  const practice = resource.practice;
  const adaptations = h("div", { class: "adaptations" });
  const collectionsBox = h("div");
  const versionsBox = h("div");

  const featureButton = isModerator ? h("button", { type: "button", "aria-pressed": String(resource.featured), onclick: async () => {
    try {
      resource = { ...resource, ...(await api.patch(`/api/resources/${resource.id}`, { featured: !resource.featured })) };
      featureButton.textContent = resource.featured ? t("library.unfeature") : t("library.feature");
      featureButton.setAttribute("aria-pressed", String(resource.featured));
      featuredBadge.hidden = !resource.featured;
      toast(resource.featured ? t("library.featured") : t("library.unfeatured"));
    } catch (error) { toast(describeError(error), "error"); }
  } }, resource.featured ? t("library.unfeature") : t("library.feature")) : null;
  const featuredBadge = h("span", { class: "badge pin", hidden: !resource.featured }, t("library.featured"));

  main.append(h("article", { class: "page narrow" },
    h("p", { class: "crumbs" }, h("a", { href: `/spaces/${space.id}/library` }, `${space.name} · ${t("space.tab_library")}`)),
    h("header", { class: "row wrap" }, kindIcon(resource.kind), h("h1", {}, resource.title), featuredBadge),
    h("p", { class: "muted" }, [t(`library.kind_${resource.kind}`), resource.city_id ? cityName(resource.city_id) : null,
      resource.language ? languageName(resource.language) : null, resource.author ? resource.author.name : null, formatDate(resource.created_at),
      resource.version > 1 ? t("library.version_n", { n: resource.version }) : null].filter(Boolean).join(" · ")),
    themeChips(resource.themes),
    resource.summary ? h("p", { class: "lead" }, resource.summary) : null,
    resource.file ? h("p", {}, h("a", { class: "button primary", href: resource.file.download_url, download: resource.file.name },
      t("library.download", { name: resource.file.name, size: formatBytes(resource.file.size) }))) : null,
    resource.url ? h("p", {}, h("a", { href: resource.url, rel: "noopener nofollow", target: "_blank" }, resource.url)) : null,
    practice ? h("dl", { class: "practice" }, PRACTICE_FIELDS.filter((name) => practice[name]).map((name) => [h("dt", {}, t(`practice.${name}`)), h("dd", {}, practice[name])])) : null,
    resource.source_thread_id ? h("p", {}, h("a", { href: `/threads/${resource.source_thread_id}` }, t("practice.from_thread"))) : null,
    resource.kind === "practice" ? adaptations : null,
    collectionsBox,
    featureButton ? h("p", {}, featureButton) : null,
    versionsBox));

  // --- adapted from / adapted by ------------------------------------------
  const refItem = (ref, remove) => h("li", {}, h("a", { href: `/resources/${ref.id}` }, ref.title),
    ref.city_id ? ` (${cityName(ref.city_id)})` : "",
    remove ? [" ", h("button", { type: "button", class: "ghost small", "aria-label": t("practice.unlink_label", { title: ref.title }),
      onclick: () => remove(ref) }, t("practice.unlink"))] : null);
  async function setAdaptation(sourceId, add) {
    try {
      resource = await api[add ? "put" : "del"](`/api/resources/${resource.id}/adapted-from/${sourceId}`) || await api.get(`/api/resources/${resource.id}`);
      renderAdaptations();
      announce(add ? t("practice.linked") : t("practice.unlinked"));
      adaptations.querySelector("h2").focus();
    } catch (error) { toast(describeError(error), "error"); }
  }
  function renderAdaptations() {
    if (resource.kind !== "practice") return;
    const from = resource.adapted_from || [];
    const by = resource.adapted_by || [];
    clear(adaptations,
      h("h2", { tabindex: "-1" }, t("practice.adapted_from")),
      from.length ? h("ul", { class: "refs" }, from.map((ref) => refItem(ref, canEdit ? (r) => setAdaptation(r.id, false) : null)))
        : h("p", { class: "muted small" }, t("practice.adapted_from_none")),
      canEdit ? adaptationPicker() : null,
      by.length ? [h("h2", {}, t("practice.adapted_by")), h("ul", { class: "refs" }, by.map((ref) => refItem(ref)))] : null);
  }
  function adaptationPicker() {
    const input = h("input", { type: "search", autocomplete: "off" });
    const inputId = uid("adapt");
    input.id = inputId;
    const results = h("ul", { class: "refs picker-results", "aria-live": "polite" });
    const form = h("form", { class: "row wrap adapt-form", role: "search", "aria-label": t("practice.link_title") },
      h("label", { for: inputId, class: "grow" }, t("practice.find_source"), input),
      h("button", { type: "submit" }, t("search.submit")), results);
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const q = input.value.trim().toLowerCase();
      const linked = new Set((resource.adapted_from || []).map((ref) => ref.id));
      // This space's practice records, matched by title at once; then the network, through search.
      const found = new Map();
      try {
        const own = await api.get(`/api/spaces/${space.id}/resources`, { kind: "practice", limit: 50 });
        own.items.filter((r) => !q || r.title.toLowerCase().includes(q)).forEach((r) => found.set(r.id, r));
      } catch { /* search may still find some */ }
      if (q) {
        try {
          const answer = await api.get("/api/search", { q, kind: "practice", limit: 20 });
          for (const hit of answer.hits || []) if (!found.has(hit.id)) found.set(hit.id, { id: hit.id, title: hit.title, city_id: null, space_id: hit.space_id });
        } catch { /* this space's records are enough */ }
      }
      const choices = [...found.values()].filter((r) => r.id !== resource.id && !linked.has(r.id)).slice(0, 12);
      clear(results, choices.length ? choices.map((ref) => h("li", {}, ref.title,
        ref.city_id ? ` (${cityName(ref.city_id)})` : "", " ",
        h("button", { type: "button", class: "small", "aria-label": t("practice.link_label", { title: ref.title }),
          onclick: () => setAdaptation(ref.id, true) }, t("practice.link"))))
        : h("li", { class: "muted small" }, t("practice.no_sources")));
    });
    return form;
  }
  renderAdaptations();

  // --- collections ----------------------------------------------------------
  async function renderCollections() {
    let items = [];
    try { ({ items } = await api.get(`/api/spaces/${space.id}/collections`)); } catch { return; }
    const mine = new Set(resource.collection_ids || []);
    if (!isModerator) {
      const inside = items.filter((c) => mine.has(c.id));
      clear(collectionsBox, inside.length ? [h("h2", {}, t("collections.title")),
        h("ul", { class: "chips" }, inside.map((c) => h("li", { class: "chip" }, h("a", { href: `/spaces/${space.id}/library?collection=${c.id}` }, c.name))))] : null);
      return;
    }
    clear(collectionsBox, h("fieldset", { class: "collections-pick" }, h("legend", {}, t("collections.in")),
      items.length ? items.map((collection) => h("label", { class: "check" },
        h("input", { type: "checkbox", checked: mine.has(collection.id), onchange: async (event) => {
          const box = event.target;
          try {
            await api[box.checked ? "put" : "del"](`/api/collections/${collection.id}/resources/${resource.id}`);
            resource.collection_ids = box.checked ? [...mine, collection.id] : [...mine].filter((cid) => cid !== collection.id);
            mine.clear(); resource.collection_ids.forEach((cid) => mine.add(cid));
            announce(box.checked ? t("collections.added", { name: collection.name }) : t("collections.removed", { name: collection.name }));
          } catch (error) { box.checked = !box.checked; toast(describeError(error), "error"); }
        } }), collection.name))
        : h("p", { class: "muted small" }, t("collections.none_here"), " ", h("a", { href: `/spaces/${space.id}/library` }, t("collections.create_in_library")))));
  }
  renderCollections();

  // --- versions ---------------------------------------------------------------
  if (resource.version > 1) {
    api.get(`/api/resources/${resource.id}/versions`).then(({ items }) => {
      clear(versionsBox, h("details", { class: "versions" },
        h("summary", {}, t("library.versions", { count: items.length })),
        h("ol", {}, items.map((item) => h("li", {},
          h("p", {}, h("strong", {}, t("library.version_n", { n: item.version })), " · ",
            t("library.replaced", { date: formatTime(item.replaced_at), name: item.edited_by ? item.edited_by.name : t("common.someone") })),
          h("p", {}, h("span", { class: "muted" }, `${t("library.title")}: `), item.snapshot.title || ""),
          item.snapshot.summary ? h("p", { class: "muted small" }, item.snapshot.summary) : null)))));
    }).catch(() => {});
  }
}
