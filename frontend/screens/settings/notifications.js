import { api } from "../../api.js";
import { t } from "../../i18n.js";
import { store } from "../../store.js";
import { busy, field, formError, h, showFormError, toast, uid } from "../../ui.js";

const LEVELS = ["all", "mentions", "none"];
const DIGESTS = ["daily", "weekly", "never"];
// The batching intervals offered; the API takes any minute count up to a day, so one set
// through the API that is not in this list is added as an option rather than lost on save.
const INTERVALS = [0, 5, 15, 60, 240, 1440];

function choice(name, values, current, label) {
  return h("select", { name }, values.map((value) =>
    h("option", { value: String(value), selected: String(value) === String(current) }, label(value))));
}

function intervalLabel(minutes) {
  if (minutes === 0) return t("mailprefs.batch_now");
  if (minutes % 60 === 0) return t("mailprefs.batch_hours", { count: minutes / 60 });
  return t("mailprefs.batch_minutes", { count: minutes });
}

function spaceLevels(spaces) {
  const selects = spaces.map((space) => {
    const select = choice("level", LEVELS, space.level, (level) => t(`mailprefs.level_${level}`));
    select.dataset.spaceId = String(space.space_id);
    return { space, select };
  });
  const list = spaces.length
    ? h("div", { class: "stack" }, selects.map(({ space, select }) => field(space.name, select)))
    : h("p", { class: "muted" }, t("mailprefs.no_spaces"));
  const legendId = uid("legend");
  const box = h("fieldset", { class: "field", dataset: { field: "spaces" }, "aria-describedby": `${legendId}-hint` },
    h("legend", { id: legendId }, t("mailprefs.per_space")),
    h("p", { class: "hint", id: `${legendId}-hint` }, t("mailprefs.per_space_hint")),
    list,
    h("p", { class: "field-error", hidden: true }));
  box.values = () => selects.map(({ space, select }) => ({ space_id: space.space_id, level: select.value }));
  return box;
}

/** Mail notifications: the level (all, mentions, none) overall and per space, batching and digests. */
export async function section() {
  const prefs = await api.get("/api/me/notifications");
  const intervals = INTERVALS.includes(prefs.batch_minutes) ? INTERVALS : [...INTERVALS, prefs.batch_minutes].sort((a, b) => a - b);
  const level = choice("default_level", LEVELS, prefs.default_level, (value) => t(`mailprefs.level_${value}`));
  const batch = choice("batch_minutes", intervals, prefs.batch_minutes, intervalLabel);
  const digest = choice("digest", DIGESTS, prefs.digest, (value) => t(`mailprefs.digest_${value}`));
  const spaces = spaceLevels(prefs.spaces);
  const titleId = uid("title");
  const form = h("form", { class: "card stack", novalidate: true, "aria-labelledby": titleId },
    h("h2", { id: titleId }, t("mailprefs.title")),
    h("p", { class: "muted" }, t("mailprefs.lead", { email: store.me.email })),
    formError(),
    field(t("mailprefs.default_level"), level, { hint: t("mailprefs.default_level_hint") }),
    spaces,
    field(t("mailprefs.batch"), batch, { hint: t("mailprefs.batch_hint") }),
    field(t("mailprefs.digest"), digest, { hint: t("mailprefs.digest_hint") }),
    h("div", { class: "row end" }, h("button", { type: "submit", class: "primary" }, t("mailprefs.save"))));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    await busy(form, async () => {
      try {
        await api.patch("/api/me/notifications", {
          default_level: level.value, digest: digest.value, batch_minutes: Number(batch.value), spaces: spaces.values(),
        });
        toast(t("mailprefs.saved"));
      } catch (error) {
        showFormError(form, error);
      }
    });
  });
  return form;
}
