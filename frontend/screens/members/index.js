// A space's members screen: who takes part, who asks to, invitations; kept live (member.* events).
import { watch } from "../../dispatch.js";
import { t } from "../../i18n.js";
import { setCurrentSpace, setTitle } from "../../nav.js";
import { inviteForm } from "../../parts/invite.js";
import { presenceList } from "../../parts/presence.js";
import { loadSpace, spaceHeader } from "../../parts/space.js";
import { loadCities, store } from "../../store.js";
import { h, spinner } from "../../ui.js";
import { addPersonForm, pendingInvitations } from "./forms.js";
import { memberList } from "./list.js";

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
  const members = memberList(space, { isModerator, list, requests });
  main.append(h("div", { class: "with-aside" },
    h("section", { class: "page" },
      spaceHeader(space, "members"),
      requests,
      isModerator ? inviteForm(space, { allowModerator: me.is_admin, onInvited: () => invitations.load() }) : null,
      isModerator ? addPersonForm(space, { existing: members.known, onAdded: () => members.load() }) : null,
      invitations ? invitations.element : null,
      h("h2", { class: "section-title", id: "members-title", tabindex: "-1" }, t("members.title")),
      list),
    h("aside", { class: "aside" }, presence.element)));
  const stopLive = watch(space.id, "members", () => members.load({ live: true }).catch(() => {}));
  await Promise.all([members.load(), invitations ? invitations.load() : null]);
  return () => { presence.stop(); stopLive(); };
}
