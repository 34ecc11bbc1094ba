// A library entry as several screens show it: its kind's icon and its card in a list.
import { formatBytes, formatDate, languageName, t } from "../i18n.js";
import { cityName } from "../store.js";
import { h } from "../ui.js";
import { themeChips } from "./space.js";

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
