// A practice record's lineage: where it came from and where it spread, through which transfers.
import { api } from "../../api.js";
import { t } from "../../i18n.js";
import { lineageView } from "../../parts/lineage.js";
import { clear, h } from "../../ui.js";

export function lineage(page) {
  const body = h("div", {});
  const element = h("section", { class: "stack lineage-section", "aria-labelledby": "lineage-title" },
    h("h2", { id: "lineage-title" }, t("lineage.title")), body,
    h("p", { class: "small" }, h("a", { href: "/lineage" }, t("lineage.network_link"))));
  async function render() {
    if (page.resource.kind !== "practice") return; // files and links have no lineage (404)
    try {
      clear(body, lineageView(await api.get(`/api/practices/${page.resource.id}/lineage`), page.resource.id));
    } catch {
      clear(body);
    }
  }
  render();
  return { element, render };
}
