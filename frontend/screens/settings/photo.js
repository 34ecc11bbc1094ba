// Settings › photo: choose a picture (the server crops it square and re-encodes it, so nothing of
// the file such as its location is kept) or remove it. Who sees it: the profile's "Photo" audience.
import { request } from "../../api.js";
import { t } from "../../i18n.js";
import { store } from "../../store.js";
import { announce, avatar, busy, clear, describeError, h, uid } from "../../ui.js";

export async function section() {
  const titleId = uid("title");
  const hintId = uid("hint");
  const preview = h("div", { class: "photo-preview" });
  const status = h("p", { class: "small", role: "status" });
  const input = h("input", { type: "file", name: "file", accept: "image/jpeg,image/png,image/webp,image/gif", "aria-describedby": hintId });
  const remove = h("button", { type: "button", class: "secondary" }, t("photo.remove"));
  const show = () => {
    clear(preview, avatar(store.me, "large"));
    remove.hidden = !store.me.photo_url;
  };
  const save = async (send) => {
    status.textContent = "";
    status.className = "small";
    try {
      const user = await send();
      store.me = { ...store.me, ...user };
      show();
      announce(t(user.photo_url ? "photo.saved" : "photo.removed"));
    } catch (error) {
      // The file's own problem (not a picture, too many pixels) when the server names it.
      const field = error.fields && error.fields.file;
      status.className = "small error";
      status.textContent = field && field.code ? t(`api.field.${field.code}`) : describeError(error);
    }
  };
  input.addEventListener("change", () => {
    const file = input.files && input.files[0];
    if (!file) return;
    const form = new FormData();
    form.append("file", file);
    busy(section, () => save(() => request("PUT", "/api/me/photo", { form })));
    input.value = "";
  });
  remove.addEventListener("click", () => busy(section, () => save(() => request("DELETE", "/api/me/photo"))));
  const section = h("section", { class: "card stack", "aria-labelledby": titleId, id: "photo-section" },
    h("h2", { id: titleId }, t("photo.title")),
    h("div", { class: "row photo-row" }, preview,
      h("div", { class: "stack tight" },
        h("label", { class: "field" }, h("span", {}, t("photo.choose")), input),
        h("p", { class: "muted small", id: hintId }, t("photo.hint")),
        h("div", { class: "row" }, remove))),
    status);
  show();
  return section;
}
