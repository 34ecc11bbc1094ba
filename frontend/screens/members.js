import { api } from "../api.js";
import { setCurrentSpace, setTitle } from "../app.js";
import { formatDate, t } from "../i18n.js";
import { cityName, loadCities, store } from "../store.js";
import { avatar, busy, clear, describeError, field, formError, h, showFormError, spinner, toast } from "../ui.js";
import { spaceHeader } from "./parts.js";
import { loadSpace, presenceList } from "./space.js";

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

export async function show(main, [id]) {
  const space = await loadSpace(Number(id));
  setTitle(t("space.tab_members"), space.name);
  setCurrentSpace(space.id);
  await loadCities().catch(() => {});
  const me = store.me;
  const isModerator = space.my_role === "moderator" || me.is_admin;
  const list = h("ul", { class: "members" }, spinner("li"));
  const presence = presenceList(space.id);
  main.append(h("div", { class: "with-aside" },
    h("section", { class: "page" },
      spaceHeader(space, "members"),
      isModerator ? inviteForm(space, { allowModerator: me.is_admin }) : null,
      h("h2", { class: "section-title" }, t("members.title")),
      list),
    h("aside", { class: "aside" }, presence.element)));

  async function load() {
    const { items } = await api.get(`/api/spaces/${space.id}/members`);
    clear(list, items.map((member) => {
      const user = member.user;
      const actions = h("div", { class: "row gap" });
      if (isModerator && user.id !== me.id) {
        if (member.state === "pending") {
          actions.append(h("button", { type: "button", class: "primary small", onclick: () => change(user, member.role) }, t("members.approve")));
        }
        if (me.is_admin) {
          const other = member.role === "moderator" ? "member" : "moderator";
          actions.append(h("button", { type: "button", class: "ghost small", onclick: () => change(user, other) },
            other === "moderator" ? t("members.make_moderator") : t("members.make_member")));
        }
        if (member.role !== "moderator" || me.is_admin) {
          actions.append(h("button", { type: "button", class: "ghost small danger-text", onclick: () => remove(user) }, t("members.remove")));
        }
      }
      return h("li", { class: "member" }, avatar(user),
        h("div", { class: "grow" },
          h("p", {}, h("strong", {}, user.name), " ", h("span", { class: "muted small" }, `@${user.handle}`)),
          h("p", { class: "muted small" }, [user.city_id ? cityName(user.city_id) : null, t(`role.${member.role}`),
            member.state !== "active" ? t(`members.state_${member.state}`) : null,
            member.joined_at ? t("members.since", { date: formatDate(member.joined_at) }) : null].filter(Boolean).join(" · "))),
        actions);
    }));
  }
  async function change(user, role) {
    try { await api.put(`/api/spaces/${space.id}/members/${user.id}`, { role }); await load(); } catch (error) { toast(describeError(error), "error"); }
  }
  async function remove(user) {
    try { await api.del(`/api/spaces/${space.id}/members/${user.id}`); await load(); toast(t("members.removed", { name: user.name })); } catch (error) { toast(describeError(error), "error"); }
  }
  await load();
  return () => presence.stop();
}
