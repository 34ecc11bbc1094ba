// Starting a thread in a space: a title, the first message, themes.
import { api } from "../../api.js";
import { t } from "../../i18n.js";
import { themeBoxes } from "../../parts/themes.js";
import { busy, field, formError, h, showFormError } from "../../ui.js";

export function newThreadForm(space, onDone) {
  const title = h("input", { type: "text", name: "title", required: true, maxlength: "200" });
  const body = h("textarea", { name: "body", rows: "5", required: true });
  const form = h("form", { class: "card stack new-thread", novalidate: true, "aria-labelledby": "new-thread-title" },
    h("h2", { id: "new-thread-title" }, t("thread.new")),
    formError(),
    field(t("thread.title_label"), title),
    field(t("thread.first_message"), body, { hint: t("composer.markdown_hint") }),
    themeBoxes("themes", t("common.themes"), "field themes"),
    h("div", { class: "row end" },
      h("button", { type: "button", class: "ghost", onclick: () => onDone(null) }, t("common.cancel")),
      h("button", { type: "submit", class: "primary" }, t("thread.start"))));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    await busy(form, async () => {
      try {
        const themes = [...form.querySelectorAll('input[name="themes"]:checked')].map((box) => box.value);
        const thread = await api.post(`/api/spaces/${space.id}/threads`, {
          title: title.value.trim(), body: body.value, themes, client_id: crypto.randomUUID(),
        });
        onDone(thread);
      } catch (error) {
        showFormError(form, error);
      }
    });
  });
  setTimeout(() => title.focus());
  return form;
}
