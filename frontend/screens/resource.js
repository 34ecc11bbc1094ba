import { api } from "../api.js";
import { setCurrentSpace, setTitle } from "../app.js";
import { formatBytes, formatDate, languageName, t } from "../i18n.js";
import { cityName, loadCities, store } from "../store.js";
import { describeError, h, toast } from "../ui.js";
import { themeChips } from "./parts.js";
import { kindIcon } from "./library.js";
import { loadSpace } from "./space.js";

const PRACTICE_FIELDS = ["purpose", "context", "process", "partners", "results", "evidence", "transfer_conditions", "lessons_learned", "contact"];

export async function show(main, [id]) {
  const resource = await api.get(`/api/resources/${id}`);
  const space = await loadSpace(resource.space_id);
  await loadCities().catch(() => {});
  setTitle(resource.title, space.name);
  setCurrentSpace(space.id);
  const isModerator = space.my_role === "moderator" || store.me.is_admin;
  const practice = resource.practice;
  const refs = (items) => h("ul", {}, items.map((ref) => h("li", {}, h("a", { href: `/resources/${ref.id}` }, ref.title), ref.city_id ? ` (${cityName(ref.city_id)})` : "")));
  main.append(h("article", { class: "page narrow" },
    h("p", { class: "crumbs" }, h("a", { href: `/spaces/${space.id}/library` }, `${space.name} · ${t("space.tab_library")}`)),
    h("header", { class: "row" }, kindIcon(resource.kind), h("h1", {}, resource.title)),
    h("p", { class: "muted" }, [t(`library.kind_${resource.kind}`), resource.city_id ? cityName(resource.city_id) : null,
      resource.language ? languageName(resource.language) : null, resource.author ? resource.author.name : null, formatDate(resource.created_at)].filter(Boolean).join(" · ")),
    themeChips(resource.themes),
    resource.summary ? h("p", { class: "lead" }, resource.summary) : null,
    resource.file ? h("p", {}, h("a", { class: "button primary", href: resource.file.download_url, download: resource.file.name },
      t("library.download", { name: resource.file.name, size: formatBytes(resource.file.size) }))) : null,
    resource.url ? h("p", {}, h("a", { href: resource.url, rel: "noopener nofollow", target: "_blank" }, resource.url)) : null,
    practice ? h("dl", { class: "practice" }, PRACTICE_FIELDS.filter((name) => practice[name]).map((name) => [h("dt", {}, t(`practice.${name}`)), h("dd", {}, practice[name])])) : null,
    resource.adapted_from && resource.adapted_from.length ? [h("h2", {}, t("practice.adapted_from")), refs(resource.adapted_from)] : null,
    resource.adapted_by && resource.adapted_by.length ? [h("h2", {}, t("practice.adapted_by")), refs(resource.adapted_by)] : null,
    resource.source_thread_id ? h("p", {}, h("a", { href: `/threads/${resource.source_thread_id}` }, t("practice.from_thread"))) : null,
    isModerator ? h("p", {}, h("button", { type: "button", onclick: async (event) => {
      try {
        await api.patch(`/api/resources/${resource.id}`, { featured: !resource.featured });
        resource.featured = !resource.featured;
        event.target.textContent = resource.featured ? t("library.unfeature") : t("library.feature");
        toast(resource.featured ? t("library.featured") : t("library.unfeatured"));
      } catch (error) { toast(describeError(error), "error"); }
    } }, resource.featured ? t("library.unfeature") : t("library.feature"))) : null));
}
