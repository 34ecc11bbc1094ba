// Settings › my data: build a zip of everything about me (followed until its single-use link is
// ready), and erase my account (docs/identity.md says what is kept and why).
import { api, request } from "../../api.js";
import { t } from "../../i18n.js";
import { signedOut } from "../../store.js";
import { busy, clear, field, formError, h, showFormError } from "../../ui.js";

const POLL_MS = 1500;

function exportPart() {
  const status = h("div", { class: "stack", "aria-live": "polite" });
  const start = h("button", { type: "button" }, t("data.export_start"));
  const holder = h("div", { class: "stack" }, formError(), h("div", { class: "row" }, start), status);
  async function follow(url) {
    const progress = h("progress", { class: "progress", max: "100", value: "0", "aria-label": t("data.export_progress") });
    clear(status, h("p", { class: "muted" }, t("data.export_building")), progress);
    for (;;) {
      const state = await api.get(url);
      progress.value = state.progress;
      if (state.state === "ready") {
        clear(status, h("p", {}, t("data.export_ready")),
          h("a", { class: "button primary", href: state.download_url, download: "" }, t("data.export_download")));
        return;
      }
      if (state.state !== "pending") {
        clear(status, h("p", { class: "notice" }, t(`data.export_${state.state}`)));
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }
  start.addEventListener("click", async () => {
    await busy(holder, async () => {
      try {
        const started = await api.post("/api/me/export");
        await follow(started.url);
      } catch (error) {
        showFormError(holder, error);
      }
    });
  });
  return h("div", { class: "stack" }, h("h3", {}, t("data.export_title")), h("p", { class: "muted" }, t("data.export_lead")), holder);
}

function erasePart() {
  const password = h("input", { type: "password", name: "password", autocomplete: "current-password", required: true });
  const sure = h("input", { type: "checkbox", name: "understood", required: true });
  const form = h("form", { class: "stack", novalidate: true, "aria-labelledby": "erase-title" },
    h("h3", { id: "erase-title" }, t("data.erase_title")),
    h("p", {}, t("data.erase_lead")),
    formError(),
    h("label", { class: "check" }, sure, h("span", { class: "check-text" }, t("data.erase_understood"))),
    field(t("security.current_password"), password),
    h("div", { class: "row end" }, h("button", { type: "submit", class: "danger" }, t("data.erase_submit"))));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (!sure.checked) {
      showFormError(form, { code: "data.erase_confirm", fields: {} });
      clear(form.querySelector(".form-error"), t("data.erase_confirm"));
      return;
    }
    await busy(form, async () => {
      try {
        await request("DELETE", "/api/me", { body: { password: password.value } });
        signedOut();
        location.assign("/signin?erased=1");
      } catch (error) {
        showFormError(form, error);
      }
    });
  });
  return form;
}

export async function section() {
  return h("section", { class: "card stack", "aria-labelledby": "data-title" },
    h("h2", { id: "data-title" }, t("data.title")), exportPart(), erasePart());
}
