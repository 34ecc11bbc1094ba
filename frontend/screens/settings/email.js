// Settings › email: ask to move the account to another address. The change happens only when the
// link mailed to the new address is used (frontend/screens/email-confirm.js); the old one is told.
import { api } from "../../api.js";
import { t } from "../../i18n.js";
import { store } from "../../store.js";
import { announce, busy, clearFormErrors, field, formError, h, showFormError, uid } from "../../ui.js";

/** The "Change email" form: the new address and the current password. */
export async function section() {
  const email = h("input", { type: "email", name: "new_email", autocomplete: "email", required: true, maxlength: "254" });
  const password = h("input", { type: "password", name: "password", autocomplete: "current-password", required: true });
  const done = h("p", { class: "muted", role: "status" });
  const titleId = uid("title");
  const form = h("form", { class: "card stack", novalidate: true, "aria-labelledby": titleId },
    h("h2", { id: titleId }, t("emailchange.title")),
    h("p", { class: "muted" }, t("emailchange.lead", { email: store.me.email })),
    formError(),
    field(t("emailchange.new_email"), email),
    field(t("security.current_password"), password),
    h("div", { class: "row end" }, h("button", { type: "submit", class: "primary" }, t("emailchange.send"))),
    done);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    done.textContent = "";
    clearFormErrors(form);
    await busy(form, async () => {
      try {
        const address = email.value.trim();
        await api.post("/api/me/email", { new_email: address, password: password.value });
        form.reset();
        done.textContent = t("emailchange.sent", { email: address });
        announce(done.textContent);
      } catch (error) {
        showFormError(form, error);
      }
    });
  });
  return form;
}
