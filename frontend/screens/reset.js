// Password reset: /reset asks for a link by mail; /reset/<token> (the mail's link) sets a new password.
import { api } from "../api.js";
import { t } from "../i18n.js";
import { navigate, setTitle } from "../nav.js";
import { announce, busy, field, formError, h, showFormError } from "../ui.js";

function frame(titleKey, ...content) {
  return h("div", { class: "auth" },
    h("div", { class: "auth-brand" }, h("img", { src: "/icon.svg", alt: "", width: "40", height: "40" }), h("span", {}, "Citybridge")),
    h("section", { class: "card auth-card", "aria-labelledby": "reset-title" },
      h("h1", { id: "reset-title" }, t(titleKey)), ...content),
    h("p", { class: "auth-foot muted small" }, h("a", { href: "/signin" }, t("reset.back"))));
}

function askForm(main) {
  const email = h("input", { type: "email", name: "email", autocomplete: "username", required: true });
  const done = h("p", { class: "muted", role: "status" });
  const form = h("form", { class: "stack", novalidate: true },
    formError(),
    field(t("signin.email"), email),
    h("button", { type: "submit", class: "primary wide" }, t("reset.send")),
    done);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    await busy(form, async () => {
      try {
        await api.post("/api/password-reset", { email: email.value.trim() });
        done.textContent = t("reset.sent");
        announce(t("reset.sent"));
      } catch (error) {
        showFormError(form, error);
      }
    });
  });
  main.append(frame("reset.title", h("p", { class: "muted" }, t("reset.lead")), form));
}

function chooseForm(main, token) {
  const password = h("input", { type: "password", name: "password", autocomplete: "new-password", minlength: "8", required: true });
  const form = h("form", { class: "stack", novalidate: true },
    formError(),
    field(t("reset.new_password"), password),
    h("button", { type: "submit", class: "primary wide" }, t("reset.save")));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    await busy(form, async () => {
      try {
        await api.post(`/api/password-reset/${encodeURIComponent(token)}`, { password: password.value });
        announce(t("reset.done"));
        navigate("/signin?reset=1");
      } catch (error) {
        showFormError(form, error);
      }
    });
  });
  main.append(frame("reset.choose_title", form));
}

export async function show(main, params) {
  setTitle(t("reset.title"));
  if (params[0]) chooseForm(main, params[0]);
  else askForm(main);
}
