// A members screen's forms for moderators: add someone who has an account, the invitations pending.
import { api } from "../../api.js";
import { formatDate, t } from "../../i18n.js";
import { cityName } from "../../store.js";
import { avatar, busy, clear, describeError, field, formError, h, showFormError, toast } from "../../ui.js";

/** Find someone who already has an account and add them (admins and moderators). */
export function addPersonForm(space, { existing, onAdded }) {
  const input = h("input", { type: "search", name: "q", autocomplete: "off", minlength: "3", maxlength: "120" });
  const results = h("ul", { class: "people-results", "aria-live": "polite" });
  const form = h("form", { class: "card stack", role: "search", novalidate: true, "aria-labelledby": `add-${space.id}` },
    h("h2", { id: `add-${space.id}` }, t("members.add_title")),
    formError(),
    h("div", { class: "row wrap align-end" }, h("div", { class: "grow" }, field(t("members.find"), input, { hint: t("members.find_hint") })),
      h("button", { type: "submit" }, t("members.find_button"))),
    results);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const q = input.value.trim();
    if (q.length < 3) { input.focus(); return; }
    await busy(form, async () => {
      try {
        const { items } = await api.get("/api/users", { q, limit: 10 });
        const known = existing();
        clear(results, items.length ? items.map((user) => {
          const state = known.get(user.id);
          return h("li", { class: "member" }, avatar(user),
            h("div", { class: "grow" }, h("p", {}, h("strong", {}, user.name), " ", h("span", { class: "muted small" }, user.email)),
              h("p", { class: "muted small" }, [user.city_id ? cityName(user.city_id) : null, user.position].filter(Boolean).join(" · "))),
            state === "active" ? h("span", { class: "muted small" }, t("members.already"))
              : h("button", { type: "button", class: "primary small", "aria-label": t("members.add_label", { name: user.name }), onclick: async (click) => {
                click.target.disabled = true;
                try {
                  await api.put(`/api/spaces/${space.id}/members/${user.id}`, { role: "member" });
                  toast(t("members.added", { name: user.name }));
                  clear(results);
                  input.value = "";
                  await onAdded(user);
                } catch (error) { click.target.disabled = false; showFormError(form, error); }
              } }, t("members.add")));
        }) : h("li", { class: "muted small" }, t("members.nobody_found", { q })));
      } catch (error) { showFormError(form, error); }
    });
  });
  return form;
}

/** Invitations sent but not accepted yet, with a way to withdraw each (moderators). */
export function pendingInvitations(space) {
  const box = h("section", { class: "invitations", "aria-labelledby": `pending-${space.id}` });
  async function load() {
    let items = [];
    try { ({ items } = await api.get(`/api/spaces/${space.id}/invitations`)); } catch (error) {
      clear(box, h("p", { class: "notice" }, describeError(error)));
      return;
    }
    clear(box, h("h2", { id: `pending-${space.id}`, class: "section-title", tabindex: "-1" }, t("members.pending_invitations")),
      items.length ? h("ul", { class: "members" }, items.map((invitation) => h("li", { class: "member" },
        h("div", { class: "grow" }, h("p", {}, h("strong", {}, invitation.email)),
          h("p", { class: "muted small" }, [t(`role.${invitation.role}`), invitation.city_id ? cityName(invitation.city_id) : null,
            t("members.expires", { date: formatDate(invitation.expires_at) })].filter(Boolean).join(" · "))),
        h("button", { type: "button", class: "ghost small danger-text", "aria-label": t("members.withdraw_label", { email: invitation.email }),
          onclick: async () => {
            try {
              await api.del(`/api/invitations/${invitation.id}`);
              toast(t("members.withdrawn", { email: invitation.email }));
              await load();
              box.querySelector("h2").focus();
            } catch (error) { toast(describeError(error), "error"); }
          } }, t("members.withdraw")))))
        : h("p", { class: "muted small" }, t("members.no_invitations")));
  }
  return { element: box, load };
}
