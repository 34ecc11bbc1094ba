// One library entry: its content, practice fields, adaptations, collections, feature, versions.
// Kept live: a change to the entry (featured, adaptations) or to the space's collections shows at once.
import { api } from "../../api.js";
import { watch } from "../../dispatch.js";
import { formatBytes, formatDate, formatTime, languageName, t } from "../../i18n.js";
import { setCurrentSpace, setTitle } from "../../nav.js";
import { kindIcon } from "../../parts/library.js";
import { loadSpace, themeChips } from "../../parts/space.js";
import { cityName, loadCities, store } from "../../store.js";
import { clear, describeError, h, toast } from "../../ui.js";
import { adaptations } from "./adaptations.js";
import { attachments } from "./attachments.js";
import { lineage } from "./lineage.js";
import { collections } from "./collections.js";
import { manageBar } from "./manage.js";
import { publishing } from "./publish.js";
import { translations } from "./translations.js";

const PRACTICE_FIELDS = ["purpose", "context", "process", "partners", "results", "evidence", "transfer_conditions", "lessons_learned", "contact"];

function featureToggle(page) {
  const badge = h("span", { class: "badge pin", hidden: !page.resource.featured }, t("library.featured"));
  const button = page.isModerator ? h("button", { type: "button", onclick: async () => {
    try {
      page.resource = { ...page.resource, ...(await api.patch(`/api/resources/${page.resource.id}`, { featured: !page.resource.featured })) };
      render();
      toast(page.resource.featured ? t("library.featured") : t("library.unfeatured"));
    } catch (error) { toast(describeError(error), "error"); }
  } }) : null;
  function render() {
    badge.hidden = !page.resource.featured;
    if (!button) return;
    button.textContent = page.resource.featured ? t("library.unfeature") : t("library.feature");
    button.setAttribute("aria-pressed", String(page.resource.featured));
  }
  render();
  return { badge, button, render };
}

function versions(resource) {
  const box = h("div");
  if (resource.version > 1) {
    api.get(`/api/resources/${resource.id}/versions`).then(({ items }) => {
      clear(box, h("details", { class: "versions" },
        h("summary", {}, t("library.versions", { count: items.length })),
        h("ol", {}, items.map((item) => h("li", {},
          h("p", {}, h("strong", {}, t("library.version_n", { n: item.version })), " · ",
            t("library.replaced", { date: formatTime(item.replaced_at), name: item.edited_by ? item.edited_by.name : t("common.someone") })),
          h("p", {}, h("span", { class: "muted" }, `${t("library.title")}: `), item.snapshot.title || ""),
          item.snapshot.summary ? h("p", { class: "muted small" }, item.snapshot.summary) : null)))));
    }).catch(() => {});
  }
  return box;
}

function article(page, feature, parts) {
  const { resource, space } = page;
  const practice = resource.practice;
  return h("article", { class: "page narrow" },
    h("p", { class: "crumbs" }, h("a", { href: `/spaces/${space.id}/library` }, `${space.name} · ${t("space.tab_library")}`)),
    h("header", { class: "row wrap" }, kindIcon(resource.kind), h("h1", {}, resource.title), feature.badge),
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
    resource.kind === "practice" ? parts.adaptations.element : null,
    resource.kind === "practice" ? parts.attachments.element : null,
    resource.kind === "practice" ? parts.translations.element : null,
    resource.kind === "practice" ? parts.lineage.element : null,
    parts.collections.element,
    parts.publishing.element,
    feature.button ? h("p", {}, feature.button) : null,
    parts.manage(),
    versions(resource));
}

export async function show(main, [id]) {
  const resource = await api.get(`/api/resources/${id}`);
  const space = await loadSpace(resource.space_id);
  await loadCities().catch(() => {});
  setTitle(resource.title, space.name);
  setCurrentSpace(space.id);
  const me = store.me;
  const isModerator = space.my_role === "moderator" || me.is_admin;
  const page = { resource, space, isModerator, canEdit: isModerator || (resource.author && resource.author.id === me.id) };
  const feature = featureToggle(page);
  let element = null;
  // An edit (here or live) redraws the entry; the adaptations and collections parts move along.
  const redraw = () => {
    const fresh = article(page, feature, parts);
    if (element) element.replaceWith(fresh); else main.append(fresh);
    element = fresh;
    setTitle(page.resource.title, space.name);
  };
  const parts = { adaptations: adaptations(page), collections: collections(page), publishing: publishing(page), lineage: lineage(page),
    attachments: attachments(page), translations: translations(page),
    manage: () => manageBar(page, (changed) => { page.resource = { ...page.resource, ...changed }; redraw(); }) };
  page.onPublished = () => parts.attachments.render();
  redraw();
  // A transfer proposed, moved or completed in this space changes lineages: this record's may be one.
  const stopTransfers = watch(space.id, "transfers", () => { if (page.resource.kind === "practice") parts.lineage.render(); });
  const stopResource = watch(space.id, "resource", async (event) => {
    const data = event.data || {};
    if (event.kind === "reset" || (event.kind.startsWith("resource.") && data.id === page.resource.id)) {
      try { page.resource = await api.get(`/api/resources/${page.resource.id}`); } catch { return; }
      feature.render();
      parts.adaptations.render();
      parts.lineage.render();
      parts.attachments.render();
      parts.translations.render();
      parts.publishing.render();
      // Not while the person is editing or confirming a deletion here (the live copy of their own
      // edit arrives after it, and would take the open form or confirmation away).
      if (event.kind !== "reset" && !element.querySelector(".manage-slot form, .manage-slot .confirm")) redraw();
    }
    if (event.kind === "reset" || event.kind.startsWith("collection.")) parts.collections.render();
  });
  return () => { stopTransfers(); stopResource(); };
}
