// Settings › security: change the password, and turn two-factor sign-in on or off
// (docs/identity.md). Devices and API tokens are in security_devices.js, export and erasure in
// security_data.js.
import { api, request } from "../../api.js";
import { t } from "../../i18n.js";
import { busy, clear, field, formError, h, showFormError, toast } from "../../ui.js";

function passwordForm() {
  const current = h("input", { type: "password", name: "current_password", autocomplete: "current-password", required: true });
  const fresh = h("input", { type: "password", name: "new_password", autocomplete: "new-password", required: true, minlength: "10" });
  const others = h("input", { type: "checkbox", name: "sign_out_others", checked: true });
  const form = h("form", { class: "card stack", novalidate: true, "aria-labelledby": "password-title" },
    h("h2", { id: "password-title" }, t("security.password_title")),
    formError(),
    field(t("security.current_password"), current),
    field(t("security.new_password"), fresh, { hint: t("security.new_password_hint") }),
    h("label", { class: "check" }, others, h("span", { class: "check-text" }, t("security.sign_out_others"))),
    h("div", { class: "row end" }, h("button", { type: "submit", class: "primary" }, t("security.change_password"))));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    await busy(form, async () => {
      try {
        const done = await api.post("/api/me/password", {
          current_password: current.value, new_password: fresh.value, sign_out_others: others.checked,
        });
        form.reset();
        others.checked = true;
        toast(done.signed_out ? t("security.password_changed_others", { count: done.signed_out }) : t("security.password_changed"));
      } catch (error) {
        showFormError(form, error);
      }
    });
  });
  return form;
}

/** A form asking for one code (from the app, or a recovery code) before `action(code)`. */
function codeForm(label, submitLabel, action, { danger = false } = {}) {
  const code = h("input", { type: "text", name: "code", autocomplete: "one-time-code", required: true, maxlength: "32", spellcheck: "false" });
  const form = h("form", { class: "stack", novalidate: true },
    formError(),
    field(label, code),
    h("div", { class: "row end" }, h("button", { type: "submit", class: danger ? "danger" : "primary" }, submitLabel)));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    await busy(form, async () => {
      try {
        await action(code.value.trim());
      } catch (error) {
        showFormError(form, error);
      }
    });
  });
  return form;
}

function recoveryList(codes) {
  return h("div", { class: "notice stack", role: "status" },
    h("h3", {}, t("security.recovery_title")),
    h("p", {}, t("security.recovery_lead")),
    h("ol", { class: "recovery-codes" }, codes.map((code) => h("li", {}, h("code", {}, code)))));
}

function enrolment(started, render) {
  return h("div", { class: "stack" },
    h("p", {}, t("security.totp_scan")),
    h("img", { src: started.qr_svg, alt: t("security.totp_qr_alt"), width: "200", height: "200", class: "totp-qr" }),
    h("p", { class: "small" }, t("security.totp_secret"), " ", h("code", { "data-secret": "" }, started.secret)),
    h("p", { class: "small muted" }, h("a", { href: started.otpauth_uri }, t("security.totp_open_app"))),
    codeForm(t("security.totp_code"), t("security.totp_confirm"), async (code) => {
      const { recovery_codes: codes } = await api.post("/api/me/totp/confirm", { code });
      toast(t("security.totp_on"));
      await render(recoveryList(codes));
    }));
}

async function twoFactor() {
  const box = h("div", { class: "stack" });
  const card = h("section", { class: "card stack", "aria-labelledby": "totp-title" },
    h("h2", { id: "totp-title" }, t("security.totp_title")), box);
  async function render(extra = null) {
    const status = await api.get("/api/me/totp");
    const required = status.required && !status.enabled ? h("p", { class: "notice" }, t("security.totp_required")) : null;
    if (status.enabled) {
      clear(box, extra,
        h("p", {}, h("span", { class: "badge" }, t("security.totp_enabled")), " ",
          t("security.recovery_left", { count: status.recovery_codes_left })),
        h("h3", {}, t("security.totp_turn_off")),
        codeForm(t("security.totp_code_or_recovery"), t("security.totp_turn_off"), async (code) => {
          await request("DELETE", "/api/me/totp", { body: { code } });
          toast(t("security.totp_off"));
          await render();
        }, { danger: true }));
      return;
    }
    const start = h("button", { type: "button", class: "primary" }, t("security.totp_start"));
    const error = formError();
    const holder = h("div", { class: "stack" }, error, h("div", { class: "row" }, start));
    start.addEventListener("click", async () => {
      await busy(holder, async () => {
        try {
          clear(holder, enrolment(await api.post("/api/me/totp"), render));
        } catch (failure) {
          showFormError(holder, failure);
        }
      });
    });
    clear(box, required, h("p", { class: "muted" }, t("security.totp_lead")), holder);
  }
  await render();
  return card;
}

export async function section() {
  return h("div", { class: "stack", id: "security" }, passwordForm(), await twoFactor());
}
