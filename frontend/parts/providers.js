// Admin › single sign-on providers: those of CITYBRIDGE_OIDC_PROVIDERS (read-only here) and those
// admins add, edit and remove (docs/identity.md explains each field).
import { api } from "../api.js";
import { t } from "../i18n.js";
import { loadCities } from "../store.js";
import { busy, clear, emptyState, field, formError, h, showFormError, spinner, toast } from "../ui.js";

const words = (text) => text.split(/[,\s]+/).map((word) => word.trim()).filter(Boolean);

function check(name, label) {
  const box = h("input", { type: "checkbox", name });
  return [box, h("label", { class: "check" }, box, h("span", { class: "check-text" }, label))];
}

function providerForm(cities, onSaved) {
  let editing = null;
  const name = h("input", { type: "text", name: "name", required: true, maxlength: "40", pattern: "[a-z0-9][a-z0-9-]*" });
  const issuer = h("input", { type: "url", name: "issuer", required: true, placeholder: "https://login.example.org/realms/city" });
  const clientId = h("input", { type: "text", name: "client_id", required: true, autocomplete: "off" });
  const secret = h("input", { type: "password", name: "client_secret", autocomplete: "new-password" });
  const scopes = h("input", { type: "text", name: "scopes", value: "openid email profile" });
  const domains = h("input", { type: "text", name: "email_domains", placeholder: "gent.be, stad.gent" });
  const city = h("select", { name: "city_id" }, h("option", { value: "" }, t("providers.no_city")),
    cities.map((c) => h("option", { value: String(c.id) }, c.name)));
  const [required, requiredLabel] = check("required", t("providers.required"));
  const [autoCreate, autoLabel] = check("auto_create", t("providers.auto_create"));
  const heading = h("h2", { id: "provider-form-title" }, t("providers.new"));
  const submit = h("button", { type: "submit", class: "primary" }, t("providers.add"));
  const cancel = h("button", { type: "button", class: "ghost", hidden: true, onclick: () => reset() }, t("common.cancel"));
  const form = h("form", { class: "card stack", novalidate: true, "aria-labelledby": "provider-form-title" },
    heading, formError(),
    h("div", { class: "grid fields" },
      field(t("providers.name"), name, { hint: t("providers.name_hint") }), field(t("providers.issuer"), issuer),
      field(t("providers.client_id"), clientId), field(t("providers.client_secret"), secret, { hint: t("providers.secret_hint_new") }),
      field(t("providers.scopes"), scopes), field(t("providers.domains"), domains, { hint: t("providers.domains_hint") }),
      field(t("providers.city"), city)),
    autoLabel, requiredLabel,
    h("div", { class: "row end" }, cancel, submit));
  const hint = () => form.querySelector(`#${secret.id}-hint`);
  function reset() {
    editing = null;
    form.reset();
    scopes.value = "openid email profile";
    heading.textContent = t("providers.new");
    submit.textContent = t("providers.add");
    hint().textContent = t("providers.secret_hint_new");
    cancel.hidden = true;
  }
  form.edit = (provider) => {
    editing = provider;
    name.value = provider.name; issuer.value = provider.issuer; clientId.value = provider.client_id; secret.value = "";
    scopes.value = provider.scopes.join(" "); domains.value = provider.email_domains.join(", ");
    city.value = provider.city_id ? String(provider.city_id) : "";
    required.checked = provider.required; autoCreate.checked = provider.auto_create;
    heading.textContent = t("providers.edit", { name: provider.name });
    submit.textContent = t("common.save");
    hint().textContent = t("providers.secret_hint_edit");
    cancel.hidden = false;
    name.focus();
  };
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    await busy(form, async () => {
      try {
        const body = { name: name.value.trim(), issuer: issuer.value.trim(), client_id: clientId.value.trim(),
          scopes: words(scopes.value), email_domains: words(domains.value), required: required.checked,
          auto_create: autoCreate.checked, city_id: city.value ? Number(city.value) : null };
        if (secret.value || !editing) body.client_secret = secret.value;
        const saved = editing ? await api.patch(`/api/identity-providers/${editing.id}`, body) : await api.post("/api/identity-providers", body);
        toast(t("providers.saved", { name: saved.name }));
        reset();
        await onSaved();
      } catch (error) {
        showFormError(form, error);
      }
    });
  });
  return form;
}

function providerRow(provider, cities, form, reload) {
  const cityName = cities.find((c) => c.id === provider.city_id)?.name || "";
  const actions = provider.source === "settings" ? h("span", { class: "muted small" }, t("providers.from_settings")) :
    h("div", { class: "row" },
      h("button", { type: "button", class: "ghost small", "aria-label": t("providers.edit", { name: provider.name }), onclick: () => form.edit(provider) }, t("common.edit")),
      h("button", { type: "button", class: "ghost small danger-text", "aria-label": t("providers.remove", { name: provider.name }),
        onclick: async (event) => {
          if (!window.confirm(t("providers.remove_confirm", { name: provider.name }))) return;
          event.target.disabled = true;
          try {
            await api.del(`/api/identity-providers/${provider.id}`);
            toast(t("providers.removed", { name: provider.name }));
          } catch { toast(t("error.generic"), "error"); }
          await reload();
        } }, t("providers.remove_short")));
  const flags = [provider.required ? t("providers.flag_required") : null, provider.auto_create ? t("providers.flag_auto") : null].filter(Boolean);
  return h("tr", { dataset: { provider: provider.name } },
    h("th", { scope: "row" }, provider.name, h("span", { class: "muted small block" }, provider.issuer)),
    h("td", { "data-label": t("providers.domains") }, provider.email_domains.join(", ") || t("providers.any_domain")),
    h("td", { "data-label": t("providers.city") }, cityName),
    h("td", { "data-label": t("providers.rules") }, flags.map((flag) => h("span", { class: "badge" }, flag))),
    h("td", {}, actions));
}

/** The admin's tab: a table of providers and the form that adds or edits one (filled once loaded). */
export function providersTab() {
  const box = h("div", { class: "stack" }, spinner());
  fill(box).catch(() => clear(box, h("p", { class: "notice" }, t("error.generic"))));
  return box;
}

async function fill(box) {
  const cities = await loadCities();
  const table = h("div");
  const form = providerForm(cities, () => reload());
  async function reload() {
    const { items } = await api.get("/api/identity-providers");
    clear(table, items.length ? h("div", { class: "table-wrap" }, h("table", { class: "stack-table" },
      h("caption", { class: "visually-hidden" }, t("providers.title")),
      h("thead", {}, h("tr", {}, [t("providers.name"), t("providers.domains"), t("providers.city"), t("providers.rules"), ""].map((label) => h("th", { scope: "col" }, label)))),
      h("tbody", {}, items.map((provider) => providerRow(provider, cities, form, reload))))) : emptyState(t("providers.none")));
  }
  await reload();
  clear(box, h("p", { class: "muted" }, t("providers.lead")), table, form);
}
