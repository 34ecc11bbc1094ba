// My personal calendar feed: its secret address, to paste into a calendar app, and a way to
// replace it (the old address stops working).
import { api } from "../../api.js";
import { t } from "../../i18n.js";
import { busy, describeError, h, toast } from "../../ui.js";

export function feedBox() {
  const address = h("input", { type: "text", readonly: true, class: "feed-url", "aria-label": t("events.feed_address") });
  const shown = h("div", { class: "stack", hidden: true }, address,
    h("button", { type: "button", class: "ghost small", onclick: (click) => busy(box, async () => {
      try {
        address.value = (await api.post("/api/me/calendar")).url;
        toast(t("events.feed_rotated"));
      } catch (error) { toast(describeError(error), "error"); }
      click.target.focus();
    }) }, t("events.feed_rotate")));
  const reveal = h("button", { type: "button", onclick: async () => {
    try {
      address.value = (await api.get("/api/me/calendar")).url;
      shown.hidden = false;
      reveal.hidden = true;
      address.select();
      address.focus();
    } catch (error) { toast(describeError(error), "error"); }
  } }, t("events.feed_show"));
  const box = h("section", { class: "card stack feed-box", "aria-labelledby": "feed-title" },
    h("h2", { id: "feed-title" }, t("events.feed_title")),
    h("p", { class: "muted small" }, t("events.feed_hint")), reveal, shown);
  return box;
}
