// What the shell says about live state: the connection banner, and toasts for a mention of me
// or a space I joined. Everything arrives through the store's topics (dispatch.js).
import { t } from "../i18n.js";
import { everConnected, connectionState } from "../dispatch.js";
import { sessionExpired } from "../session.js";
import { subscribe } from "../store.js";
import { announce, toast } from "../ui.js";
import { markNotificationsSeen } from "../unread.js";

function connectionBanner() {
  const banner = document.getElementById("connection");
  let shownAt = 0;
  subscribe("connection", ({ state, previous }) => {
    if (state === "offline" || (state === "connecting" && everConnected())) {
      banner.textContent = state === "offline" ? t("live.offline") : t("live.reconnecting");
      banner.dataset.state = state;
      banner.hidden = false;
      shownAt = Date.now();
    } else if (state === "online" && !banner.hidden) {
      banner.textContent = t("live.back");
      banner.dataset.state = "online";
      setTimeout(() => { if (connectionState() === "online") banner.hidden = true; }, Math.max(1500, 2500 - (Date.now() - shownAt)));
    }
    if (previous === "online" && state !== "online") document.body.classList.add("is-offline");
    if (state === "online") document.body.classList.remove("is-offline");
  });
  window.addEventListener("offline", () => {
    banner.textContent = t("live.offline");
    banner.dataset.state = "offline";
    banner.hidden = false;
  });
}

function mentionToasts() {
  subscribe("notification", (data) => {
    const text = t("notify.toast", { name: data.author ? data.author.name : t("common.someone"), title: data.thread_title || "" });
    const here = location.pathname === `/threads/${data.thread_id}` && document.visibilityState === "visible";
    if (here) markNotificationsSeen(data.thread_id);
    else toast(text);
    announce(text);
  });
  subscribe("joined", (space) => {
    const text = t("notify.joined", { space: space.name });
    toast(text);
    announce(text);
  });
}

/** Once, at boot. */
export function showNotices() {
  connectionBanner();
  mentionToasts();
  subscribe("unauthorized", sessionExpired); // the socket says the session is gone (4401) or foreign (4403)
}
