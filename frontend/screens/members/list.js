// A space's members: the requests to join, the list, and what a moderator may do to each.
import { api } from "../../api.js";
import { formatDate, t } from "../../i18n.js";
import { cityName, store } from "../../store.js";
import { avatar, clear, describeError, h, toast } from "../../ui.js";

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

/** The requests and the list, filled by load(); `known()` maps user id to membership state. */
export function memberList(space, { isModerator, list, requests }) {
  const me = store.me;
  let byUser = new Map(); // user id -> state
  let deferred = false; // a live change arrived while a moderator was writing a reason

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
            }, () => { form.remove(); suspend.focus(); if (deferred) load({ live: true }).catch(() => {}); });
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

  // A live change waits while a reason form is open: re-drawing the list would throw away what is
  // being typed (and the button about to be pressed); it is drawn when the form closes.
  async function load({ live = false } = {}) {
    if (live && (list.querySelector(".reason-form") || requests.querySelector(".reason-form"))) { deferred = true; return; }
    deferred = false;
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

  return { load, known: () => byUser };
}
