// Every city of the network, traditional and newer destinations side by side.
import { t } from "../../i18n.js";
import { setTitle } from "../../nav.js";
import { loadCities, store } from "../../store.js";
import { h, link } from "../../ui.js";
import { frameworksSection } from "./frameworks.js";

export async function show(main) {
  setTitle(t("cities.all"));
  const cities = await loadCities(true);
  const group = (profile) => h("section", { "aria-labelledby": `cities-${profile}` },
    h("h2", { class: "section-title", id: `cities-${profile}` }, t(`profile.${profile}`)),
    h("ul", { class: "grid cards" }, cities.filter((c) => c.profile === profile).map((c) =>
      h("li", { class: "card" }, h("h3", {}, link(`/cities/${c.id}`, c.name)),
        h("p", { class: "muted small" }, [c.region, c.country].filter(Boolean).join(", "))))));
  main.append(h("section", { class: "page" },
    h("header", { class: "page-header" }, h("h1", {}, t("cities.all")), h("p", { class: "muted" }, t("cities.all_intro")),
      h("p", {}, link("/matching", t("cities.to_board")))),
    group("traditional"), group("newer"),
    store.me && store.me.is_admin ? await frameworksSection() : null));
}
