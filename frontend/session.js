// Signing in and out: what the app starts when someone signs in and stops when the session ends.
import { api } from "./api.js";
import { pickLocale, setLocale, t } from "./i18n.js";
import { followMySpaces, stopFollowing } from "./dispatch.js";
import { live } from "./live.js";
import { navigate } from "./nav.js";
import { loadSpaces, signedOut, store } from "./store.js";
import { toast } from "./ui.js";
import { loadUnread, resetUnread } from "./unread.js";

/** Start what a signed-in person needs: spaces, the socket, my spaces followed, unread counts. */
export async function startSession() {
  await setLocale(pickLocale(store.me.locale));
  try { await loadSpaces(); } catch { /* the screen will show the error */ }
  live.start();
  followMySpaces();
  loadUnread();
}

/** The sign-in hand-off (sign-in and invitation screens): start, then go where the person was going. */
export async function afterSignIn(next) {
  await setLocale(pickLocale(store.me.locale));
  await loadSpaces();
  live.start();
  followMySpaces();
  loadUnread();
  document.getElementById("app").className = "app";
  navigate(next && next.startsWith("/") && !next.startsWith("//") ? next : "/", { replace: true });
}

function stop() {
  stopFollowing();
  live.stop();
  resetUnread();
  signedOut();
}

export async function signOut() {
  try { await api.del("/api/session"); } catch { /* signing out locally is what matters */ }
  stop();
  navigate("/signin");
}

/** The server says the session is gone (a 401 answer, or the socket's 4401/4403): sign in again. */
export function sessionExpired() {
  if (!store.me) return;
  stop();
  toast(t("error.session_expired"), "error");
  navigate(`/signin?next=${encodeURIComponent(location.pathname)}`);
}
