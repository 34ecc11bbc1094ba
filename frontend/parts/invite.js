// Inviting someone to a space by email (a space's members screen, and the admin's invitations tab).
import { api } from "../api.js";
import { t } from "../i18n.js";
import { busy, clear, field, formError, h, showFormError, toast } from "../ui.js";

export function inviteForm(space, { allowModerator, cities, onInvited }) {
  const email = h("input", { type: "email", name: "email", required: true, autocomplete: "off" });
  const role = h("select", { name: "role" }, h("option", { value: "member" }, t("role.member")),
    allowModerator ? h("option", { value: "moderator" }, t("role.moderator")) : null);
  const city = h("select", { name: "city_id" }, h("option", { value: "" }, t("members.no_city")),
    (cities || space.cities).map((c) => h("option", { value: String(c.id) }, c.name)));
  const result = h("div", { class: "invite-result", "aria-live": "polite" });
  const form = h("form", { class: "card stack", novalidate: true, "aria-labelledby": `invite-${space.id}` },
    h("h2", { id: `invite-${space.id}` }, t("members.invite_title")),
    formError(),
    h("div", { class: "grid fields" }, field(t("members.email"), email), field(t("members.role"), role), field(t("members.city"), city)),
    h("div", { class: "row end" }, h("button", { type: "submit", class: "primary" }, t("members.invite"))),
    result);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    await busy(form, async () => {
      try {
        const body = { email: email.value.trim(), space_id: space.id, role: role.value };
        if (city.value) body.city_id = Number(city.value);
        const invitation = await api.post("/api/invitations", body);
        const url = new URL(invitation.link || `/invitations/${invitation.token}`, location.origin).href;
        const linkBox = h("input", { type: "text", readonly: true, value: url, "aria-label": t("members.invite_link") });
        clear(result, h("div", { class: "notice success" },
          h("p", {}, t("members.invited", { email: invitation.email })),
          h("div", { class: "row" }, linkBox, h("button", { type: "button", class: "ghost small", onclick: async () => {
            linkBox.select();
            try { await navigator.clipboard.writeText(url); toast(t("common.copied")); } catch { document.execCommand && linkBox.select(); }
          } }, t("common.copy")))));
        email.value = "";
        if (onInvited) onInvited(invitation);
      } catch (error) {
        showFormError(form, error);
      }
    });
  });
  return form;
}
