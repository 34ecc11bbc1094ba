// "@na" in the composer offers the space's members whose handle or name starts with it.
import { t } from "../../i18n.js";
import { avatar, clear, h } from "../../ui.js";

/** Wire mention suggestions to a textarea; ctx.members is filled once the member list arrives. */
export function mentionSuggestions(area, ctx) {
  const list = h("ul", { class: "mention-list", id: "mention-list", role: "listbox", hidden: true, "aria-label": t("composer.mentions") });
  let choices = [];
  let active = 0;
  function query() {
    const before = area.value.slice(0, area.selectionStart);
    const match = before.match(/(^|[\s(])@([\p{L}0-9._-]*)$/u);
    return match ? match[2].toLowerCase() : null;
  }
  function close() {
    list.hidden = true;
    area.removeAttribute("aria-activedescendant");
    choices = [];
  }
  function show() {
    const q = query();
    if (q === null) return close();
    choices = ctx.members.map((m) => m.user).filter((user) => user.id !== ctx.me.id &&
      (user.handle.startsWith(q) || user.name.toLowerCase().split(/\s+/).some((part) => part.startsWith(q)))).slice(0, 6);
    if (!choices.length) return close();
    active = Math.min(active, choices.length - 1);
    clear(list, choices.map((user, index) => h("li", { role: "option", id: `mention-${user.id}`, "aria-selected": String(index === active),
      onmousedown: (event) => { event.preventDefault(); pick(user); } },
    avatar(user, "small"), h("span", {}, user.name), h("span", { class: "muted small" }, `@${user.handle}`))));
    list.hidden = false;
    area.setAttribute("aria-activedescendant", `mention-${choices[active].id}`);
  }
  function pick(user) {
    const caret = area.selectionStart;
    const before = area.value.slice(0, caret).replace(/@([\p{L}0-9._-]*)$/u, `@${user.handle} `);
    area.value = before + area.value.slice(caret);
    area.selectionStart = area.selectionEnd = before.length;
    close();
    area.focus();
  }
  /** The composer's keys while the list is open; true when the key was for the list. */
  function keydown(event) {
    if (list.hidden || !choices.length) return false;
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      active = (active + (event.key === "ArrowDown" ? 1 : -1) + choices.length) % choices.length;
      show();
      return true;
    }
    if (event.key === "Enter" || event.key === "Tab") { event.preventDefault(); pick(choices[active]); return true; }
    if (event.key === "Escape") { event.preventDefault(); close(); return true; }
    return false;
  }
  const input = () => { active = 0; show(); };
  area.addEventListener("blur", () => setTimeout(close, 150));
  return { element: list, input, keydown };
}
