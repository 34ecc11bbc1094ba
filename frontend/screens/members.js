import { api } from "../api.js";
import { setCurrentSpace, setTitle } from "../app.js";
import { formatDate, t } from "../i18n.js";
import { cityName, loadCities, store } from "../store.js";
import { live } from "../live.js";
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

/** Find someone who already has an account and add them (admins and moderators). */
function addPersonForm(space, { existing, onAdded }) {
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
function pendingInvitations(space) {
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

export async function show(main, [id]) {
  const space = await loadSpace(Number(id));
  setTitle(t("space.tab_members"), space.name);
  setCurrentSpace(space.id);
  await loadCities().catch(() => {});
  const me = store.me;
  const isModerator = space.my_role === "moderator" || me.is_admin;
  const list = h("ul", { class: "members" }, spinner("li"));
  const requests = h("section", { class: "requests", hidden: true, "aria-labelledby": "requests-title" });
  const presence = presenceList(space.id);
  const invitations = isModerator ? pendingInvitations(space) : null;
  let byUser = new Map(); // user id -> state
  main.append(h("div", { class: "with-aside" },
    h("section", { class: "page" },
      spaceHeader(space, "members"),
      requests,
      isModerator ? inviteForm(space, { allowModerator: me.is_admin, onInvited: () => invitations.load() }) : null,
      isModerator ? addPersonForm(space, { existing: () => byUser, onAdded: () => load() }) : null,
      invitations ? invitations.element : null,
      h("h2", { class: "section-title", id: "members-title", tabindex: "-1" }, t("members.title")),
      list),
    h("aside", { class: "aside" }, presence.element)));

  function reasonForm(label, submitLabel, onSubmit, onCancel) {
    const reason = h("input", { type: "text", required: true, maxlength: "1000" });
    const error = h("p", { class: "form-error", role: "alert", hidden: true });
    const form = h("form", { class: "reason-form row wrap", novalidate: true },
      h("label", { class: "grow" }, label, reason), error,
      h("button", { type: "submit", class: "danger small" }, submitLabel),
      h("button", { type: "button", class: "ghost small", onclick: onCancel }, t("common.cancel")));
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      if (!reason.value.trim()) { error.textContent = t("members.reason_required"); error.hidden = false; reason.focus(); return; }
      try { await onSubmit(reason.value.trim()); } catch (failure) { error.textContent = describeError(failure); error.hidden = false; }
    });
    setTimeout(() => reason.focus());
    return form;
  }

  function memberItem(member) {
    const user = member.user;
    const actions = h("div", { class: "row gap wrap" });
    const li = h("li", { class: `member state-${member.state}`, dataset: { user: String(user.id) } });
    const act = (label, handler, cls = "ghost small", aria) => h("button", { type: "button", class: cls, "aria-label": aria, onclick: handler }, label);
    if (isModerator && user.id !== me.id) {
      const named = (key) => t(key, { name: user.name });
      if (member.state === "pending") {
        actions.append(
          act(t("members.approve"), () => decide(user, "approve", t("members.approved", { name: user.name })), "primary small", named("members.approve_label")),
          act(t("members.refuse"), () => decide(user, "refuse", t("members.refused", { name: user.name })), "ghost small", named("members.refuse_label")));
      } else if (member.state === "suspended") {
        actions.append(act(t("members.reinstate"), () => decide(user, "reinstate", t("members.reinstated", { name: user.name })), "small", named("members.reinstate_label")));
      } else {
        if (me.is_admin) {
          const other = member.role === "moderator" ? "member" : "moderator";
          actions.append(act(other === "moderator" ? t("members.make_moderator") : t("members.make_member"), () => change(user, other)));
        }
        if (member.role !== "moderator" || me.is_admin) {
          const suspend = act(t("members.suspend"), () => {
            if (li.querySelector(".reason-form")) return;
            const form = reasonForm(t("members.suspend_reason"), t("members.suspend"), async (reason) => {
              await api.post(`/api/spaces/${space.id}/members/${user.id}/suspend`, { reason });
              toast(t("members.suspended", { name: user.name }));
              await load();
            }, () => { form.remove(); suspend.focus(); });
            li.append(form);
          }, "ghost small", named("members.suspend_label"));
          actions.append(suspend);
        }
      }
      if (member.state !== "pending" && (member.role !== "moderator" || me.is_admin)) {
        actions.append(act(t("members.remove"), () => remove(user), "ghost small danger-text", named("members.remove_label")));
      }
    }
    li.append(avatar(user),
      h("div", { class: "grow" },
        h("p", {}, h("strong", {}, user.name), " ", h("span", { class: "muted small" }, `@${user.handle}`)),
        h("p", { class: "muted small" }, [user.city_id ? cityName(user.city_id) : null, t(`role.${member.role}`),
          member.state !== "active" ? t(`members.state_${member.state}`) : null,
          member.joined_at ? t("members.since", { date: formatDate(member.joined_at) }) : null].filter(Boolean).join(" · "))),
      actions);
    return li;
  }

  async function load() {
    const { items } = await api.get(`/api/spaces/${space.id}/members`);
    byUser = new Map(items.map((member) => [member.user.id, member.state]));
    const waiting = items.filter((member) => member.state === "pending");
    requests.hidden = !waiting.length;
    clear(requests, h("h2", { class: "section-title", id: "requests-title" }, t("members.requests", { count: waiting.length })),
      h("ul", { class: "members" }, waiting.map(memberItem)));
    clear(list, items.filter((member) => member.state !== "pending").map(memberItem));
  }
  async function decide(user, action, done) {
    try {
      await api.post(`/api/spaces/${space.id}/members/${user.id}/${action}`, action === "refuse" ? {} : undefined);
      toast(done);
      await load();
      document.getElementById("members-title").focus();
    } catch (error) { toast(describeError(error), "error"); }
  }
  async function change(user, role) {
    try { await api.put(`/api/spaces/${space.id}/members/${user.id}`, { role }); await load(); } catch (error) { toast(describeError(error), "error"); }
  }
  async function remove(user) {
    try { await api.del(`/api/spaces/${space.id}/members/${user.id}`); await load(); toast(t("members.removed", { name: user.name })); } catch (error) { toast(describeError(error), "error"); }
  }
  const stopLive = live.subscribe(space.id, (event) => { if (event.kind.startsWith("member.") || event.kind === "reset") load().catch(() => {}); });
  await Promise.all([load(), invitations ? invitations.load() : null]);
  return () => { presence.stop(); stopLive(); };
}
