// /email-change/<token>: the link mailed to a new address. Nothing changes on opening the page (mail
// scanners open links too); the button confirms.
import { api } from "../api.js";
import { t } from "../i18n.js";
import { setTitle } from "../nav.js";
import { store } from "../store.js";
import { announce, busy, clearFormErrors, formError, h, showFormError } from "../ui.js";

function frame(...content) {
  return h("div", { class: "auth" },
    h("div", { class: "auth-brand" }, h("img", { src: "/icon.svg", alt: "", width: "40", height: "40" }), h("span", {}, "Citybridge")),
    h("section", { class: "card auth-card", "aria-labelledby": "email-confirm-title" },
      h("h1", { id: "email-confirm-title" }, t("emailchange.confirm_title")), ...content),
    h("p", { class: "auth-foot muted small" }, h("a", { href: store.me ? "/settings" : "/signin" }, t("emailchange.back"))));
}

export async function show(main, params) {
  setTitle(t("emailchange.confirm_title"));
  const token = params[0];
  const done = h("p", { role: "status" });
  const button = h("button", { type: "submit", class: "primary wide" }, t("emailchange.confirm"));
  const form = h("form", { class: "stack", novalidate: true }, formError(), button, done);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearFormErrors(form);
    await busy(form, async () => {
      try {
        const answer = await api.post(`/api/email-change/${encodeURIComponent(token)}`, {});
        if (store.me) store.me.email = answer.email;
        button.hidden = true;
        done.textContent = t("emailchange.confirmed", { email: answer.email });
        announce(done.textContent);
      } catch (error) {
        showFormError(form, error);
      }
    });
  });
  main.append(frame(h("p", { class: "muted" }, t("emailchange.confirm_lead")), form));
}
