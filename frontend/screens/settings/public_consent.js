// Settings › public pages: whether my name and words may appear on the public knowledge base
// (docs/public.md "Consent and licences"). Off by default; changing it drops cached public pages.
import { api } from "../../api.js";
import { t } from "../../i18n.js";
import { store } from "../../store.js";
import { announce, describeError, h, toast, uid } from "../../ui.js";

export async function section() {
  const titleId = uid("title");
  const hintId = uid("hint");
  const box = h("input", { type: "checkbox", name: "public_name_consent", "aria-describedby": hintId });
  box.checked = Boolean(store.me.public_name_consent);
  box.addEventListener("change", async () => {
    try {
      const answer = await api.put("/api/me/public-name-consent", { public_name_consent: box.checked });
      store.me.public_name_consent = answer.public_name_consent;
      announce(t("consent.saved"));
    } catch (error) {
      box.checked = !box.checked;
      toast(describeError(error), "error");
    }
  });
  return h("section", { class: "card stack", "aria-labelledby": titleId },
    h("h2", { id: titleId }, t("consent.title")),
    h("label", { class: "check" }, box, " ", t("consent.label")),
    h("p", { class: "muted small", id: hintId }, t("consent.hint")));
}
