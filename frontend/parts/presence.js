// Who is online in a space (a space's aside and its members screen), kept live through the store.
import { presence } from "../dispatch.js";
import { t } from "../i18n.js";
import { store, subscribe } from "../store.js";
import { avatar, clear, h } from "../ui.js";

export function presenceList(spaceId) {
  const box = h("section", { class: "presence", "aria-labelledby": "presence-title" },
    h("h2", { id: "presence-title", class: "side-title" }, t("presence.title")),
    h("ul", { class: "people" }, h("li", { class: "muted small" }, t("presence.nobody"))));
  const render = () => {
    const users = presence(spaceId).filter((user) => user.id !== store.me.id).sort((a, b) => a.name.localeCompare(b.name));
    clear(box.querySelector("ul"), users.length
      ? users.map((user) => h("li", {}, h("span", { class: "online-dot", "aria-hidden": "true" }), avatar(user, "small"), user.name))
      : h("li", { class: "muted small" }, t("presence.nobody")));
  };
  const stop = subscribe(`presence:${spaceId}`, render);
  render();
  return { element: box, stop };
}
