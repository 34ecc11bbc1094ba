// Adding to a library: upload a file (with progress), add a link. (Practice records: practice-form.js.)
import { api, upload } from "../../api.js";
import { currentLocale, t } from "../../i18n.js";
import { themeBoxes } from "../../parts/themes.js";
import { busy, field, formError, h, showFormError, toast } from "../../ui.js";

export function select(name, options, empty) {
  return h("select", { name }, empty ? h("option", { value: "" }, empty) : null,
    options.map(([value, label]) => h("option", { value: String(value) }, label)));
}

export const checked = (form, name) => [...form.querySelectorAll(`input[name="${name}"]:checked`)].map((box) => box.value);

export function uploadForm(space, onDone) {
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

export function linkForm(space, onDone) {
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
