// Unread counts and mention notifications, from the server's read positions (docs/realtime.md,
// "Unread"): per space for the sidebar, per thread for a space's list, and the mentions the
// user's own stream announces. Nothing is kept in browser storage, so every device agrees.
import { api } from "./api.js";

const listeners = new Set();
let timer = null;
let inflight = null;

export const unread = {
  spaces: new Map(), // space_id -> {unread, mentions}
  notifications: [], // newest first: {id, message_id, thread_id, space_id, thread_title, author, at, seen}
};

function emit() {
  listeners.forEach((listener) => { try { listener(); } catch { /* one broken view must not stop the others */ } });
}

/** Call listener whenever counts or notifications change; returns a function that stops. */
export function onUnread(listener) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export async function loadUnread() {
  if (inflight) return inflight;
  inflight = (async () => {
    try {
      const { items } = await api.get("/api/unread");
      unread.spaces = new Map(items.map((item) => [item.space_id, { unread: item.unread, mentions: item.mentions }]));
      emit();
    } catch { /* counts are a convenience: keep the last ones */ }
    finally { inflight = null; }
  })();
  return inflight;
}

/** Refetch soon, once, however many events ask for it. */
export function refreshUnread(delay = 250) {
  clearTimeout(timer);
  timer = setTimeout(loadUnread, delay);
}

export function spaceUnread(spaceId) {
  return unread.spaces.get(Number(spaceId)) || { unread: 0, mentions: 0 };
}

export function totalMentions() {
  let total = 0;
  for (const entry of unread.spaces.values()) total += entry.mentions;
  return total;
}

export function unseenNotifications() {
  return unread.notifications.filter((item) => !item.seen).length;
}

export function addNotification(frame) {
  const data = frame.data || {};
  if (unread.notifications.some((item) => item.id === frame.id)) return false;
  unread.notifications.unshift({ id: frame.id, ...data, at: new Date().toISOString(), seen: false });
  unread.notifications.length = Math.min(unread.notifications.length, 50);
  emit();
  refreshUnread();
  return true;
}

export function markNotificationsSeen(threadId) {
  let changed = false;
  for (const item of unread.notifications) {
    if (!item.seen && (threadId === undefined || item.thread_id === threadId)) { item.seen = true; changed = true; }
  }
  if (changed) emit();
}

const positions = new Map(); // thread_id -> highest message id sent
const sendTimers = new Map();

/** Move my read position in a thread forward (never back); batched, so scrolling sends one request. */
export function markRead(threadId, messageId) {
  if (!messageId || messageId <= (positions.get(threadId) || 0)) return;
  positions.set(threadId, messageId);
  clearTimeout(sendTimers.get(threadId));
  sendTimers.set(threadId, setTimeout(async () => {
    sendTimers.delete(threadId);
    try {
      await api.put(`/api/threads/${threadId}/read`, { message_id: positions.get(threadId) });
      refreshUnread(0);
    } catch { positions.delete(threadId); }
  }, 300));
}

export function rememberPosition(threadId, messageId) {
  if (messageId && messageId > (positions.get(threadId) || 0)) positions.set(threadId, messageId);
}

export function resetUnread() {
  unread.spaces.clear();
  unread.notifications = [];
  positions.clear();
  emit();
}
