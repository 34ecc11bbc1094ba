// Suggestions under the top bar's search box, on every screen: the ARIA combobox pattern (the list
// is announced, arrows move through it, Enter picks, Escape closes), from /api/search/suggest.
import { api } from "../api.js";
import { t } from "../i18n.js";
import { clear, h } from "../ui.js";

/** The suggestion's text: it may carry <mark> around what matched; nothing of it becomes markup. */
function plainSuggestion(entry) {
  const raw = typeof entry === "string" ? entry : entry.text || entry.title || "";
  const box = document.createElement("textarea");
  box.innerHTML = raw.replace(/<\/?mark>/g, "");
  return box.value;
}

/** Makes `input` a combobox; `go(text)` searches for the chosen suggestion. Returns the listbox. */
export function topSuggestions(input, go) {
  const list = h("ul", { id: "top-suggestions", class: "suggestions top-suggestions", role: "listbox", hidden: true, "aria-label": t("search.suggestions") });
  Object.entries({ role: "combobox", "aria-autocomplete": "list", "aria-controls": "top-suggestions", "aria-expanded": "false" })
    .forEach(([name, value]) => input.setAttribute(name, value));
  let options = [];
  let active = -1;
  let timer = null;
  let controller = null;
  function close() {
    list.hidden = true;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    active = -1;
  }
  function draw() {
    clear(list, options.map((text, index) => h("li", { role: "option", id: `top-sugg-${index}`, "aria-selected": String(index === active),
      onmousedown: (event) => { event.preventDefault(); pick(text); } }, text)));
    list.hidden = !options.length;
    input.setAttribute("aria-expanded", String(options.length > 0));
    if (active >= 0) input.setAttribute("aria-activedescendant", `top-sugg-${active}`); else input.removeAttribute("aria-activedescendant");
  }
  function pick(text) {
    input.value = text;
    close();
    go(text);
  }
  input.addEventListener("input", () => {
    clearTimeout(timer);
    const q = input.value.trim();
    if (q.length < 2) { options = []; close(); return; }
    timer = setTimeout(async () => {
      if (controller) controller.abort();
      controller = new AbortController();
      try {
        const answer = await api.get("/api/search/suggest", { q, limit: 8 }, { signal: controller.signal });
        options = [...new Set((answer.items || []).map(plainSuggestion).filter(Boolean))];
        active = -1;
        if (document.activeElement === input) draw();
      } catch { options = []; close(); }
    }, 150);
  });
  input.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && !list.hidden) { event.preventDefault(); close(); return; }
    if (event.key === "ArrowDown" && list.hidden && options.length) { event.preventDefault(); active = 0; draw(); return; }
    if (list.hidden || !options.length) return;
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      const step = event.key === "ArrowDown" ? 1 : -1;
      active = active < 0 ? (step > 0 ? 0 : options.length - 1) : (active + step + options.length) % options.length;
      draw();
    } else if (event.key === "Enter" && active >= 0) {
      event.preventDefault();
      pick(options[active]);
    }
  });
  input.addEventListener("blur", () => setTimeout(close, 150));
  return list;
}
