import { api } from "../api.js";
import { afterSignIn, setTitle } from "../app.js";
import { t } from "../i18n.js";
import { signedIn, store } from "../store.js";
import { busy, field, formError, h, showFormError } from "../ui.js";

export async function show(main, [token]) {
  setTitle(t("invite.title"));
  const name = h("input", { type: "text", name: "name", autocomplete: "name", required: true, maxlength: "120" });
  const password = h("input", { type: "password", name: "password", autocomplete: "new-password", required: true, minlength: "8" });
  const signedInAs = store.me;
  const form = h("form", { class: "stack", novalidate: true },
    formError(),
    signedInAs ? h("p", {}, t("invite.as_user", { name: signedInAs.name })) : [
      field(t("invite.name"), name),
      field(t("invite.password"), password, { hint: t("invite.password_hint") }),
    ],
    h("button", { type: "submit", class: "primary wide" }, t("invite.submit")));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    await busy(form, async () => {
      try {
        const body = signedInAs ? {} : { name: name.value.trim(), password: password.value };
        const session = await api.post(`/api/invitations/${encodeURIComponent(token)}/accept`, body);
        signedIn(session);
        await afterSignIn("/");
      } catch (error) {
        showFormError(form, error);
      }
    });
  });
  main.append(h("div", { class: "auth" },
    h("div", { class: "auth-brand" }, h("img", { src: "/icon.svg", alt: "", width: "40", height: "40" }), h("span", {}, "Citybridge")),
    h("section", { class: "card auth-card", "aria-labelledby": "invite-title" },
      h("h1", { id: "invite-title" }, t("invite.title")),
      h("p", { class: "muted" }, t("invite.lead")),
      form),
    h("p", { class: "auth-foot muted small" }, h("a", { href: `/signin?next=${encodeURIComponent(location.pathname)}` }, t("invite.have_account")))));
}
