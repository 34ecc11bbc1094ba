// Small pieces the transfer screen's parts share.
import { h } from "../../ui.js";

/** A form behind a summary line ("Add a milestone…"): closed, it takes one line of the screen.
 * An open one counts as being written in (transfer.js does not redraw under it). */
export function disclosure(label, form, { className = "", open = false } = {}) {
  const details = h("details", { class: `disclosure ${className}`.trim(), open }, h("summary", {}, label), form);
  details.addEventListener("toggle", () => {
    if (!details.open) return;
    // The event comes after the click: a field chosen meanwhile keeps the focus (and what is typed).
    if (form.contains(document.activeElement)) return;
    const first = form.querySelector("input:not([type=hidden]), select, textarea");
    if (first) first.focus();
  });
  return details;
}

/** Today in the viewer's own calendar, as YYYY-MM-DD. */
export function today() {
  const now = new Date();
  return new Date(now.getTime() - now.getTimezoneOffset() * 60_000).toISOString().slice(0, 10);
}

/** An input showing a value it was given: its `defaultValue` too, so it does not count as edited. */
export function prefilled(input) {
  input.defaultValue = input.value;
  return input;
}
