import { api } from "../api.js";
import { LOCALE_NAMES, t } from "../i18n.js";
import { changeLocale, setTitle } from "../nav.js";
import { store } from "../store.js";
import { busy, field, formError, h, showFormError, toast } from "../ui.js";

export async function show(main) {
  setTitle(t("settings.title"));
  const me = store.me;
  const name = h("input", { type: "text", name: "name", value: me.name, required: true, maxlength: "120", autocomplete: "name" });
  const position = h("input", { type: "text", name: "position", value: me.position || "", maxlength: "200", autocomplete: "organization-title" });
  const languages = h("input", { type: "text", name: "languages", value: (me.languages || []).join(", "), autocomplete: "off" });
  const locale = h("select", { name: "locale" }, Object.entries(LOCALE_NAMES).map(([code, label]) =>
    h("option", { value: code, selected: code === me.locale }, label)));
  const form = h("form", { class: "card stack", novalidate: true },
    formError(),
    field(t("settings.name"), name),
    field(t("settings.position"), position),
    field(t("settings.languages"), languages, { hint: t("settings.languages_hint") }),
    field(t("settings.locale"), locale),
    h("div", { class: "row end" }, h("button", { type: "submit", class: "primary" }, t("common.save"))));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    await busy(form, async () => {
      try {
        const body = {
          name: name.value.trim(), position: position.value.trim(), locale: locale.value,
          languages: languages.value.split(/[,\s]+/).map((code) => code.trim().toLowerCase()).filter(Boolean),
        };
        const user = await api.patch("/api/me", body);
        store.me = { ...store.me, ...user };
        toast(t("settings.saved"));
        if (user.locale) changeLocale(user.locale);
      } catch (error) {
        showFormError(form, error);
      }
    });
  });
  main.append(h("section", { class: "page narrow" },
    h("header", { class: "page-header" }, h("h1", {}, t("settings.title")), h("p", { class: "muted" }, me.email)),
    form));
}
