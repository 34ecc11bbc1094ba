import { api } from "../../api.js";
import { FALLBACKS, LOCALE_NAMES, languageName, nativeName, t } from "../../i18n.js";
import { changeLocale } from "../../nav.js";
import { themeBoxes } from "../../parts/themes.js";
import { store } from "../../store.js";
import { busy, field, formError, h, showFormError, toast } from "../../ui.js";

// The profile fields whose audience the person chooses (server/services/profiles.py VISIBILITY_KEYS).
const AUDIENCE_KEYS = ["listing", "office", "position", "languages", "expertise", "bio", "time_zone", "photo"];

function localeControl(me) {
  // A chosen language without a translation (FALLBACKS) stays selectable and selected, so saving
  // the form never changes it behind the person's back; the notice says what is shown instead.
  const unsupported = FALLBACKS[me.locale] ? me.locale : null;
  const shownName = unsupported ? languageName(FALLBACKS[unsupported]) : "";
  const choices = { ...LOCALE_NAMES };
  if (unsupported) choices[unsupported] = t("settings.locale_option_unsupported", { language: nativeName(unsupported), shown: shownName });
  const select = h("select", { name: "locale" }, Object.entries(choices).map(([code, label]) =>
    h("option", { value: code, selected: code === me.locale }, label)));
  const notice = unsupported
    ? h("p", { class: "notice", id: "locale-notice" }, t("settings.locale_unsupported", { language: nativeName(unsupported), shown: shownName })) : null;
  return { select, notice };
}

function zoneList() {
  const zones = typeof Intl.supportedValuesOf === "function" ? Intl.supportedValuesOf("timeZone") : [];
  return h("datalist", { id: "time-zones" }, zones.map((zone) => h("option", { value: zone })));
}

function audienceControls(me) {
  const chosen = me.visibility || {};
  const selects = Object.fromEntries(AUDIENCE_KEYS.map((key) => [key, h("select", { name: `visibility.${key}` },
    ["network", "spaces"].map((audience) => h("option", { value: audience, selected: chosen[key] === audience },
      t(`people.audience_${audience}`))))]));
  const fieldset = h("fieldset", { class: "field stack", dataset: { field: "visibility" } },
    h("legend", {}, t("people.visibility")),
    h("p", { class: "muted small" }, t("people.visibility_hint")),
    AUDIENCE_KEYS.map((key) => field(t(`people.field_${key}`), selects[key])));
  return { selects, fieldset };
}

function controls(me) {
  const text = (name, value, max, extra = {}) => h("input", { type: "text", name, value: value || "", maxlength: max, ...extra });
  const themes = themeBoxes("expertise_themes", t("people.expertise_themes"));
  for (const box of themes.querySelectorAll("input")) box.checked = (me.expertise_themes || []).includes(box.value);
  return {
    name: text("name", me.name, "120", { required: true, autocomplete: "name" }),
    position: text("position", me.position, "200", { autocomplete: "organization-title" }),
    office: text("office", me.office, "200", { autocomplete: "organization" }),
    languages: text("languages", (me.languages || []).join(", "), "100", { autocomplete: "off" }),
    tags: text("expertise_tags", (me.expertise_tags || []).join(", "), "900", { autocomplete: "off" }),
    bio: h("textarea", { name: "bio", maxlength: "1000", rows: "4" }, me.bio || ""),
    zone: text("time_zone", me.time_zone, "64", { list: "time-zones", autocomplete: "off" }),
    themes,
  };
}

function bodyOf(c, locale, audiences) {
  const list = (value, lower) => value.split(/,/).map((item) => (lower ? item.trim().toLowerCase() : item.trim())).filter(Boolean);
  return {
    name: c.name.value.trim(), position: c.position.value.trim(), office: c.office.value.trim(), locale: locale.value,
    languages: c.languages.value.split(/[,\s]+/).map((code) => code.trim().toLowerCase()).filter(Boolean),
    expertise_themes: [...c.themes.querySelectorAll("input:checked")].map((box) => box.value),
    expertise_tags: list(c.tags.value, false), bio: c.bio.value, time_zone: c.zone.value.trim(),
    visibility: Object.fromEntries(Object.entries(audiences.selects).map(([key, select]) => [key, select.value])),
  };
}

/** The person's name, interface language and profile: office, position, languages, expertise,
 * bio, time zone, and who sees each of these. */
export async function section() {
  const me = store.me;
  const c = controls(me);
  const locale = localeControl(me);
  const audiences = audienceControls(me);
  const form = h("form", { class: "card stack", novalidate: true, id: "profile-form" },
    formError(),
    field(t("settings.name"), c.name),
    field(t("settings.position"), c.position),
    field(t("people.office"), c.office),
    field(t("settings.languages"), c.languages, { hint: t("settings.languages_hint") }),
    c.themes,
    field(t("people.expertise_tags"), c.tags, { hint: t("people.expertise_tags_hint") }),
    field(t("people.bio"), c.bio),
    field(t("people.time_zone"), c.zone, { hint: t("people.time_zone_hint") }), zoneList(),
    audiences.fieldset,
    field(t("settings.locale"), locale.select),
    locale.notice,
    h("div", { class: "row end" }, h("button", { type: "submit", class: "primary" }, t("common.save"))));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    await busy(form, async () => {
      try {
        const user = await api.patch("/api/me", bodyOf(c, locale.select, audiences));
        store.me = { ...store.me, ...user };
        toast(t("settings.saved"));
        if (user.locale) await changeLocale(user.locale);
      } catch (error) {
        showFormError(form, error);
      }
    });
  });
  return form;
}
