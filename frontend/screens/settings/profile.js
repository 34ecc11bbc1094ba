import { api } from "../../api.js";
import { FALLBACKS, LOCALE_NAMES, languageName, nativeName, t } from "../../i18n.js";
import { changeLocale } from "../../nav.js";
import { store } from "../../store.js";
import { busy, field, formError, h, showFormError, toast } from "../../ui.js";

/** The person's name, position, languages and interface language. */
export async function section() {
  const me = store.me;
  const name = h("input", { type: "text", name: "name", value: me.name, required: true, maxlength: "120", autocomplete: "name" });
  const position = h("input", { type: "text", name: "position", value: me.position || "", maxlength: "200", autocomplete: "organization-title" });
  const languages = h("input", { type: "text", name: "languages", value: (me.languages || []).join(", "), autocomplete: "off" });
  // A chosen language without a translation (FALLBACKS) stays selectable and selected, so saving
  // the form never changes it behind the person's back; the notice says what is shown instead.
  const unsupported = FALLBACKS[me.locale] ? me.locale : null;
  const shownName = unsupported ? languageName(FALLBACKS[unsupported]) : "";
  const choices = { ...LOCALE_NAMES };
  if (unsupported) choices[unsupported] = t("settings.locale_option_unsupported", { language: nativeName(unsupported), shown: shownName });
  const locale = h("select", { name: "locale" }, Object.entries(choices).map(([code, label]) =>
    h("option", { value: code, selected: code === me.locale }, label)));
  const localeNotice = unsupported
    ? h("p", { class: "notice", id: "locale-notice" }, t("settings.locale_unsupported", { language: nativeName(unsupported), shown: shownName })) : null;
  const form = h("form", { class: "card stack", novalidate: true },
    formError(),
    field(t("settings.name"), name),
    field(t("settings.position"), position),
    field(t("settings.languages"), languages, { hint: t("settings.languages_hint") }),
    field(t("settings.locale"), locale),
    localeNotice,
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
  return form;
}
