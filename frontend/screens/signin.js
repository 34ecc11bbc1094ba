import { api } from "../api.js";
import { t } from "../i18n.js";
import { setTitle } from "../nav.js";
import { afterSignIn } from "../session.js";
import { signedIn, store } from "../store.js";
import { busy, field, formError, h, showFormError } from "../ui.js";

export async function show(main, params, query) {
  const next = query.get("next") || "/";
  if (store.me) return afterSignIn(next);
  setTitle(t("signin.title"));
  const email = h("input", { type: "email", name: "email", autocomplete: "username", required: true });
  const password = h("input", { type: "password", name: "password", autocomplete: "current-password", required: true });
  // Shown once the server answers totp_required: a 6-digit code or a recovery code.
  const code = h("input", { type: "text", name: "totp_code", autocomplete: "one-time-code", maxlength: "32", spellcheck: "false" });
  const codeField = field(t("signin.totp_code"), code, { hint: t("signin.totp_hint") });
  codeField.hidden = true;
  const form = h("form", { class: "stack", novalidate: true },
    formError(),
    field(t("signin.email"), email),
    field(t("signin.password"), password),
    codeField,
    h("button", { type: "submit", class: "primary wide" }, t("signin.submit")),
    h("p", { class: "small" }, h("a", { href: "/reset" }, t("signin.forgot"))),
    query.get("reset") ? h("p", { class: "muted", role: "status" }, t("reset.done")) : null);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    await busy(form, async () => {
      try {
        const body = { email: email.value.trim(), password: password.value };
        if (!codeField.hidden && code.value.trim()) body.totp_code = code.value.trim();
        const session = await api.post("/api/session", body);
        signedIn(session);
        await afterSignIn(next);
      } catch (error) {
        if (error.code === "sso_required") {
          error.message = t("sso.required", { provider: error.fields?.provider?.provider || "" });
          error.fields = {};
        }
        showFormError(form, error);
        if (error.code === "totp_required" || error.code === "bad_totp_code") {
          codeField.hidden = false;
          code.value = "";
          code.focus();
        }
      }
    });
  });
  const sso = h("div", { class: "stack" });
  showProviders(sso, query.get("sso_error"));
  main.append(h("div", { class: "auth" },
    h("div", { class: "auth-brand" }, h("img", { src: "/icon.svg", alt: "", width: "40", height: "40" }), h("span", {}, "Citybridge")),
    h("section", { class: "card auth-card", "aria-labelledby": "signin-title" },
      h("h1", { id: "signin-title" }, t("signin.title")),
      h("p", { class: "muted" }, t("signin.lead")),
      form, sso),
    h("p", { class: "auth-foot muted small" }, t("signin.invited"))));
}

const SSO_ERRORS = ["bad_state", "email_not_verified", "invitation_required", "domain_not_allowed",
  "provider_unavailable", "account_deactivated", "provider_refused", "email_missing"];

// One button per single sign-on provider; a sign-in that came back refused says why (?sso_error=).
async function showProviders(box, failure) {
  if (failure) {
    const key = SSO_ERRORS.includes(failure) ? `sso.error.${failure}` : "sso.error.other";
    box.append(h("p", { class: "form-error", role: "alert" }, t(key)));
  }
  let providers = [];
  try { providers = (await api.get("/api/identity-providers/public")).items; } catch { return; }
  if (!providers.length) return;
  box.append(h("p", { class: "muted small" }, t("sso.or")),
    ...providers.map((p) => h("a", { class: "button wide", href: p.url }, t("sso.with", { provider: p.name }))));
}
