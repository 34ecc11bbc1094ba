// Settings › where I am signed in (ending any other browser) and my API tokens (created with
// scopes and an expiry, shown once, revoked here).
import { api } from "../../api.js";
import { formatDate, formatTime, t } from "../../i18n.js";
import { store } from "../../store.js";
import { busy, clear, emptyState, field, formError, h, showFormError, toast } from "../../ui.js";

function sessionRow(session, reload) {
  const end = session.current ? h("span", { class: "badge" }, t("security.this_device")) :
    h("button", { type: "button", class: "ghost small", "aria-label": t("security.sign_out_device", { device: session.browser }),
      onclick: async (event) => {
        event.target.disabled = true;
        try {
          await api.del(`/api/me/sessions/${session.id}`);
          toast(t("security.device_signed_out", { device: session.browser }));
        } catch { toast(t("error.generic"), "error"); }
        await reload();
      } }, t("security.sign_out"));
  return h("li", { class: "row between wrap", dataset: { session: String(session.id) } },
    h("div", {},
      h("strong", {}, session.browser),
      h("span", { class: "muted small block" }, [session.address, t("security.since", { when: formatTime(session.created_at) }),
        session.last_used_at ? t("security.last_used", { when: formatTime(session.last_used_at) }) : null].filter(Boolean).join(" · "))),
    end);
}

async function devices() {
  const list = h("ul", { class: "stack" });
  const othersButton = h("button", { type: "button", class: "small" }, t("security.sign_out_all_others"));
  async function reload() {
    const { items } = await api.get("/api/me/sessions");
    clear(list, items.map((session) => sessionRow(session, reload)));
    othersButton.hidden = !items.some((session) => !session.current);
  }
  othersButton.addEventListener("click", async () => {
    othersButton.disabled = true;
    try {
      const { items } = await api.get("/api/me/sessions");
      // One by one over the same route: each ends that browser's sockets too.
      for (const session of items.filter((s) => !s.current)) await api.del(`/api/me/sessions/${session.id}`);
      toast(t("security.others_signed_out"));
    } catch { toast(t("error.generic"), "error"); }
    othersButton.disabled = false;
    await reload();
  });
  await reload();
  return h("section", { class: "card stack", "aria-labelledby": "devices-title" },
    h("div", { class: "row between wrap" }, h("h2", { id: "devices-title" }, t("security.devices_title")), othersButton),
    h("p", { class: "muted" }, t("security.devices_lead")), list);
}

function tokenRow(token, reload) {
  const scopes = token.scopes.map((scope) => t(`security.scope_${scope}`)).join(", ");
  return h("li", { class: "row between wrap", dataset: { token: String(token.id) } },
    h("div", {},
      h("strong", {}, token.name), " ", h("span", { class: "muted small" }, scopes),
      h("span", { class: "muted small block" }, [t("security.token_expires", { when: formatDate(token.expires_at) }),
        token.last_used_at ? t("security.last_used", { when: formatTime(token.last_used_at) }) : t("security.never_used")].join(" · "))),
    h("button", { type: "button", class: "ghost small danger-text", "aria-label": t("security.revoke_token", { name: token.name }),
      onclick: async (event) => {
        event.target.disabled = true;
        try {
          await api.del(`/api/tokens/${token.id}`);
          toast(t("security.token_revoked", { name: token.name }));
        } catch { toast(t("error.generic"), "error"); }
        await reload();
      } }, t("security.revoke")));
}

function tokenForm(onCreated) {
  const name = h("input", { type: "text", name: "name", required: true, maxlength: "120" });
  const days = h("input", { type: "number", name: "expires_in_days", value: "90", min: "1", max: "3650", required: true });
  const scopeBoxes = ["read", "write", ...(store.me.is_admin ? ["admin"] : [])].map((scope) =>
    h("label", { class: "check" }, h("input", { type: "checkbox", name: "scopes", value: scope, checked: scope === "read" }),
      h("span", { class: "check-text" }, t(`security.scope_${scope}`))));
  const scopes = h("fieldset", { class: "field", dataset: { field: "scopes" } },
    h("legend", {}, t("security.token_scopes")), h("div", { class: "check-grid" }, scopeBoxes),
    h("p", { class: "field-error", hidden: true }));
  const form = h("form", { class: "stack", novalidate: true, "aria-labelledby": "token-new-title" },
    h("h3", { id: "token-new-title" }, t("security.token_new")), formError(),
    h("div", { class: "grid fields" }, field(t("security.token_name"), name), field(t("security.token_days"), days)),
    scopes, h("div", { class: "row end" }, h("button", { type: "submit", class: "primary" }, t("security.token_create"))));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    await busy(form, async () => {
      try {
        const token = await api.post("/api/tokens", {
          name: name.value.trim(), expires_in_days: Number(days.value),
          scopes: [...scopes.querySelectorAll("input:checked")].map((box) => box.value),
        });
        form.reset();
        await onCreated(token);
      } catch (error) {
        showFormError(form, error);
      }
    });
  });
  return form;
}

async function tokens() {
  const list = h("ul", { class: "stack" });
  const shown = h("div");
  async function reload() {
    const { items } = await api.get("/api/tokens");
    clear(list, items.length ? items.map((token) => tokenRow(token, reload)) : h("li", {}, emptyState(t("security.no_tokens"))));
  }
  const form = tokenForm(async (token) => {
    const secret = h("input", { type: "text", readonly: true, value: token.token, class: "grow", "data-token-secret": "" });
    clear(shown, h("div", { class: "notice stack", role: "status" },
      h("p", {}, t("security.token_shown_once", { name: token.name })),
      field(t("security.token_secret"), secret)));
    secret.select();
    await reload();
  });
  await reload();
  return h("section", { class: "card stack", "aria-labelledby": "tokens-title" },
    h("h2", { id: "tokens-title" }, t("security.tokens_title")),
    h("p", { class: "muted" }, t("security.tokens_lead")), shown, list, form);
}

export async function section() {
  try {
    return h("div", { class: "stack" }, await devices(), await tokens());
  } catch (error) {
    // Until a required second factor is set up, only the two-factor section can be used.
    if (error.code === "totp_setup_required") return null;
    throw error;
  }
}
