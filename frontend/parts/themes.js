// The controlled list of themes (server/themes.py); labels live in the i18n files.
import { h, themeLabel, uid } from "../ui.js";

export const THEMES = [
  "integration", "employment", "education", "health", "housing", "transport", "social-services",
  "human-security", "intercultural-dialogue", "public-perception", "labour-exploitation", "migrant-entrepreneurship",
];

/** A checkbox per theme, as a form field named `name` (the API's errors land in its slot). */
export function themeBoxes(name, legend, className = "field") {
  return h("fieldset", { class: className, dataset: { field: name } }, h("legend", {}, legend),
    h("div", { class: "check-grid" }, THEMES.map((slug) => h("label", { class: "check" },
      h("input", { type: "checkbox", name, value: slug }), themeLabel(slug)))),
    h("p", { class: "field-error", id: uid("err"), hidden: true }));
}
