// An invitation link: what it invites to, then a name and password (new officials), sign-in first
// (people who already have an account), or one click (already signed in).
import { api } from "../api.js";
import { formatDate, t } from "../i18n.js";
import { setTitle } from "../nav.js";
import { afterSignIn } from "../session.js";
import { signedIn, store } from "../store.js";
import { busy, describeError, field, formError, h, showFormError } from "../ui.js";

function frame(main, ...content) {
  main.append(h("div", { class: "auth" },
    h("div", { class: "auth-brand" }, h("img", { src: "/icon.svg", alt: "", width: "40", height: "40" }), h("span", {}, "Citybridge")),
    h("section", { class: "card auth-card", "aria-labelledby": "invite-title" }, h("h1", { id: "invite-title" }, t("invite.title")), ...content)));
}

export async function show(main, [token]) {
  setTitle(t("invite.title"));
  const signinHref = `/signin?next=${encodeURIComponent(location.pathname)}`;
  let preview;
  try {
    preview = await api.get(`/api/invitations/${encodeURIComponent(token)}`);
  } catch (error) {
    frame(main, h("p", { class: "form-error", role: "alert" }, error.status === 404 ? t("error.invitation_invalid") : describeError(error)),
      h("p", {}, h("a", { href: store.me ? "/" : "/signin" }, store.me ? t("nav.home") : t("signin.title"))));
    return;
  }
  const what = h("div", { class: "invite-what" },
    h("p", { class: "lead" }, t("invite.to_space", { space: preview.space_name, role: t(`role.${preview.role}`) })),
    h("p", { class: "muted small" }, t("invite.for_email", { email: preview.email, date: formatDate(preview.expires_at) })));
  const signedInAs = store.me;
  if (!signedInAs && preview.has_account) {
    // The invited email already has an account: accepting needs that account, not a new password.
    frame(main, what,
      h("p", { class: "notice" }, t("invite.has_account", { email: preview.email })),
      h("p", {}, h("a", { class: "button primary wide", href: signinHref }, t("invite.sign_in_first"))));
    return;
  }
  if (signedInAs && signedInAs.email.toLowerCase() !== preview.email.toLowerCase()) {
    frame(main, what, h("p", { class: "notice" }, t("invite.other_account", { name: signedInAs.name, email: preview.email })));
    return;
  }
  const name = h("input", { type: "text", name: "name", autocomplete: "name", required: true, maxlength: "120" });
  const password = h("input", { type: "password", name: "password", autocomplete: "new-password", required: true, minlength: "8" });
  const form = h("form", { class: "stack", novalidate: true },
    formError(),
    signedInAs ? h("p", {}, t("invite.as_user", { name: signedInAs.name })) : [
      h("p", { class: "muted" }, t("invite.lead")),
      field(t("invite.name"), name),
      field(t("invite.password"), password, { hint: t("invite.password_hint") }),
    ],
    h("button", { type: "submit", class: "primary wide" }, t("invite.submit")));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    await busy(form, async () => {
      try {
        const body = signedInAs ? {} : { name: name.value.trim(), password: password.value };
        const session = await api.post(`/api/invitations/${encodeURIComponent(token)}/accept`, body);
        signedIn(session);
        await afterSignIn(`/spaces/${preview.space_id}`);
      } catch (error) {
        showFormError(form, error);
      }
    });
  });
  frame(main, what, form);
  if (!signedInAs) {
    main.querySelector(".auth").append(h("p", { class: "auth-foot muted small" }, h("a", { href: signinHref }, t("invite.have_account"))));
  }
}
