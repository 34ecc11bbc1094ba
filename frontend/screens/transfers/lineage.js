// The network's practices that spread (GET /api/lineage), optionally by theme: which city's practice
// was taken up where, through which transfer, as a graph and as a list.
import { api } from "../../api.js";
import { t } from "../../i18n.js";
import { navigate, setTitle } from "../../nav.js";
import { lineageView } from "../../parts/lineage.js";
import { loadCities } from "../../store.js";
import { field, h, themeLabel } from "../../ui.js";
import { THEMES } from "../../parts/themes.js";

export async function show(main) {
  await loadCities().catch(() => {});
  const theme = new URLSearchParams(location.search).get("theme") || "";
  setTitle(t("lineage.network_title"));
  const data = await api.get("/api/lineage", theme ? { theme } : {});
  const picker = h("select", { name: "theme", onchange: () => navigate(picker.value ? `/lineage?theme=${picker.value}` : "/lineage") },
    h("option", { value: "" }, t("lineage.all_themes")),
    THEMES.map((slug) => h("option", { value: slug, selected: slug === theme }, themeLabel(slug))));
  main.append(h("section", { class: "page stack" },
    h("h1", {}, t("lineage.network_title")),
    h("p", { class: "muted" }, t("lineage.network_intro")),
    h("div", { class: "row gap" }, field(t("lineage.theme"), picker)),
    lineageView(data),
    data.truncated ? h("p", { class: "muted small" }, t("lineage.truncated")) : null));
}
